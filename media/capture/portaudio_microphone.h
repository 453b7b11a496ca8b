// Microphone capture through PortAudio at the device's own rate, mixed to
// mono in the callback, handed over through a lock-free ring buffer, and
// resampled to 16 kHz on the reading side (the callback must never allocate
// or lock).
#pragma once

#include <atomic>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "media/capture/audio_source.h"
#include "media/capture/portaudio_devices.h"
#include "media/core/spsc_ring_buffer.h"
#include "media/decode/audio_resampler.h"

struct PaStreamCallbackTimeInfo;  // from portaudio.h, kept out of this header

namespace mosaic::media {

struct MicrophoneOptions {
  int device_index = -1;      // PortAudio index; -1: the system default input
  double buffer_seconds = 5;  // how far read() may fall behind before samples drop
};

class PortAudioMicrophone : public AudioSource {
 public:
  explicit PortAudioMicrophone(const MicrophoneOptions& options = {});
  ~PortAudioMicrophone() override;

  void start() override;
  void stop() override;
  size_t read(float* out, size_t max_samples) override;
  CaptureState state() const override;
  std::string status_message() const override;
  float level_dbfs() const override;
  uint64_t dropped_samples() const override;

  int device_rate_hz() const { return device_rate_hz_; }

 private:
  static int callback(const void* input, void* output, unsigned long frame_count,
                      const PaStreamCallbackTimeInfo* time_info, unsigned long status_flags,
                      void* user_data);
  void set_state(CaptureState state, const std::string& message);

  MicrophoneOptions options_;
  std::optional<PortAudioSession> session_;
  void* stream_ = nullptr;  // PaStream
  int channels_ = 1;
  int device_rate_hz_ = 0;
  std::unique_ptr<SpscRingBuffer<float>> ring_;
  std::unique_ptr<AudioResampler> resampler_;
  std::vector<float> mono_scratch_;    // callback side, sized before the stream starts
  std::vector<float> device_samples_;  // reader side
  std::vector<float> resampled_;       // reader side, not yet handed out
  std::atomic<float> level_dbfs_;
  std::atomic<uint64_t> dropped_{0};
  mutable std::mutex state_mutex_;
  CaptureState state_ = CaptureState::Stopped;
  std::string status_message_ = "stopped";
};

}  // namespace mosaic::media
