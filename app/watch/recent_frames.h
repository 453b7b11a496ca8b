// The few most recent sampled frames, shared between the watch thread that
// samples, the thread that asks the model, and "ask about what you see".
//
// This is where watch mode stays real-time: at most `max_pending` samples
// wait for the model. When another arrives while the model is busy, the
// oldest waiting sample is marked dropped instead of queueing behind it, so
// the next question always carries the newest frames and latency never grows
// with a backlog. Dropped and already-asked samples stay in the history (up to
// `capacity`) as context and for "ask about what you see". Thread-safe.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <mutex>
#include <optional>
#include <vector>

#include "media/core/frame_sampler.h"
#include "media/core/rgb_frame.h"

namespace mosaic::watch {

struct SampledFrame {
  media::RgbFrame frame;
  media::SampleReason reason = media::SampleReason::FirstFrame;
  std::chrono::steady_clock::time_point arrived_at;  // when watch mode received it
};

class RecentFrames {
 public:
  // max_pending: the frames in one question. capacity: the history kept;
  // capacity >= max_pending >= 1 (smaller values are raised to that).
  RecentFrames(size_t capacity, size_t max_pending);

  // Adds a sample. Returns the sample it dropped (a waiting one pushed out
  // by this newer one), if any.
  std::optional<SampledFrame> push(SampledFrame sample);

  // The newest `count` samples, oldest first (fewer when fewer are held).
  std::vector<SampledFrame> newest(size_t count) const;

  // Waits until at least one sample waits for the model, then returns the
  // newest max_pending samples, oldest first: every waiting one, plus
  // already-asked ones as context when fewer wait. Marks the waiting ones
  // asked. nullopt once close() was called and none waits.
  std::optional<std::vector<SampledFrame>> take_question_frames();

  // No more samples will come: wakes take_question_frames.
  void close();

  size_t size() const;
  size_t pending_count() const;
  size_t capacity() const { return capacity_; }
  size_t max_pending() const { return max_pending_; }

 private:
  enum class Use { Waiting, Asked, Dropped };
  struct Entry {
    SampledFrame sample;
    Use use;
  };
  std::vector<SampledFrame> newest_locked(size_t count) const;

  const size_t max_pending_;
  const size_t capacity_;
  mutable std::mutex mutex_;
  std::condition_variable sample_waiting_;
  std::deque<Entry> entries_;  // oldest first
  size_t waiting_ = 0;
  bool closed_ = false;
};

}  // namespace mosaic::watch
