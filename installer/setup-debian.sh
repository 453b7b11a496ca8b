#!/usr/bin/env bash
# Installs the Debian 12 packages Mosaic needs to build, run and test.
# Idempotent: packages already present are skipped by apt-get; safe to run again.
set -euo pipefail

packages=(
  build-essential cmake ninja-build pkg-config git
  libpcre2-dev nlohmann-json3-dev libspdlog-dev libfmt-dev
  libgtest-dev libgmock-dev libbenchmark-dev
  libcli11-dev
  # conversation store: SQLite (FTS5 built in), SHA-256 for attachments
  libsqlite3-dev libssl-dev
  # media: FFmpeg decoding, OpenCV cameras and frame work, PortAudio devices,
  # document text (poppler, libzip + libxml2 for DOCX/ODT, uchardet), OCR
  libavcodec-dev libavformat-dev libavutil-dev libswscale-dev libswresample-dev
  libopencv-core-dev libopencv-imgproc-dev libopencv-videoio-dev
  portaudio19-dev libpoppler-cpp-dev libzip-dev libxml2-dev libuchardet-dev
  libtesseract-dev tesseract-ocr-eng
  # the desktop app: Qt 6 Quick (QML) with Controls, Layouts, Dialogs; QTest;
  # Xvfb for GUI tests and screenshots without a display
  qt6-base-dev qt6-declarative-dev libgl-dev
  qml6-module-qtquick qml6-module-qtquick-controls qml6-module-qtquick-layouts
  qml6-module-qtquick-window qml6-module-qtquick-templates qml6-module-qtquick-dialogs
  qml6-module-qtqml-workerscript qml6-module-qtcore qml6-module-qt-labs-platform
  qml6-module-qttest xvfb xauth
  # test inputs generated at test time: media (ffmpeg lavfi) and speech
  ffmpeg espeak-ng
)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done

if [ "${#missing[@]}" -eq 0 ]; then
  echo "setup: all ${#packages[@]} packages already installed"
  exit 0
fi

SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
echo "setup: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
