// Speaker output through PortAudio. play() converts to the device rate and
// queues; a feeder thread moves queued audio into a lock-free ring buffer
// that the device callback drains. stop() empties the queue and tells the
// callback to drop the ring, so sound ends within one device buffer.
#pragma once

#include <atomic>
#include <condition_variable>
#include <deque>
#include <memory>
#include <mutex>
#include <optional>
#include <thread>

#include "media/capture/audio_sink.h"
#include "media/capture/portaudio_devices.h"
#include "media/core/spsc_ring_buffer.h"

struct PaStreamCallbackTimeInfo;  // from portaudio.h, kept out of this header

namespace mosaic::media {

struct SpeakerOptions {
  int device_index = -1;  // PortAudio index; -1: the system default output
};

class PortAudioSpeaker : public AudioSink {
 public:
  explicit PortAudioSpeaker(const SpeakerOptions& options = {});
  ~PortAudioSpeaker() override;

  void start() override;
  void play(const AudioBuffer& audio) override;
  void stop() override;
  bool is_playing() const override;
  bool wait_until_idle(int64_t timeout_ms) override;
  void close() override;
  CaptureState state() const override;
  std::string status_message() const override;

 private:
  static int callback(const void* input, void* output, unsigned long frame_count,
                      const PaStreamCallbackTimeInfo* time_info, unsigned long status_flags,
                      void* user_data);
  void feed();
  void set_state(CaptureState state, const std::string& message);

  SpeakerOptions options_;
  std::optional<PortAudioSession> session_;
  void* stream_ = nullptr;  // PaStream
  int channels_ = 1;
  int device_rate_hz_ = 0;
  std::unique_ptr<SpscRingBuffer<float>> ring_;  // mono, device rate
  std::atomic<bool> flush_requested_{false};

  mutable std::mutex mutex_;
  std::condition_variable changed_;
  std::deque<float> queued_;  // device rate, waiting for ring space
  bool closing_ = false;
  std::thread feeder_;
  CaptureState state_ = CaptureState::Stopped;
  std::string status_message_ = "stopped";
};

}  // namespace mosaic::media
