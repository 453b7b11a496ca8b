// Marks where speech starts and ends in 16 kHz mono audio, so that a
// microphone stream can be cut into utterances for speech recognition.
//
// Per 20 ms frame: energy against the noise floor (the quietest frame of the
// last noise_window_ms, so the floor follows a fan switching on even when no
// frame is ever classified as silence, and is not raised by speech), with the
// zero-crossing rate to reject quiet broadband noise (hiss crosses zero far
// more often than voiced speech). Speech must persist for onset_ms before a
// segment opens, and a segment stays open for hangover_ms after the last
// speech frame, so pauses between words do not split an utterance.
#pragma once

#include <cstdint>
#include <deque>
#include <span>
#include <vector>

#include "media/core/audio_buffer.h"

namespace mosaic::media {

struct VadOptions {
  int frame_ms = 20;
  double threshold_above_noise_db = 12.0;  // speech is this much louder than the floor
  double min_speech_dbfs = -55.0;          // never speech below this, however quiet the room
  double noise_zero_crossing_rate = 0.45;  // above this, a frame must be clearly loud
  int noise_window_ms = 3000;              // longer than pauses are apart in speech
  int onset_ms = 80;                       // shorter bursts (clicks, knocks) never open a segment
  int hangover_ms = 300;
};

struct SpeechSegment {
  int64_t start_ms = 0;
  int64_t end_ms = 0;
};

enum class VadEventKind { SpeechStart, SpeechEnd };

struct VadEvent {
  VadEventKind kind;
  int64_t time_ms;  // from the first sample fed
};

class VoiceActivityDetector {
 public:
  explicit VoiceActivityDetector(const VadOptions& options = {},
                                 int sample_rate_hz = kSpeechSampleRateHz);

  // Feeds samples in any block size; returns the events they completed.
  // A SpeechStart is reported once the onset is confirmed, with the time the
  // speech began; a SpeechEnd once the hangover expires, with the time the
  // speech stopped.
  std::vector<VadEvent> process(std::span<const float> samples);
  // Closes an open segment at the end of input.
  std::vector<VadEvent> finish();

  bool in_speech() const { return state_ == State::Speech || state_ == State::Hangover; }
  double noise_floor_dbfs() const { return noise_floor_dbfs_; }

 private:
  enum class State { Silence, Onset, Speech, Hangover };

  void process_frame(const float* frame, std::vector<VadEvent>& events);
  bool is_speech_frame(double energy_dbfs, double zero_crossings) const;

  VadOptions options_;
  int frame_samples_;
  std::vector<float> pending_;  // samples of a frame not yet complete
  int64_t frames_seen_ = 0;
  double noise_floor_dbfs_ = -90.0;
  std::deque<double> recent_energies_dbfs_;  // the noise window, oldest first
  State state_ = State::Silence;
  int64_t onset_start_frame_ = 0;
  int64_t speech_start_frame_ = 0;
  int64_t last_speech_frame_ = 0;
};

// Whole-buffer convenience: segments with speech, in order.
std::vector<SpeechSegment> detect_speech_segments(const AudioBuffer& audio,
                                                  const VadOptions& options = {});

}  // namespace mosaic::media
