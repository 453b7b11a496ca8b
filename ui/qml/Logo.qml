// The Mosaic mark drawn in QML (four tiles), so no image plugin is needed.
import QtQuick

Grid {
    property int size: 24
    columns: 2
    spacing: size / 12
    Accessible.ignored: true
    Repeater {
        model: ["#5b6cf0", "#8a7cf5", "#3fb6a8", "#f0a35b"]
        delegate: Rectangle {
            required property string modelData
            width: (parent.size - parent.spacing) / 2
            height: width
            radius: width / 4
            color: modelData
        }
    }
}
