// Rates and latency over a sliding window, on a clock the test drives, and
// the bounded event queue for polling consumers.
#include "app/watch/watch_stats.h"

#include <gtest/gtest.h>

#include "app/watch/sliding_window.h"
#include "app/watch/watch_event_queue.h"

namespace mosaic::watch {
namespace {

TEST(WatchSlidingWindow, CountsOnlyTheLastWindow) {
  SlidingWindow window(10'000, 0);
  for (int64_t t = 0; t < 20'000; t += 500) window.add(t);  // 2 per second for 20 s
  EXPECT_EQ(window.count(19'999), 20u);                     // (9999, 19999]: 10000..19500
  EXPECT_DOUBLE_EQ(window.per_second(19'999), 2.0);
  EXPECT_EQ(window.count(40'000), 0u);
  EXPECT_DOUBLE_EQ(window.per_second(40'000), 0.0);
}

TEST(WatchSlidingWindow, BeforeTheWindowFillsTheRateCoversTheTimeSinceStart) {
  SlidingWindow window(60'000, 1'000);
  for (int64_t t = 1'000; t < 4'000; t += 250) window.add(t);  // 4 per second
  EXPECT_DOUBLE_EQ(window.per_second(4'000), 4.0);             // 12 over 3 s, not over 60 s
  // A lone first event is not a rate of thousands per second.
  SlidingWindow fresh(60'000, 0);
  fresh.add(3);
  EXPECT_DOUBLE_EQ(fresh.per_second(5), 1.0);
}

TEST(WatchSlidingWindow, MeanOfRecentValues) {
  SlidingWindow window(1'000, 0);
  EXPECT_DOUBLE_EQ(window.mean(0), 0.0);
  window.add(100, 500.0);
  window.add(900, 300.0);
  EXPECT_DOUBLE_EQ(window.mean(1'000), 400.0);
  window.add(1'500, 100.0);  // 100 is now out of the window
  EXPECT_DOUBLE_EQ(window.mean(1'500), 200.0);
}

TEST(WatchStatsTracker, CountersRatesAndLatency) {
  WatchStatsTracker tracker(30'000, 0);
  EXPECT_EQ(tracker.snapshot(0).last_latency_ms, -1);
  for (int64_t t = 0; t < 10'000; t += 100) tracker.frame_seen(t);  // 10 fps
  for (int64_t t = 0; t < 10'000; t += 1'000) tracker.sampled(t);   // 1 per second
  tracker.dropped();
  tracker.asked(2'000);
  tracker.asked(5'000);
  tracker.asked(8'000);
  tracker.answered(2'500, 500, AnswerVerdict::Nothing);
  tracker.answered(5'900, 900, AnswerVerdict::Event);
  tracker.answered(8'300, 300, AnswerVerdict::Unclear);
  tracker.failed();

  const WatchStats stats = tracker.snapshot(10'000);
  EXPECT_EQ(stats.frames_seen, 100u);
  EXPECT_EQ(stats.frames_sampled, 10u);
  EXPECT_EQ(stats.samples_dropped, 1u);
  EXPECT_EQ(stats.questions_asked, 3u);
  EXPECT_EQ(stats.answers, 3u);
  EXPECT_EQ(stats.alerts, 1u);
  EXPECT_EQ(stats.unclear_answers, 1u);
  EXPECT_EQ(stats.errors, 1u);
  EXPECT_EQ(stats.last_latency_ms, 300);
  EXPECT_EQ(stats.max_latency_ms, 900);
  EXPECT_DOUBLE_EQ(stats.recent_mean_latency_ms, (500.0 + 900.0 + 300.0) / 3);
  EXPECT_DOUBLE_EQ(stats.frames_per_second, 10.0);
  EXPECT_DOUBLE_EQ(stats.samples_per_second, 1.0);
  EXPECT_DOUBLE_EQ(stats.questions_per_minute, 18.0);  // 3 in 10 s
}

WatchEvent event_of(WatchEventKind kind, int64_t pts_ms = -1) {
  WatchEvent event;
  event.kind = kind;
  event.pts_ms = pts_ms;
  return event;
}

TEST(WatchEventQueue, DeliversInOrderAndTimesOut) {
  WatchEventQueue queue;
  EXPECT_FALSE(queue.pop(10).has_value());
  auto sink = queue.sink();
  sink(event_of(WatchEventKind::Started));
  sink(event_of(WatchEventKind::Sampled, 0));
  EXPECT_EQ(queue.pop(0)->kind, WatchEventKind::Started);
  EXPECT_EQ(queue.pop(0)->kind, WatchEventKind::Sampled);
  EXPECT_FALSE(queue.pop(0).has_value());
}

TEST(WatchEventQueue, WhenFullRoutineEventsGiveWayAndAlertsStay) {
  WatchEventQueue queue(3);
  queue.push(event_of(WatchEventKind::Sampled, 1));
  queue.push(event_of(WatchEventKind::Alert, 2));
  queue.push(event_of(WatchEventKind::Sampled, 3));
  queue.push(event_of(WatchEventKind::Alert, 4));    // drops Sampled 1
  queue.push(event_of(WatchEventKind::Alert, 5));    // drops Sampled 3
  queue.push(event_of(WatchEventKind::Sampled, 6));  // nothing routine left: this one goes
  queue.push(event_of(WatchEventKind::Stopped, 7));  // important: the queue grows
  EXPECT_EQ(queue.dropped_count(), 3u);
  std::vector<int64_t> kept;
  for (const WatchEvent& event : queue.take_all()) kept.push_back(event.pts_ms);
  EXPECT_EQ(kept, (std::vector<int64_t>{2, 4, 5, 7}));
  EXPECT_EQ(queue.size(), 0u);
}

}  // namespace
}  // namespace mosaic::watch
