// Watch mode: the user gives a standing instruction ("tell me when someone
// enters"), and Mosaic keeps looking at the camera (or a video file standing
// in for it), asks the model about sampled frames, and raises an alert only
// when the answer says something happened.
//
// Two threads: "mosaic-watch" reads every frame and runs the FrameSampler
// (one sample every interval_ms plus scene changes, decided on timestamps);
// "mosaic-watch-q" asks the model about the newest samples. While the model
// is busy, newer samples replace waiting ones (RecentFrames), so watch mode
// keeps up in real time by dropping samples, never by building a backlog.
// Everything the consumer learns arrives as WatchEvent values through the
// sink, including a missing camera: nothing is thrown from the threads.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "app/watch/ask_about_frames.h"
#include "app/watch/frame_questioner.h"
#include "app/watch/recent_frames.h"
#include "app/watch/watch_event.h"
#include "app/watch/watch_stats.h"
#include "media/capture/frame_source.h"

namespace mosaic::watch {

// Who starts and stops the frame source.
enum class SourceControl {
  StartAndStop,  // watch mode starts it on its thread and stops it in stop()
  Shared,        // the caller runs it (a preview shows the same camera); it must be
                 // running before start(), and watching ends when it stops
};

struct WatchOptions {
  std::string instruction;                // e.g. "tell me when someone enters"
  int64_t interval_ms = 5000;             // a sample every N ms of video; <= 0: none
  double scene_change_threshold = 30.0;   // grey-level difference; <= 0: none
  int64_t min_scene_change_gap_ms = 200;  // against flicker counting as many changes
  size_t frames_per_question = 1;         // newest samples per question, 1..kMaxFramesPerQuestion
  int64_t stats_window_ms = 30000;        // the rates and mean latency cover this much time
  SourceControl source_control = SourceControl::StartAndStop;
};

class WatchMode {
 public:
  // `source` and `questioner` must outlive this object. Throws
  // std::invalid_argument for options that cannot work (no instruction,
  // frames_per_question outside 1..4, neither sampling rule on).
  WatchMode(media::FrameSource& source, FrameQuestioner& questioner, WatchOptions options,
            WatchEventSink sink);
  ~WatchMode();  // stop()
  WatchMode(const WatchMode&) = delete;
  WatchMode& operator=(const WatchMode&) = delete;

  // Starts watching and returns at once; the first event is Started. With
  // SourceControl::StartAndStop the source is opened on the watch thread,
  // so a missing camera arrives as SourceLost then Stopped, not as an
  // exception here. A WatchMode watches once: later calls, and calls after
  // stop(), do nothing.
  void start();

  // Cancels a question in flight (the questioner's `cancelled()` turns
  // true), joins the threads and, with StartAndStop, stops the source. When
  // it returns, Stopped has been delivered. Safe to call repeatedly, and
  // before start(). Must not be called from the sink.
  void stop();

  // Waits until watching has ended by itself (the video ended, the source
  // failed) or through stop(); false when timeout_ms passed first.
  bool wait_until_finished(int64_t timeout_ms);

  // Started and not yet finished.
  bool running() const;
  WatchStats stats() const;
  const WatchOptions& options() const { return options_; }

  // "Ask about what you see": up to frame_count of the newest samples (the
  // camera's latest picture when newer), with the user's question.
  // nullopt when there is no picture at all.
  std::optional<FrameQuestion> ask_about_what_you_see(const std::string& user_question,
                                                      size_t frame_count) const;

 private:
  void read_frames();    // on "mosaic-watch"
  void ask_questions();  // on "mosaic-watch-q"
  bool open_source();
  // Returns false when frames will not come again (end of video, failure).
  bool handle_no_frame(bool& lost);
  void take_sample(media::RgbFrame frame, media::SampleReason reason,
                   std::chrono::steady_clock::time_point arrived_at);
  void ask(std::vector<SampledFrame> samples);
  void end_watching(const std::string& reason);
  void thread_finished();
  void emit(WatchEvent event);
  int64_t now_ms() const;
  bool stop_requested() const { return stop_requested_.load(std::memory_order_acquire); }

  media::FrameSource& source_;
  FrameQuestioner& questioner_;
  const WatchOptions options_;
  const WatchEventSink sink_;
  const std::chrono::steady_clock::time_point created_at_;

  RecentFrames recent_;
  std::atomic<bool> stop_requested_{false};

  WatchStatsTracker stats_;

  std::mutex event_mutex_;  // one sink call at a time

  mutable std::mutex state_mutex_;
  std::condition_variable finished_changed_;
  bool started_ = false;
  bool finished_ = false;
  int threads_left_ = 0;
  std::string end_reason_;

  std::mutex stop_mutex_;  // one stop() at a time
  std::thread reader_;
  std::thread asker_;
};

}  // namespace mosaic::watch
