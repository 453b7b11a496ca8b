#include "media/capture/portaudio_microphone.h"

#include <fmt/format.h>
#include <portaudio.h>

#include <algorithm>

#include "media/audio/level_meter.h"
#include "media/core/audio_buffer.h"
#include "media/core/media_error.h"

namespace mosaic::media {
namespace {

constexpr size_t kScratchFrames = 4096;

}  // namespace

PortAudioMicrophone::PortAudioMicrophone(const MicrophoneOptions& options)
    : options_(options), level_dbfs_(kSilenceDbfs) {}

PortAudioMicrophone::~PortAudioMicrophone() { stop(); }

void PortAudioMicrophone::set_state(CaptureState state, const std::string& message) {
  std::lock_guard lock(state_mutex_);
  state_ = state;
  status_message_ = message;
}

CaptureState PortAudioMicrophone::state() const {
  std::lock_guard lock(state_mutex_);
  return state_;
}

std::string PortAudioMicrophone::status_message() const {
  std::lock_guard lock(state_mutex_);
  return status_message_;
}

float PortAudioMicrophone::level_dbfs() const {
  return level_dbfs_.load(std::memory_order_relaxed);
}

uint64_t PortAudioMicrophone::dropped_samples() const {
  return dropped_.load(std::memory_order_relaxed);
}

void PortAudioMicrophone::start() {
  if (stream_ != nullptr) return;
  try {
    session_.emplace();
  } catch (const MediaError& error) {
    set_state(CaptureState::NoDevice, std::string("no microphone: ") + error.what());
    throw MediaError(MediaErrorKind::NoDevice, status_message());
  }
  const ChosenAudioDevice chosen =
      choose_audio_device(options_.device_index, AudioDirection::Input);
  if (!chosen.problem.empty()) {
    session_.reset();
    set_state(CaptureState::NoDevice, chosen.problem);
    fail(MediaErrorKind::NoDevice, chosen.problem);
  }
  const int device = chosen.index;
  channels_ = chosen.channels;
  device_rate_hz_ = chosen.default_rate_hz;
  ring_ = std::make_unique<SpscRingBuffer<float>>(
      static_cast<size_t>(device_rate_hz_ * std::max(0.5, options_.buffer_seconds)));
  resampler_ = std::make_unique<AudioResampler>(device_rate_hz_, 1, kSpeechSampleRateHz);
  mono_scratch_.assign(kScratchFrames, 0.0f);

  PaStreamParameters input{};
  input.device = device;
  input.channelCount = channels_;
  input.sampleFormat = paFloat32;
  input.suggestedLatency = chosen.low_latency_s;
  PaStream* stream = nullptr;
  PaError error =
      Pa_OpenStream(&stream, &input, nullptr, device_rate_hz_, paFramesPerBufferUnspecified,
                    paNoFlag, &PortAudioMicrophone::callback, this);
  if (error == paNoError) error = Pa_StartStream(stream);
  if (error != paNoError) {
    if (stream) Pa_CloseStream(stream);
    session_.reset();
    const std::string message =
        fmt::format("microphone '{}' could not be opened: {}", chosen.name, Pa_GetErrorText(error));
    set_state(CaptureState::Failed, message);
    fail(MediaErrorKind::Io, message);
  }
  stream_ = stream;
  set_state(CaptureState::Running,
            fmt::format("recording from '{}' at {} Hz", chosen.name, device_rate_hz_));
}

void PortAudioMicrophone::stop() {
  if (stream_ != nullptr) {
    Pa_AbortStream(static_cast<PaStream*>(stream_));
    Pa_CloseStream(static_cast<PaStream*>(stream_));
    stream_ = nullptr;
    session_.reset();
  }
  if (state() == CaptureState::Running) set_state(CaptureState::Stopped, "stopped");
}

int PortAudioMicrophone::callback(const void* input, void*, unsigned long frame_count,
                                  const PaStreamCallbackTimeInfo*, unsigned long, void* user_data) {
  auto* self = static_cast<PortAudioMicrophone*>(user_data);
  if (input == nullptr) return paContinue;
  const auto* samples = static_cast<const float*>(input);
  const int channels = self->channels_;
  unsigned long done = 0;
  while (done < frame_count) {
    const size_t block = std::min<size_t>(frame_count - done, kScratchFrames);
    for (size_t i = 0; i < block; ++i) {
      float sum = 0;
      for (int c = 0; c < channels; ++c) sum += samples[(done + i) * channels + c];
      self->mono_scratch_[i] = sum / static_cast<float>(channels);
    }
    const size_t pushed = self->ring_->push(self->mono_scratch_.data(), block);
    if (pushed < block) self->dropped_.fetch_add(block - pushed, std::memory_order_relaxed);
    self->level_dbfs_.store(measure_level(self->mono_scratch_.data(), block).rms_dbfs,
                            std::memory_order_relaxed);
    done += block;
  }
  return paContinue;
}

size_t PortAudioMicrophone::read(float* out, size_t max_samples) {
  if (ring_) {
    device_samples_.resize(ring_->size());
    const size_t got = ring_->pop(device_samples_.data(), device_samples_.size());
    if (got > 0) resampler_->process(device_samples_.data(), static_cast<int64_t>(got), resampled_);
  }
  const size_t count = std::min(max_samples, resampled_.size());
  std::copy(resampled_.begin(), resampled_.begin() + static_cast<long>(count), out);
  resampled_.erase(resampled_.begin(), resampled_.begin() + static_cast<long>(count));
  if (stream_ != nullptr && Pa_IsStreamActive(static_cast<PaStream*>(stream_)) == 0 &&
      state() == CaptureState::Running) {
    set_state(CaptureState::Failed, "the microphone stream stopped (device unplugged?)");
  }
  return count;
}

}  // namespace mosaic::media
