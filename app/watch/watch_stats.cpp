#include "app/watch/watch_stats.h"

#include <algorithm>

namespace mosaic::watch {

WatchStatsTracker::WatchStatsTracker(int64_t window_ms, int64_t start_ms)
    : frames_(window_ms, start_ms),
      samples_(window_ms, start_ms),
      questions_(window_ms, start_ms),
      latencies_(window_ms, start_ms) {}

void WatchStatsTracker::frame_seen(int64_t now_ms) {
  std::lock_guard lock(mutex_);
  ++totals_.frames_seen;
  frames_.add(now_ms);
}

void WatchStatsTracker::sampled(int64_t now_ms) {
  std::lock_guard lock(mutex_);
  ++totals_.frames_sampled;
  samples_.add(now_ms);
}

void WatchStatsTracker::dropped() {
  std::lock_guard lock(mutex_);
  ++totals_.samples_dropped;
}

void WatchStatsTracker::asked(int64_t now_ms) {
  std::lock_guard lock(mutex_);
  ++totals_.questions_asked;
  questions_.add(now_ms);
}

void WatchStatsTracker::answered(int64_t now_ms, int64_t latency_ms, AnswerVerdict verdict) {
  std::lock_guard lock(mutex_);
  ++totals_.answers;
  if (verdict == AnswerVerdict::Event) ++totals_.alerts;
  if (verdict == AnswerVerdict::Unclear) ++totals_.unclear_answers;
  totals_.last_latency_ms = latency_ms;
  totals_.max_latency_ms = std::max(totals_.max_latency_ms, latency_ms);
  latencies_.add(now_ms, static_cast<double>(latency_ms));
}

void WatchStatsTracker::failed() {
  std::lock_guard lock(mutex_);
  ++totals_.errors;
}

WatchStats WatchStatsTracker::snapshot(int64_t now_ms) const {
  std::lock_guard lock(mutex_);
  WatchStats stats = totals_;
  stats.recent_mean_latency_ms = latencies_.mean(now_ms);
  stats.frames_per_second = frames_.per_second(now_ms);
  stats.samples_per_second = samples_.per_second(now_ms);
  stats.questions_per_minute = questions_.per_second(now_ms) * 60.0;
  return stats;
}

}  // namespace mosaic::watch
