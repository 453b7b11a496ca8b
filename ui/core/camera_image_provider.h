// "image://camera/<serial>": the camera panel's preview for QML. The serial
// only makes each URL new so the Image reloads; the picture is always the
// newest. Called on Qt Quick's image threads, hence the shared, locked frame.
#pragma once

#include <QQuickImageProvider>
#include <memory>

#include "ui/core/camera_controller.h"

namespace mosaic::ui {

class CameraImageProvider : public QQuickImageProvider {
 public:
  explicit CameraImageProvider(std::shared_ptr<PreviewFrame> frame)
      : QQuickImageProvider(QQuickImageProvider::Image), frame_(std::move(frame)) {}

  QImage requestImage(const QString&, QSize* size, const QSize& requested) override {
    QImage image = frame_->get();
    if (image.isNull()) {
      image = QImage(16, 9, QImage::Format_RGB888);
      image.fill(Qt::black);
    }
    if (size != nullptr) *size = image.size();
    if (requested.isValid() && !requested.isEmpty()) {
      return image.scaled(requested, Qt::KeepAspectRatio, Qt::SmoothTransformation);
    }
    return image;
  }

 private:
  std::shared_ptr<PreviewFrame> frame_;
};

}  // namespace mosaic::ui
