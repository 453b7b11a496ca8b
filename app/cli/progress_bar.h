// A one-line progress bar on stderr, drawn only when stderr is a terminal (a
// redirected stderr gets no carriage-return noise).
#pragma once

#include <chrono>
#include <string>

namespace mosaic::cli {

class ProgressBar {
 public:
  explicit ProgressBar(std::string label);
  ~ProgressBar();  // finishes the line if still drawn

  // fraction in [0, 1]; redraws at most every 100 ms or when the percentage changes.
  void update(float fraction);
  // Ends the line (if one was drawn). Further updates are ignored.
  void finish();

 private:
  std::string label_;
  bool enabled_;
  bool drawn_ = false;
  bool finished_ = false;
  int last_percent_ = -1;
  std::chrono::steady_clock::time_point last_draw_{};
};

}  // namespace mosaic::cli
