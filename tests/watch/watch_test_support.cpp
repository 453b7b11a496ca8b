#include "tests/watch/watch_test_support.h"

#include <chrono>
#include <thread>

#include "media/core/media_error.h"

namespace mosaic::media {
void PrintTo(SampleReason reason, std::ostream* out) { *out << sample_reason_name(reason); }
}  // namespace mosaic::media

namespace mosaic::watch {
void PrintTo(WatchEventKind kind, std::ostream* out) { *out << watch_event_kind_name(kind); }
void PrintTo(AnswerVerdict verdict, std::ostream* out) { *out << answer_verdict_name(verdict); }
}  // namespace mosaic::watch

namespace mosaic::watch::test {

media::RgbFrame grey_frame(uint8_t level, int64_t pts_ms, int width, int height) {
  media::RgbFrame frame(width, height);
  std::fill(frame.pixels.begin(), frame.pixels.end(), level);
  frame.pts_us = pts_ms * 1000;
  return frame;
}

SyntheticSource::SyntheticSource(SyntheticSourceOptions options)
    : ThreadedFrameSource("test-synth", 4, options.lost_device, /*reopen_interval_ms=*/30),
      options_(std::move(options)) {}

SyntheticSource::~SyntheticSource() { ThreadedFrameSource::stop(); }

void SyntheticSource::start() {
  ++start_calls;
  ThreadedFrameSource::start();
}

void SyntheticSource::stop() {
  ++stop_calls;
  ThreadedFrameSource::stop();
}

void SyntheticSource::open() {
  if (options_.open == OpenBehaviour::NoDevice || !plugged) {
    media::fail(media::MediaErrorKind::NoDevice, "no camera: /dev/video42 does not exist");
  }
}

std::optional<media::RgbFrame> SyntheticSource::grab() {
  std::this_thread::sleep_for(std::chrono::milliseconds(options_.grab_delay_ms));
  if (!plugged || (options_.fail_after_frames >= 0 && index_ >= options_.fail_after_frames)) {
    media::fail(media::MediaErrorKind::Io, "/dev/video42: read failed (device lost)");
  }
  if (options_.frame_count >= 0 && index_ >= options_.frame_count) return std::nullopt;
  // Like a file played as fast as possible: wait for the reader rather than
  // drop, so tests know exactly which frames watch mode saw.
  while (!stop_requested() && !queue().wait_for_space(50)) {
  }
  if (stop_requested()) return std::nullopt;
  const int index = index_++;
  return grey_frame(options_.level(index), index * options_.frame_interval_ms);
}

RecordingQuestioner::RecordingQuestioner(Rule rule, int64_t think_ms, Thinking thinking)
    : rule_(std::move(rule)), think_ms_(think_ms), thinking_(thinking) {}

FrameAnswer RecordingQuestioner::ask(const FrameQuestion& question,
                                     const std::function<bool()>& cancelled) {
  AskedQuestion record;
  for (const media::RgbFrame& frame : question.frames) {
    record.frame_pts_ms.push_back(frame.pts_us / 1000);
    record.frame_levels.push_back(
        frame.empty() ? 0 : frame.pixel(frame.width / 2, frame.height / 2)[1]);
  }
  record.text = question.text;
  record.newest_announced_pts_ms = newest_announced_pts_ms.load();
  int call_index = 0;
  {
    std::lock_guard lock(mutex_);
    call_index = calls_++;
    asked_.push_back(record);
  }
  called_.notify_all();

  const auto deadline = std::chrono::steady_clock::now() +
                        std::chrono::milliseconds(thinking_ == Thinking::Fixed ? think_ms_ : 60000);
  bool saw_cancel = false;
  while (std::chrono::steady_clock::now() < deadline) {
    if (cancelled()) {
      saw_cancel = true;
      break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  if (saw_cancel) {
    std::lock_guard lock(mutex_);
    asked_[static_cast<size_t>(call_index)].saw_cancel = true;
  }
  if (thinking_ == Thinking::UntilCancelled) throw WatchCancelled();
  return {rule_(question, call_index)};
}

std::vector<AskedQuestion> RecordingQuestioner::asked() const {
  std::lock_guard lock(mutex_);
  return asked_;
}

bool RecordingQuestioner::wait_for_calls(int count, int64_t timeout_ms) {
  std::unique_lock lock(mutex_);
  return called_.wait_for(lock, std::chrono::milliseconds(timeout_ms),
                          [&] { return calls_ >= count; });
}

WatchEventSink EventLog::sink(RecordingQuestioner* questioner) {
  return [this, questioner](const WatchEvent& event) {
    if (questioner && event.kind == WatchEventKind::Sampled) {
      questioner->newest_announced_pts_ms.store(event.pts_ms);
    }
    {
      std::lock_guard lock(mutex_);
      events_.push_back(event);
    }
    changed_.notify_all();
  };
}

std::vector<WatchEvent> EventLog::events() const {
  std::lock_guard lock(mutex_);
  return events_;
}

std::vector<WatchEvent> EventLog::of_kind(WatchEventKind kind) const {
  std::vector<WatchEvent> matching;
  for (const WatchEvent& event : events()) {
    if (event.kind == kind) matching.push_back(event);
  }
  return matching;
}

bool EventLog::wait_for(WatchEventKind kind, int64_t timeout_ms) {
  std::unique_lock lock(mutex_);
  return changed_.wait_for(lock, std::chrono::milliseconds(timeout_ms), [&] {
    for (const WatchEvent& event : events_) {
      if (event.kind == kind) return true;
    }
    return false;
  });
}

}  // namespace mosaic::watch::test
