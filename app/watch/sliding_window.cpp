#include "app/watch/sliding_window.h"

#include <algorithm>

namespace mosaic::watch {

namespace {
constexpr int64_t kShortestRateSpanMs = 1000;
}

SlidingWindow::SlidingWindow(int64_t window_ms, int64_t start_ms)
    : window_ms_(std::max<int64_t>(window_ms, 1)), start_ms_(start_ms) {}

bool SlidingWindow::in_window(const Entry& entry, int64_t now_ms) const {
  return entry.at_ms > now_ms - window_ms_ && entry.at_ms <= now_ms;
}

void SlidingWindow::add(int64_t at_ms, double value) {
  entries_.push_back({at_ms, value});
  // Forget what can never be in a window again, so memory stays bounded by
  // the rate times the window.
  while (!entries_.empty() && entries_.front().at_ms <= at_ms - window_ms_) entries_.pop_front();
}

size_t SlidingWindow::count(int64_t now_ms) const {
  return static_cast<size_t>(std::count_if(entries_.begin(), entries_.end(),
                                           [&](const Entry& e) { return in_window(e, now_ms); }));
}

double SlidingWindow::per_second(int64_t now_ms) const {
  const int64_t shortest_ms = std::min(kShortestRateSpanMs, window_ms_);
  const int64_t covered_ms = std::clamp(now_ms - start_ms_, shortest_ms, window_ms_);
  return static_cast<double>(count(now_ms)) * 1000.0 / static_cast<double>(covered_ms);
}

double SlidingWindow::mean(int64_t now_ms) const {
  double sum = 0.0;
  size_t n = 0;
  for (const Entry& entry : entries_) {
    if (!in_window(entry, now_ms)) continue;
    sum += entry.value;
    ++n;
  }
  return n == 0 ? 0.0 : sum / static_cast<double>(n);
}

}  // namespace mosaic::watch
