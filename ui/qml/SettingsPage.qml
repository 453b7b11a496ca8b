// Sampling, context, threads, thinking and appearance. Changes apply to the
// next reply (context and threads to the next model load) and are saved.
import QtQuick
import QtQuick.Controls
import QtQuick.Layouts

ScrollView {
    id: page
    signal closeRequested()
    readonly property var s: chat.settings
    contentWidth: availableWidth

    component SettingRow: RowLayout {
        property string label
        property string hint
        default property alias control: holder.data
        Layout.fillWidth: true
        spacing: 16
        ColumnLayout {
            Layout.fillWidth: true
            Layout.preferredWidth: 1  // takes the room left by the control
            spacing: 0
            Label { text: label; color: theme.text }
            Label { text: hint; color: theme.textMuted; font.pixelSize: theme.fontSize - 3; wrapMode: Text.Wrap; Layout.fillWidth: true }
        }
        Item { id: holder; Layout.preferredWidth: 240; Layout.alignment: Qt.AlignVCenter; implicitHeight: childrenRect.height }
    }

    component DecimalSlider: RowLayout {
        property alias from: slider.from
        property alias to: slider.to
        property alias stepSize: slider.stepSize
        property real value
        property int decimals: 2
        property string name
        signal moved(real value)
        width: 240
        Slider { id: slider; Layout.fillWidth: true; value: parent.value; onMoved: parent.moved(value); Accessible.name: parent.name }
        Label { text: slider.value.toFixed(parent.decimals); color: theme.text; Layout.preferredWidth: 40 }
    }

    ColumnLayout {
        width: Math.min(page.availableWidth - 64, 680)
        x: (page.availableWidth - width) / 2
        spacing: 14

        Item { Layout.preferredHeight: 16 }
        RowLayout {
            Layout.fillWidth: true
            Label { text: qsTr("Settings"); font.pixelSize: theme.fontSize + 10; font.bold: true; color: theme.text; Layout.fillWidth: true }
            Button {
                id: doneButton
                text: qsTr("Done")
                Accessible.name: qsTr("Close settings")
                onClicked: page.closeRequested()
                contentItem: Text { text: doneButton.text; color: theme.accentText; font.bold: true; horizontalAlignment: Text.AlignHCenter; verticalAlignment: Text.AlignVCenter }
                background: Rectangle { implicitWidth: 96; implicitHeight: 36; radius: 18; color: theme.accent }
            }
        }

        Label { text: qsTr("This chat"); font.bold: true; color: theme.accent }
        ColumnLayout {
            Layout.fillWidth: true
            spacing: 4
            Label { text: qsTr("System prompt"); color: theme.text }
            Label { text: chat.currentConversationId === 0 ? qsTr("Given to the next new chat when you send its first message") : qsTr("Instructions the model reads before this conversation"); color: theme.textMuted; font.pixelSize: theme.fontSize - 3 }
            TextArea {
                id: systemPromptField
                objectName: "systemPromptField"
                Layout.fillWidth: true
                Layout.preferredHeight: Math.max(72, implicitHeight)
                wrapMode: TextArea.Wrap
                text: chat.systemPrompt
                placeholderText: qsTr("e.g. You are a concise assistant. Answer in English.")
                placeholderTextColor: theme.textMuted
                color: theme.text
                Accessible.name: qsTr("System prompt for this chat")
                background: Rectangle { radius: 10; color: theme.surface; border.color: systemPromptField.activeFocus ? theme.accent : theme.border }
                onEditingFinished: chat.systemPrompt = text
            }
        }
        SettingRow {
            label: qsTr("Presets"); hint: qsTr("A system prompt with sampling settings, saved by name")
            ColumnLayout {
                width: 240
                spacing: 6
                RowLayout {
                    Layout.fillWidth: true
                    ComboBox {
                        id: presetBox
                        objectName: "presetBox"
                        Layout.fillWidth: true
                        model: chat.presets
                        textRole: "name"
                        enabled: chat.presets.length > 0
                        displayText: chat.presets.length > 0 ? currentText : qsTr("No presets yet")
                        Accessible.name: qsTr("Preset")
                    }
                    Button { text: qsTr("Apply"); enabled: presetBox.currentIndex >= 0 && chat.presets.length > 0; Accessible.name: qsTr("Apply preset"); onClicked: { systemPromptField.focus = false; chat.applyPreset(chat.presets[presetBox.currentIndex].id) } }
                }
                RowLayout {
                    Layout.fillWidth: true
                    TextField { id: presetName; objectName: "presetName"; Layout.fillWidth: true; placeholderText: qsTr("Preset name"); Accessible.name: qsTr("New preset name"); color: theme.text; placeholderTextColor: theme.textMuted }
                    Button { text: qsTr("Save"); enabled: presetName.text.trim().length > 0; Accessible.name: qsTr("Save as preset"); onClicked: { chat.systemPrompt = systemPromptField.text; chat.savePreset(presetName.text); presetName.text = "" } }
                }
                Button { visible: chat.presets.length > 0; text: qsTr("Delete preset"); flat: true; Accessible.name: qsTr("Delete the chosen preset"); onClicked: chat.deletePreset(chat.presets[presetBox.currentIndex].id) }
            }
        }

        Label { text: qsTr("Sampling"); font.bold: true; color: theme.accent; topPadding: 8 }
        SettingRow {
            label: qsTr("Temperature"); hint: qsTr("0 always picks the likeliest token")
            DecimalSlider { name: qsTr("Temperature"); from: 0; to: 2; stepSize: 0.05; value: page.s.temperature; onMoved: (v) => page.s.temperature = v }
        }
        SettingRow {
            label: qsTr("Top-k"); hint: qsTr("0 turns it off")
            SpinBox { from: 0; to: 1000; value: page.s.topK; editable: true; Accessible.name: qsTr("Top-k"); onValueModified: page.s.topK = value }
        }
        SettingRow {
            label: qsTr("Top-p")
            DecimalSlider { name: qsTr("Top-p"); from: 0; to: 1; stepSize: 0.01; value: page.s.topP; onMoved: (v) => page.s.topP = v }
        }
        SettingRow {
            label: qsTr("Min-p")
            DecimalSlider { name: qsTr("Min-p"); from: 0; to: 1; stepSize: 0.01; value: page.s.minP; onMoved: (v) => page.s.minP = v }
        }
        SettingRow {
            label: qsTr("Repeat penalty"); hint: qsTr("1 turns it off")
            DecimalSlider { name: qsTr("Repeat penalty"); from: 1; to: 2; stepSize: 0.01; value: page.s.repeatPenalty; onMoved: (v) => page.s.repeatPenalty = v }
        }
        SettingRow {
            label: qsTr("Seed")
            SpinBox { from: 0; to: 2147483647; value: page.s.seed; editable: true; Accessible.name: qsTr("Seed"); onValueModified: page.s.seed = value }
        }
        SettingRow {
            label: qsTr("Thinking"); hint: qsTr("Reasoning before the answer, for models that support it")
            ComboBox {
                width: 240
                model: [qsTr("Model default"), qsTr("On"), qsTr("Off")]
                readonly property var values: ["default", "on", "off"]
                currentIndex: values.indexOf(page.s.thinking)
                Accessible.name: qsTr("Thinking")
                onActivated: (i) => page.s.thinking = values[i]
            }
        }
        SettingRow {
            label: qsTr("Longest reply"); hint: qsTr("tokens")
            SpinBox { from: 1; to: 131072; stepSize: 256; value: page.s.maxReplyTokens; editable: true; Accessible.name: qsTr("Longest reply in tokens"); onValueModified: page.s.maxReplyTokens = value }
        }

        Label { text: qsTr("Model"); font.bold: true; color: theme.accent; topPadding: 8 }
        SettingRow {
            label: qsTr("Context length"); hint: qsTr("tokens; 0 uses the model's default. Applies at the next load.")
            SpinBox { from: 0; to: 1048576; stepSize: 1024; value: page.s.contextLength; editable: true; Accessible.name: qsTr("Context length"); onValueModified: page.s.contextLength = value }
        }
        SettingRow {
            label: qsTr("Threads"); hint: qsTr("0 uses one per physical core. Applies at the next load.")
            SpinBox { from: 0; to: 512; value: page.s.threads; editable: true; Accessible.name: qsTr("Threads"); onValueModified: page.s.threads = value }
        }
        SettingRow {
            label: qsTr("Picture detail"); hint: qsTr("Tokens per picture or camera frame at most; larger pictures are shrunk to fit. More detail reads small text better but encodes slower: a phone photo at 4096 tokens can take minutes.")
            ComboBox {
                objectName: "pictureDetailCombo"
                width: 240
                model: [qsTr("Fast (256 tokens)"), qsTr("Standard (1024 tokens)"), qsTr("Detailed (4096 tokens)"), qsTr("Vision file's limit")]
                readonly property var values: [256, 1024, 4096, 0]
                currentIndex: values.indexOf(page.s.pictureTokens)
                displayText: currentIndex >= 0 ? currentText : qsTr("%1 tokens").arg(page.s.pictureTokens)
                Accessible.name: qsTr("Picture detail")
                onActivated: (i) => page.s.pictureTokens = values[i]
            }
        }

        Label { text: qsTr("Appearance"); font.bold: true; color: theme.accent; topPadding: 8 }
        SettingRow {
            label: qsTr("Theme")
            ComboBox {
                width: 240
                model: [qsTr("System"), qsTr("Light"), qsTr("Dark")]
                readonly property var values: ["system", "light", "dark"]
                currentIndex: values.indexOf(page.s.theme)
                Accessible.name: qsTr("Theme")
                onActivated: (i) => page.s.theme = values[i]
            }
        }
        SettingRow {
            label: qsTr("Font size")
            SpinBox { from: 9; to: 32; value: page.s.fontSize; Accessible.name: qsTr("Font size"); onValueModified: page.s.fontSize = value }
        }

        RowLayout {
            Layout.topMargin: 8
            Button { text: qsTr("Reset generation settings"); Accessible.name: text; onClicked: page.s.resetToDefaults() }
            Label { text: qsTr("Saved in %1").arg(page.s.filePath); color: theme.textMuted; font.pixelSize: theme.fontSize - 3; elide: Text.ElideMiddle; Layout.fillWidth: true }
        }
        Item { Layout.preferredHeight: 24 }
    }
}
