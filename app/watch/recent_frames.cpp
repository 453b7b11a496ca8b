#include "app/watch/recent_frames.h"

#include <algorithm>

namespace mosaic::watch {

RecentFrames::RecentFrames(size_t capacity, size_t max_pending)
    : max_pending_(std::max<size_t>(max_pending, 1)), capacity_(std::max(capacity, max_pending_)) {}

std::optional<SampledFrame> RecentFrames::push(SampledFrame sample) {
  std::optional<SampledFrame> dropped;
  {
    std::lock_guard lock(mutex_);
    if (waiting_ == max_pending_) {
      // Waiting samples are the newest entries, so the oldest waiting one is
      // the first found from the front.
      for (Entry& entry : entries_) {
        if (entry.use != Use::Waiting) continue;
        entry.use = Use::Dropped;
        dropped = entry.sample;
        --waiting_;
        break;
      }
    }
    entries_.push_back({std::move(sample), Use::Waiting});
    ++waiting_;
    // capacity >= max_pending, so only asked or dropped samples fall off here.
    while (entries_.size() > capacity_) entries_.pop_front();
  }
  sample_waiting_.notify_one();
  return dropped;
}

std::vector<SampledFrame> RecentFrames::newest_locked(size_t count) const {
  const size_t n = std::min(count, entries_.size());
  std::vector<SampledFrame> samples;
  samples.reserve(n);
  for (auto it = entries_.end() - static_cast<std::ptrdiff_t>(n); it != entries_.end(); ++it) {
    samples.push_back(it->sample);
  }
  return samples;
}

std::vector<SampledFrame> RecentFrames::newest(size_t count) const {
  std::lock_guard lock(mutex_);
  return newest_locked(count);
}

std::optional<std::vector<SampledFrame>> RecentFrames::take_question_frames() {
  std::unique_lock lock(mutex_);
  sample_waiting_.wait(lock, [this] { return waiting_ > 0 || closed_; });
  if (waiting_ == 0) return std::nullopt;  // closed and drained
  std::vector<SampledFrame> samples = newest_locked(max_pending_);
  for (Entry& entry : entries_) {
    if (entry.use == Use::Waiting) entry.use = Use::Asked;
  }
  waiting_ = 0;
  return samples;
}

void RecentFrames::close() {
  {
    std::lock_guard lock(mutex_);
    closed_ = true;
  }
  sample_waiting_.notify_all();
}

size_t RecentFrames::size() const {
  std::lock_guard lock(mutex_);
  return entries_.size();
}

size_t RecentFrames::pending_count() const {
  std::lock_guard lock(mutex_);
  return waiting_;
}

}  // namespace mosaic::watch
