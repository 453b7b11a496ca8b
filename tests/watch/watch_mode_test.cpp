// WatchMode with in-memory sources: missing and failing cameras become
// events, a failing model does not end watching, stop() is prompt even in
// the middle of a question, and the events keep their order. No assertion
// depends on the machine's speed beyond generous upper bounds on waits.
#include "app/watch/watch_mode.h"

#include <gtest/gtest.h>

#include <chrono>
#include <stdexcept>
#include <thread>

#include "app/watch/watch_event_queue.h"
#include "media/capture/camera_source.h"
#include "tests/watch/watch_test_support.h"

namespace mosaic::watch {
namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

constexpr int64_t kGenerousWaitMs = 30'000;

WatchOptions basic_options() {
  WatchOptions options;
  options.instruction = "tell me when someone enters";
  options.interval_ms = 200;
  return options;
}

std::string answer_nothing(const FrameQuestion&, int) { return "NOTHING"; }

std::vector<WatchEventKind> kinds_of(const std::vector<WatchEvent>& events) {
  std::vector<WatchEventKind> kinds;
  for (const WatchEvent& event : events) kinds.push_back(event.kind);
  return kinds;
}

void expect_stopped_once_and_last(const std::vector<WatchEvent>& events) {
  ASSERT_FALSE(events.empty());
  EXPECT_EQ(events.front().kind, WatchEventKind::Started);
  EXPECT_EQ(events.back().kind, WatchEventKind::Stopped);
  int stopped = 0;
  for (const WatchEvent& event : events) stopped += event.kind == WatchEventKind::Stopped;
  EXPECT_EQ(stopped, 1);
}

TEST(WatchMode, MissingCameraIsASourceLostEventNotACrash) {
  test::SyntheticSourceOptions source_options;
  source_options.open = test::OpenBehaviour::NoDevice;
  test::SyntheticSource source(source_options);
  test::RecordingQuestioner questioner(answer_nothing, 0);
  test::EventLog log;
  WatchMode watch(source, questioner, basic_options(), log.sink());
  watch.start();
  ASSERT_TRUE(watch.wait_until_finished(kGenerousWaitMs));
  EXPECT_FALSE(watch.running());

  const std::vector<WatchEvent> events = log.events();
  ASSERT_EQ(kinds_of(events),
            (std::vector<WatchEventKind>{WatchEventKind::Started, WatchEventKind::SourceLost,
                                         WatchEventKind::Stopped}));
  EXPECT_NE(events[1].text.find("no camera"), std::string::npos) << events[1].text;
  EXPECT_NE(events[2].text.find("no camera"), std::string::npos) << events[2].text;
  EXPECT_EQ(source.state(), media::CaptureState::NoDevice);
  EXPECT_EQ(watch.stats().frames_seen, 0u);
  EXPECT_TRUE(questioner.asked().empty());
  EXPECT_FALSE(watch.ask_about_what_you_see("what is there?", 1).has_value());
}

TEST(WatchMode, ARealCameraThatDoesNotExistGivesTheSameClearState) {
  media::CameraOptions camera_options;
  camera_options.device_index = 97;  // no machine has this many
  media::CameraSource camera(camera_options);
  test::RecordingQuestioner questioner(answer_nothing, 0);
  test::EventLog log;
  WatchMode watch(camera, questioner, basic_options(), log.sink());
  watch.start();
  ASSERT_TRUE(watch.wait_until_finished(kGenerousWaitMs));
  const auto lost = log.of_kind(WatchEventKind::SourceLost);
  ASSERT_EQ(lost.size(), 1u);
  EXPECT_NE(lost[0].text.find("/dev/video97"), std::string::npos) << lost[0].text;
  EXPECT_EQ(camera.state(), media::CaptureState::NoDevice);
  expect_stopped_once_and_last(log.events());
}

TEST(WatchMode, ACameraFailingWhileRunningEndsWatchingWithItsMessage) {
  test::SyntheticSourceOptions source_options;
  source_options.fail_after_frames = 12;
  test::SyntheticSource source(source_options);
  test::RecordingQuestioner questioner(answer_nothing, 0);
  test::EventLog log;
  WatchMode watch(source, questioner, basic_options(), log.sink());
  watch.start();
  ASSERT_TRUE(watch.wait_until_finished(kGenerousWaitMs));
  const auto lost = log.of_kind(WatchEventKind::SourceLost);
  ASSERT_EQ(lost.size(), 1u);
  EXPECT_NE(lost[0].text.find("device lost"), std::string::npos) << lost[0].text;
  EXPECT_EQ(watch.stats().frames_seen, 12u);
  expect_stopped_once_and_last(log.events());
  EXPECT_NE(log.events().back().text.find("device lost"), std::string::npos);
}

TEST(WatchMode, AnUnpluggedCameraIsLostThenRestoredWhenItComesBack) {
  test::SyntheticSourceOptions source_options;
  source_options.lost_device = media::LostDevice::Reopen;
  test::SyntheticSource source(source_options);
  test::RecordingQuestioner questioner(answer_nothing, 0);
  test::EventLog log;
  WatchMode watch(source, questioner, basic_options(), log.sink());
  watch.start();
  ASSERT_TRUE(log.wait_for(WatchEventKind::Sampled, kGenerousWaitMs));

  source.plugged = false;
  ASSERT_TRUE(log.wait_for(WatchEventKind::SourceLost, kGenerousWaitMs));
  EXPECT_TRUE(watch.running());  // waiting for the camera, not finished
  source.plugged = true;
  ASSERT_TRUE(log.wait_for(WatchEventKind::SourceRestored, kGenerousWaitMs));
  watch.stop();

  const auto lost = log.of_kind(WatchEventKind::SourceLost);
  ASSERT_EQ(lost.size(), 1u);
  EXPECT_NE(lost[0].text.find("device lost"), std::string::npos) << lost[0].text;
  EXPECT_EQ(log.of_kind(WatchEventKind::SourceRestored).size(), 1u);
  expect_stopped_once_and_last(log.events());
  EXPECT_EQ(log.events().back().text, "stopped");
}

TEST(WatchMode, AFailingModelIsAnErrorEventAndWatchingGoesOn) {
  test::SyntheticSourceOptions source_options;
  source_options.frame_count = 30;
  test::SyntheticSource source(source_options);
  test::RecordingQuestioner questioner(
      [](const FrameQuestion&, int call) -> std::string {
        if (call == 0) throw std::runtime_error("the model ran out of memory");
        return "NOTHING";
      },
      0);
  test::EventLog log;
  WatchMode watch(source, questioner, basic_options(), log.sink());
  watch.start();
  ASSERT_TRUE(watch.wait_until_finished(kGenerousWaitMs));

  const auto errors = log.of_kind(WatchEventKind::Error);
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_EQ(errors[0].text, "the model ran out of memory");
  EXPECT_FALSE(log.of_kind(WatchEventKind::Answered).empty());
  const WatchStats stats = watch.stats();
  EXPECT_EQ(stats.errors, 1u);
  EXPECT_EQ(stats.answers + stats.errors, stats.questions_asked);
  EXPECT_EQ(log.events().back().text, "the video ended");
}

TEST(WatchMode, StopIsPromptInTheMiddleOfAQuestionAndRepeatable) {
  test::SyntheticSource source({});  // endless
  test::RecordingQuestioner questioner(answer_nothing, 0, test::Thinking::UntilCancelled);
  test::EventLog log;
  WatchMode watch(source, questioner, basic_options(), log.sink());
  watch.start();
  ASSERT_TRUE(questioner.wait_for_calls(1, kGenerousWaitMs));
  EXPECT_TRUE(watch.running());

  const auto before = Clock::now();
  watch.stop();
  // The questioner would block for a minute without the cancellation.
  EXPECT_LT(Clock::now() - before, 10s);
  EXPECT_FALSE(watch.running());
  ASSERT_EQ(questioner.asked().size(), 1u);
  EXPECT_TRUE(questioner.asked()[0].saw_cancel);
  EXPECT_TRUE(log.of_kind(WatchEventKind::Answered).empty());  // cancelled: no answer
  EXPECT_TRUE(log.of_kind(WatchEventKind::Error).empty());     // and no error either
  expect_stopped_once_and_last(log.events());
  EXPECT_EQ(log.events().back().text, "stopped");
  EXPECT_EQ(source.stop_calls, 1);  // watch mode started it, so it stops it

  const size_t event_count = log.events().size();
  watch.stop();
  watch.stop();
  EXPECT_EQ(log.events().size(), event_count);  // nothing more after Stopped
}

TEST(WatchMode, DestructorStopsAndStopBeforeStartIsHarmless) {
  test::SyntheticSource source({});
  test::RecordingQuestioner questioner(answer_nothing, 0, test::Thinking::UntilCancelled);
  test::EventLog log;
  {
    WatchMode never_started(source, questioner, basic_options(), log.sink());
    never_started.stop();
    never_started.start();  // a stopped watcher does not start again
    EXPECT_FALSE(never_started.running());
  }
  EXPECT_TRUE(log.events().empty());
  {
    WatchMode watch(source, questioner, basic_options(), log.sink());
    watch.start();
    ASSERT_TRUE(questioner.wait_for_calls(1, kGenerousWaitMs));
  }  // destroyed mid-question
  expect_stopped_once_and_last(log.events());
}

TEST(WatchMode, ASharedSourceIsNeitherStartedNorStopped) {
  test::SyntheticSourceOptions source_options;
  source_options.frame_count = 10;
  test::SyntheticSource source(source_options);
  source.start();  // the camera panel's preview owns it
  test::RecordingQuestioner questioner(answer_nothing, 0);
  test::EventLog log;
  WatchOptions options = basic_options();
  options.source_control = SourceControl::Shared;
  {
    WatchMode watch(source, questioner, options, log.sink());
    watch.start();
    ASSERT_TRUE(watch.wait_until_finished(kGenerousWaitMs));
    watch.stop();
  }
  EXPECT_EQ(source.start_calls, 1);
  EXPECT_EQ(source.stop_calls, 0);
  EXPECT_EQ(log.events().back().text, "the video ended");
  source.stop();
}

TEST(WatchMode, AnsweredAlertsAndTheirOrder) {
  // Grey 40 for frames 0-9, then 200: the fake model reports bright frames.
  test::SyntheticSourceOptions source_options;
  source_options.frame_count = 20;
  source_options.level = [](int index) { return uint8_t(index < 10 ? 40 : 200); };
  test::SyntheticSource source(source_options);
  test::RecordingQuestioner questioner(
      [](const FrameQuestion& question, int) -> std::string {
        const media::RgbFrame& newest = question.frames.back();
        return newest.pixels[0] > 100 ? "EVENT: the light came on" : "NOTHING";
      },
      0);
  test::EventLog log;
  WatchMode watch(source, questioner, basic_options(), log.sink());
  watch.start();
  ASSERT_TRUE(watch.wait_until_finished(kGenerousWaitMs));

  const std::vector<WatchEvent> events = log.events();
  expect_stopped_once_and_last(events);
  const auto sampled = log.of_kind(WatchEventKind::Sampled);
  ASSERT_FALSE(sampled.empty());
  // The cut at frame 10 (1000 ms) is a scene change.
  bool cut_sampled = false;
  for (const WatchEvent& event : sampled) {
    cut_sampled |= event.pts_ms == 1000 && event.sample_reason == media::SampleReason::SceneChange;
  }
  EXPECT_TRUE(cut_sampled);

  const auto alerts = log.of_kind(WatchEventKind::Alert);
  ASSERT_FALSE(alerts.empty());
  for (const WatchEvent& alert : alerts) {
    EXPECT_GE(alert.pts_ms, 1000);
    EXPECT_EQ(alert.text, "the light came on");
    EXPECT_EQ(alert.verdict, AnswerVerdict::Event);
  }
  // Every Alert directly follows the Answered of the same frame, which
  // follows that frame's Sampled.
  for (size_t i = 0; i < events.size(); ++i) {
    if (events[i].kind != WatchEventKind::Alert) continue;
    ASSERT_GT(i, 0u);
    EXPECT_EQ(events[i - 1].kind, WatchEventKind::Answered);
    EXPECT_EQ(events[i - 1].pts_ms, events[i].pts_ms);
  }
  for (size_t i = 0; i < events.size(); ++i) {
    if (events[i].kind != WatchEventKind::Answered) continue;
    bool sampled_before = false;
    for (size_t j = 0; j < i; ++j) {
      sampled_before |=
          events[j].kind == WatchEventKind::Sampled && events[j].pts_ms == events[i].pts_ms;
    }
    EXPECT_TRUE(sampled_before) << "answer for " << events[i].pts_ms;
    EXPECT_EQ(events[i].verdict,
              events[i].pts_ms >= 1000 ? AnswerVerdict::Event : AnswerVerdict::Nothing);
  }
  EXPECT_EQ(watch.stats().alerts, alerts.size());
  EXPECT_EQ(events.back().stats.alerts, alerts.size());  // the snapshot travels with events
}

TEST(WatchMode, AskAboutWhatYouSeeUsesTheWatchedSamples) {
  test::SyntheticSourceOptions source_options;
  source_options.frame_count = 10;
  test::SyntheticSource source(source_options);
  test::RecordingQuestioner questioner(answer_nothing, 0);
  test::EventLog log;
  WatchMode watch(source, questioner, basic_options(), log.sink());
  watch.start();
  ASSERT_TRUE(watch.wait_until_finished(kGenerousWaitMs));
  const auto question = watch.ask_about_what_you_see("what is on the desk?", 2);
  ASSERT_TRUE(question.has_value());
  ASSERT_EQ(question->frames.size(), 2u);
  EXPECT_LT(question->frames[0].pts_us, question->frames[1].pts_us);
  // The last frame (900 ms) is newer than the last sample (800 ms).
  EXPECT_EQ(question->frames[0].pts_us, 800'000);
  EXPECT_EQ(question->frames[1].pts_us, 900'000);
  EXPECT_TRUE(question->text.starts_with("what is on the desk?\n")) << question->text;
}

TEST(WatchMode, EventsCanBePolledFromAQueue) {
  test::SyntheticSourceOptions source_options;
  source_options.frame_count = 5;
  test::SyntheticSource source(source_options);
  test::RecordingQuestioner questioner(answer_nothing, 0);
  WatchEventQueue queue;
  WatchMode watch(source, questioner, basic_options(), queue.sink());
  watch.start();
  std::vector<WatchEventKind> kinds;
  while (kinds.empty() || kinds.back() != WatchEventKind::Stopped) {
    const auto event = queue.pop(kGenerousWaitMs);
    ASSERT_TRUE(event.has_value());
    kinds.push_back(event->kind);
  }
  EXPECT_EQ(kinds.front(), WatchEventKind::Started);
}

TEST(WatchMode, OptionsThatCannotWorkAreRefused) {
  test::SyntheticSource source({});
  test::RecordingQuestioner questioner(answer_nothing, 0);
  WatchOptions no_instruction = basic_options();
  no_instruction.instruction = "  \n";
  EXPECT_THROW(WatchMode(source, questioner, no_instruction, {}), std::invalid_argument);
  WatchOptions too_many = basic_options();
  too_many.frames_per_question = kMaxFramesPerQuestion + 1;
  EXPECT_THROW(WatchMode(source, questioner, too_many, {}), std::invalid_argument);
  WatchOptions none = basic_options();
  none.frames_per_question = 0;
  EXPECT_THROW(WatchMode(source, questioner, none, {}), std::invalid_argument);
  WatchOptions never_samples = basic_options();
  never_samples.interval_ms = 0;
  never_samples.scene_change_threshold = 0;
  EXPECT_THROW(WatchMode(source, questioner, never_samples, {}), std::invalid_argument);
}

}  // namespace
}  // namespace mosaic::watch
