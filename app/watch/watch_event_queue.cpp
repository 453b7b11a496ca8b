#include "app/watch/watch_event_queue.h"

#include <algorithm>
#include <chrono>

namespace mosaic::watch {

bool is_routine_event(WatchEventKind kind) {
  return kind == WatchEventKind::Sampled || kind == WatchEventKind::Dropped ||
         kind == WatchEventKind::Answered;
}

WatchEventQueue::WatchEventQueue(size_t capacity) : capacity_(std::max<size_t>(capacity, 1)) {}

void WatchEventQueue::push(WatchEvent event) {
  {
    std::lock_guard lock(mutex_);
    if (events_.size() >= capacity_) {
      const auto routine = std::find_if(events_.begin(), events_.end(), [](const WatchEvent& e) {
        return is_routine_event(e.kind);
      });
      if (routine != events_.end()) {
        events_.erase(routine);
        ++dropped_;
      } else if (is_routine_event(event.kind)) {
        ++dropped_;  // only important events queued: they stay, this one goes
        return;
      }
      // Otherwise the queue grows past capacity: important events are few.
    }
    events_.push_back(std::move(event));
  }
  event_ready_.notify_one();
}

std::optional<WatchEvent> WatchEventQueue::pop(int64_t timeout_ms) {
  std::unique_lock lock(mutex_);
  if (!event_ready_.wait_for(lock, std::chrono::milliseconds(timeout_ms),
                             [this] { return !events_.empty(); })) {
    return std::nullopt;
  }
  WatchEvent event = std::move(events_.front());
  events_.pop_front();
  return event;
}

std::vector<WatchEvent> WatchEventQueue::take_all() {
  std::lock_guard lock(mutex_);
  std::vector<WatchEvent> all(std::make_move_iterator(events_.begin()),
                              std::make_move_iterator(events_.end()));
  events_.clear();
  return all;
}

WatchEventSink WatchEventQueue::sink() {
  return [this](const WatchEvent& event) { push(event); };
}

size_t WatchEventQueue::size() const {
  std::lock_guard lock(mutex_);
  return events_.size();
}

uint64_t WatchEventQueue::dropped_count() const {
  std::lock_guard lock(mutex_);
  return dropped_;
}

}  // namespace mosaic::watch
