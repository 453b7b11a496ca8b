// Cameras through OpenCV's V4L2 backend. Devices are found by listing
// /dev/video*; asking for a camera that is not there fails at once with a
// NoDevice error instead of letting a capture library probe and wait.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "media/capture/frame_source.h"

namespace mosaic::media {

struct CameraInfo {
  int index = 0;            // N in /dev/videoN
  std::string device_path;  // "/dev/video0"
  std::string name;         // from sysfs, e.g. "Integrated Camera"; may be empty
};

// Video4Linux devices, sorted by index. Some are metadata nodes rather than
// capture devices; opening those fails with a clear message.
std::vector<CameraInfo> list_cameras();

struct CameraOptions {
  int device_index = 0;
  int requested_width = 1280;  // the driver picks the nearest mode it has
  int requested_height = 720;
  double requested_fps = 30;
  int max_side_px = 640;  // frames are shrunk to this for vision models
  size_t queue_capacity = 4;
  // An unplugged camera is waited for and reopened when it comes back.
  LostDevice lost_device = LostDevice::Reopen;
  int64_t reopen_interval_ms = 1000;
};

class CameraSource : public ThreadedFrameSource {
 public:
  explicit CameraSource(const CameraOptions& options = {});
  ~CameraSource() override;

 protected:
  void open() override;
  std::optional<RgbFrame> grab() override;
  void close() override;

 private:
  struct Device;
  CameraOptions options_;
  std::unique_ptr<Device> device_;
};

}  // namespace mosaic::media
