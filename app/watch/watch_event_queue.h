// Hands watch events from the watch threads to a consumer that polls (a CLI
// loop, a test, a GUI timer). Bounded so that a consumer that stops reading
// cannot make memory grow: when full, the oldest routine event (Sampled,
// Dropped, Answered) makes room; alerts, errors and state changes are never
// dropped.
#pragma once

#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <mutex>
#include <optional>
#include <vector>

#include "app/watch/watch_event.h"

namespace mosaic::watch {

// Whether an event only reports progress (may be dropped when the queue is full).
bool is_routine_event(WatchEventKind kind);

class WatchEventQueue {
 public:
  explicit WatchEventQueue(size_t capacity = 256);

  void push(WatchEvent event);
  // The oldest event, waiting up to timeout_ms; nullopt on timeout.
  std::optional<WatchEvent> pop(int64_t timeout_ms);
  // Everything queued now, oldest first, without waiting.
  std::vector<WatchEvent> take_all();
  // A sink that pushes here; the queue must outlive every use of it.
  WatchEventSink sink();

  size_t size() const;
  uint64_t dropped_count() const;

 private:
  const size_t capacity_;
  mutable std::mutex mutex_;
  std::condition_variable event_ready_;
  std::deque<WatchEvent> events_;
  uint64_t dropped_ = 0;
};

}  // namespace mosaic::watch
