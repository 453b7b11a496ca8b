// Video files to RGB frames with presentation timestamps, scaled so the
// longer side fits a limit (vision encoders want a few hundred pixels, not
// 4K), and rotated upright when the container says the camera was turned.
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <vector>

#include "media/core/frame_sampler.h"
#include "media/core/rgb_frame.h"

namespace mosaic::media {

struct VideoDecodeOptions {
  int max_side_px = 0;  // > 0: shrink so the longer side fits
  int64_t max_pixels = 8192LL * 8192;
};

class VideoDecoder {
 public:
  explicit VideoDecoder(const std::filesystem::path& path, const VideoDecodeOptions& options = {});
  ~VideoDecoder();
  VideoDecoder(const VideoDecoder&) = delete;
  VideoDecoder& operator=(const VideoDecoder&) = delete;

  // The next frame in presentation order; nullopt at the end of the stream.
  // Throws MediaError when the file turns out to be damaged or cut short.
  std::optional<RgbFrame> next_frame();

  // Size of the frames next_frame returns (after rotation and scaling).
  int output_width() const;
  int output_height() const;
  double frames_per_second() const;  // 0 when the container does not say
  int64_t duration_ms() const;       // 0 when unknown

 private:
  struct State;
  std::unique_ptr<State> state_;
};

struct VideoSamplingOptions {
  FrameSamplerOptions sampler;
  int max_side_px = 448;
  size_t max_frames = 256;  // stop after this many samples
  // > 0: each sample also gets the first frame at least this long after it
  // (Qwen3-VL encodes video as pairs of frames 0.5 s apart), or the video's
  // last frame when it ends sooner.
  int64_t next_frame_after_ms = 0;
};

struct SampledFrame {
  RgbFrame frame;
  RgbFrame next_frame;  // empty unless next_frame_after_ms asked and a later frame exists
  SampleReason reason = SampleReason::Skipped;
  double difference = 0.0;
};

// Decodes the whole file and keeps the frames the sampler selects.
std::vector<SampledFrame> sample_video_file(const std::filesystem::path& path,
                                            const VideoSamplingOptions& options = {});

}  // namespace mosaic::media
