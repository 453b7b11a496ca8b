// The camera panel, docked right of the chat: the live picture (a camera or
// a video file standing in for one), "ask about what you see" into the
// chat, and watch mode with its rate, latency and alerts. `camera` is the
// CameraController main() hands to QML.
import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import QtQuick.Dialogs

Rectangle {
    id: panel
    objectName: "cameraPanel"
    signal closeRequested()
    color: theme.surface

    readonly property bool live: camera.sourceState === "live"
    readonly property bool seesPictures: chat.modelState === "ready" && chat.modelInfo.seesPictures === true

    Component.onCompleted: camera.refreshCameras()

    FileDialog {
        id: videoDialog
        title: qsTr("Use a video file as the camera")
        nameFilters: [qsTr("Videos (*.mp4 *.mkv *.webm *.mov *.avi *.m4v)"), qsTr("All files (*)")]
        onAccepted: camera.useVideoFile(selectedFile.toString())
    }

    ScrollView {
        id: scroller
        anchors.fill: parent
        contentWidth: availableWidth
        clip: true
        ScrollBar.horizontal.policy: ScrollBar.AlwaysOff

        ColumnLayout {
            width: scroller.availableWidth
            spacing: 12

            RowLayout {
                Layout.fillWidth: true
                Layout.topMargin: 12
                Layout.leftMargin: 16
                Layout.rightMargin: 8
                Label { text: qsTr("Camera"); font.bold: true; font.pixelSize: theme.fontSize + 2; color: theme.text; Layout.fillWidth: true }
                IconButton { text: "✕"; tip: qsTr("Close the camera panel"); onClicked: panel.closeRequested() }
            }

            // Source: the cameras found, or a video file.
            RowLayout {
                Layout.fillWidth: true
                Layout.leftMargin: 16
                Layout.rightMargin: 16
                spacing: 8
                ComboBox {
                    id: cameraChoice
                    objectName: "cameraChoice"
                    Layout.fillWidth: true
                    Layout.preferredWidth: 120
                    model: camera.cameras.length > 0 ? camera.cameras : [qsTr("No camera found")]
                    enabled: camera.cameras.length > 0
                    Accessible.name: qsTr("Camera")
                }
                Button {
                    objectName: "startCameraButton"
                    text: panel.live && camera.sourceName.startsWith(qsTr("Camera")) ? qsTr("Stop") : qsTr("Start")
                    enabled: camera.cameras.length > 0 || panel.live
                    onClicked: panel.live ? camera.stopSource() : camera.startCamera(cameraChoice.currentIndex)
                }
            }
            RowLayout {
                Layout.fillWidth: true
                Layout.leftMargin: 16
                Layout.rightMargin: 16
                Button { text: qsTr("Use a video file…"); onClicked: videoDialog.open() }
                Button { text: qsTr("Stop"); visible: panel.live || camera.sourceState === "ended"; onClicked: camera.stopSource() }
            }

            // The picture, or what stands in its way.
            Rectangle {
                Layout.fillWidth: true
                Layout.leftMargin: 16
                Layout.rightMargin: 16
                Layout.preferredHeight: width * 9 / 16
                radius: 8
                color: "#101114"
                clip: true
                Image {
                    id: preview
                    objectName: "cameraPreview"
                    anchors.fill: parent
                    visible: panel.live || camera.sourceState === "reconnecting"
                    fillMode: Image.PreserveAspectFit
                    cache: false
                    asynchronous: false
                    source: visible ? "image://camera/" + camera.frameSerial : ""
                    Accessible.role: Accessible.Graphic
                    Accessible.name: qsTr("Camera preview: %1").arg(camera.sourceName)
                }
                Label {
                    objectName: "cameraState"
                    anchors.centerIn: parent
                    width: parent.width - 32
                    visible: !panel.live
                    horizontalAlignment: Text.AlignHCenter
                    wrapMode: Text.Wrap
                    color: "#d0d3dc"
                    text: camera.sourceState === "no-camera" ? qsTr("No camera is available.\n%1\nConnect a camera, or use a video file as the camera.").arg(camera.statusText)
                        : camera.sourceState === "starting" ? camera.statusText
                        : camera.sourceState === "reconnecting" ? qsTr("The camera went away; waiting for it to come back…")
                        : camera.sourceState === "failed" ? qsTr("The camera failed: %1").arg(camera.statusText)
                        : camera.sourceState === "ended" ? qsTr("The video ended.")
                        : camera.cameras.length === 0 ? qsTr("No camera found on this computer.\nUse a video file as the camera instead.")
                        : qsTr("Start a camera to see it here.")
                }
                Rectangle {
                    visible: camera.watching
                    anchors.top: parent.top
                    anchors.left: parent.left
                    anchors.margins: 8
                    radius: 6
                    color: "#c0392b"
                    implicitWidth: watchBadge.implicitWidth + 12
                    implicitHeight: watchBadge.implicitHeight + 6
                    Label { id: watchBadge; anchors.centerIn: parent; text: qsTr("● WATCHING"); color: "white"; font.pixelSize: theme.fontSize - 3; font.bold: true }
                }
            }
            Label {
                Layout.leftMargin: 16
                visible: panel.live
                text: camera.sourceName
                color: theme.textMuted
                font.pixelSize: theme.fontSize - 2
            }

            // Ask about what you see: the latest frames and the question go into the chat.
            Label { Layout.leftMargin: 16; text: qsTr("Ask about what you see"); font.bold: true; color: theme.text }
            RowLayout {
                Layout.fillWidth: true
                Layout.leftMargin: 16
                Layout.rightMargin: 16
                TextField {
                    id: question
                    objectName: "cameraQuestion"
                    Layout.fillWidth: true
                    Layout.preferredWidth: 120
                    placeholderText: qsTr("What is on the table?")
                    onAccepted: askButton.clicked()
                }
                Button {
                    id: askButton
                    objectName: "askButton"
                    text: camera.asking ? qsTr("…") : qsTr("Ask")
                    enabled: panel.live && panel.seesPictures && !chat.generating && !camera.asking && question.text.trim().length > 0
                    onClicked: { camera.askAboutWhatYouSee(question.text, framesSpin.value); question.text = "" }
                }
            }
            RowLayout {
                Layout.leftMargin: 16
                Label { text: qsTr("Frames per question"); color: theme.textMuted }
                SpinBox { id: framesSpin; from: 1; to: 4; value: 1; Accessible.name: qsTr("Frames per question") }
            }
            Label {
                Layout.fillWidth: true
                Layout.leftMargin: 16
                Layout.rightMargin: 16
                visible: !panel.seesPictures
                wrapMode: Text.Wrap
                color: theme.warning
                text: chat.modelState !== "ready" ? qsTr("Load a vision model (such as Qwen3-VL, with its mmproj file beside it) to ask about the picture.")
                                                  : (chat.modelInfo.visionNote || qsTr("The loaded model cannot see pictures."))
            }

            // Watch mode.
            Rectangle { Layout.fillWidth: true; height: 1; color: theme.border }
            Label { Layout.leftMargin: 16; text: qsTr("Watch mode"); font.bold: true; color: theme.text }
            TextField {
                id: instruction
                objectName: "watchInstruction"
                Layout.fillWidth: true
                Layout.leftMargin: 16
                Layout.rightMargin: 16
                enabled: !camera.watching
                placeholderText: qsTr("Tell me when someone enters")
                text: camera.watching ? camera.watchInstruction : text
            }
            RowLayout {
                Layout.leftMargin: 16
                Layout.rightMargin: 16
                Label { text: qsTr("Look every"); color: theme.textMuted }
                SpinBox { id: intervalSpin; from: 1; to: 600; value: 5; enabled: !camera.watching; Accessible.name: qsTr("Seconds between looks") }
                Label { text: qsTr("s and on scene changes"); color: theme.textMuted; wrapMode: Text.Wrap; Layout.fillWidth: true }
            }
            Button {
                objectName: "watchButton"
                Layout.leftMargin: 16
                text: camera.watching ? qsTr("Stop watching") : qsTr("Start watching")
                enabled: camera.watching || (panel.live && panel.seesPictures && instruction.text.trim().length > 0)
                onClicked: camera.watching ? camera.stopWatch() : camera.startWatch(instruction.text, intervalSpin.value, framesSpin.value)
            }
            // Keeping up: rate, latency, dropped samples.
            GridLayout {
                objectName: "watchStats"
                visible: camera.watching || (camera.watchStats.asked || 0) > 0
                Layout.leftMargin: 16
                Layout.rightMargin: 16
                columns: 2
                columnSpacing: 12
                Label { text: qsTr("Looks"); color: theme.textMuted }
                Label { text: qsTr("%1 per minute (%2 asked, %3 skipped to keep up)").arg((camera.watchStats.samplesPerMinute || 0).toFixed(1)).arg(camera.watchStats.asked || 0).arg(camera.watchStats.dropped || 0); color: theme.text; wrapMode: Text.Wrap; Layout.fillWidth: true }
                Label { text: qsTr("Answer time"); color: theme.textMuted }
                Label { Layout.fillWidth: true; wrapMode: Text.Wrap; text: (camera.watchStats.lastLatencyMs === undefined || camera.watchStats.lastLatencyMs < 0) ? qsTr("waiting for the first answer") : qsTr("%1 s (mean %2 s)").arg(((camera.watchStats.lastLatencyMs || 0) / 1000).toFixed(1)).arg(((camera.watchStats.meanLatencyMs || 0) / 1000).toFixed(1)); color: theme.text }
                Label { text: qsTr("Last answer"); color: theme.textMuted }
                Label { text: camera.lastAnswer || "—"; color: theme.text; wrapMode: Text.Wrap; Layout.fillWidth: true; maximumLineCount: 3; elide: Text.ElideRight }
            }
            Label { Layout.leftMargin: 16; visible: camera.alerts.length > 0; text: qsTr("Alerts"); font.bold: true; color: theme.text }
            Repeater {
                model: camera.alerts
                delegate: RowLayout {
                    required property var modelData
                    Layout.fillWidth: true
                    Layout.leftMargin: 16
                    Layout.rightMargin: 16
                    Label { text: modelData.time; color: theme.textMuted; font.family: theme.monoFont }
                    Label { text: modelData.text; color: theme.text; wrapMode: Text.Wrap; Layout.fillWidth: true }
                }
            }
            Item { Layout.preferredHeight: 16 }
        }
    }
}
