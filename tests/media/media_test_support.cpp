#include "tests/media/media_test_support.h"

#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <fstream>
#include <numbers>
#include <random>
#include <sstream>

namespace mosaic::media::test {

ScratchDir::ScratchDir() {
  std::string pattern = (std::filesystem::temp_directory_path() / "mosaic-media-XXXXXX").string();
  if (mkdtemp(pattern.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
  path_ = pattern;
}

ScratchDir::~ScratchDir() {
  std::error_code error;
  std::filesystem::remove_all(path_, error);
}

bool program_available(const std::string& name) {
  const char* path = std::getenv("PATH");
  if (path == nullptr) return false;
  std::stringstream directories(path);
  std::string directory;
  while (std::getline(directories, directory, ':')) {
    if (!directory.empty() && access((directory + "/" + name).c_str(), X_OK) == 0) return true;
  }
  return false;
}

std::string quoted(const std::filesystem::path& path) {
  std::string out = "'";
  for (char c : path.string()) {
    if (c == '\'') {
      out += "'\\''";
    } else {
      out += c;
    }
  }
  return out + "'";
}

bool run_command(const std::string& command_line) {
  const int status = std::system(command_line.c_str());
  if (status != 0) ADD_FAILURE() << "command failed (" << status << "): " << command_line;
  return status == 0;
}

bool run_ffmpeg(const std::string& arguments) {
  return run_command("ffmpeg -nostdin -hide_banner -loglevel error -y " + arguments);
}

std::vector<uint8_t> read_bytes(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  return std::vector<uint8_t>(std::istreambuf_iterator<char>(in), {});
}

void write_bytes(const std::filesystem::path& path, const std::vector<uint8_t>& bytes) {
  std::ofstream out(path, std::ios::binary);
  out.write(reinterpret_cast<const char*>(bytes.data()),
            static_cast<std::streamsize>(bytes.size()));
}

void write_truncated_copy(const std::filesystem::path& from, const std::filesystem::path& to,
                          double keep_fraction) {
  std::vector<uint8_t> bytes = read_bytes(from);
  bytes.resize(static_cast<size_t>(bytes.size() * keep_fraction));
  write_bytes(to, bytes);
}

void write_scrambled_copy(const std::filesystem::path& from, const std::filesystem::path& to,
                          double start_fraction, size_t byte_count) {
  std::vector<uint8_t> bytes = read_bytes(from);
  std::mt19937 random(12345);
  const size_t start = static_cast<size_t>(bytes.size() * start_fraction);
  for (size_t i = start; i < std::min(bytes.size(), start + byte_count); ++i) {
    bytes[i] = static_cast<uint8_t>(random());
  }
  write_bytes(to, bytes);
}

void write_ppm(const std::filesystem::path& path, const RgbFrame& frame) {
  std::ofstream out(path, std::ios::binary);
  out << "P6\n" << frame.width << " " << frame.height << "\n255\n";
  out.write(reinterpret_cast<const char*>(frame.pixels.data()),
            static_cast<std::streamsize>(frame.pixels.size()));
}

RgbFrame read_ppm(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::string magic;
  int width = 0, height = 0, maxval = 0;
  in >> magic >> width >> height >> maxval;
  in.get();  // the single whitespace byte before the pixels
  if (magic != "P6" || width <= 0 || height <= 0 || maxval != 255) return {};
  RgbFrame frame(width, height);
  in.read(reinterpret_cast<char*>(frame.pixels.data()),
          static_cast<std::streamsize>(frame.pixels.size()));
  return in ? frame : RgbFrame{};
}

RgbFrame make_quadrant_frame(int width, int height, Rgb top_left, Rgb top_right, Rgb bottom_left,
                             Rgb bottom_right) {
  RgbFrame frame(width, height);
  for (int y = 0; y < height; ++y) {
    for (int x = 0; x < width; ++x) {
      const bool right = x >= width / 2;
      const bool bottom = y >= height / 2;
      const Rgb c = bottom ? (right ? bottom_right : bottom_left) : (right ? top_right : top_left);
      uint8_t* p = frame.pixel(x, y);
      p[0] = static_cast<uint8_t>(c.r);
      p[1] = static_cast<uint8_t>(c.g);
      p[2] = static_cast<uint8_t>(c.b);
    }
  }
  return frame;
}

Rgb average_color(const RgbFrame& frame, int x, int y, int radius) {
  long sum[3] = {0, 0, 0};
  long count = 0;
  for (int yy = std::max(0, y - radius); yy <= std::min(frame.height - 1, y + radius); ++yy) {
    for (int xx = std::max(0, x - radius); xx <= std::min(frame.width - 1, x + radius); ++xx) {
      const uint8_t* p = frame.pixel(xx, yy);
      for (int c = 0; c < 3; ++c) sum[c] += p[c];
      ++count;
    }
  }
  if (count == 0) return {-1, -1, -1};
  return {static_cast<int>(sum[0] / count), static_cast<int>(sum[1] / count),
          static_cast<int>(sum[2] / count)};
}

bool near_color(Rgb actual, Rgb expected, int tolerance) {
  return std::abs(actual.r - expected.r) <= tolerance &&
         std::abs(actual.g - expected.g) <= tolerance &&
         std::abs(actual.b - expected.b) <= tolerance;
}

std::string describe(Rgb color) {
  std::ostringstream out;  // not operator+: GCC 12 gives a false -Wrestrict warning there
  out << "(" << color.r << ", " << color.g << ", " << color.b << ")";
  return out.str();
}

double dominant_frequency_hz(const std::vector<float>& samples, int sample_rate_hz, double min_hz,
                             double max_hz) {
  // One second from the middle of the signal keeps the 1 Hz grid meaningful.
  const size_t length = std::min<size_t>(samples.size(), static_cast<size_t>(sample_rate_hz));
  const size_t begin = (samples.size() - length) / 2;
  std::vector<double> windowed(length);
  for (size_t i = 0; i < length; ++i) {
    const double hann = 0.5 - 0.5 * std::cos(2 * std::numbers::pi * i / (length - 1));
    windowed[i] = samples[begin + i] * hann;
  }
  double best_hz = 0, best_power = -1;
  for (double hz = min_hz; hz <= max_hz; hz += 1.0) {
    const double coefficient = 2 * std::cos(2 * std::numbers::pi * hz / sample_rate_hz);
    double s1 = 0, s2 = 0;
    for (double x : windowed) {
      const double s0 = x + coefficient * s1 - s2;
      s2 = s1;
      s1 = s0;
    }
    const double power = s1 * s1 + s2 * s2 - coefficient * s1 * s2;
    if (power > best_power) {
      best_power = power;
      best_hz = hz;
    }
  }
  return best_hz;
}

double rms(const std::vector<float>& samples, size_t begin, size_t end) {
  end = std::min(end, samples.size());
  if (begin >= end) return 0;
  double sum = 0;
  for (size_t i = begin; i < end; ++i) sum += static_cast<double>(samples[i]) * samples[i];
  return std::sqrt(sum / static_cast<double>(end - begin));
}

}  // namespace mosaic::media::test
