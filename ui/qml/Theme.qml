// The palette and sizes every view uses; one instance lives in Main.qml.
import QtQuick

QtObject {
    property bool dark: false
    property int fontSize: 14

    readonly property color background: dark ? "#17181c" : "#f7f7f9"
    readonly property color sidebar: dark ? "#1e2026" : "#eef0f4"
    readonly property color surface: dark ? "#23262d" : "#ffffff"
    readonly property color surfaceAlt: dark ? "#2b2f38" : "#f1f2f6"
    readonly property color border: dark ? "#343845" : "#e1e4ea"
    readonly property color text: dark ? "#e8e9ee" : "#1d2129"
    readonly property color textMuted: dark ? "#9aa0ad" : "#6b7280"
    readonly property color accent: dark ? "#8b97ff" : "#5b6cf0"
    readonly property color accentText: "#ffffff"
    readonly property color userBubble: dark ? "#343b63" : "#e6e9fe"
    readonly property color codeBackground: dark ? "#1a1c22" : "#f3f4f7"
    readonly property color danger: dark ? "#ff7b7b" : "#d64545"
    readonly property color warning: dark ? "#f2c46d" : "#b7791f"
    readonly property color selection: dark ? "#2f3442" : "#e3e6ef"

    readonly property int radius: 12
    readonly property int spacing: 12
    readonly property string monoFont: "monospace"
    readonly property string mathFont: "serif"
}
