// A small flat button with a text glyph and a tooltip (no icon files needed).
import QtQuick
import QtQuick.Controls

ToolButton {
    id: control
    property string tip: ""
    property color tint: theme.textMuted
    font.pixelSize: theme.fontSize - 2
    hoverEnabled: true
    Accessible.name: tip.length > 0 ? tip : text
    ToolTip.visible: hovered && tip.length > 0
    ToolTip.text: tip
    ToolTip.delay: 500
    contentItem: Text {
        text: control.text
        font: control.font
        color: control.enabled ? (control.hovered ? theme.text : control.tint) : theme.border
        horizontalAlignment: Text.AlignHCenter
        verticalAlignment: Text.AlignVCenter
    }
    background: Rectangle {
        implicitWidth: 28
        implicitHeight: 26
        radius: 8
        color: control.down ? theme.selection : (control.hovered ? theme.surfaceAlt : "transparent")
    }
}
