// The conversation: header with the model, the messages of the active branch,
// and the input. (Files dropped on the window are handled in Main.qml.)
import QtQuick
import QtQuick.Controls
import QtQuick.Layouts

Item {
    id: view
    signal modelPickerRequested()
    property alias composer: composer
    property alias messageList: messageList

    ColumnLayout {
        anchors.fill: parent
        spacing: 0

        // Header: title and the model chip (Ctrl+K).
        Rectangle {
            Layout.fillWidth: true
            implicitHeight: 56
            color: theme.background
            RowLayout {
                anchors.fill: parent
                anchors.leftMargin: 24
                anchors.rightMargin: 16
                Label { text: chat.currentTitle; font.pixelSize: theme.fontSize + 2; font.bold: true; color: theme.text; elide: Text.ElideRight; Layout.fillWidth: true }
                Button {
                    id: modelChip
                    Accessible.name: qsTr("Choose model")
                    onClicked: view.modelPickerRequested()
                    contentItem: RowLayout {
                        spacing: 8
                        Rectangle { width: 8; height: 8; radius: 4; color: chat.modelState === "ready" ? "#3fb68b" : (chat.modelState === "loading" ? theme.warning : theme.textMuted) }
                        Label {
                            color: theme.text
                            text: chat.modelState === "ready" ? chat.modelInfo.name
                                  : chat.modelState === "loading" ? qsTr("Loading… %1%").arg(Math.round(chat.loadProgress * 100))
                                  : qsTr("No model")
                            elide: Text.ElideRight
                            Layout.maximumWidth: 260
                        }
                        Label { text: "⌄"; color: theme.textMuted }
                    }
                    background: Rectangle { radius: 16; implicitHeight: 32; color: modelChip.hovered ? theme.surfaceAlt : theme.surface; border.color: theme.border }
                }
            }
            Rectangle { anchors.bottom: parent.bottom; width: parent.width; height: 1; color: theme.border }
        }

        // While a model loads: its progress and a way out.
        Rectangle {
            visible: chat.modelState === "loading"
            Layout.fillWidth: true
            implicitHeight: 44
            color: theme.surface
            RowLayout {
                anchors.fill: parent
                anchors.leftMargin: 24
                anchors.rightMargin: 16
                spacing: 12
                Label { text: qsTr("Loading model… %1%").arg(Math.round(chat.loadProgress * 100)); color: theme.textMuted }
                ProgressBar { value: chat.loadProgress; Layout.fillWidth: true; Accessible.name: qsTr("Model loading progress") }
                Button { objectName: "cancelLoadButton"; text: qsTr("Cancel"); flat: true; Accessible.name: qsTr("Cancel loading"); onClicked: chat.cancelLoad() }
            }
            Rectangle { anchors.bottom: parent.bottom; width: parent.width; height: 1; color: theme.border }
        }

        ListView {
            id: messageList
            objectName: "messageList"
            Layout.fillWidth: true
            Layout.fillHeight: true
            clip: true
            spacing: 18
            topMargin: 20
            bottomMargin: 20
            model: chat.messages
            Accessible.name: qsTr("Messages")
            ScrollBar.vertical: ScrollBar {}
            // Follow the reply while it streams, unless the user scrolled up.
            property bool followTail: true
            onMovementEnded: followTail = atYEnd
            onCountChanged: if (followTail) Qt.callLater(positionViewAtEnd)
            onContentHeightChanged: if (followTail && chat.generating) Qt.callLater(positionViewAtEnd)
            delegate: MessageDelegate {
                width: Math.min(messageList.width - 48, 860)
                x: (messageList.width - width) / 2
                onEditSubmitted: (id, text) => chat.edit(id, text)
            }
            Label {
                anchors.centerIn: parent
                visible: messageList.count === 0
                text: chat.modelState === "ready" ? qsTr("Ask anything. Shift+Enter adds a line.") : qsTr("Load a model to continue this conversation (Ctrl+K).")
                color: theme.textMuted
            }
        }

        Connections {
            target: chat
            function onScrollToMessage(messageId) {
                const i = chat.messages.indexOf(messageId)
                if (i >= 0) { messageList.followTail = false; messageList.positionViewAtIndex(i, ListView.Center); messageList.currentIndex = i }
            }
            function onBranchLoaded() { if (messageList.followTail) Qt.callLater(messageList.positionViewAtEnd) }
            function onCurrentChanged() { messageList.followTail = true }
        }

        Composer {
            id: composer
            Layout.fillWidth: true
            Layout.maximumWidth: 908
            Layout.alignment: Qt.AlignHCenter
            Layout.margins: 16
            onEditLastRequested: {
                const i = messageList.count - 1
                for (let k = i; k >= 0; --k) {
                    const item = messageList.itemAtIndex(k)
                    if (item && item.role === "user") { messageList.positionViewAtIndex(k, ListView.Contain); item.startEditing(); return }
                }
            }
        }
    }
}
