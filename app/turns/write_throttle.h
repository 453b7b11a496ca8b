// Bounds how often a streaming reply is written to the database: the partial
// text is saved at most every `interval_ms` (and always at the end), so a
// crash loses at most that much and the disk is not hit once per token.
#pragma once

#include <chrono>
#include <cstdint>

namespace mosaic::turns {

class WriteThrottle {
 public:
  using Clock = std::chrono::steady_clock;

  explicit WriteThrottle(int64_t interval_ms) : interval_(interval_ms) {}

  // True when a write is due at `now`; the caller then writes and calls wrote().
  bool due(Clock::time_point now) const { return !wrote_once_ || now - last_ >= interval_; }
  void wrote(Clock::time_point now) {
    last_ = now;
    wrote_once_ = true;
  }

 private:
  std::chrono::milliseconds interval_;
  Clock::time_point last_{};
  bool wrote_once_ = false;
};

}  // namespace mosaic::turns
