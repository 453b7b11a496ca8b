// mosaic-media-bench: decode throughput and sampler overhead.
//
// At start-up it generates a 1080p H.264 clip (and a JPEG) with the ffmpeg
// program in a temporary directory, so the numbers come from the same input
// on every machine. Usage: mosaic-media-bench [Google Benchmark flags].
#include <benchmark/benchmark.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>

#include "media/core/frame_sampler.h"
#include "media/core/grey_thumbnail.h"
#include "media/decode/image_decoder.h"
#include "media/decode/video_decoder.h"

namespace {

namespace fs = std::filesystem;
using namespace mosaic::media;

fs::path g_video_1080p;
fs::path g_jpeg_1080p;

void decode_video(benchmark::State& state, int max_side_px) {
  int64_t frames = 0;
  for (auto _ : state) {
    VideoDecoder decoder(g_video_1080p, VideoDecodeOptions{.max_side_px = max_side_px});
    while (auto frame = decoder.next_frame()) {
      benchmark::DoNotOptimize(frame->pixels.data());
      ++frames;
    }
  }
  state.counters["frames_per_s"] =
      benchmark::Counter(static_cast<double>(frames), benchmark::Counter::kIsRate);
}

void BM_DecodeVideo1080pToRgb(benchmark::State& state) { decode_video(state, 0); }
void BM_DecodeVideo1080pScaledTo448(benchmark::State& state) { decode_video(state, 448); }

void BM_SampleVideo1080p(benchmark::State& state) {
  int64_t frames = 0;
  for (auto _ : state) {
    VideoSamplingOptions options;
    options.sampler.interval_ms = 1000;
    const auto samples = sample_video_file(g_video_1080p, options);
    benchmark::DoNotOptimize(samples.data());
    frames += 60;  // 2 s at 30 fps
  }
  state.counters["frames_per_s"] =
      benchmark::Counter(static_cast<double>(frames), benchmark::Counter::kIsRate);
}

// The sampler's own cost per frame: thumbnail plus comparison.
void BM_SamplerConsider(benchmark::State& state) {
  const int width = static_cast<int>(state.range(0));
  const int height = width * 9 / 16;
  RgbFrame a(width, height), b(width, height);
  for (size_t i = 0; i < a.pixels.size(); ++i) {
    a.pixels[i] = static_cast<uint8_t>(i * 31);
    b.pixels[i] = static_cast<uint8_t>(i * 17);
  }
  FrameSampler sampler;
  int64_t pts = 0;
  for (auto _ : state) {
    RgbFrame& frame = (pts / 33333) % 2 ? a : b;
    frame.pts_us = pts;
    benchmark::DoNotOptimize(sampler.consider(frame));
    pts += 33333;
  }
  state.counters["frames_per_s"] =
      benchmark::Counter(static_cast<double>(state.iterations()), benchmark::Counter::kIsRate);
}

void BM_DecodeJpeg1080p(benchmark::State& state) {
  for (auto _ : state) {
    const RgbFrame frame = decode_image_file(g_jpeg_1080p);
    benchmark::DoNotOptimize(frame.pixels.data());
  }
}

// Decoding uses two threads: rates are per wall-clock second.
BENCHMARK(BM_DecodeVideo1080pToRgb)->Unit(benchmark::kMillisecond)->MinTime(2.0)->UseRealTime();
BENCHMARK(BM_DecodeVideo1080pScaledTo448)
    ->Unit(benchmark::kMillisecond)
    ->MinTime(2.0)
    ->UseRealTime();
BENCHMARK(BM_SampleVideo1080p)->Unit(benchmark::kMillisecond)->MinTime(2.0)->UseRealTime();
BENCHMARK(BM_SamplerConsider)->Arg(640)->Arg(1920)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_DecodeJpeg1080p)->Unit(benchmark::kMillisecond);

bool generate(const std::string& arguments) {
  const std::string command = "ffmpeg -nostdin -hide_banner -loglevel error -y " + arguments;
  return std::system(command.c_str()) == 0;
}

}  // namespace

int main(int argc, char** argv) {
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 2;

  std::string pattern = (fs::temp_directory_path() / "mosaic-media-bench-XXXXXX").string();
  if (mkdtemp(pattern.data()) == nullptr) {
    std::perror("mosaic-media-bench: cannot create a temporary directory");
    return 1;
  }
  const fs::path dir = pattern;
  g_video_1080p = dir / "clip1080p.mp4";
  g_jpeg_1080p = dir / "frame1080p.jpg";
  std::fprintf(stderr, "mosaic-media-bench: generating a 2 s 1080p H.264 clip in %s\n",
               dir.c_str());
  const bool ok =
      generate(
          "-f lavfi -i testsrc2=s=1920x1080:r=30:d=2 -c:v libx264 -preset veryfast "
          "-pix_fmt yuv420p " +
          g_video_1080p.string()) &&
      generate("-f lavfi -i testsrc2=s=1920x1080 -frames:v 1 -q:v 3 " + g_jpeg_1080p.string());
  int status = 1;
  if (!ok) {
    std::fprintf(stderr, "mosaic-media-bench: generating inputs failed (is ffmpeg installed?)\n");
  } else {
    benchmark::RunSpecifiedBenchmarks();
    benchmark::Shutdown();
    status = 0;
  }
  std::error_code error;
  fs::remove_all(dir, error);
  return status;
}
