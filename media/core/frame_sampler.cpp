#include "media/core/frame_sampler.h"

#include <utility>

namespace mosaic::media {

const char* sample_reason_name(SampleReason reason) {
  switch (reason) {
    case SampleReason::Skipped:
      return "skipped";
    case SampleReason::FirstFrame:
      return "first frame";
    case SampleReason::Interval:
      return "interval";
    case SampleReason::SceneChange:
      return "scene change";
  }
  return "unknown";
}

FrameSampler::FrameSampler(const FrameSamplerOptions& options) : options_(options) {}

void FrameSampler::reset() {
  previous_.reset();
  last_kept_pts_us_.reset();
  last_scene_change_pts_us_.reset();
}

SampleDecision FrameSampler::consider(const RgbFrame& frame) {
  SampleDecision decision;
  GreyThumbnail thumb = make_grey_thumbnail(frame, options_.thumbnail_width);
  const bool first = !previous_.has_value();
  if (!first) decision.difference = mean_absolute_difference(*previous_, thumb);
  previous_ = std::move(thumb);

  const int64_t pts_us = frame.pts_us;
  if (first) {
    decision.reason = SampleReason::FirstFrame;
  } else if (options_.scene_change_threshold > 0 &&
             decision.difference >= options_.scene_change_threshold &&
             (!last_scene_change_pts_us_ ||
              pts_us - *last_scene_change_pts_us_ >= options_.min_scene_change_gap_ms * 1000)) {
    decision.reason = SampleReason::SceneChange;
    last_scene_change_pts_us_ = pts_us;
  } else if (options_.interval_ms > 0 && last_kept_pts_us_ &&
             pts_us - *last_kept_pts_us_ >= options_.interval_ms * 1000) {
    decision.reason = SampleReason::Interval;
  }
  if (decision.keep()) last_kept_pts_us_ = pts_us;
  return decision;
}

}  // namespace mosaic::media
