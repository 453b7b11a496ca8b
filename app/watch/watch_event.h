// What watch mode tells its consumers (the GUI's camera panel, a CLI). Events
// are plain values with a copy of the statistics at that moment, so a
// consumer on another thread never reaches into the watcher.
#pragma once

#include <cstdint>
#include <functional>
#include <string>

#include "app/watch/watch_answer.h"
#include "app/watch/watch_stats.h"
#include "media/core/frame_sampler.h"

namespace mosaic::watch {

enum class WatchEventKind {
  Started,         // the watch threads are running (text: the instruction)
  Sampled,         // a frame was kept for the model (sample_reason says why)
  Dropped,         // a sample was replaced by a newer one before the busy model got to it
  Answered,        // the model answered (text: the raw answer; verdict)
  Alert,           // the answer reports an event (text: its sentence); follows its Answered
  Error,           // a question failed (text: the message; watching goes on), or
                   // watching itself failed (Stopped follows)
  SourceLost,      // no frames: no camera, the file failed, the camera was unplugged (text: why)
  SourceRestored,  // frames flow again after SourceLost (a replugged camera)
  Stopped,         // the last event (text: "stopped", "the video ended", or why the source failed)
};

const char* watch_event_kind_name(WatchEventKind kind);

struct WatchEvent {
  WatchEventKind kind = WatchEventKind::Started;
  // The frame concerned (Sampled, Dropped: that sample; Answered, Alert: the
  // newest frame of the question); -1 when none.
  int64_t pts_ms = -1;
  int64_t latency_ms = -1;  // Answered, Alert: sampled frame's arrival to answer
  std::string text;
  AnswerVerdict verdict = AnswerVerdict::Unclear;                    // Answered, Alert
  media::SampleReason sample_reason = media::SampleReason::Skipped;  // Sampled
  WatchStats stats;  // as they were when the event was made
};

// Receives events on a watch thread, one call at a time, in order. It must
// not block for long (frames keep arriving), must not throw, and must not
// call WatchMode::stop() (that joins the thread it runs on); hand events to
// another thread instead, for example through a WatchEventQueue.
using WatchEventSink = std::function<void(const WatchEvent&)>;

}  // namespace mosaic::watch
