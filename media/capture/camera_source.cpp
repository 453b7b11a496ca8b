#include "media/capture/camera_source.h"

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <opencv2/core.hpp>
#include <opencv2/imgproc.hpp>
#include <opencv2/videoio.hpp>

#include "media/core/media_error.h"

namespace mosaic::media {
namespace {

// A stalled camera gets this many failed reads before it counts as lost.
constexpr int kMaxConsecutiveReadFailures = 30;

std::string sysfs_name(int index) {
  std::ifstream in(fmt::format("/sys/class/video4linux/video{}/name", index));
  std::string name;
  std::getline(in, name);
  return name;
}

std::string camera_list_text() {
  const std::vector<CameraInfo> cameras = list_cameras();
  if (cameras.empty()) return "no cameras found";
  std::string text = "cameras found:";
  for (const CameraInfo& camera : cameras) text += " " + camera.device_path;
  return text;
}

}  // namespace

std::vector<CameraInfo> list_cameras() {
  std::vector<CameraInfo> cameras;
  std::error_code error;
  for (const auto& entry : std::filesystem::directory_iterator("/dev", error)) {
    const std::string name = entry.path().filename().string();
    if (name.size() <= 5 || name.compare(0, 5, "video") != 0) continue;
    if (!std::all_of(name.begin() + 5, name.end(), [](char c) { return c >= '0' && c <= '9'; })) {
      continue;
    }
    const int index = std::stoi(name.substr(5));
    cameras.push_back(CameraInfo{index, entry.path().string(), sysfs_name(index)});
  }
  std::sort(cameras.begin(), cameras.end(),
            [](const CameraInfo& a, const CameraInfo& b) { return a.index < b.index; });
  return cameras;
}

struct CameraSource::Device {
  cv::VideoCapture capture;
  cv::Mat bgr;
  cv::Mat rgb;
  std::chrono::steady_clock::time_point opened_at;
  int consecutive_failures = 0;
};

CameraSource::CameraSource(const CameraOptions& options)
    : ThreadedFrameSource(fmt::format("mosaic-cam{}", options.device_index), options.queue_capacity,
                          options.lost_device, options.reopen_interval_ms),
      options_(options) {}

CameraSource::~CameraSource() { stop(); }

void CameraSource::open() {
  const std::string path = fmt::format("/dev/video{}", options_.device_index);
  std::error_code error;
  if (options_.device_index < 0 || !std::filesystem::exists(path, error)) {
    fail(MediaErrorKind::NoDevice,
         fmt::format("no camera: {} does not exist ({})", path, camera_list_text()));
  }
  auto device = std::make_unique<Device>();
  // V4L2 directly: the generic backend list would also try GStreamer and
  // FFmpeg, which can take seconds to give up on a device.
  if (!device->capture.open(options_.device_index, cv::CAP_V4L2) || !device->capture.isOpened()) {
    fail(MediaErrorKind::NoDevice,
         fmt::format("no camera: {} could not be opened (in use by another program, no "
                     "permission, or not a capture device)",
                     path));
  }
  device->capture.set(cv::CAP_PROP_FRAME_WIDTH, options_.requested_width);
  device->capture.set(cv::CAP_PROP_FRAME_HEIGHT, options_.requested_height);
  device->capture.set(cv::CAP_PROP_FPS, options_.requested_fps);
  device->opened_at = std::chrono::steady_clock::now();
  device_ = std::move(device);
}

void CameraSource::close() { device_.reset(); }

std::optional<RgbFrame> CameraSource::grab() {
  Device& device = *device_;
  while (!stop_requested()) {
    if (!device.capture.read(device.bgr) || device.bgr.empty()) {
      if (++device.consecutive_failures >= kMaxConsecutiveReadFailures) {
        fail(MediaErrorKind::Io,
             fmt::format("camera /dev/video{} stopped delivering frames", options_.device_index));
      }
      continue;
    }
    device.consecutive_failures = 0;
    const int64_t pts_us = std::chrono::duration_cast<std::chrono::microseconds>(
                               std::chrono::steady_clock::now() - device.opened_at)
                               .count();
    cv::Mat source = device.bgr;
    const int longer = std::max(source.cols, source.rows);
    if (options_.max_side_px > 0 && longer > options_.max_side_px) {
      const double scale = static_cast<double>(options_.max_side_px) / longer;
      cv::resize(source, device.rgb, cv::Size(), scale, scale, cv::INTER_AREA);
      source = device.rgb;
    }
    RgbFrame frame(source.cols, source.rows);
    cv::Mat wrapped(frame.height, frame.width, CV_8UC3, frame.pixels.data(), frame.stride_bytes());
    if (source.channels() == 3) {
      cv::cvtColor(source, wrapped, cv::COLOR_BGR2RGB);
    } else if (source.channels() == 1) {
      cv::cvtColor(source, wrapped, cv::COLOR_GRAY2RGB);
    } else {
      fail(MediaErrorKind::Unsupported,
           fmt::format("camera /dev/video{} delivers {}-channel frames", options_.device_index,
                       source.channels()));
    }
    frame.pts_us = pts_us;
    return frame;
  }
  return std::nullopt;
}

}  // namespace mosaic::media
