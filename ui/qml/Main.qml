// The main window: sidebar on the left, then the welcome page, the chat or
// the settings. `chat` (the ChatController) is set by main() as a context
// property; every view reaches the models through it.
import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import QtQuick.Dialogs

ApplicationWindow {
    id: window
    readonly property var settings: chat.settings
    property bool showSettings: false
    // The camera panel beside the chat (only when the build has cameras).
    property bool showCamera: false
    readonly property bool hasCamera: typeof camera !== "undefined" && camera !== null

    x: settings.windowGeometry.x >= 0 ? settings.windowGeometry.x : 80
    y: settings.windowGeometry.y >= 0 ? settings.windowGeometry.y : 60
    width: settings.windowGeometry.width
    height: settings.windowGeometry.height
    minimumWidth: 720
    minimumHeight: 480
    visible: true
    title: chat.currentTitle.length > 0 ? chat.currentTitle + " — Mosaic" : "Mosaic"
    color: theme.background
    font.pixelSize: theme.fontSize

    Theme {
        id: theme
        fontSize: window.settings.fontSize
        dark: window.settings.theme === "dark"
              || (window.settings.theme === "system" && window.palette.window.hslLightness < 0.5)
    }

    function openModelDialog() { modelDialog.open() }
    function focusSearch() { showSettings = false; sidebar.focusSearch() }
    function showToast(message, isError) { toast.show(message, isError) }

    onClosing: settings.windowGeometry = Qt.rect(x, y, width, height)

    // The settings file is read off the GUI thread: restore the last
    // conversation when it arrives (at once if it already has).
    function restoreLastConversation() {
        if (settings.lastConversationId > 0 && chat.currentConversationId === 0)
            chat.selectConversation(settings.lastConversationId)
    }
    Component.onCompleted: if (settings.loaded) restoreLastConversation()
    Connections {
        target: window.settings
        function onLoadedChanged() { window.restoreLastConversation() }
        function onMissingModelsRemoved(paths) {
            toast.show(paths.length === 1 ? qsTr("Removed a recent model whose file is gone: %1").arg(paths[0])
                                          : qsTr("Removed %1 recent models whose files are gone").arg(paths.length), false)
        }
    }

    Connections {
        target: chat
        function onErrorOccurred(message) { toast.show(message, true) }
        function onNoticeOccurred(message) { toast.show(message, false) }
    }

    FileDialog {
        id: visionDialog
        title: qsTr("Choose the model's vision file (mmproj)")
        nameFilters: [qsTr("GGUF vision files (*.gguf)"), qsTr("All files (*)")]
        onAccepted: chat.chooseVisionFile(selectedFile.toString())
    }

    FileDialog {
        id: modelDialog
        title: qsTr("Open a GGUF model")
        nameFilters: [qsTr("GGUF models (*.gguf)"), qsTr("All files (*)")]
        onAccepted: chat.loadModel(selectedFile.toString())
    }

    Shortcut { sequence: "Ctrl+N"; onActivated: { window.showSettings = false; chat.newConversation() } }
    Shortcut { sequence: "Ctrl+F"; onActivated: window.focusSearch() }
    Shortcut { sequence: "Ctrl+K"; onActivated: modelPicker.open() }
    Shortcut { sequence: "Ctrl+,"; onActivated: window.showSettings = !window.showSettings }
    Shortcut { sequence: "Ctrl+Shift+K"; enabled: window.hasCamera; onActivated: window.showCamera = !window.showCamera }
    // Watch mode's alerts: a banner and the window asks for attention.
    Connections {
        target: window.hasCamera ? camera : null
        ignoreUnknownSignals: true
        function onAlertRaised(text) { toast.show(qsTr("Watch: %1").arg(text), false); window.alert(0) }
        function onErrorOccurred(message) { toast.show(message, true) }
        function onNoticeOccurred(message) { toast.show(message, false) }
    }
    // Esc: closes the model picker, else stops a reply, else leaves the settings.
    Shortcut {
        sequence: "Esc"
        onActivated: {
            if (modelPicker.opened) modelPicker.close()
            else if (chat.generating) chat.stop()
            else window.showSettings = false
        }
    }
    Shortcut {
        sequence: "Ctrl+Shift+C"
        onActivated: {
            const id = chat.messages.lastIdOfRole("assistant")
            if (id !== 0) { chat.copyText(chat.messages.contentOf(id)); toast.show(qsTr("Last reply copied"), false) }
        }
    }

    // Files dropped anywhere on the window become attachments.
    DropArea {
        id: dropArea
        objectName: "dropArea"
        anchors.fill: parent
        onEntered: (drag) => { if (drag.hasUrls) drag.accept(Qt.CopyAction) }
        onDropped: (drop) => {
            if (!drop.hasUrls) return
            if (window.showSettings) window.showSettings = false
            chat.addAttachments(drop.urls)
            drop.accept(Qt.CopyAction)
        }
    }

    RowLayout {
        anchors.fill: parent
        spacing: 0

        Sidebar {
            id: sidebar
            Layout.preferredWidth: 280
            Layout.fillHeight: true
            onSettingsRequested: window.showSettings = true
            onConversationChosen: window.showSettings = false
        }

        Rectangle { Layout.fillHeight: true; width: 1; color: theme.border }

        StackLayout {
            Layout.fillWidth: true
            Layout.fillHeight: true
            currentIndex: window.showSettings ? 2
                          : (chat.modelState !== "ready" && chat.currentConversationId === 0 ? 0 : 1)

            WelcomePage { onOpenModelRequested: window.openModelDialog() }
            ChatView { id: chatView; onModelPickerRequested: modelPicker.open() }
            SettingsPage { onCloseRequested: window.showSettings = false }
        }

        Rectangle { visible: cameraLoader.active; Layout.fillHeight: true; width: 1; color: theme.border }
        Loader {
            id: cameraLoader
            active: window.hasCamera && window.showCamera
            visible: active
            Layout.preferredWidth: 380
            Layout.fillHeight: true
            sourceComponent: CameraPanel { onCloseRequested: window.showCamera = false }
        }
    }

    // Ctrl+K: the loaded model, the recent ones, and "Open model file…".
    Popup {
        id: modelPicker
        objectName: "modelPicker"
        focus: true  // Esc closes it, Tab walks its buttons
        anchors.centerIn: parent
        width: 520
        modal: true
        padding: 20
        background: Rectangle { color: theme.surface; radius: theme.radius; border.color: theme.border }
        contentItem: ColumnLayout {
            spacing: 10
            Label { text: qsTr("Model"); font.pixelSize: theme.fontSize + 4; font.bold: true; color: theme.text }
            // The loaded model at a glance.
            Rectangle {
                objectName: "modelInfoPanel"
                visible: chat.modelState === "ready"
                Layout.fillWidth: true
                radius: 10
                color: theme.surfaceAlt
                implicitHeight: infoColumn.implicitHeight + 24
                ColumnLayout {
                    id: infoColumn
                    anchors.fill: parent
                    anchors.margins: 12
                    spacing: 8
                    Label { text: chat.modelInfo.name || ""; color: theme.text; font.bold: true; elide: Text.ElideRight; Layout.fillWidth: true }
                    Repeater {
                        model: [
                            [qsTr("Architecture"), chat.modelInfo.architecture],
                            [qsTr("Parameters"), qsTr("%1 total, %2 active per token").arg(chat.modelInfo.paramsTotal).arg(chat.modelInfo.paramsActive)],
                            [qsTr("Experts"), chat.modelInfo.experts],
                            [qsTr("Quantization"), chat.modelInfo.quantization],
                            [qsTr("Context"), qsTr("%1 tokens").arg(chat.modelInfo.contextLength)],
                            [qsTr("KV cache"), qsTr("%1 for this context").arg(chat.modelInfo.kvMemory)],
                            [qsTr("Memory needed"), qsTr("about %1 (weights %2)").arg(chat.modelInfo.memory).arg(chat.modelInfo.weightsMemory)],
                            [qsTr("Pictures"), chat.modelInfo.seesPictures ? qsTr("sees pictures, video frames and PDF pages (%1)").arg(chat.modelInfo.visionNote)
                                                                         : (chat.modelInfo.visionNote || qsTr("text only"))]
                        ]
                        delegate: RowLayout {
                            required property var modelData
                            Layout.fillWidth: true
                            spacing: 12
                            Accessible.role: Accessible.StaticText
                            Accessible.name: modelData[0] + ": " + modelData[1]
                            Label { text: modelData[0]; color: theme.textMuted; Layout.preferredWidth: 130 }
                            Label { text: modelData[1] === undefined ? "" : String(modelData[1]); color: theme.text; elide: Text.ElideRight; Layout.fillWidth: true }
                        }
                    }
                    Label { visible: (chat.modelInfo.path || "").length > 0; text: chat.modelInfo.path || ""; color: theme.textMuted; font.pixelSize: theme.fontSize - 3; elide: Text.ElideMiddle; Layout.fillWidth: true }
                    // A vision model's mmproj kept elsewhere than beside it.
                    RowLayout {
                        Layout.fillWidth: true
                        Button {
                            objectName: "chooseVisionFileButton"
                            text: qsTr("Choose vision file…")
                            Accessible.name: qsTr("Choose the model's vision (mmproj) file")
                            onClicked: visionDialog.open()
                        }
                        Button {
                            visible: chat.modelInfo.visionChosen === true
                            text: qsTr("Look beside the model")
                            Accessible.name: qsTr("Forget the chosen vision file")
                            onClicked: chat.chooseVisionFile("")
                        }
                    }
                }
            }
            // Loading: progress and cancel.
            RowLayout {
                visible: chat.modelState === "loading"
                Layout.fillWidth: true
                ProgressBar { value: chat.loadProgress; Layout.fillWidth: true; Accessible.name: qsTr("Model loading progress") }
                Button { text: qsTr("Cancel"); Accessible.name: qsTr("Cancel loading"); onClicked: chat.cancelLoad() }
            }
            Label { text: qsTr("Recent models"); color: theme.textMuted; visible: window.settings.recentModels.length > 0 }
            Repeater {
                model: window.settings.recentModels
                delegate: ItemDelegate {
                    required property string modelData
                    Layout.fillWidth: true
                    text: modelData
                    Accessible.name: qsTr("Load %1").arg(modelData)
                    contentItem: Label { text: parent.text; elide: Text.ElideMiddle; color: theme.text }
                    background: Rectangle { radius: 8; color: parent.hovered ? theme.surfaceAlt : "transparent" }
                    onClicked: { chat.loadModel(modelData); modelPicker.close() }
                }
            }
            Button {
                id: pickerOpen
                text: qsTr("Open model file…")
                Accessible.name: text
                onClicked: { modelPicker.close(); window.openModelDialog() }
                contentItem: Text { text: pickerOpen.text; color: theme.accentText; font.bold: true; horizontalAlignment: Text.AlignHCenter; verticalAlignment: Text.AlignVCenter }
                background: Rectangle { implicitWidth: 180; implicitHeight: 38; radius: 19; color: pickerOpen.down ? Qt.darker(theme.accent, 1.15) : theme.accent }
            }
        }
    }

    // Errors and notices at the bottom; the undo bar for a deleted conversation.
    Rectangle {
        id: toast
        objectName: "toast"
        property bool isError: false
        property string message: ""
        function show(text, error) { message = text; isError = error; opacity = 1; hideTimer.restart() }
        // At the top, under the header: never over the input or its chips.
        anchors.horizontalCenter: parent.horizontalCenter
        anchors.horizontalCenterOffset: 140
        anchors.top: parent.top
        anchors.topMargin: 68
        width: Math.min(toastText.implicitWidth + 32, parent.width - 80)
        height: toastText.implicitHeight + 20
        radius: 10
        color: isError ? theme.danger : theme.text
        opacity: 0
        visible: opacity > 0
        Behavior on opacity { NumberAnimation { duration: 180 } }
        Text {
            id: toastText
            anchors.centerIn: parent
            width: Math.min(implicitWidth, window.width - 112)
            text: toast.message
            color: theme.background
            wrapMode: Text.Wrap
        }
        Timer { id: hideTimer; interval: 5000; onTriggered: toast.opacity = 0 }
        Accessible.role: Accessible.AlertMessage
        Accessible.name: message
    }

    Rectangle {
        anchors.left: parent.left
        anchors.bottom: parent.bottom
        anchors.margins: 16
        visible: chat.canUndoDelete
        width: undoRow.implicitWidth + 24
        height: undoRow.implicitHeight + 12
        radius: 10
        color: theme.text
        RowLayout {
            id: undoRow
            anchors.centerIn: parent
            Text { text: qsTr("Deleted “%1”").arg(chat.deletedTitle); color: theme.background; elide: Text.ElideRight; Layout.maximumWidth: 180 }
            Button { text: qsTr("Undo"); flat: true; Accessible.name: qsTr("Undo delete"); onClicked: chat.undoDelete() }
        }
    }

    Rectangle {
        objectName: "dropOverlay"
        anchors.fill: parent
        anchors.margins: 8
        visible: dropArea.containsDrag
        color: Qt.rgba(0.36, 0.42, 0.94, 0.12)
        border.color: theme.accent
        border.width: 2
        radius: theme.radius
        Label { anchors.centerIn: parent; text: qsTr("Drop files to attach them"); color: theme.accent; font.pixelSize: theme.fontSize + 4 }
    }
}
