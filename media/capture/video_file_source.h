// A video file standing in for a camera: same interface, same thread and
// queue, so tests and demos run where no camera exists. Real-time pacing
// behaves like a camera (frames arrive at their timestamps, slow readers
// lose frames); as-fast-as-possible decodes at full speed and waits for the
// reader instead of dropping, which makes tests deterministic.
#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <memory>

#include "media/capture/frame_source.h"
#include "media/decode/video_decoder.h"

namespace mosaic::media {

enum class FileEnd { Finish, Loop };

struct VideoFileSourceOptions {
  Pacing pacing = Pacing::RealTime;
  FileEnd at_end = FileEnd::Finish;
  int max_side_px = 640;
  size_t queue_capacity = 8;
};

class VideoFileSource : public ThreadedFrameSource {
 public:
  explicit VideoFileSource(const std::filesystem::path& path,
                           const VideoFileSourceOptions& options = {});
  ~VideoFileSource() override;

 protected:
  void open() override;
  std::optional<RgbFrame> grab() override;
  void close() override;

 private:
  std::filesystem::path path_;
  VideoFileSourceOptions options_;
  std::unique_ptr<VideoDecoder> decoder_;
  std::chrono::steady_clock::time_point started_;
  int64_t loop_offset_us_ = 0;  // added to timestamps after each loop
  int64_t last_pts_us_ = 0;
  int64_t frame_interval_us_ = 0;
};

}  // namespace mosaic::media
