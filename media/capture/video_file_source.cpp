#include "media/capture/video_file_source.h"

#include <thread>

namespace mosaic::media {

VideoFileSource::VideoFileSource(const std::filesystem::path& path,
                                 const VideoFileSourceOptions& options)
    : ThreadedFrameSource("mosaic-vidfile", options.queue_capacity),
      path_(path),
      options_(options) {}

VideoFileSource::~VideoFileSource() { stop(); }

void VideoFileSource::open() {
  decoder_ = std::make_unique<VideoDecoder>(
      path_, VideoDecodeOptions{.max_side_px = options_.max_side_px});
  const double fps = decoder_->frames_per_second();
  frame_interval_us_ = fps > 0 ? static_cast<int64_t>(1e6 / fps) : 33333;
  loop_offset_us_ = 0;
  last_pts_us_ = 0;
  started_ = std::chrono::steady_clock::now();
}

void VideoFileSource::close() { decoder_.reset(); }

std::optional<RgbFrame> VideoFileSource::grab() {
  std::optional<RgbFrame> frame = decoder_->next_frame();
  if (!frame && options_.at_end == FileEnd::Loop && !stop_requested()) {
    loop_offset_us_ = last_pts_us_ + frame_interval_us_;
    decoder_ = std::make_unique<VideoDecoder>(
        path_, VideoDecodeOptions{.max_side_px = options_.max_side_px});
    frame = decoder_->next_frame();
  }
  if (!frame) return std::nullopt;
  frame->pts_us += loop_offset_us_;
  last_pts_us_ = frame->pts_us;

  if (options_.pacing == Pacing::RealTime) {
    // Sleep in short slices so stop() is never kept waiting long.
    const auto due = started_ + std::chrono::microseconds(frame->pts_us);
    while (!stop_requested()) {
      const auto now = std::chrono::steady_clock::now();
      if (now >= due) break;
      std::this_thread::sleep_for(
          std::min<std::chrono::steady_clock::duration>(due - now, std::chrono::milliseconds(20)));
    }
  } else {
    while (!stop_requested() && !queue().wait_for_space(50)) {
    }
  }
  if (stop_requested()) return std::nullopt;
  return frame;
}

}  // namespace mosaic::media
