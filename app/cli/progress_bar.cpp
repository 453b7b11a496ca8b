#include "app/cli/progress_bar.h"

#include <unistd.h>

#include <algorithm>
#include <cstdio>

namespace mosaic::cli {

namespace {
constexpr int kBarCells = 30;
constexpr auto kMinRedraw = std::chrono::milliseconds(100);
}  // namespace

ProgressBar::ProgressBar(std::string label)
    : label_(std::move(label)), enabled_(isatty(STDERR_FILENO) == 1) {}

ProgressBar::~ProgressBar() { finish(); }

void ProgressBar::update(float fraction) {
  if (!enabled_ || finished_) return;
  fraction = std::clamp(fraction, 0.0f, 1.0f);
  const int percent = static_cast<int>(fraction * 100.0f);
  const auto now = std::chrono::steady_clock::now();
  if (percent == last_percent_ || (now - last_draw_ < kMinRedraw && percent != 100)) return;
  last_percent_ = percent;
  last_draw_ = now;
  const int filled = static_cast<int>(fraction * kBarCells);
  std::string bar(static_cast<size_t>(filled), '#');
  bar.append(static_cast<size_t>(kBarCells - filled), '.');
  std::fprintf(stderr, "\r%s [%s] %3d%%", label_.c_str(), bar.c_str(), percent);
  std::fflush(stderr);
  drawn_ = true;
}

void ProgressBar::finish() {
  if (finished_) return;
  finished_ = true;
  if (drawn_) {
    std::fputc('\n', stderr);
    std::fflush(stderr);
  }
}

}  // namespace mosaic::cli
