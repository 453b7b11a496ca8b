// An audio file standing in for a microphone: decoded to 16 kHz mono, then
// fed into a ring buffer by a named thread, either at real-time pace (like
// a microphone: read() sees audio arrive over time) or as fast as the reader
// takes it (tests).
#pragma once

#include <atomic>
#include <filesystem>
#include <mutex>
#include <thread>

#include "media/capture/audio_source.h"
#include "media/core/audio_buffer.h"
#include "media/core/spsc_ring_buffer.h"

namespace mosaic::media {

struct FileAudioSourceOptions {
  Pacing pacing = Pacing::RealTime;
  int chunk_ms = 20;  // what a device callback would deliver at a time
};

class FileAudioSource : public AudioSource {
 public:
  explicit FileAudioSource(const std::filesystem::path& path,
                           const FileAudioSourceOptions& options = {});
  // Plays samples already in memory (16 kHz mono expected).
  explicit FileAudioSource(AudioBuffer audio, const FileAudioSourceOptions& options = {});
  ~FileAudioSource() override;

  void start() override;
  void stop() override;
  size_t read(float* out, size_t max_samples) override;
  CaptureState state() const override;
  std::string status_message() const override;
  float level_dbfs() const override;
  uint64_t dropped_samples() const override;

 private:
  void run();
  void set_state(CaptureState state, const std::string& message);

  std::filesystem::path path_;
  AudioBuffer audio_;
  bool decoded_ = false;
  FileAudioSourceOptions options_;
  SpscRingBuffer<float> ring_;
  std::thread thread_;
  std::atomic<bool> stop_requested_{false};
  std::atomic<float> level_dbfs_;
  std::atomic<uint64_t> dropped_{0};
  mutable std::mutex state_mutex_;
  CaptureState state_ = CaptureState::Stopped;
  std::string status_message_ = "stopped";
};

}  // namespace mosaic::media
