// The input: attachment chips, the text area (Enter sends, Shift+Enter adds a
// line, Up on an empty input edits the last message), attach and send/stop.
import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import QtQuick.Dialogs

Rectangle {
    id: composer
    signal editLastRequested()
    property alias input: input
    radius: 16
    color: theme.surface
    border.color: input.activeFocus ? theme.accent : theme.border
    implicitHeight: layout.implicitHeight + 16

    function submit() {
        if (chat.generating) return
        chat.send(input.text)
        if (chat.modelState === "ready") input.text = ""
    }

    FileDialog {
        id: attachDialog
        title: qsTr("Attach files")
        fileMode: FileDialog.OpenFiles
        onAccepted: chat.addAttachments(selectedFiles)
    }

    ColumnLayout {
        id: layout
        anchors.left: parent.left; anchors.right: parent.right; anchors.top: parent.top
        anchors.margins: 8
        spacing: 6

        Flow {
            Layout.fillWidth: true
            visible: chat.attachments.count > 0
            spacing: 6
            Repeater {
                model: chat.attachments
                delegate: Rectangle {
                    id: chip
                    required property int index
                    required property string name
                    required property string size
                    required property string error
                    required property bool checking
                    required property string path
                    required property string mime
                    readonly property bool isImage: mime.startsWith("image/") && error.length === 0 && !checking
                    objectName: isImage ? "imageChip" : "fileChip"
                    radius: 10
                    height: 40  // one height for all chips, thumbnails included
                    width: chipRow.implicitWidth + 16
                    color: error.length > 0 ? Qt.rgba(0.84, 0.27, 0.27, 0.12) : theme.surfaceAlt
                    border.color: error.length > 0 ? theme.danger : theme.border
                    ToolTip.visible: chipHover.hovered && error.length > 0
                    ToolTip.text: error
                    HoverHandler { id: chipHover }
                    Accessible.name: error.length > 0 ? error : name
                    RowLayout {
                        id: chipRow
                        anchors.centerIn: parent
                        spacing: 6
                        // Images as thumbnails (decoded off the GUI thread), other files as a glyph.
                        Image {
                            objectName: "attachmentThumbnail"
                            visible: chip.isImage
                            source: chip.isImage ? "file://" + chip.path : ""
                            asynchronous: true
                            fillMode: Image.PreserveAspectCrop
                            sourceSize: Qt.size(96, 96)
                            Layout.preferredWidth: 30
                            Layout.preferredHeight: 30
                        }
                        Label { visible: !chip.isImage; text: chip.checking ? "…" : (chip.error.length > 0 ? "⚠" : "▤"); color: theme.text }
                        // A file that cannot be attached says why, in the chip itself.
                        Label { text: chip.error.length > 0 ? chip.error : chip.name; color: chip.error.length > 0 ? theme.danger : theme.text; elide: Text.ElideMiddle; Layout.maximumWidth: chip.error.length > 0 ? 360 : 200 }
                        Label { visible: chip.error.length === 0; text: chip.size; color: theme.textMuted; font.pixelSize: theme.fontSize - 3 }
                        IconButton { text: "✕"; tip: qsTr("Remove %1").arg(chip.name); implicitWidth: 20; implicitHeight: 20; onClicked: chat.attachments.remove(chip.index) }
                    }
                }
            }
        }

        RowLayout {
            Layout.fillWidth: true
            spacing: 6
            IconButton { text: "+"; font.pixelSize: theme.fontSize + 6; tip: qsTr("Attach files"); Layout.alignment: Qt.AlignBottom; onClicked: attachDialog.open() }
            ScrollView {
                Layout.fillWidth: true
                Layout.preferredHeight: Math.min(Math.max(input.implicitHeight, 36), 200)
                TextArea {
                    id: input
                    objectName: "messageInput"
                    placeholderText: chat.modelState === "ready" ? qsTr("Message Mosaic…") : qsTr("Load a model to start chatting (Ctrl+K)")
                    placeholderTextColor: theme.textMuted
                    color: theme.text
                    wrapMode: TextArea.Wrap
                    focus: true
                    background: Item {}
                    Accessible.name: qsTr("Message")
                    Keys.onPressed: (event) => {
                        if ((event.key === Qt.Key_Return || event.key === Qt.Key_Enter) && !(event.modifiers & Qt.ShiftModifier)) {
                            composer.submit(); event.accepted = true
                        } else if (event.key === Qt.Key_Up && input.text.length === 0) {
                            composer.editLastRequested(); event.accepted = true
                        } else if (event.matches(StandardKey.Paste) && chat.pasteFiles()) {
                            event.accepted = true
                        }
                    }
                }
            }
            Button {
                id: sendButton
                objectName: "sendButton"
                Layout.alignment: Qt.AlignBottom
                text: chat.generating ? "■" : "↑"
                Accessible.name: chat.generating ? qsTr("Stop (Esc)") : qsTr("Send (Enter)")
                enabled: chat.generating || input.text.trim().length > 0 || chat.attachments.count > 0
                onClicked: chat.generating ? chat.stop() : composer.submit()
                contentItem: Text { text: sendButton.text; color: theme.accentText; font.pixelSize: theme.fontSize + 2; font.bold: true; horizontalAlignment: Text.AlignHCenter; verticalAlignment: Text.AlignVCenter }
                background: Rectangle { implicitWidth: 36; implicitHeight: 36; radius: 18; color: sendButton.enabled ? theme.accent : theme.border }
            }
        }
    }
}
