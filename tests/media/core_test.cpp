// The plain data structures: ring buffer against a std::deque reference and
// under a real producer/consumer pair, the frame queue's drop policy, grey
// thumbnails against hand-computed luma, and the sampler's rules.
#include <gtest/gtest.h>

#include <chrono>
#include <deque>
#include <random>
#include <thread>

#include "media/core/frame_orientation.h"
#include "media/core/frame_queue.h"
#include "media/core/frame_sampler.h"
#include "media/core/grey_thumbnail.h"
#include "media/core/spsc_ring_buffer.h"

namespace mosaic::media {
namespace {

RgbFrame solid(int width, int height, uint8_t r, uint8_t g, uint8_t b, int64_t pts_us = 0) {
  RgbFrame frame(width, height);
  for (size_t i = 0; i < frame.pixels.size(); i += 3) {
    frame.pixels[i] = r;
    frame.pixels[i + 1] = g;
    frame.pixels[i + 2] = b;
  }
  frame.pts_us = pts_us;
  return frame;
}

TEST(SpscRingBuffer, MatchesADequeUnderRandomOperations) {
  SpscRingBuffer<int> ring(37);
  std::deque<int> reference;
  std::mt19937 random(7);
  int next_value = 0;
  for (int step = 0; step < 5000; ++step) {
    if (random() % 2) {
      std::vector<int> items(random() % 20);
      for (int& item : items) item = next_value++;
      const size_t pushed = ring.push(items.data(), items.size());
      EXPECT_EQ(pushed, std::min(items.size(), 37 - reference.size()));
      reference.insert(reference.end(), items.begin(), items.begin() + static_cast<long>(pushed));
      next_value -= static_cast<int>(items.size() - pushed);
    } else {
      std::vector<int> out(random() % 20);
      const size_t popped = ring.pop(out.data(), out.size());
      ASSERT_EQ(popped, std::min(out.size(), reference.size()));
      for (size_t i = 0; i < popped; ++i) {
        ASSERT_EQ(out[i], reference.front());
        reference.pop_front();
      }
    }
    ASSERT_EQ(ring.size(), reference.size());
  }
}

TEST(SpscRingBuffer, ProducerAndConsumerThreadsKeepOrder) {
  SpscRingBuffer<uint32_t> ring(1024);
  constexpr uint32_t kCount = 200'000;
  std::thread producer([&] {
    uint32_t next = 0;
    uint32_t block[61];
    while (next < kCount) {
      const uint32_t n = std::min<uint32_t>(61, kCount - next);
      for (uint32_t i = 0; i < n; ++i) block[i] = next + i;
      const size_t pushed = ring.push(block, n);
      next += static_cast<uint32_t>(pushed);
      if (pushed == 0) std::this_thread::yield();  // the machine may have fewer cores than threads
    }
  });
  uint32_t expected = 0;
  uint32_t block[97];
  bool in_order = true;
  while (expected < kCount) {
    const size_t got = ring.pop(block, 97);
    if (got == 0) std::this_thread::yield();
    for (size_t i = 0; i < got; ++i) in_order &= block[i] == expected++;
  }
  producer.join();
  EXPECT_TRUE(in_order);
  EXPECT_EQ(ring.size(), 0u);
}

TEST(FrameQueue, DropsOldestAndKeepsLatest) {
  FrameQueue queue(3);
  EXPECT_FALSE(queue.latest().has_value());
  for (int i = 0; i < 5; ++i) queue.push(solid(2, 2, 0, 0, 0, i));
  EXPECT_EQ(queue.size(), 3u);
  EXPECT_EQ(queue.dropped_count(), 2u);
  EXPECT_EQ(queue.latest()->pts_us, 4);
  EXPECT_EQ(queue.pop(0)->pts_us, 2);
  EXPECT_EQ(queue.pop(0)->pts_us, 3);
  EXPECT_EQ(queue.pop(0)->pts_us, 4);
  const auto before = std::chrono::steady_clock::now();
  EXPECT_FALSE(queue.pop(50).has_value());
  EXPECT_GE(std::chrono::steady_clock::now() - before, std::chrono::milliseconds(45));
}

TEST(FrameQueue, CloseWakesAWaitingReader) {
  FrameQueue queue(2);
  std::thread closer([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(30));
    queue.close();
  });
  const auto before = std::chrono::steady_clock::now();
  EXPECT_FALSE(queue.pop(5000).has_value());
  EXPECT_LT(std::chrono::steady_clock::now() - before, std::chrono::milliseconds(2000));
  closer.join();
  EXPECT_FALSE(queue.wait_for_space(10));
}

TEST(GreyThumbnail, LumaAndSize) {
  const GreyThumbnail thumb = make_grey_thumbnail(solid(640, 480, 200, 100, 50), 64);
  EXPECT_EQ(thumb.width, 64);
  EXPECT_EQ(thumb.height, 48);
  // BT.601: 0.299 R + 0.587 G + 0.114 B = 59.8 + 58.7 + 5.7 = 124.2
  for (uint8_t v : thumb.pixels) EXPECT_NEAR(v, 124.2, 1.5);
  const GreyThumbnail small = make_grey_thumbnail(solid(10, 5, 0, 0, 0), 64);
  EXPECT_EQ(small.width, 10);  // never enlarged
  EXPECT_EQ(small.height, 5);
}

TEST(GreyThumbnail, MeanAbsoluteDifference) {
  const GreyThumbnail black = make_grey_thumbnail(solid(64, 64, 0, 0, 0));
  const GreyThumbnail white = make_grey_thumbnail(solid(64, 64, 255, 255, 255));
  EXPECT_NEAR(mean_absolute_difference(black, white), 255.0, 1.0);
  EXPECT_DOUBLE_EQ(mean_absolute_difference(black, black), 0.0);
  RgbFrame half = solid(64, 64, 0, 0, 0);
  for (int y = 0; y < 32; ++y) {
    for (int x = 0; x < 64; ++x) std::fill(half.pixel(x, y), half.pixel(x, y) + 3, 255);
  }
  EXPECT_NEAR(mean_absolute_difference(black, make_grey_thumbnail(half)), 127.5, 1.0);
  const GreyThumbnail other_size = make_grey_thumbnail(solid(32, 64, 0, 0, 0));
  EXPECT_DOUBLE_EQ(mean_absolute_difference(black, other_size), 255.0);
}

TEST(FrameSampler, IntervalAndSceneChangeRules) {
  FrameSamplerOptions options;
  options.interval_ms = 500;
  options.scene_change_threshold = 30;
  options.min_scene_change_gap_ms = 200;
  FrameSampler sampler(options);
  std::vector<std::pair<int64_t, SampleReason>> kept;
  // 100 ms frames: grey until 1200 ms, white from 1200, black at 1300 (flicker
  // within the gap), black until the end at 2000.
  for (int64_t t = 0; t <= 2000; t += 100) {
    const uint8_t level = t < 1200 ? 128 : (t == 1200 ? 255 : 0);
    const SampleDecision decision = sampler.consider(solid(64, 48, level, level, level, t * 1000));
    if (decision.keep()) kept.emplace_back(t, decision.reason);
  }
  const std::vector<std::pair<int64_t, SampleReason>> expected = {{0, SampleReason::FirstFrame},
                                                                  {500, SampleReason::Interval},
                                                                  {1000, SampleReason::Interval},
                                                                  {1200, SampleReason::SceneChange},
                                                                  {1700, SampleReason::Interval}};
  EXPECT_EQ(kept, expected);
}

TEST(FrameOrientation, QuarterTurns) {
  RgbFrame frame(2, 1);  // left pixel 10, right pixel 20
  frame.pixels = {10, 10, 10, 20, 20, 20};
  const RgbFrame clockwise = rotate_clockwise(frame, 90);
  ASSERT_EQ(clockwise.width, 1);
  ASSERT_EQ(clockwise.height, 2);
  EXPECT_EQ(clockwise.pixel(0, 0)[0], 10);  // left side goes to the top
  EXPECT_EQ(clockwise.pixel(0, 1)[0], 20);
  const RgbFrame counter = rotate_clockwise(frame, -90);
  EXPECT_EQ(counter.pixel(0, 0)[0], 20);
  const RgbFrame half = rotate_clockwise(frame, 180);
  EXPECT_EQ(half.pixel(0, 0)[0], 20);
  EXPECT_EQ(half.width, 2);
}

}  // namespace
}  // namespace mosaic::media
