#include "media/core/frame_queue.h"

#include <algorithm>
#include <utility>

namespace mosaic::media {

FrameQueue::FrameQueue(size_t capacity) : capacity_(std::max<size_t>(capacity, 1)) {}

void FrameQueue::push(RgbFrame frame) {
  {
    std::lock_guard lock(mutex_);
    latest_ = frame;
    if (queue_.size() == capacity_) {
      queue_.pop_front();
      ++dropped_;
    }
    queue_.push_back(std::move(frame));
  }
  frame_ready_.notify_one();
}

std::optional<RgbFrame> FrameQueue::latest() const {
  std::lock_guard lock(mutex_);
  return latest_;
}

std::optional<RgbFrame> FrameQueue::pop(int64_t timeout_ms) {
  std::unique_lock lock(mutex_);
  frame_ready_.wait_for(lock, std::chrono::milliseconds(timeout_ms),
                        [&] { return !queue_.empty() || closed_; });
  if (queue_.empty()) return std::nullopt;
  RgbFrame frame = std::move(queue_.front());
  queue_.pop_front();
  lock.unlock();
  space_available_.notify_one();
  return frame;
}

bool FrameQueue::wait_for_space(int64_t timeout_ms) {
  std::unique_lock lock(mutex_);
  return space_available_.wait_for(lock, std::chrono::milliseconds(timeout_ms), [&] {
    return queue_.size() < capacity_ || closed_;
  }) && !closed_;
}

void FrameQueue::close() {
  {
    std::lock_guard lock(mutex_);
    closed_ = true;
  }
  frame_ready_.notify_all();
  space_available_.notify_all();
}

void FrameQueue::reopen() {
  std::lock_guard lock(mutex_);
  closed_ = false;
}

size_t FrameQueue::size() const {
  std::lock_guard lock(mutex_);
  return queue_.size();
}

uint64_t FrameQueue::dropped_count() const {
  std::lock_guard lock(mutex_);
  return dropped_;
}

}  // namespace mosaic::media
