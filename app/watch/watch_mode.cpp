#include "app/watch/watch_mode.h"

#include <pthread.h>

#include <algorithm>
#include <stdexcept>
#include <utility>

#include "app/watch/watch_prompt.h"
#include "media/core/frame_sampler.h"

namespace mosaic::watch {
namespace {

// How long the reader waits for a frame before it looks at stop() and the
// source's state again: short, so stop() stays prompt.
constexpr int64_t kFramePollMs = 50;

WatchOptions validated(WatchOptions options) {
  if (options.instruction.find_first_not_of(" \t\r\n") == std::string::npos) {
    throw std::invalid_argument(
        "watch mode needs an instruction, e.g. \"tell me when someone enters\"");
  }
  if (options.frames_per_question < 1 || options.frames_per_question > kMaxFramesPerQuestion) {
    throw std::invalid_argument("watch mode sends 1 to " + std::to_string(kMaxFramesPerQuestion) +
                                " frames per question, not " +
                                std::to_string(options.frames_per_question));
  }
  if (options.interval_ms <= 0 && options.scene_change_threshold <= 0) {
    throw std::invalid_argument(
        "watch mode needs an interval or a scene-change threshold, or it never samples a frame");
  }
  if (options.stats_window_ms <= 0) {
    throw std::invalid_argument("watch mode's statistics window must be positive");
  }
  return options;
}

media::FrameSamplerOptions sampler_options(const WatchOptions& options) {
  media::FrameSamplerOptions sampler;
  sampler.interval_ms = options.interval_ms;
  sampler.scene_change_threshold = options.scene_change_threshold;
  sampler.min_scene_change_gap_ms = options.min_scene_change_gap_ms;
  return sampler;
}

WatchEvent make_event(WatchEventKind kind, std::string text = {}, int64_t pts_ms = -1) {
  WatchEvent event;
  event.kind = kind;
  event.text = std::move(text);
  event.pts_ms = pts_ms;
  return event;
}

int64_t milliseconds_between(std::chrono::steady_clock::time_point from,
                             std::chrono::steady_clock::time_point to) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(to - from).count();
}

}  // namespace

WatchMode::WatchMode(media::FrameSource& source, FrameQuestioner& questioner, WatchOptions options,
                     WatchEventSink sink)
    : source_(source),
      questioner_(questioner),
      options_(validated(std::move(options))),
      sink_(std::move(sink)),
      created_at_(std::chrono::steady_clock::now()),
      recent_(kMaxFramesPerQuestion, options_.frames_per_question),
      stats_(options_.stats_window_ms, 0) {}

WatchMode::~WatchMode() { stop(); }

int64_t WatchMode::now_ms() const {
  return milliseconds_between(created_at_, std::chrono::steady_clock::now());
}

void WatchMode::start() {
  {
    std::lock_guard lock(state_mutex_);
    if (started_) return;
    started_ = true;
    threads_left_ = 2;
  }
  emit(make_event(WatchEventKind::Started, options_.instruction));
  reader_ = std::thread([this] { read_frames(); });
  pthread_setname_np(reader_.native_handle(), "mosaic-watch");
  asker_ = std::thread([this] { ask_questions(); });
  pthread_setname_np(asker_.native_handle(), "mosaic-watch-q");
}

void WatchMode::stop() {
  std::lock_guard stop_lock(stop_mutex_);
  stop_requested_.store(true, std::memory_order_release);
  {
    std::lock_guard lock(state_mutex_);
    if (!started_) {
      started_ = true;  // never started: there is nothing to stop, and nothing will start
      finished_ = true;
    }
  }
  finished_changed_.notify_all();
  recent_.close();  // wakes the asker if it waits for a sample
  if (reader_.joinable()) reader_.join();
  if (asker_.joinable()) asker_.join();
  if (options_.source_control == SourceControl::StartAndStop) source_.stop();
}

bool WatchMode::wait_until_finished(int64_t timeout_ms) {
  std::unique_lock lock(state_mutex_);
  return finished_changed_.wait_for(lock, std::chrono::milliseconds(timeout_ms),
                                    [this] { return finished_; });
}

bool WatchMode::running() const {
  std::lock_guard lock(state_mutex_);
  return started_ && !finished_;
}

WatchStats WatchMode::stats() const { return stats_.snapshot(now_ms()); }

std::optional<FrameQuestion> WatchMode::ask_about_what_you_see(const std::string& user_question,
                                                               size_t frame_count) const {
  return question_about_what_you_see(recent_, source_, user_question, frame_count);
}

void WatchMode::emit(WatchEvent event) {
  std::lock_guard lock(event_mutex_);
  event.stats = stats();
  if (sink_) sink_(event);
}

void WatchMode::end_watching(const std::string& reason) {
  std::lock_guard lock(state_mutex_);
  if (end_reason_.empty()) end_reason_ = reason;
}

void WatchMode::thread_finished() {
  std::string reason;
  {
    std::lock_guard lock(state_mutex_);
    if (--threads_left_ > 0) return;
    reason = end_reason_.empty() ? "stopped" : end_reason_;
  }
  // Outside state_mutex_: the sink may ask running() or stats().
  emit(make_event(WatchEventKind::Stopped, reason));
  {
    std::lock_guard lock(state_mutex_);
    finished_ = true;
  }
  finished_changed_.notify_all();
}

bool WatchMode::open_source() {
  if (options_.source_control == SourceControl::Shared) return true;
  try {
    source_.start();
    return true;
  } catch (const std::exception& error) {
    // A camera-less machine lands here (MediaError NoDevice): a state to
    // show, not a crash.
    emit(make_event(WatchEventKind::SourceLost, error.what()));
    end_watching(error.what());
    return false;
  }
}

bool WatchMode::handle_no_frame(bool& lost) {
  switch (source_.state()) {
    case media::CaptureState::Running:
      return true;  // no frame within the poll interval; keep waiting
    case media::CaptureState::Reconnecting:
      if (!lost) {
        lost = true;
        emit(make_event(WatchEventKind::SourceLost, source_.status_message()));
      }
      return true;  // the camera may come back
    case media::CaptureState::Finished:
      end_watching("the video ended");
      return false;
    case media::CaptureState::Stopped:
    case media::CaptureState::NoDevice:
    case media::CaptureState::Failed:
      break;
  }
  const std::string message = source_.status_message();
  emit(make_event(WatchEventKind::SourceLost, message));
  end_watching(message);
  return false;
}

void WatchMode::take_sample(media::RgbFrame frame, media::SampleReason reason,
                            std::chrono::steady_clock::time_point arrived_at) {
  const int64_t pts_ms = frame.pts_us / 1000;
  stats_.sampled(now_ms());
  // Announced before the asker can see it, so Sampled comes before its Answered.
  WatchEvent sampled = make_event(WatchEventKind::Sampled, {}, pts_ms);
  sampled.sample_reason = reason;
  emit(std::move(sampled));
  std::optional<SampledFrame> dropped =
      recent_.push({.frame = std::move(frame), .reason = reason, .arrived_at = arrived_at});
  if (!dropped) return;
  stats_.dropped();
  emit(make_event(WatchEventKind::Dropped, {}, dropped->frame.pts_us / 1000));
}

void WatchMode::read_frames() {
  try {
    if (open_source()) {
      media::FrameSampler sampler(sampler_options(options_));
      bool lost = false;
      while (!stop_requested()) {
        std::optional<media::RgbFrame> frame = source_.next_frame(kFramePollMs);
        const auto arrived_at = std::chrono::steady_clock::now();
        if (!frame) {
          if (stop_requested() || !handle_no_frame(lost)) break;
          continue;
        }
        if (lost) {
          lost = false;
          emit(make_event(WatchEventKind::SourceRestored, source_.status_message()));
        }
        stats_.frame_seen(now_ms());
        const media::SampleDecision decision = sampler.consider(*frame);
        if (decision.keep()) take_sample(std::move(*frame), decision.reason, arrived_at);
      }
    }
  } catch (const std::exception& error) {
    const std::string message = std::string("watching failed: ") + error.what();
    emit(make_event(WatchEventKind::Error, message));
    end_watching(message);
  }
  recent_.close();  // the asker finishes the waiting samples, then ends
  thread_finished();
}

void WatchMode::ask_questions() {
  while (std::optional<std::vector<SampledFrame>> samples = recent_.take_question_frames()) {
    if (stop_requested()) break;
    ask(std::move(*samples));
  }
  thread_finished();
}

void WatchMode::ask(std::vector<SampledFrame> samples) {
  FrameQuestion question;
  for (SampledFrame& sample : samples) question.frames.push_back(std::move(sample.frame));
  question.text = watch_question_text(options_.instruction, question.frames);
  const int64_t pts_ms = question.frames.back().pts_us / 1000;
  const auto newest_arrived_at = samples.back().arrived_at;
  stats_.asked(now_ms());

  FrameAnswer answer;
  std::optional<std::string> failure;
  try {
    answer = questioner_.ask(question, [this] { return stop_requested(); });
  } catch (const WatchCancelled&) {
    return;
  } catch (const std::exception& error) {
    failure = error.what();
  } catch (...) {
    failure = "the model failed without a message";
  }
  // Cut short by stop(): neither the answer nor the failure means anything.
  if (stop_requested()) return;
  if (failure) {
    stats_.failed();
    emit(make_event(WatchEventKind::Error, *failure, pts_ms));
    return;
  }

  const int64_t latency_ms =
      milliseconds_between(newest_arrived_at, std::chrono::steady_clock::now());
  const ClassifiedAnswer classified = classify_watch_answer(answer.text);
  stats_.answered(now_ms(), latency_ms, classified.verdict);
  WatchEvent answered = make_event(WatchEventKind::Answered, answer.text, pts_ms);
  answered.latency_ms = latency_ms;
  answered.verdict = classified.verdict;
  emit(answered);
  if (classified.verdict != AnswerVerdict::Event) return;
  WatchEvent alert = std::move(answered);
  alert.kind = WatchEventKind::Alert;
  alert.text = classified.summary.empty() ? "something happened (the model gave no details)"
                                          : classified.summary;
  emit(std::move(alert));
}

}  // namespace mosaic::watch
