#include "media/capture/file_audio_source.h"

#include <pthread.h>

#include <algorithm>
#include <chrono>

#include "media/audio/level_meter.h"
#include "media/core/media_error.h"
#include "media/decode/audio_decoder.h"

namespace mosaic::media {
namespace {

constexpr size_t kRingSamples = 4 * kSpeechSampleRateHz;  // 4 s

}  // namespace

FileAudioSource::FileAudioSource(const std::filesystem::path& path,
                                 const FileAudioSourceOptions& options)
    : path_(path), options_(options), ring_(kRingSamples), level_dbfs_(kSilenceDbfs) {}

FileAudioSource::FileAudioSource(AudioBuffer audio, const FileAudioSourceOptions& options)
    : path_("(memory)"),
      audio_(std::move(audio)),
      decoded_(true),
      options_(options),
      ring_(kRingSamples),
      level_dbfs_(kSilenceDbfs) {}

FileAudioSource::~FileAudioSource() { stop(); }

void FileAudioSource::set_state(CaptureState state, const std::string& message) {
  std::lock_guard lock(state_mutex_);
  state_ = state;
  status_message_ = message;
}

CaptureState FileAudioSource::state() const {
  std::lock_guard lock(state_mutex_);
  return state_;
}

std::string FileAudioSource::status_message() const {
  std::lock_guard lock(state_mutex_);
  return status_message_;
}

float FileAudioSource::level_dbfs() const { return level_dbfs_.load(std::memory_order_relaxed); }

uint64_t FileAudioSource::dropped_samples() const {
  return dropped_.load(std::memory_order_relaxed);
}

void FileAudioSource::start() {
  if (thread_.joinable()) {
    if (state() == CaptureState::Running) return;  // already running
    thread_.join();                                // finished playing: play again from the start
  }
  if (!decoded_) {
    try {
      audio_ = decode_audio_file(path_);
      decoded_ = true;
    } catch (const MediaError& error) {
      set_state(CaptureState::Failed, error.what());
      throw;
    }
  }
  stop_requested_.store(false);
  set_state(CaptureState::Running, "playing " + path_.string());
  thread_ = std::thread([this] { run(); });
  pthread_setname_np(thread_.native_handle(), "mosaic-audfile");
}

void FileAudioSource::stop() {
  stop_requested_.store(true);
  if (thread_.joinable()) thread_.join();
  if (state() == CaptureState::Running) set_state(CaptureState::Stopped, "stopped");
}

void FileAudioSource::run() {
  const size_t chunk = static_cast<size_t>(
      std::max(1, audio_.sample_rate_hz * std::max(1, options_.chunk_ms) / 1000));
  const auto started = std::chrono::steady_clock::now();
  size_t position = 0;
  while (position < audio_.samples.size() && !stop_requested_.load()) {
    const size_t count = std::min(chunk, audio_.samples.size() - position);
    if (options_.pacing == Pacing::RealTime) {
      // A device delivers a block once it has been recorded.
      const auto due = started + std::chrono::microseconds(static_cast<int64_t>(position + count) *
                                                           1000000 / audio_.sample_rate_hz);
      std::this_thread::sleep_until(due);
      const size_t pushed = ring_.push(audio_.samples.data() + position, count);
      if (pushed < count) dropped_.fetch_add(count - pushed);
    } else {
      size_t pushed = 0;
      while (pushed < count && !stop_requested_.load()) {
        pushed += ring_.push(audio_.samples.data() + position + pushed, count - pushed);
        if (pushed < count) std::this_thread::sleep_for(std::chrono::milliseconds(1));
      }
    }
    level_dbfs_.store(measure_level(audio_.samples.data() + position, count).rms_dbfs);
    position += count;
  }
  if (!stop_requested_.load()) set_state(CaptureState::Finished, "end of " + path_.string());
}

size_t FileAudioSource::read(float* out, size_t max_samples) { return ring_.pop(out, max_samples); }

}  // namespace mosaic::media
