#include "media/capture/memory_audio_sink.h"

#include <fmt/format.h>
#include <pthread.h>

#include <algorithm>
#include <chrono>
#include <cmath>

#include "media/core/media_error.h"
#include "media/decode/audio_resampler.h"

namespace mosaic::media {
namespace {

std::vector<float> at_speech_rate(const AudioBuffer& audio) {
  if (audio.sample_rate_hz == kSpeechSampleRateHz) return audio.samples;
  AudioResampler resampler(audio.sample_rate_hz, 1, kSpeechSampleRateHz);
  std::vector<float> out;
  resampler.process(audio.samples.data(), static_cast<int64_t>(audio.samples.size()), out);
  resampler.flush(out);
  return out;
}

constexpr size_t kBlockSamples = kSpeechSampleRateHz / 100;  // 10 ms, a typical device buffer

}  // namespace

MemoryAudioSink::MemoryAudioSink(Pacing pacing) : pacing_(pacing) {}

MemoryAudioSink::~MemoryAudioSink() { close(); }

void MemoryAudioSink::start() {
  std::lock_guard lock(mutex_);
  if (running_) return;
  running_ = true;
  closing_ = false;
  thread_ = std::thread([this] { run(); });
  pthread_setname_np(thread_.native_handle(), "mosaic-memsink");
}

void MemoryAudioSink::play(const AudioBuffer& audio) {
  std::vector<float> samples = at_speech_rate(audio);
  {
    std::lock_guard lock(mutex_);
    queued_.insert(queued_.end(), samples.begin(), samples.end());
  }
  changed_.notify_all();
}

void MemoryAudioSink::run() {
  auto next_block = std::chrono::steady_clock::now();
  std::unique_lock lock(mutex_);
  while (!closing_) {
    if (queued_.empty()) {
      changed_.wait(lock, [&] { return closing_ || !queued_.empty(); });
      next_block = std::chrono::steady_clock::now();
      continue;
    }
    const size_t count = std::min(kBlockSamples, queued_.size());
    played_.insert(played_.end(), queued_.begin(), queued_.begin() + static_cast<long>(count));
    queued_.erase(queued_.begin(), queued_.begin() + static_cast<long>(count));
    changed_.notify_all();
    if (pacing_ == Pacing::RealTime) {
      next_block += std::chrono::microseconds(count * 1000000 / kSpeechSampleRateHz);
      changed_.wait_until(lock, next_block, [&] { return closing_; });
    }
  }
}

void MemoryAudioSink::stop() {
  {
    std::lock_guard lock(mutex_);
    queued_.clear();
  }
  changed_.notify_all();
}

bool MemoryAudioSink::is_playing() const {
  std::lock_guard lock(mutex_);
  return !queued_.empty();
}

bool MemoryAudioSink::wait_until_idle(int64_t timeout_ms) {
  std::unique_lock lock(mutex_);
  return changed_.wait_for(lock, std::chrono::milliseconds(timeout_ms),
                           [&] { return queued_.empty(); });
}

void MemoryAudioSink::close() {
  {
    std::lock_guard lock(mutex_);
    closing_ = true;
    queued_.clear();
  }
  changed_.notify_all();
  if (thread_.joinable()) thread_.join();
  std::lock_guard lock(mutex_);
  running_ = false;
}

CaptureState MemoryAudioSink::state() const {
  std::lock_guard lock(mutex_);
  return running_ ? CaptureState::Running : CaptureState::Stopped;
}

std::string MemoryAudioSink::status_message() const {
  return state() == CaptureState::Running ? "playing into memory" : "stopped";
}

std::vector<float> MemoryAudioSink::played_samples() const {
  std::lock_guard lock(mutex_);
  return played_;
}

namespace {

void put_u32(std::ofstream& out, uint32_t value) {
  const char bytes[4] = {static_cast<char>(value), static_cast<char>(value >> 8),
                         static_cast<char>(value >> 16), static_cast<char>(value >> 24)};
  out.write(bytes, 4);
}

void put_u16(std::ofstream& out, uint16_t value) {
  const char bytes[2] = {static_cast<char>(value), static_cast<char>(value >> 8)};
  out.write(bytes, 2);
}

void write_wav_header(std::ofstream& out, uint32_t data_bytes) {
  out.write("RIFF", 4);
  put_u32(out, 36 + data_bytes);
  out.write("WAVEfmt ", 8);
  put_u32(out, 16);  // fmt chunk size
  put_u16(out, 1);   // PCM
  put_u16(out, 1);   // mono
  put_u32(out, kSpeechSampleRateHz);
  put_u32(out, kSpeechSampleRateHz * 2);  // byte rate
  put_u16(out, 2);                        // block align
  put_u16(out, 16);                       // bits per sample
  out.write("data", 4);
  put_u32(out, data_bytes);
}

}  // namespace

WavFileSink::WavFileSink(const std::filesystem::path& path) : path_(path) {}

WavFileSink::~WavFileSink() { close(); }

void WavFileSink::start() {
  if (out_.is_open()) return;
  out_.open(path_, std::ios::binary | std::ios::trunc);
  if (!out_) {
    state_ = CaptureState::Failed;
    fail(MediaErrorKind::Io, fmt::format("{}: cannot create WAV file", path_.string()));
  }
  data_bytes_ = 0;
  write_wav_header(out_, 0);  // sizes patched in close()
  state_ = CaptureState::Running;
}

void WavFileSink::play(const AudioBuffer& audio) {
  if (!out_.is_open()) {
    fail(MediaErrorKind::InvalidArgument, fmt::format("{}: play() before start()", path_.string()));
  }
  const std::vector<float> samples = at_speech_rate(audio);
  for (float sample : samples) {
    const float clamped = std::clamp(sample, -1.0f, 1.0f);
    put_u16(out_, static_cast<uint16_t>(static_cast<int16_t>(std::lround(clamped * 32767.0f))));
  }
  data_bytes_ += static_cast<uint32_t>(samples.size() * 2);
}

void WavFileSink::close() {
  if (!out_.is_open()) return;
  out_.seekp(0);
  write_wav_header(out_, data_bytes_);
  out_.close();
  state_ = CaptureState::Stopped;
}

CaptureState WavFileSink::state() const { return state_; }

std::string WavFileSink::status_message() const {
  return state_ == CaptureState::Running ? "writing " + path_.string() : "closed";
}

}  // namespace mosaic::media
