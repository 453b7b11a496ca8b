#include "media/capture/portaudio_speaker.h"

#include <fmt/format.h>
#include <portaudio.h>
#include <pthread.h>

#include <algorithm>
#include <chrono>
#include <vector>

#include "media/core/media_error.h"
#include "media/decode/audio_resampler.h"

namespace mosaic::media {

PortAudioSpeaker::PortAudioSpeaker(const SpeakerOptions& options) : options_(options) {}

PortAudioSpeaker::~PortAudioSpeaker() { close(); }

void PortAudioSpeaker::set_state(CaptureState state, const std::string& message) {
  std::lock_guard lock(mutex_);
  state_ = state;
  status_message_ = message;
}

CaptureState PortAudioSpeaker::state() const {
  std::lock_guard lock(mutex_);
  return state_;
}

std::string PortAudioSpeaker::status_message() const {
  std::lock_guard lock(mutex_);
  return status_message_;
}

void PortAudioSpeaker::start() {
  if (stream_ != nullptr) return;
  try {
    session_.emplace();
  } catch (const MediaError& error) {
    set_state(CaptureState::NoDevice, std::string("no speaker: ") + error.what());
    throw MediaError(MediaErrorKind::NoDevice, status_message());
  }
  const ChosenAudioDevice chosen =
      choose_audio_device(options_.device_index, AudioDirection::Output);
  if (!chosen.problem.empty()) {
    session_.reset();
    set_state(CaptureState::NoDevice, chosen.problem);
    fail(MediaErrorKind::NoDevice, chosen.problem);
  }
  const int device = chosen.index;
  channels_ = chosen.channels;
  device_rate_hz_ = chosen.default_rate_hz;
  ring_ = std::make_unique<SpscRingBuffer<float>>(static_cast<size_t>(device_rate_hz_));  // 1 s

  PaStreamParameters output{};
  output.device = device;
  output.channelCount = channels_;
  output.sampleFormat = paFloat32;
  output.suggestedLatency = chosen.low_latency_s;
  PaStream* stream = nullptr;
  PaError error =
      Pa_OpenStream(&stream, nullptr, &output, device_rate_hz_, paFramesPerBufferUnspecified,
                    paNoFlag, &PortAudioSpeaker::callback, this);
  if (error == paNoError) error = Pa_StartStream(stream);
  if (error != paNoError) {
    if (stream) Pa_CloseStream(stream);
    session_.reset();
    const std::string message =
        fmt::format("speaker '{}' could not be opened: {}", chosen.name, Pa_GetErrorText(error));
    set_state(CaptureState::Failed, message);
    fail(MediaErrorKind::Io, message);
  }
  stream_ = stream;
  {
    std::lock_guard lock(mutex_);
    closing_ = false;
  }
  feeder_ = std::thread([this] { feed(); });
  pthread_setname_np(feeder_.native_handle(), "mosaic-speaker");
  set_state(CaptureState::Running,
            fmt::format("playing on '{}' at {} Hz", chosen.name, device_rate_hz_));
}

void PortAudioSpeaker::play(const AudioBuffer& audio) {
  if (stream_ == nullptr) {
    fail(MediaErrorKind::InvalidArgument, "speaker: play() before start()");
  }
  std::vector<float> converted;
  if (audio.sample_rate_hz == device_rate_hz_) {
    converted = audio.samples;
  } else {
    AudioResampler resampler(audio.sample_rate_hz, 1, device_rate_hz_);
    resampler.process(audio.samples.data(), static_cast<int64_t>(audio.samples.size()), converted);
    resampler.flush(converted);
  }
  {
    std::lock_guard lock(mutex_);
    queued_.insert(queued_.end(), converted.begin(), converted.end());
  }
  changed_.notify_all();
}

void PortAudioSpeaker::feed() {
  std::vector<float> block(4096);
  std::unique_lock lock(mutex_);
  while (!closing_) {
    if (queued_.empty()) {
      changed_.wait(lock, [&] { return closing_ || !queued_.empty(); });
      continue;
    }
    const size_t count = std::min(block.size(), queued_.size());
    std::copy(queued_.begin(), queued_.begin() + static_cast<long>(count), block.begin());
    // Pushed under the lock so stop() cannot interleave between taking from
    // the queue and filling the ring.
    const size_t pushed = ring_->push(block.data(), count);
    queued_.erase(queued_.begin(), queued_.begin() + static_cast<long>(pushed));
    if (pushed < count) {
      changed_.wait_for(lock, std::chrono::milliseconds(5), [&] { return closing_; });
    }
  }
}

int PortAudioSpeaker::callback(const void*, void* output, unsigned long frame_count,
                               const PaStreamCallbackTimeInfo*, unsigned long, void* user_data) {
  auto* self = static_cast<PortAudioSpeaker*>(user_data);
  auto* out = static_cast<float*>(output);
  const int channels = self->channels_;
  if (self->flush_requested_.load(std::memory_order_acquire)) {
    float discard[256];
    while (self->ring_->pop(discard, 256) > 0) {
    }
    self->flush_requested_.store(false, std::memory_order_release);
  }
  // Mono in place at the start of the buffer, then spread to every channel
  // from the end backwards so nothing is overwritten before it is read.
  const size_t got = self->ring_->pop(out, frame_count);
  std::fill(out + got, out + frame_count, 0.0f);
  for (size_t i = frame_count; i-- > 0;) {
    for (int c = channels - 1; c >= 0; --c) out[i * channels + c] = out[i];
  }
  return paContinue;
}

void PortAudioSpeaker::stop() {
  if (stream_ == nullptr) return;
  {
    std::lock_guard lock(mutex_);
    queued_.clear();
    flush_requested_.store(true, std::memory_order_release);
  }
  // The callback acknowledges within one device buffer.
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(250);
  while (flush_requested_.load(std::memory_order_acquire) &&
         std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
}

bool PortAudioSpeaker::is_playing() const {
  std::lock_guard lock(mutex_);
  return !queued_.empty() || (ring_ && ring_->size() > 0);
}

bool PortAudioSpeaker::wait_until_idle(int64_t timeout_ms) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
  while (is_playing()) {
    if (std::chrono::steady_clock::now() >= deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  return true;
}

void PortAudioSpeaker::close() {
  {
    std::lock_guard lock(mutex_);
    closing_ = true;
    queued_.clear();
  }
  changed_.notify_all();
  if (feeder_.joinable()) feeder_.join();
  if (stream_ != nullptr) {
    Pa_AbortStream(static_cast<PaStream*>(stream_));
    Pa_CloseStream(static_cast<PaStream*>(stream_));
    stream_ = nullptr;
    session_.reset();
  }
  if (state() == CaptureState::Running) set_state(CaptureState::Stopped, "stopped");
}

}  // namespace mosaic::media
