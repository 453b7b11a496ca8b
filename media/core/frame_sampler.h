// Decides which frames of a stream are worth handing to a vision model:
// one every interval_ms, plus any frame that differs markedly from the one
// before it (a scene cut or sudden motion). Both rules work on presentation
// timestamps, so the same sampler serves files decoded as fast as possible
// and live cameras.
#pragma once

#include <cstdint>
#include <optional>

#include "media/core/grey_thumbnail.h"
#include "media/core/rgb_frame.h"

namespace mosaic::media {

struct FrameSamplerOptions {
  int64_t interval_ms = 1000;             // <= 0: no fixed-rate samples
  double scene_change_threshold = 30.0;   // mean abs grey difference; <= 0: off
  int64_t min_scene_change_gap_ms = 200;  // debounce for flicker and fast motion
  int thumbnail_width = kDefaultThumbnailWidth;
};

enum class SampleReason { Skipped, FirstFrame, Interval, SceneChange };

const char* sample_reason_name(SampleReason reason);

struct SampleDecision {
  SampleReason reason = SampleReason::Skipped;
  double difference = 0.0;  // against the previous frame; 0 for the first frame
  bool keep() const { return reason != SampleReason::Skipped; }
};

class FrameSampler {
 public:
  explicit FrameSampler(const FrameSamplerOptions& options = {});

  // Frames must arrive in presentation order.
  SampleDecision consider(const RgbFrame& frame);
  void reset();

 private:
  FrameSamplerOptions options_;
  std::optional<GreyThumbnail> previous_;
  std::optional<int64_t> last_kept_pts_us_;
  std::optional<int64_t> last_scene_change_pts_us_;
};

}  // namespace mosaic::media
