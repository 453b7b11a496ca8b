// Sinks without a sound device. MemoryAudioSink "plays" into a buffer, at
// real-time pace (so stop() and is_playing() behave like a speaker) or
// instantly; WavFileSink writes 16-bit PCM WAV. For tests, headless
// machines and "save the reply as audio".
#pragma once

#include <atomic>
#include <condition_variable>
#include <deque>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <thread>
#include <vector>

#include "media/capture/audio_sink.h"

namespace mosaic::media {

class MemoryAudioSink : public AudioSink {
 public:
  explicit MemoryAudioSink(Pacing pacing = Pacing::RealTime);
  ~MemoryAudioSink() override;

  void start() override;
  void play(const AudioBuffer& audio) override;
  void stop() override;
  bool is_playing() const override;
  bool wait_until_idle(int64_t timeout_ms) override;
  void close() override;
  CaptureState state() const override;
  std::string status_message() const override;

  // Everything played so far, 16 kHz mono.
  std::vector<float> played_samples() const;

 private:
  void run();

  Pacing pacing_;
  mutable std::mutex mutex_;
  std::condition_variable changed_;
  std::deque<float> queued_;
  std::vector<float> played_;
  bool running_ = false;
  bool closing_ = false;
  std::thread thread_;
};

class WavFileSink : public AudioSink {
 public:
  explicit WavFileSink(const std::filesystem::path& path);
  ~WavFileSink() override;

  void start() override;  // creates the file; throws MediaError Io
  void play(const AudioBuffer& audio) override;
  void stop() override {}
  bool is_playing() const override { return false; }
  bool wait_until_idle(int64_t) override { return true; }
  void close() override;  // completes the header
  CaptureState state() const override;
  std::string status_message() const override;

 private:
  std::filesystem::path path_;
  std::ofstream out_;
  uint32_t data_bytes_ = 0;
  CaptureState state_ = CaptureState::Stopped;
};

}  // namespace mosaic::media
