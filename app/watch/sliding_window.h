// Counts and averages over the most recent stretch of time, so that the
// sampling rate and latency watch mode shows follow what is happening now
// rather than the whole run. Times are milliseconds on a clock the caller
// supplies (any origin), which keeps tests free of real time. Not
// thread-safe: the owner locks.
#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>

namespace mosaic::watch {

class SlidingWindow {
 public:
  // start_ms: when counting began; rates cover less than window_ms until the
  // window has filled.
  SlidingWindow(int64_t window_ms, int64_t start_ms);

  // Times must not go backwards.
  void add(int64_t at_ms, double value = 0.0);

  // Entries in (now_ms - window_ms, now_ms].
  size_t count(int64_t now_ms) const;
  // count() per second of covered time: the window, or the time since start
  // when shorter, but never under one second or the window (a rate over a
  // few milliseconds would swing wildly).
  double per_second(int64_t now_ms) const;
  // Mean of the values in the window; 0 when empty.
  double mean(int64_t now_ms) const;

  int64_t window_ms() const { return window_ms_; }

 private:
  struct Entry {
    int64_t at_ms;
    double value;
  };
  bool in_window(const Entry& entry, int64_t now_ms) const;

  int64_t window_ms_;
  int64_t start_ms_;
  std::deque<Entry> entries_;
};

}  // namespace mosaic::watch
