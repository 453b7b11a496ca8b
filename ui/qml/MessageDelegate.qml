// One message: a bubble for the user, a card for the assistant with its
// collapsible reasoning, Markdown answer, code copy buttons, statistics,
// actions and the `< 2/3 >` versions switch.
import QtQuick
import QtQuick.Controls
import QtQuick.Layouts

Item {
    id: message
    required property var messageId
    required property string role
    required property string content
    required property string reasoning
    required property string status
    required property string errorText
    required property double tokensPerSecond
    required property var timeToFirstTokenMs
    required property var tokenCount
    required property int siblingIndex
    required property int siblingCount
    required property bool streaming
    required property var codeBlocks
    required property var attachmentNames
    readonly property bool isUser: role === "user"
    property bool editing: false
    property bool showReasoning: streaming && content.length === 0
    signal editSubmitted(var id, string text)
    function startEditing() { editing = true; editArea.text = content; editArea.forceActiveFocus() }

    implicitHeight: column.implicitHeight
    Accessible.role: Accessible.ListItem
    Accessible.name: (isUser ? qsTr("You: ") : qsTr("Assistant: ")) + content

    ColumnLayout {
        id: column
        width: parent.width
        spacing: 6

        Label {
            text: message.isUser ? qsTr("You") : qsTr("Assistant")
            color: theme.textMuted
            font.pixelSize: theme.fontSize - 2
            font.bold: true
            Layout.alignment: message.isUser ? Qt.AlignRight : Qt.AlignLeft
        }

        // Attached files.
        Flow {
            Layout.alignment: Qt.AlignRight
            visible: message.attachmentNames.length > 0
            spacing: 6
            Repeater {
                model: message.attachmentNames
                delegate: Rectangle {
                    required property string modelData
                    radius: 8; color: theme.surfaceAlt; border.color: theme.border
                    width: nameLabel.implicitWidth + 16; height: nameLabel.implicitHeight + 8
                    Label { id: nameLabel; anchors.centerIn: parent; text: "📎 " + parent.modelData; color: theme.text; font.pixelSize: theme.fontSize - 2 }
                }
            }
        }

        // Reasoning (assistant), collapsed unless it is all there is so far.
        Rectangle {
            visible: !message.isUser && message.reasoning.length > 0
            Layout.fillWidth: true
            radius: 10
            color: theme.surfaceAlt
            implicitHeight: reasoningColumn.implicitHeight + 16
            ColumnLayout {
                id: reasoningColumn
                anchors.left: parent.left; anchors.right: parent.right; anchors.top: parent.top
                anchors.margins: 8
                Button {
                    id: reasoningToggle
                    flat: true
                    text: (message.showReasoning ? "▾ " : "▸ ") + (message.streaming && message.content.length === 0 ? qsTr("Thinking…") : qsTr("Thought process"))
                    Accessible.name: message.showReasoning ? qsTr("Hide reasoning") : qsTr("Show reasoning")
                    onClicked: message.showReasoning = !message.showReasoning
                    contentItem: Text { text: reasoningToggle.text; color: theme.textMuted; font.pixelSize: theme.fontSize - 1 }
                    background: Item {}
                }
                Text {
                    visible: message.showReasoning
                    Layout.fillWidth: true
                    text: message.reasoning
                    color: theme.textMuted
                    wrapMode: Text.Wrap
                    font.italic: true
                    font.pixelSize: theme.fontSize - 1
                }
            }
        }

        // The text: a bubble for the user, a card for the assistant.
        Rectangle {
            id: bubble
            visible: !message.editing
            Layout.alignment: message.isUser ? Qt.AlignRight : Qt.AlignLeft
            Layout.fillWidth: !message.isUser
            Layout.maximumWidth: message.isUser ? message.width * 0.8 : message.width
            implicitWidth: message.isUser ? Math.min(body.implicitWidth + 28, message.width * 0.8) : message.width
            implicitHeight: body.implicitHeight + 24
            radius: 14
            color: message.isUser ? theme.userBubble : theme.surface
            border.color: message.isUser ? "transparent" : theme.border
            TextEdit {
                id: body
                anchors.fill: parent
                anchors.margins: 12
                readOnly: true
                selectByMouse: true
                wrapMode: TextEdit.Wrap
                textFormat: message.isUser ? TextEdit.PlainText : TextEdit.MarkdownText
                text: message.content.length > 0 ? message.content : (message.streaming ? "…" : "")
                color: theme.text
                selectionColor: theme.accent
                font.pixelSize: theme.fontSize
                Accessible.name: qsTr("Message text")
                Accessible.role: Accessible.StaticText
                onLinkActivated: (link) => Qt.openUrlExternally(link)
            }
        }

        // Inline editor for a user message (Enter saves as a new version).
        ColumnLayout {
            visible: message.editing
            Layout.fillWidth: true
            TextArea {
                id: editArea
                Layout.fillWidth: true
                wrapMode: TextArea.Wrap
                color: theme.text
                Accessible.name: qsTr("Edit message")
                background: Rectangle { radius: 10; color: theme.surface; border.color: theme.accent }
                Keys.onReturnPressed: (event) => {
                    if (event.modifiers & Qt.ShiftModifier) { event.accepted = false; return }
                    message.editing = false; message.editSubmitted(message.messageId, text)
                }
                Keys.onEscapePressed: message.editing = false
            }
            RowLayout {
                Layout.alignment: Qt.AlignRight
                Button { text: qsTr("Cancel"); Accessible.name: text; onClicked: message.editing = false }
                Button { text: qsTr("Save and send"); Accessible.name: text; highlighted: true; onClicked: { message.editing = false; message.editSubmitted(message.messageId, editArea.text) } }
            }
        }

        // Copy buttons for the code blocks of the answer.
        Flow {
            visible: !message.isUser && message.codeBlocks.length > 0 && !message.streaming
            Layout.fillWidth: true
            spacing: 6
            Repeater {
                model: message.codeBlocks
                delegate: Button {
                    required property string modelData
                    required property int index
                    text: message.codeBlocks.length > 1 ? qsTr("⧉ Copy code %1").arg(index + 1) : qsTr("⧉ Copy code")
                    Accessible.name: text
                    font.pixelSize: theme.fontSize - 2
                    flat: true
                    onClicked: { chat.copyText(modelData); window.showToast(qsTr("Code copied"), false) }
                }
            }
        }

        Label {
            visible: message.status === "error" && message.errorText.length > 0
            text: message.errorText
            color: theme.danger
            wrapMode: Text.Wrap
            Layout.fillWidth: true
        }

        // Versions, actions and statistics.
        RowLayout {
            Layout.alignment: message.isUser ? Qt.AlignRight : Qt.AlignLeft
            spacing: 2
            visible: !message.streaming && !message.editing && message.messageId > 0
            IconButton { visible: message.siblingCount > 1; text: "‹"; tip: qsTr("Previous version"); enabled: message.siblingIndex > 0; onClicked: chat.switchSibling(message.messageId, -1) }
            Label { visible: message.siblingCount > 1; text: (message.siblingIndex + 1) + "/" + message.siblingCount; color: theme.textMuted; font.pixelSize: theme.fontSize - 2; Accessible.name: qsTr("Version %1 of %2").arg(message.siblingIndex + 1).arg(message.siblingCount) }
            IconButton { visible: message.siblingCount > 1; text: "›"; tip: qsTr("Next version"); enabled: message.siblingIndex + 1 < message.siblingCount; onClicked: chat.switchSibling(message.messageId, 1) }
            IconButton { text: "⧉"; tip: qsTr("Copy"); onClicked: { chat.copyText(message.content); window.showToast(qsTr("Copied"), false) } }
            IconButton { visible: message.isUser; text: "✎"; tip: qsTr("Edit"); enabled: !chat.generating; onClicked: message.startEditing() }
            IconButton { visible: !message.isUser; text: "↻"; tip: qsTr("Regenerate"); enabled: !chat.generating && chat.modelState === "ready"; onClicked: chat.regenerate(message.messageId) }
            Label {
                visible: message.status === "incomplete"
                text: qsTr("incomplete")
                color: theme.warning
                font.pixelSize: theme.fontSize - 2
                leftPadding: 6
            }
            Button {
                visible: message.status === "incomplete"
                text: qsTr("Continue")
                Accessible.name: qsTr("Continue the reply")
                flat: true
                enabled: !chat.generating && chat.modelState === "ready"
                onClicked: chat.continueReply(message.messageId)
            }
            Label {
                visible: !message.isUser && message.tokenCount > 0
                leftPadding: 8
                color: theme.textMuted
                font.pixelSize: theme.fontSize - 3
                text: qsTr("%1 tok/s · first token %2 ms · %3 tokens").arg(message.tokensPerSecond.toFixed(1)).arg(message.timeToFirstTokenMs).arg(message.tokenCount)
                Accessible.name: text
            }
        }
    }
}
