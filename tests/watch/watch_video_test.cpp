// Watch mode end to end on a generated video standing in for the camera: a
// navy picture for 3 s, then a test pattern, at 10 fps. The fake model says
// EVENT only for pictures that differ from the first one it saw, so the
// assertions are about sampling (on timestamps), timing and plumbing, not
// about a model's words. Real-time pacing with a slow model must drop
// samples rather than fall behind.
#include <gtest/gtest.h>

#include <algorithm>
#include <iostream>
#include <optional>

#include "app/watch/watch_mode.h"
#include "media/capture/video_file_source.h"
#include "media/core/grey_thumbnail.h"
#include "tests/media/media_test_support.h"
#include "tests/watch/watch_test_support.h"

namespace mosaic::watch {
namespace {

constexpr int64_t kCutMs = 3000;
constexpr int64_t kFrameMs = 100;
constexpr int64_t kGenerousWaitMs = 60'000;

std::filesystem::path make_cut_video(const media::test::ScratchDir& dir) {
  const auto file = dir / "watch-cut.mkv";
  EXPECT_TRUE(media::test::run_ffmpeg(
      "-f lavfi -i color=c=navy:s=160x120:r=10:d=3 -f lavfi -i testsrc2=s=160x120:r=10:d=3 "
      "-filter_complex concat=n=2:v=1:a=0 -c:v libx264 -preset ultrafast " +
      media::test::quoted(file)));
  return file;
}

// The fake model: "EVENT" when the newest picture differs clearly from the
// first picture it was ever shown. Called on one thread at a time.
class ChangeRule {
 public:
  std::string operator()(const FrameQuestion& question, int) {
    const media::GreyThumbnail newest = media::make_grey_thumbnail(question.frames.back());
    if (!first_) first_ = media::make_grey_thumbnail(question.frames.front());
    return media::mean_absolute_difference(*first_, newest) > 20.0 ? "EVENT: the picture changed"
                                                                   : "NOTHING";
  }

 private:
  std::optional<media::GreyThumbnail> first_;
};

struct WatchRun {
  std::vector<WatchEvent> events;
  std::vector<test::AskedQuestion> asked;
  WatchStats stats;
};

WatchRun watch_video(const std::filesystem::path& file, media::Pacing pacing, WatchOptions options,
                     int64_t think_ms) {
  media::VideoFileSourceOptions source_options;
  source_options.pacing = pacing;
  media::VideoFileSource source(file, source_options);
  test::RecordingQuestioner questioner(ChangeRule{}, think_ms);
  test::EventLog log;
  WatchMode watch(source, questioner, std::move(options), log.sink(&questioner));
  watch.start();
  EXPECT_TRUE(watch.wait_until_finished(kGenerousWaitMs));
  watch.stop();
  return {log.events(), questioner.asked(), watch.stats()};
}

std::vector<WatchEvent> of_kind(const std::vector<WatchEvent>& events, WatchEventKind kind) {
  std::vector<WatchEvent> matching;
  std::copy_if(events.begin(), events.end(), std::back_inserter(matching),
               [&](const WatchEvent& e) { return e.kind == kind; });
  return matching;
}

// Alerts only for pictures after the cut, at least one of them, and every
// answer matches the side of the cut its picture is on.
void expect_alerts_only_after_the_cut(const WatchRun& run) {
  const auto alerts = of_kind(run.events, WatchEventKind::Alert);
  ASSERT_FALSE(alerts.empty());
  for (const WatchEvent& alert : alerts) {
    EXPECT_GE(alert.pts_ms, kCutMs);
    EXPECT_EQ(alert.text, "the picture changed");
  }
  for (const WatchEvent& answer : of_kind(run.events, WatchEventKind::Answered)) {
    EXPECT_EQ(answer.verdict,
              answer.pts_ms >= kCutMs ? AnswerVerdict::Event : AnswerVerdict::Nothing)
        << "answer for the frame at " << answer.pts_ms << " ms: " << answer.text;
  }
  EXPECT_EQ(run.stats.alerts, alerts.size());
}

// Sampled frames in order, and every question's frames oldest first, each
// question about newer frames than the one before.
void expect_orderly(const WatchRun& run) {
  int64_t previous = -1;
  for (const WatchEvent& sampled : of_kind(run.events, WatchEventKind::Sampled)) {
    EXPECT_GT(sampled.pts_ms, previous);
    previous = sampled.pts_ms;
  }
  previous = -1;
  for (const test::AskedQuestion& question : run.asked) {
    ASSERT_FALSE(question.frame_pts_ms.empty());
    EXPECT_TRUE(std::is_sorted(question.frame_pts_ms.begin(), question.frame_pts_ms.end()));
    EXPECT_GT(question.frame_pts_ms.back(), previous);
    previous = question.frame_pts_ms.back();
  }
  ASSERT_FALSE(run.events.empty());
  EXPECT_EQ(run.events.back().kind, WatchEventKind::Stopped);
  EXPECT_EQ(run.events.back().text, "the video ended");
  EXPECT_EQ(run.stats.errors, 0u);
  EXPECT_EQ(of_kind(run.events, WatchEventKind::Dropped).size(), run.stats.samples_dropped);
  EXPECT_EQ(of_kind(run.events, WatchEventKind::Sampled).size(), run.stats.frames_sampled);
}

TEST(WatchVideo, SamplesTheCutAndAlertsOnlyAfterIt) {
  MOSAIC_REQUIRE_PROGRAM("ffmpeg");
  media::test::ScratchDir dir;
  const auto file = make_cut_video(dir);
  WatchOptions options;
  options.instruction = "tell me when the picture changes";
  options.interval_ms = 1000;
  options.frames_per_question = 2;
  // As fast as possible: every frame reaches watch mode, so the samples are exact.
  const WatchRun run = watch_video(file, media::Pacing::AsFastAsPossible, options, 0);

  EXPECT_EQ(run.stats.frames_seen, 60u);
  std::vector<int64_t> sampled_pts;
  for (const WatchEvent& sampled : of_kind(run.events, WatchEventKind::Sampled)) {
    sampled_pts.push_back(sampled.pts_ms);
    const auto expected_reason = sampled.pts_ms == 0        ? media::SampleReason::FirstFrame
                                 : sampled.pts_ms == kCutMs ? media::SampleReason::SceneChange
                                                            : media::SampleReason::Interval;
    EXPECT_EQ(sampled.sample_reason, expected_reason) << "at " << sampled.pts_ms << " ms";
  }
  EXPECT_EQ(sampled_pts, (std::vector<int64_t>{0, 1000, 2000, kCutMs, 4000, 5000}));
  for (const test::AskedQuestion& question : run.asked) {
    EXPECT_LE(question.frame_pts_ms.size(), 2u);
    EXPECT_NE(question.text.find("tell me when the picture changes"), std::string::npos);
  }
  expect_orderly(run);
  expect_alerts_only_after_the_cut(run);
}

TEST(WatchVideo, InRealTimeASlowModelMakesItDropSamplesNotFallBehind) {
  MOSAIC_REQUIRE_PROGRAM("ffmpeg");
  media::test::ScratchDir dir;
  const auto file = make_cut_video(dir);
  WatchOptions options;
  options.instruction = "tell me when the picture changes";
  options.interval_ms = kFrameMs;  // every frame is a sample
  options.frames_per_question = 1;
  constexpr int64_t kThinkMs = 300;  // three samples arrive per answer
  const WatchRun run = watch_video(file, media::Pacing::RealTime, options, kThinkMs);
  std::cout << "real time, " << kThinkMs << " ms per answer: " << run.stats.frames_seen
            << " frames, " << run.stats.frames_sampled << " samples, " << run.stats.questions_asked
            << " questions, " << run.stats.samples_dropped << " dropped; latency last "
            << run.stats.last_latency_ms << " ms, max " << run.stats.max_latency_ms << " ms; "
            << run.stats.samples_per_second << " samples/s, " << run.stats.questions_per_minute
            << " questions/min\n";

  // The cut is sampled as a scene change, within a few frames of it (a
  // loaded machine may lose a frame or two at the source).
  bool cut_sampled = false;
  for (const WatchEvent& sampled : of_kind(run.events, WatchEventKind::Sampled)) {
    cut_sampled |= sampled.sample_reason == media::SampleReason::SceneChange &&
                   sampled.pts_ms >= kCutMs && sampled.pts_ms <= kCutMs + 3 * kFrameMs;
  }
  EXPECT_TRUE(cut_sampled);

  // Kept up by dropping: every sample was either asked about or dropped.
  EXPECT_GT(run.stats.samples_dropped, 0u);
  EXPECT_LT(run.stats.questions_asked, run.stats.frames_sampled);
  EXPECT_EQ(run.stats.frames_sampled, run.stats.questions_asked + run.stats.samples_dropped);
  EXPECT_EQ(run.asked.size(), run.stats.questions_asked);

  // No backlog: each question is about the newest sample at the time it was
  // asked. A queue of every sample would lag by seconds by the end (three
  // samples arrive per answer); the tolerance covers a stalled thread.
  for (const test::AskedQuestion& question : run.asked) {
    ASSERT_EQ(question.frame_pts_ms.size(), 1u);
    EXPECT_GE(question.frame_pts_ms.back(), question.newest_announced_pts_ms - 1500)
        << "asked about " << question.frame_pts_ms.back() << " ms while "
        << question.newest_announced_pts_ms << " ms had been sampled";
  }

  // Latency runs from a sample's arrival to its answer, so it includes the
  // model's thinking time.
  const auto answers = of_kind(run.events, WatchEventKind::Answered);
  ASSERT_FALSE(answers.empty());
  for (const WatchEvent& answer : answers) EXPECT_GE(answer.latency_ms, kThinkMs);
  EXPECT_GE(run.stats.last_latency_ms, kThinkMs);
  EXPECT_GE(run.stats.max_latency_ms, run.stats.last_latency_ms);
  EXPECT_GE(run.stats.recent_mean_latency_ms, static_cast<double>(kThinkMs));

  // Rates: at most the video's 10 frames per second, at most one question per
  // think time; both measured over the whole run (shorter than the window).
  EXPECT_GT(run.stats.samples_per_second, 0.0);
  EXPECT_LE(run.stats.samples_per_second, 12.0);
  EXPECT_GT(run.stats.questions_per_minute, 0.0);
  EXPECT_LE(run.stats.questions_per_minute, 60'000.0 / kThinkMs + 10.0);

  expect_orderly(run);
  expect_alerts_only_after_the_cut(run);
}

}  // namespace
}  // namespace mosaic::watch
