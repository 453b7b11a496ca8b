// Shown while no model is loaded: what a GGUF file is, models that run well
// on a desktop, and the button to open one.
import QtQuick
import QtQuick.Controls
import QtQuick.Layouts

ScrollView {
    id: page
    signal openModelRequested()
    contentWidth: availableWidth

    ColumnLayout {
        width: Math.min(page.availableWidth - 64, 680)
        x: (page.availableWidth - width) / 2
        spacing: 18

        Item { Layout.preferredHeight: 36 }
        Logo { size: 52; Layout.alignment: Qt.AlignHCenter }
        Label {
            Layout.fillWidth: true
            horizontalAlignment: Text.AlignHCenter
            text: qsTr("Welcome to Mosaic")
            font.pixelSize: theme.fontSize + 14
            font.bold: true
            color: theme.text
        }
        Label {
            Layout.fillWidth: true
            horizontalAlignment: Text.AlignHCenter
            wrapMode: Text.Wrap
            color: theme.textMuted
            text: qsTr("Chat with mixture-of-experts language models that run entirely on this computer. Nothing you type leaves it.")
        }

        Rectangle {
            Layout.fillWidth: true
            radius: theme.radius
            color: theme.surface
            border.color: theme.border
            implicitHeight: info.implicitHeight + 32
            ColumnLayout {
                id: info
                anchors.fill: parent
                anchors.margins: 16
                spacing: 10
                Label { text: qsTr("What you need: a GGUF file"); font.bold: true; color: theme.text }
                Label {
                    Layout.fillWidth: true
                    wrapMode: Text.Wrap
                    color: theme.textMuted
                    text: qsTr("A .gguf file holds a model's weights, tokenizer and chat template in one file. Mixture-of-experts models read only a few experts per token, so large models stay fast on a CPU. Good ones to start with:")
                }
                Repeater {
                    model: [
                        { name: "Qwen3-30B-A3B  ·  Q4_K_M", detail: qsTr("~18.6 GB · text, reasoning · 3B active parameters") },
                        { name: "Qwen3-VL-30B-A3B", detail: qsTr("vision and text · 3B active parameters") },
                        { name: "DeepSeek-V2-Lite", detail: qsTr("~10 GB · text · 2.4B active parameters") }
                    ]
                    delegate: RowLayout {
                        required property var modelData
                        Layout.fillWidth: true
                        Rectangle { width: 6; height: 6; radius: 3; color: theme.accent }
                        Label { text: modelData.name; color: theme.text; font.bold: true }
                        Label { text: modelData.detail; color: theme.textMuted; Layout.fillWidth: true; elide: Text.ElideRight }
                    }
                }
            }
        }

        // Loading progress with cancel.
        ColumnLayout {
            visible: chat.modelState === "loading"
            Layout.fillWidth: true
            Label { text: qsTr("Loading %1…").arg(chat.modelInfo.path || ""); color: theme.textMuted; elide: Text.ElideMiddle; Layout.fillWidth: true }
            RowLayout {
                Layout.fillWidth: true
                ProgressBar { value: chat.loadProgress; Layout.fillWidth: true; Accessible.name: qsTr("Model loading progress") }
                Button { objectName: "cancelLoadButton"; text: qsTr("Cancel"); Accessible.name: qsTr("Cancel loading"); onClicked: chat.cancelLoad() }
            }
        }

        Button {
            id: openButton
            objectName: "openModelButton"
            Layout.alignment: Qt.AlignHCenter
            enabled: chat.modelState !== "loading"
            text: qsTr("Open model file…")
            Accessible.name: text
            onClicked: page.openModelRequested()
            contentItem: Text { text: openButton.text; color: theme.accentText; font.bold: true; font.pixelSize: theme.fontSize + 1; horizontalAlignment: Text.AlignHCenter; verticalAlignment: Text.AlignVCenter }
            background: Rectangle { implicitWidth: 220; implicitHeight: 44; radius: 22; color: openButton.enabled ? theme.accent : theme.border }
        }

        ColumnLayout {
            visible: chat.settings.recentModels.length > 0
            Layout.fillWidth: true
            Label { text: qsTr("Recent models"); color: theme.textMuted; font.bold: true }
            Repeater {
                model: chat.settings.recentModels
                delegate: ItemDelegate {
                    required property string modelData
                    Layout.fillWidth: true
                    Accessible.name: qsTr("Load %1").arg(modelData)
                    contentItem: Label { text: modelData; color: theme.text; elide: Text.ElideMiddle }
                    background: Rectangle { radius: 8; color: parent.hovered ? theme.surfaceAlt : "transparent" }
                    onClicked: chat.loadModel(modelData)
                }
            }
        }
        Item { Layout.preferredHeight: 24 }
    }
}
