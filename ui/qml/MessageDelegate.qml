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
    required property var segments
    required property var attachmentNames
    required property var attachmentPreviews
    readonly property bool isUser: role === "user"
    property bool editing: false
    property bool showReasoning: streaming && content.length === 0
    signal editSubmitted(var id, string text)
    function startEditing() { editing = true; editArea.text = content; editArea.forceActiveFocus() }

    implicitHeight: column.implicitHeight
    Accessible.role: Accessible.ListItem
    Accessible.name: (isUser ? qsTr("You: ") : qsTr("Assistant: ")) + content

    Component {
        id: prose
        TextEdit {
            property var segment: ({ text: "" })
            readOnly: true
            selectByMouse: true
            wrapMode: TextEdit.Wrap
            textFormat: TextEdit.MarkdownText
            text: segment.text
            color: theme.text
            selectionColor: theme.accent
            font.pixelSize: theme.fontSize
            Accessible.name: qsTr("Answer text")
            onLinkActivated: (link) => Qt.openUrlExternally(link)
        }
    }

    Component {
        id: codeCard
        Rectangle {
            property var segment: ({ text: "", language: "" })
            radius: 10
            color: theme.codeBackground
            border.color: theme.border
            implicitHeight: codeColumn.implicitHeight
            ColumnLayout {
                id: codeColumn
                width: parent.width
                spacing: 0
                RowLayout {
                    Layout.fillWidth: true
                    Layout.leftMargin: 12
                    Layout.rightMargin: 6
                    Label { text: segment.language.length > 0 ? segment.language : qsTr("code"); color: theme.textMuted; font.pixelSize: theme.fontSize - 3; Layout.fillWidth: true }
                    Button {
                        id: copyCode
                        text: qsTr("Copy")
                        flat: true
                        Accessible.name: qsTr("Copy code")
                        font.pixelSize: theme.fontSize - 3
                        onClicked: { chat.copyText(segment.text); window.showToast(qsTr("Code copied"), false) }
                        contentItem: Text { text: copyCode.text; font: copyCode.font; color: copyCode.hovered ? theme.accent : theme.textMuted }
                        background: Item {}
                    }
                }
                Rectangle { Layout.fillWidth: true; height: 1; color: theme.border }
                TextEdit {
                    Layout.fillWidth: true
                    Layout.margins: 12
                    readOnly: true
                    selectByMouse: true
                    wrapMode: TextEdit.WrapAnywhere
                    textFormat: TextEdit.RichText
                    // Coloured by the C++ lexer; the copy button copies segment.text as is.
                    text: chat.highlightCode(segment.text, segment.language, theme.dark ? "dark" : "light")
                    color: theme.text
                    selectionColor: theme.accent
                    font.family: theme.monoFont
                    font.pixelSize: theme.fontSize - 1
                    Accessible.name: qsTr("Code")
                }
            }
        }
    }

    Component {
        id: mathBlock
        Text {
            property var segment: ({ text: "", html: "" })
            textFormat: Text.RichText
            text: segment.html
            color: theme.text
            wrapMode: Text.Wrap
            horizontalAlignment: Text.AlignHCenter
            topPadding: 4
            bottomPadding: 4
            font.family: theme.mathFont
            font.pixelSize: theme.fontSize + 3
            Accessible.role: Accessible.StaticText
            Accessible.name: qsTr("Formula: %1").arg(segment.text)
        }
    }

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

        // Attached files: pictures as thumbnails (read by Qt's image threads),
        // other files as name chips.
        Flow {
            Layout.alignment: message.isUser ? Qt.AlignRight : Qt.AlignLeft
            Layout.maximumWidth: parent.width
            visible: message.attachmentNames.length > 0
            spacing: 6
            Repeater {
                model: message.attachmentNames
                delegate: Rectangle {
                    required property string modelData
                    required property int index
                    readonly property string preview: (message.attachmentPreviews || [])[index] || ""
                    objectName: preview.length > 0 ? "attachmentThumbnail" : "attachmentChip"
                    radius: 8; color: theme.surfaceAlt; border.color: theme.border
                    width: preview.length > 0 ? thumb.width + 8 : nameLabel.implicitWidth + 16
                    height: preview.length > 0 ? thumb.height + 8 : nameLabel.implicitHeight + 8
                    Accessible.role: preview.length > 0 ? Accessible.Graphic : Accessible.StaticText
                    Accessible.name: modelData
                    Image {
                        id: thumb
                        visible: parent.preview.length > 0
                        anchors.centerIn: parent
                        source: parent.preview
                        asynchronous: true
                        sourceSize.width: 320
                        sourceSize.height: 240
                        width: Math.min(implicitWidth, 200)
                        height: implicitWidth > 0 ? width * implicitHeight / implicitWidth : 0
                        fillMode: Image.PreserveAspectFit
                        ToolTip.visible: thumbMouse.containsMouse
                        ToolTip.text: parent.modelData
                        MouseArea { id: thumbMouse; anchors.fill: parent; hoverEnabled: true }
                    }
                    Label { id: nameLabel; visible: parent.preview.length === 0; anchors.centerIn: parent; text: parent.modelData; color: theme.text; font.pixelSize: theme.fontSize - 2 }
                }
            }
        }

        // Reasoning (assistant), collapsed unless it is all there is so far.
        // The toggle is a real button: Tab reaches it, Space or Enter opens it.
        Rectangle {
            id: reasoningCard
            visible: !message.isUser && message.reasoning.length > 0
            Layout.fillWidth: true
            radius: 10
            color: theme.surfaceAlt
            border.color: reasoningToggle.visualFocus ? theme.accent : "transparent"
            implicitHeight: reasoningColumn.implicitHeight + 12
            ColumnLayout {
                id: reasoningColumn
                anchors.left: parent.left; anchors.right: parent.right; anchors.top: parent.top
                anchors.margins: 6
                spacing: 2
                Button {
                    id: reasoningToggle
                    objectName: "reasoningToggle"
                    enabled: reasoningCard.visible
                    flat: true
                    focusPolicy: Qt.StrongFocus
                    Layout.fillWidth: true
                    text: message.streaming && message.content.length === 0 ? qsTr("Thinking…") : qsTr("Thought process")
                    Accessible.name: message.showReasoning ? qsTr("Hide reasoning") : qsTr("Show reasoning")
                    Accessible.role: Accessible.Button
                    onClicked: message.showReasoning = !message.showReasoning
                    Keys.onReturnPressed: message.showReasoning = !message.showReasoning
                    Keys.onEnterPressed: message.showReasoning = !message.showReasoning
                    contentItem: RowLayout {
                        spacing: 6
                        Text {
                            text: "›"
                            color: theme.textMuted
                            font.pixelSize: theme.fontSize + 2
                            rotation: message.showReasoning ? 90 : 0
                            Behavior on rotation { NumberAnimation { duration: 120 } }
                        }
                        Text { text: reasoningToggle.text; color: reasoningToggle.hovered ? theme.text : theme.textMuted; font.pixelSize: theme.fontSize - 1; font.bold: true; Layout.fillWidth: true }
                    }
                    background: Item {}
                }
                Text {
                    objectName: "reasoningText"
                    visible: message.showReasoning
                    Layout.fillWidth: true
                    Layout.leftMargin: 22
                    Layout.rightMargin: 10
                    Layout.bottomMargin: 6
                    text: message.reasoning
                    color: theme.textMuted
                    wrapMode: Text.Wrap
                    lineHeight: 1.15
                    font.pixelSize: theme.fontSize - 1
                }
            }
        }

        // The user's text in a bubble.
        Rectangle {
            visible: message.isUser && !message.editing
            Layout.alignment: Qt.AlignRight
            Layout.maximumWidth: message.width * 0.8
            implicitWidth: Math.min(userText.implicitWidth + 28, message.width * 0.8)
            implicitHeight: userText.implicitHeight + 22
            radius: 16
            color: theme.userBubble
            TextEdit {
                id: userText
                anchors.fill: parent
                anchors.margins: 11
                anchors.leftMargin: 14
                anchors.rightMargin: 14
                readOnly: true
                selectByMouse: true
                wrapMode: TextEdit.Wrap
                text: message.content
                color: theme.text
                selectionColor: theme.accent
                font.pixelSize: theme.fontSize
                Accessible.name: qsTr("Message text")
            }
        }

        // The assistant's answer: Markdown prose, code blocks as their own cards.
        // Before the first words: what the model is doing (looking at pictures).
        Label {
            objectName: "turnActivity"
            visible: !message.isUser && message.streaming && chat.turnActivity.length > 0
            text: chat.turnActivity
            color: theme.textMuted
            font.italic: true
        }
        Text {
            id: typingDots
            visible: !message.isUser && message.streaming && message.content.length === 0
            text: "●  ●  ●"
            color: theme.textMuted
            Accessible.name: qsTr("Writing")
            SequentialAnimation on opacity {
                running: typingDots.visible; loops: Animation.Infinite
                NumberAnimation { to: 0.3; duration: 500 } NumberAnimation { to: 1; duration: 500 }
            }
        }
        Repeater {
            model: message.isUser ? [] : message.segments
            delegate: Loader {
                required property var modelData
                Layout.fillWidth: true
                sourceComponent: modelData.kind === "code" ? codeCard : (modelData.kind === "math" ? mathBlock : prose)
                onLoaded: item.segment = Qt.binding(() => modelData)
            }
        }
        // Inline editor for a user message (Enter saves as a new version).
        ColumnLayout {
            visible: message.editing
            Layout.fillWidth: true
            TextArea {
                id: editArea
                objectName: "editArea"
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
                // Esc belongs to this editor (cancel), not to the window's Stop shortcut.
                Keys.onShortcutOverride: (event) => event.accepted = (event.key === Qt.Key_Escape)
            }
            RowLayout {
                Layout.alignment: Qt.AlignRight
                Button { text: qsTr("Cancel"); Accessible.name: text; onClicked: message.editing = false }
                Button { text: qsTr("Save and send"); Accessible.name: text; highlighted: true; onClicked: { message.editing = false; message.editSubmitted(message.messageId, editArea.text) } }
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
            IconButton { text: qsTr("Copy"); tip: qsTr("Copy the message"); onClicked: { chat.copyText(message.content); window.showToast(qsTr("Copied"), false) } }
            IconButton { visible: message.isUser; text: qsTr("Edit"); tip: qsTr("Edit (a new version)"); enabled: !chat.generating; onClicked: message.startEditing() }
            IconButton { visible: !message.isUser; text: qsTr("Retry"); tip: qsTr("Regenerate (a new version)"); enabled: !chat.generating && chat.modelState === "ready"; onClicked: chat.regenerate(message.messageId) }
            Label {
                visible: message.status === "incomplete"
                text: qsTr("incomplete")
                color: theme.warning
                font.pixelSize: theme.fontSize - 2
                leftPadding: 6
            }
            IconButton {
                visible: message.status === "incomplete"
                text: qsTr("Continue")
                tip: qsTr("Continue the reply")
                tint: theme.accent
                enabled: !chat.generating && chat.modelState === "ready"
                onClicked: chat.continueReply(message.messageId)
            }
            Label {
                visible: !message.isUser && message.tokenCount > 0
                leftPadding: 8
                color: theme.textMuted
                font.pixelSize: theme.fontSize - 3
                text: message.tokensPerSecond > 0
                      ? qsTr("%1 tok/s · first token %2 ms · %3 tokens").arg(message.tokensPerSecond.toFixed(1)).arg(message.timeToFirstTokenMs).arg(message.tokenCount)
                      : qsTr("%1 tokens").arg(message.tokenCount)
                Accessible.name: text
            }
        }
    }
}
