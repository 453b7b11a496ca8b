// What watch mode reports about itself: how many frames it saw, sampled,
// dropped and asked about, how long answers take, and its current rates.
// The rates and the mean latency come from a sliding window, so they show
// whether watch mode keeps up now; the counters cover the whole run.
#pragma once

#include <cstdint>
#include <mutex>

#include "app/watch/sliding_window.h"
#include "app/watch/watch_answer.h"

namespace mosaic::watch {

struct WatchStats {
  uint64_t frames_seen = 0;      // frames read from the source
  uint64_t frames_sampled = 0;   // kept by the sampler (interval or scene change)
  uint64_t samples_dropped = 0;  // sampled while the model was busy, then replaced by newer ones
  uint64_t questions_asked = 0;
  uint64_t answers = 0;          // questions that came back with an answer
  uint64_t alerts = 0;           // answers classified as Event
  uint64_t unclear_answers = 0;  // answers in neither agreed form
  uint64_t errors = 0;           // questions that failed

  // From a sampled frame's arrival to its answer; -1 until the first answer.
  int64_t last_latency_ms = -1;
  int64_t max_latency_ms = -1;
  double recent_mean_latency_ms = 0.0;  // over the window; 0 when no recent answer

  // Over the window.
  double frames_per_second = 0.0;
  double samples_per_second = 0.0;
  double questions_per_minute = 0.0;
};

// Collects the numbers; times are milliseconds on the owner's clock (any
// origin, never going backwards). Thread-safe: the watch threads both report.
class WatchStatsTracker {
 public:
  WatchStatsTracker(int64_t window_ms, int64_t start_ms);

  void frame_seen(int64_t now_ms);
  void sampled(int64_t now_ms);
  void dropped();
  void asked(int64_t now_ms);
  void answered(int64_t now_ms, int64_t latency_ms, AnswerVerdict verdict);
  void failed();

  WatchStats snapshot(int64_t now_ms) const;

 private:
  mutable std::mutex mutex_;
  WatchStats totals_;
  SlidingWindow frames_;
  SlidingWindow samples_;
  SlidingWindow questions_;
  SlidingWindow latencies_;
};

}  // namespace mosaic::watch
