// Helpers shared by the media tests: a scratch directory, running the ffmpeg
// and espeak-ng programs to generate inputs, damaging files, and plain
// reference measurements of decoded signals.
#pragma once

#include <gtest/gtest.h>

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "media/core/rgb_frame.h"

namespace mosaic::media::test {

// A fresh directory under the system temp dir, removed with its contents.
class ScratchDir {
 public:
  ScratchDir();
  ~ScratchDir();
  ScratchDir(const ScratchDir&) = delete;
  ScratchDir& operator=(const ScratchDir&) = delete;
  const std::filesystem::path& path() const { return path_; }
  std::filesystem::path operator/(const std::string& name) const { return path_ / name; }

 private:
  std::filesystem::path path_;
};

bool program_available(const std::string& name);

// Runs `ffmpeg -y -loglevel error ARGS` (arguments already shell-quoted where
// needed); returns whether it succeeded. Output goes to a log in the temp dir.
bool run_ffmpeg(const std::string& arguments);
bool run_command(const std::string& command_line);

std::string quoted(const std::filesystem::path& path);

#define MOSAIC_REQUIRE_PROGRAM(name)                                                            \
  do {                                                                                          \
    if (!::mosaic::media::test::program_available(name)) {                                      \
      GTEST_SKIP() << name << " is not installed; it generates this test's inputs (CI has it)"; \
    }                                                                                           \
  } while (0)

std::vector<uint8_t> read_bytes(const std::filesystem::path& path);
void write_bytes(const std::filesystem::path& path, const std::vector<uint8_t>& bytes);
// Copies the first keep_fraction of a file.
void write_truncated_copy(const std::filesystem::path& from, const std::filesystem::path& to,
                          double keep_fraction);
// Copies a file, overwriting a run of bytes from start_fraction on with a
// pseudo-random pattern.
void write_scrambled_copy(const std::filesystem::path& from, const std::filesystem::path& to,
                          double start_fraction, size_t byte_count);

// Binary PPM (P6), which ffmpeg reads: the way tests make exact pictures.
void write_ppm(const std::filesystem::path& path, const RgbFrame& frame);
// Reads a binary PPM as ffmpeg writes it (maxval 255); empty frame on failure.
RgbFrame read_ppm(const std::filesystem::path& path);

// Frame with four solid quadrants: top-left, top-right, bottom-left, bottom-right.
struct Rgb {
  int r, g, b;
};
RgbFrame make_quadrant_frame(int width, int height, Rgb top_left, Rgb top_right, Rgb bottom_left,
                             Rgb bottom_right);
// Average colour of a square of `radius` pixels around (x, y).
Rgb average_color(const RgbFrame& frame, int x, int y, int radius);
bool near_color(Rgb actual, Rgb expected, int tolerance);
std::string describe(Rgb color);

// Strongest frequency in [min_hz, max_hz] (1 Hz steps, Goertzel on a Hann-windowed slice).
double dominant_frequency_hz(const std::vector<float>& samples, int sample_rate_hz, double min_hz,
                             double max_hz);
double rms(const std::vector<float>& samples, size_t begin, size_t end);

}  // namespace mosaic::media::test
