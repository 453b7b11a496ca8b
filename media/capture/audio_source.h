// A stream of 16 kHz mono float audio from a microphone or a stand-in (an
// audio file). Capture fills a ring buffer on its own thread or device
// callback; read() takes what has arrived and never blocks, so one loop can
// poll the microphone, the voice-activity detector and the UI.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

#include "media/capture/capture_state.h"

namespace mosaic::media {

class AudioSource {
 public:
  virtual ~AudioSource() = default;

  // Throws MediaError when it cannot start (NoDevice: "no microphone");
  // state() and status_message() say the same afterwards.
  virtual void start() = 0;
  virtual void stop() = 0;

  // Copies up to max_samples of captured 16 kHz mono audio; returns how many.
  // Call from one thread only.
  virtual size_t read(float* out, size_t max_samples) = 0;

  virtual CaptureState state() const = 0;
  virtual std::string status_message() const = 0;
  // Level of the most recent block, for a meter (kSilenceDbfs when quiet).
  virtual float level_dbfs() const = 0;
  // Samples lost because read() was not called often enough.
  virtual uint64_t dropped_samples() const = 0;
};

}  // namespace mosaic::media
