// Stand-ins for watch mode's tests: a frame source that makes frames in
// memory (and can fail the ways cameras do), a questioner that records what
// it was asked and answers by a rule, and a sink that records every event.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <ostream>
#include <string>
#include <vector>

#include "app/watch/frame_questioner.h"
#include "app/watch/watch_event.h"
#include "media/capture/frame_source.h"
#include "media/core/frame_sampler.h"
#include "media/core/rgb_frame.h"

// Readable names in test failure messages.
namespace mosaic::media {
void PrintTo(SampleReason reason, std::ostream* out);
}
namespace mosaic::watch {
void PrintTo(WatchEventKind kind, std::ostream* out);
void PrintTo(AnswerVerdict verdict, std::ostream* out);
}  // namespace mosaic::watch

namespace mosaic::watch::test {

// A solid grey frame: tests tell frames apart by their grey level.
media::RgbFrame grey_frame(uint8_t level, int64_t pts_ms, int width = 32, int height = 24);

enum class OpenBehaviour { Works, NoDevice };

struct SyntheticSourceOptions {
  int frame_count = -1;             // < 0: endless
  int64_t frame_interval_ms = 100;  // pts step between frames
  int64_t grab_delay_ms = 2;        // wall time per frame (a camera is never instant)
  int fail_after_frames = -1;       // >= 0: the device fails (MediaError Io) after this many
  OpenBehaviour open = OpenBehaviour::Works;
  media::LostDevice lost_device = media::LostDevice::Fail;  // Reopen: retried every 30 ms
  std::function<uint8_t(int index)> level = [](int) { return uint8_t{40}; };
};

// Frames of solid grey in memory. Like a file played as fast as possible, it
// waits for the reader instead of dropping frames.
class SyntheticSource final : public media::ThreadedFrameSource {
 public:
  explicit SyntheticSource(SyntheticSourceOptions options);
  ~SyntheticSource() override;

  std::atomic<bool> plugged{true};  // false: reads and opens fail like an unplugged camera
  std::atomic<int> start_calls{0};
  std::atomic<int> stop_calls{0};

  void start() override;
  void stop() override;

 protected:
  void open() override;
  std::optional<media::RgbFrame> grab() override;
  void close() override {}

 private:
  SyntheticSourceOptions options_;
  int index_ = 0;
};

// One recorded ask() call.
struct AskedQuestion {
  std::vector<int64_t> frame_pts_ms;  // oldest first
  std::vector<uint8_t> frame_levels;  // grey level at the centre of each frame
  std::string text;
  int64_t newest_announced_pts_ms = -1;  // the newest Sampled pts the sink had seen at entry
  bool saw_cancel = false;
};

// Answers by `rule` after thinking for think_ms (polling cancelled()); with
// UntilCancelled it blocks until cancelled (at most a minute) and throws
// WatchCancelled.
enum class Thinking { Fixed, UntilCancelled };

class RecordingQuestioner final : public FrameQuestioner {
 public:
  using Rule = std::function<std::string(const FrameQuestion&, int call_index)>;
  RecordingQuestioner(Rule rule, int64_t think_ms, Thinking thinking = Thinking::Fixed);

  FrameAnswer ask(const FrameQuestion& question, const std::function<bool()>& cancelled) override;

  std::vector<AskedQuestion> asked() const;
  // Blocks until ask() was entered `count` times (or timeout); true if so.
  bool wait_for_calls(int count, int64_t timeout_ms);
  // Set by the test's sink: the newest Sampled pts announced so far.
  std::atomic<int64_t> newest_announced_pts_ms{-1};

 private:
  Rule rule_;
  int64_t think_ms_;
  Thinking thinking_;
  mutable std::mutex mutex_;
  std::condition_variable called_;
  std::vector<AskedQuestion> asked_;
  int calls_ = 0;
};

// Records every event; thread-safe.
class EventLog {
 public:
  WatchEventSink sink(RecordingQuestioner* questioner = nullptr);
  std::vector<WatchEvent> events() const;
  std::vector<WatchEvent> of_kind(WatchEventKind kind) const;
  bool wait_for(WatchEventKind kind, int64_t timeout_ms);

 private:
  mutable std::mutex mutex_;
  std::condition_variable changed_;
  std::vector<WatchEvent> events_;
};

}  // namespace mosaic::watch::test
