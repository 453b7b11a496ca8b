// Conversations (pinned first, newest first), search over every message, new chat.
import QtQuick
import QtQuick.Controls
import QtQuick.Layouts

Rectangle {
    id: sidebar
    color: theme.sidebar
    signal settingsRequested()
    signal conversationChosen()
    function focusSearch() { searchField.forceActiveFocus(); searchField.selectAll() }
    readonly property bool searching: searchField.text.trim().length > 0

    ColumnLayout {
        anchors.fill: parent
        anchors.margins: 12
        spacing: 10

        RowLayout {
            Layout.fillWidth: true
            Logo { size: 22 }
            Label { text: "Mosaic"; font.pixelSize: theme.fontSize + 3; font.bold: true; color: theme.text; Layout.fillWidth: true }
            IconButton {
                objectName: "cameraToggle"
                visible: window.hasCamera
                text: "◉"
                tip: qsTr("Camera and watch mode (Ctrl+Shift+K)")
                onClicked: window.showCamera = !window.showCamera
            }
            IconButton { text: "⚙"; tip: qsTr("Settings (Ctrl+,)"); onClicked: sidebar.settingsRequested() }
        }

        Button {
            id: newChat
            Layout.fillWidth: true
            text: qsTr("+  New chat")
            Accessible.name: qsTr("New chat")
            onClicked: { sidebar.conversationChosen(); chat.newConversation() }
            contentItem: Text { text: newChat.text; color: theme.accentText; font.bold: true; horizontalAlignment: Text.AlignHCenter; verticalAlignment: Text.AlignVCenter; font.pixelSize: theme.fontSize }
            background: Rectangle { radius: 10; implicitHeight: 38; color: newChat.down ? Qt.darker(theme.accent, 1.15) : theme.accent }
        }

        TextField {
            id: searchField
            objectName: "searchField"
            Layout.fillWidth: true
            placeholderText: qsTr("Search chats (Ctrl+F)")
            placeholderTextColor: theme.textMuted
            color: theme.text
            Accessible.name: qsTr("Search conversations")
            background: Rectangle { radius: 10; implicitHeight: 36; color: theme.surface; border.color: searchField.activeFocus ? theme.accent : theme.border }
            onTextChanged: searchDelay.restart()
            Keys.onEscapePressed: text = ""
            Timer { id: searchDelay; interval: 200; onTriggered: chat.search(searchField.text) }
        }

        ListView {
            id: conversationList
            objectName: "conversationList"
            visible: !sidebar.searching
            Layout.fillWidth: true
            Layout.fillHeight: true
            clip: true
            spacing: 2
            model: chat.conversations
            ScrollBar.vertical: ScrollBar {}
            Accessible.name: qsTr("Conversations")
            delegate: ItemDelegate {
                id: row
                required property var conversationId
                required property string title
                required property string updated
                required property bool pinned
                required property string preview
                property bool renaming: false
                width: ListView.view.width
                height: 58
                Accessible.name: title
                highlighted: conversationId === chat.currentConversationId
                onClicked: { sidebar.conversationChosen(); chat.selectConversation(conversationId) }
                background: Rectangle { radius: 10; color: row.highlighted ? theme.selection : (row.hovered ? Qt.rgba(0.5, 0.5, 0.6, 0.08) : "transparent") }
                contentItem: ColumnLayout {
                    spacing: 2
                    RowLayout {
                        Layout.fillWidth: true
                        Label { visible: row.pinned; text: "★"; color: theme.accent; font.pixelSize: theme.fontSize - 2; Accessible.name: qsTr("Pinned") }
                        Label { visible: !row.renaming; text: row.title; color: theme.text; font.bold: row.highlighted; elide: Text.ElideRight; Layout.fillWidth: true }
                        TextField {
                            id: renameField
                            visible: row.renaming
                            Layout.fillWidth: true
                            text: row.title
                            color: theme.text
                            Accessible.name: qsTr("New title")
                            onAccepted: { chat.rename(row.conversationId, text); row.renaming = false }
                            Keys.onEscapePressed: row.renaming = false
                            onActiveFocusChanged: if (!activeFocus) row.renaming = false
                        }
                        Label { text: row.updated; color: theme.textMuted; font.pixelSize: theme.fontSize - 3 }
                    }
                    Label { text: row.preview; color: theme.textMuted; elide: Text.ElideRight; Layout.fillWidth: true; font.pixelSize: theme.fontSize - 2; maximumLineCount: 1 }
                }
                TapHandler { acceptedButtons: Qt.RightButton; onTapped: menu.popup() }
                IconButton {
                    anchors.right: parent.right
                    anchors.verticalCenter: parent.verticalCenter
                    anchors.rightMargin: 4
                    visible: row.hovered && !row.renaming
                    text: "⋯"
                    tip: qsTr("More actions")
                    onClicked: menu.popup()
                }
                Menu {
                    id: menu
                    MenuItem { text: qsTr("Rename"); onTriggered: { row.renaming = true; renameField.forceActiveFocus(); renameField.selectAll() } }
                    MenuItem { text: row.pinned ? qsTr("Unpin") : qsTr("Pin"); onTriggered: chat.togglePin(row.conversationId) }
                    MenuItem { text: qsTr("Delete"); onTriggered: chat.deleteConversation(row.conversationId) }
                }
            }
            Label {
                anchors.centerIn: parent
                width: parent.width - 24
                horizontalAlignment: Text.AlignHCenter
                wrapMode: Text.Wrap
                visible: conversationList.count === 0
                text: chat.storeState === "opening" ? qsTr("Loading conversations…")
                      : chat.storeState === "failed" ? qsTr("Conversations are unavailable: the database could not be opened")
                      : qsTr("No conversations yet")
                color: chat.storeState === "failed" ? theme.danger : theme.textMuted
            }
        }

        ListView {
            id: searchList
            objectName: "searchList"
            visible: sidebar.searching
            Layout.fillWidth: true
            Layout.fillHeight: true
            clip: true
            spacing: 4
            model: chat.searchResults
            Accessible.name: qsTr("Search results")
            delegate: ItemDelegate {
                id: hit
                required property var conversationId
                required property var messageId
                required property string title
                required property string snippet
                width: ListView.view.width
                Accessible.name: title
                onClicked: { sidebar.conversationChosen(); chat.openSearchHit(conversationId, messageId) }
                background: Rectangle { radius: 10; color: hit.hovered ? theme.selection : "transparent" }
                contentItem: ColumnLayout {
                    spacing: 2
                    Label { text: hit.title; color: theme.text; font.bold: true; elide: Text.ElideRight; Layout.fillWidth: true }
                    Label { text: hit.snippet; textFormat: Text.StyledText; color: theme.textMuted; wrapMode: Text.Wrap; Layout.fillWidth: true; maximumLineCount: 3; font.pixelSize: theme.fontSize - 2 }
                }
            }
            Label { anchors.centerIn: parent; visible: searchList.count === 0; text: qsTr("No matches"); color: theme.textMuted }
        }
    }
}
