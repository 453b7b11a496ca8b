// Where synthesized speech goes: a speaker, or for tests a memory buffer or a
// WAV file. play() queues and returns at once; stop() silences immediately
// (barge-in: the user starts talking over the assistant).
#pragma once

#include <cstdint>
#include <string>

#include "media/capture/capture_state.h"
#include "media/core/audio_buffer.h"

namespace mosaic::media {

class AudioSink {
 public:
  virtual ~AudioSink() = default;

  // Opens the device; throws MediaError (NoDevice: "no speaker").
  virtual void start() = 0;
  // Queues audio (any sample rate; converted as needed) behind what is queued.
  virtual void play(const AudioBuffer& audio) = 0;
  // Discards everything queued or sounding; returns once it is silent.
  virtual void stop() = 0;
  // True while anything is queued or sounding.
  virtual bool is_playing() const = 0;
  // Waits until everything queued has been played; false on timeout.
  virtual bool wait_until_idle(int64_t timeout_ms) = 0;
  // Releases the device (stop() first when needed).
  virtual void close() = 0;

  virtual CaptureState state() const = 0;
  virtual std::string status_message() const = 0;
};

}  // namespace mosaic::media
