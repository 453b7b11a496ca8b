// Hand-over point between a capture thread and its readers: a "latest frame"
// slot for UIs that only want the newest picture, and a small bounded queue
// for consumers that want every sampled frame (oldest dropped when full, so a
// slow reader never stalls capture).
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <mutex>
#include <optional>

#include "media/core/rgb_frame.h"

namespace mosaic::media {

class FrameQueue {
 public:
  explicit FrameQueue(size_t capacity);

  void push(RgbFrame frame);
  std::optional<RgbFrame> latest() const;
  // Oldest queued frame, waiting up to timeout_ms for one; nullopt on timeout or close.
  std::optional<RgbFrame> pop(int64_t timeout_ms);
  // For producers that must not drop (a file played as fast as possible):
  // waits until a slot is free; false on timeout or close.
  bool wait_for_space(int64_t timeout_ms);
  // Wakes waiting readers; later pops return what is left, then nullopt at once.
  void close();
  void reopen();

  size_t size() const;
  uint64_t dropped_count() const;

 private:
  const size_t capacity_;
  mutable std::mutex mutex_;
  std::condition_variable frame_ready_;
  std::condition_variable space_available_;
  std::optional<RgbFrame> latest_;
  std::deque<RgbFrame> queue_;
  uint64_t dropped_ = 0;
  bool closed_ = false;
};

}  // namespace mosaic::media
