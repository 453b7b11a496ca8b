#include "media/audio/voice_activity_detector.h"

#include <algorithm>

#include "media/audio/level_meter.h"

namespace mosaic::media {

VoiceActivityDetector::VoiceActivityDetector(const VadOptions& options, int sample_rate_hz)
    : options_(options),
      frame_samples_(std::max(1, sample_rate_hz * std::max(1, options.frame_ms) / 1000)) {
  pending_.reserve(static_cast<size_t>(frame_samples_));
}

std::vector<VadEvent> VoiceActivityDetector::process(std::span<const float> samples) {
  std::vector<VadEvent> events;
  size_t offset = 0;
  if (!pending_.empty()) {
    const size_t take =
        std::min(samples.size(), static_cast<size_t>(frame_samples_) - pending_.size());
    pending_.insert(pending_.end(), samples.begin(), samples.begin() + static_cast<long>(take));
    offset = take;
    if (pending_.size() == static_cast<size_t>(frame_samples_)) {
      process_frame(pending_.data(), events);
      pending_.clear();
    }
  }
  while (samples.size() - offset >= static_cast<size_t>(frame_samples_)) {
    process_frame(samples.data() + offset, events);
    offset += static_cast<size_t>(frame_samples_);
  }
  pending_.insert(pending_.end(), samples.begin() + static_cast<long>(offset), samples.end());
  return events;
}

std::vector<VadEvent> VoiceActivityDetector::finish() {
  std::vector<VadEvent> events;
  if (state_ == State::Speech || state_ == State::Hangover) {
    events.push_back({VadEventKind::SpeechEnd, (last_speech_frame_ + 1) * options_.frame_ms});
  }
  state_ = State::Silence;
  return events;
}

bool VoiceActivityDetector::is_speech_frame(double energy_dbfs, double zero_crossings) const {
  double threshold =
      std::max(noise_floor_dbfs_ + options_.threshold_above_noise_db, options_.min_speech_dbfs);
  // Hiss-like frames need to be clearly louder to count.
  if (zero_crossings > options_.noise_zero_crossing_rate) threshold += 6.0;
  return energy_dbfs > threshold;
}

void VoiceActivityDetector::process_frame(const float* frame, std::vector<VadEvent>& events) {
  const int64_t index = frames_seen_++;
  const size_t count = static_cast<size_t>(frame_samples_);
  const double energy = measure_level(frame, count).rms_dbfs;
  const double crossings = zero_crossing_rate(frame, count);
  // Minimum statistics: the floor is the quietest recent frame. Updated
  // before classifying, so the very first frames compare against themselves.
  recent_energies_dbfs_.push_back(std::max(energy, -90.0));
  const size_t window_frames =
      static_cast<size_t>(std::max(1, options_.noise_window_ms / options_.frame_ms));
  while (recent_energies_dbfs_.size() > window_frames) recent_energies_dbfs_.pop_front();
  noise_floor_dbfs_ = *std::min_element(recent_energies_dbfs_.begin(), recent_energies_dbfs_.end());
  const bool speech = is_speech_frame(energy, crossings);

  const int64_t onset_frames = std::max(1, options_.onset_ms / options_.frame_ms);
  const int64_t hangover_frames = std::max(1, options_.hangover_ms / options_.frame_ms);
  switch (state_) {
    case State::Silence:
      if (speech) {
        onset_start_frame_ = index;
        state_ = State::Onset;
        if (onset_frames <= 1) {
          speech_start_frame_ = index;
          last_speech_frame_ = index;
          state_ = State::Speech;
          events.push_back({VadEventKind::SpeechStart, index * options_.frame_ms});
        }
      }
      break;
    case State::Onset:
      if (!speech) {
        state_ = State::Silence;
      } else if (index - onset_start_frame_ + 1 >= onset_frames) {
        speech_start_frame_ = onset_start_frame_;
        last_speech_frame_ = index;
        state_ = State::Speech;
        events.push_back({VadEventKind::SpeechStart, speech_start_frame_ * options_.frame_ms});
      }
      break;
    case State::Speech:
    case State::Hangover:
      if (speech) {
        last_speech_frame_ = index;
        state_ = State::Speech;
      } else if (index - last_speech_frame_ >= hangover_frames) {
        events.push_back({VadEventKind::SpeechEnd, (last_speech_frame_ + 1) * options_.frame_ms});
        state_ = State::Silence;
      } else {
        state_ = State::Hangover;
      }
      break;
  }
}

std::vector<SpeechSegment> detect_speech_segments(const AudioBuffer& audio,
                                                  const VadOptions& options) {
  VoiceActivityDetector detector(options, audio.sample_rate_hz);
  std::vector<VadEvent> events = detector.process(audio.samples);
  for (const VadEvent& event : detector.finish()) events.push_back(event);
  std::vector<SpeechSegment> segments;
  for (const VadEvent& event : events) {
    if (event.kind == VadEventKind::SpeechStart) {
      segments.push_back({event.time_ms, event.time_ms});
    } else if (!segments.empty()) {
      segments.back().end_ms = event.time_ms;
    }
  }
  return segments;
}

}  // namespace mosaic::media
