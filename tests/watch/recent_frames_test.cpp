// The sample history between the sampling thread and the asking thread: a
// busy model makes waiting samples give way to newer ones (never a
// backlog), and "ask about what you see" picks the right pictures.
#include "app/watch/recent_frames.h"

#include <gtest/gtest.h>

#include <chrono>
#include <future>
#include <thread>

#include "app/watch/ask_about_frames.h"
#include "tests/watch/watch_test_support.h"

namespace mosaic::watch {
namespace {

using namespace std::chrono_literals;

SampledFrame sample(int64_t pts_ms) {
  return {.frame = test::grey_frame(static_cast<uint8_t>(pts_ms / 100), pts_ms),
          .reason = media::SampleReason::Interval,
          .arrived_at = std::chrono::steady_clock::now()};
}

std::vector<int64_t> pts_of(const std::vector<SampledFrame>& samples) {
  std::vector<int64_t> pts;
  for (const SampledFrame& s : samples) pts.push_back(s.frame.pts_us / 1000);
  return pts;
}

std::vector<int64_t> pts_of(const std::vector<media::RgbFrame>& frames) {
  std::vector<int64_t> pts;
  for (const media::RgbFrame& f : frames) pts.push_back(f.pts_us / 1000);
  return pts;
}

TEST(WatchRecentFrames, KeepsTheNewestUpToCapacityOldestFirst) {
  RecentFrames recent(3, 1);
  for (int64_t pts : {0, 100, 200, 300, 400}) recent.push(sample(pts));
  EXPECT_EQ(recent.size(), 3u);
  EXPECT_EQ(pts_of(recent.newest(10)), (std::vector<int64_t>{200, 300, 400}));
  EXPECT_EQ(pts_of(recent.newest(2)), (std::vector<int64_t>{300, 400}));
  EXPECT_TRUE(recent.newest(0).empty());
}

TEST(WatchRecentFrames, ANewerSampleReplacesTheWaitingOneWhileTheModelIsBusy) {
  RecentFrames recent(4, 1);
  EXPECT_FALSE(recent.push(sample(0)).has_value());
  const auto dropped = recent.push(sample(100));  // nobody took 0 yet
  ASSERT_TRUE(dropped.has_value());
  EXPECT_EQ(dropped->frame.pts_us, 0);
  const auto dropped_again = recent.push(sample(200));
  ASSERT_TRUE(dropped_again.has_value());
  EXPECT_EQ(dropped_again->frame.pts_us, 100'000);
  EXPECT_EQ(recent.pending_count(), 1u);

  const auto question = recent.take_question_frames();
  ASSERT_TRUE(question.has_value());
  EXPECT_EQ(pts_of(*question), (std::vector<int64_t>{200}));  // the newest, not the backlog
  EXPECT_EQ(recent.pending_count(), 0u);
  // Asked samples are never dropped, only history.
  EXPECT_FALSE(recent.push(sample(300)).has_value());
  EXPECT_EQ(recent.size(), 4u);
}

TEST(WatchRecentFrames, QuestionsOfSeveralFramesCarryOlderOnesAsContext) {
  RecentFrames recent(4, 2);
  recent.push(sample(0));
  EXPECT_EQ(pts_of(*recent.take_question_frames()), (std::vector<int64_t>{0}));
  recent.push(sample(100));
  // 0 was asked already, 100 waits: both go, oldest first.
  EXPECT_EQ(pts_of(*recent.take_question_frames()), (std::vector<int64_t>{0, 100}));

  recent.push(sample(200));
  recent.push(sample(300));
  const auto dropped = recent.push(sample(400));  // three waiting, two allowed
  ASSERT_TRUE(dropped.has_value());
  EXPECT_EQ(dropped->frame.pts_us, 200'000);
  EXPECT_EQ(pts_of(*recent.take_question_frames()), (std::vector<int64_t>{300, 400}));
}

TEST(WatchRecentFrames, TakeWaitsForASampleAndCloseEndsIt) {
  RecentFrames recent(4, 1);
  auto taken = std::async(std::launch::async, [&] { return recent.take_question_frames(); });
  EXPECT_EQ(taken.wait_for(50ms), std::future_status::timeout);
  recent.push(sample(700));
  ASSERT_EQ(taken.wait_for(10s), std::future_status::ready);
  EXPECT_EQ(pts_of(*taken.get()), (std::vector<int64_t>{700}));

  auto after_close = std::async(std::launch::async, [&] { return recent.take_question_frames(); });
  EXPECT_EQ(after_close.wait_for(50ms), std::future_status::timeout);
  recent.close();
  ASSERT_EQ(after_close.wait_for(10s), std::future_status::ready);
  EXPECT_FALSE(after_close.get().has_value());
}

TEST(WatchRecentFrames, SamplesWaitingAtCloseAreStillHandedOut) {
  RecentFrames recent(4, 1);
  recent.push(sample(100));
  recent.close();
  const auto last = recent.take_question_frames();
  ASSERT_TRUE(last.has_value());
  EXPECT_EQ(pts_of(*last), (std::vector<int64_t>{100}));
  EXPECT_FALSE(recent.take_question_frames().has_value());
}

TEST(WatchRecentFrames, NonsenseSizesAreRaisedToWorkingOnes) {
  RecentFrames recent(0, 0);
  EXPECT_EQ(recent.max_pending(), 1u);
  EXPECT_EQ(recent.capacity(), 1u);
}

TEST(WatchAskAboutWhatYouSee, UsesTheNewestSamplesOldestFirst) {
  const std::vector<media::RgbFrame> sampled = {
      test::grey_frame(1, 1000), test::grey_frame(2, 2000), test::grey_frame(3, 3000)};
  const auto question =
      question_about_frames(sampled, test::grey_frame(3, 3000), "what changed?", 2);
  ASSERT_TRUE(question.has_value());
  EXPECT_EQ(pts_of(question->frames), (std::vector<int64_t>{2000, 3000}));
  EXPECT_NE(question->text.find("2 pictures"), std::string::npos) << question->text;
  EXPECT_TRUE(question->text.starts_with("what changed?\n")) << question->text;
}

TEST(WatchAskAboutWhatYouSee, ANewerCameraPictureTakesTheLastPlace) {
  const std::vector<media::RgbFrame> sampled = {test::grey_frame(1, 1000),
                                                test::grey_frame(2, 2000)};
  const auto question = question_about_frames(sampled, test::grey_frame(9, 4200), "now?", 2);
  ASSERT_TRUE(question.has_value());
  EXPECT_EQ(pts_of(question->frames), (std::vector<int64_t>{2000, 4200}));
  const auto one = question_about_frames(sampled, test::grey_frame(9, 4200), "now?", 1);
  EXPECT_EQ(pts_of(one->frames), (std::vector<int64_t>{4200}));
}

TEST(WatchAskAboutWhatYouSee, WithoutSamplesTheCameraPictureAloneAndWithoutAnyNothing) {
  const auto latest_only = question_about_frames({}, test::grey_frame(5, 800), "what is it?", 3);
  ASSERT_TRUE(latest_only.has_value());
  EXPECT_EQ(pts_of(latest_only->frames), (std::vector<int64_t>{800}));
  EXPECT_FALSE(question_about_frames({}, std::nullopt, "what is it?", 3).has_value());
  EXPECT_FALSE(question_about_frames({}, media::RgbFrame{}, "what is it?", 3).has_value());
}

TEST(WatchAskAboutWhatYouSee, FrameCountIsClampedToWhatAQuestionCarries) {
  std::vector<media::RgbFrame> sampled;
  for (int i = 0; i < 6; ++i) sampled.push_back(test::grey_frame(1, i * 1000));
  EXPECT_EQ(question_about_frames(sampled, std::nullopt, "q", 99)->frames.size(),
            kMaxFramesPerQuestion);
  EXPECT_EQ(question_about_frames(sampled, std::nullopt, "q", 0)->frames.size(), 1u);
}

TEST(WatchAskAboutWhatYouSee, FromAHistoryAndALiveSource) {
  test::SyntheticSourceOptions options;
  options.frame_count = 3;
  test::SyntheticSource source(options);
  RecentFrames recent(4, 1);
  EXPECT_FALSE(question_about_what_you_see(recent, source, "q", 2).has_value());  // not started

  recent.push(sample(100));
  recent.push(sample(200));
  const auto question = question_about_what_you_see(recent, source, "q", 2);
  ASSERT_TRUE(question.has_value());
  EXPECT_EQ(pts_of(question->frames), (std::vector<int64_t>{100, 200}));
}

}  // namespace
}  // namespace mosaic::watch
