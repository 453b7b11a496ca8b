// Streaming conversion of interleaved float audio at any rate and channel
// count to mono float at a target rate (libswresample underneath). Used by
// the file decoder and by live capture, whose device rate is whatever the
// hardware offers.
#pragma once

#include <cstdint>
#include <memory>
#include <vector>

namespace mosaic::media {

class AudioResampler {
 public:
  AudioResampler(int input_rate_hz, int input_channels, int output_rate_hz);
  ~AudioResampler();
  AudioResampler(const AudioResampler&) = delete;
  AudioResampler& operator=(const AudioResampler&) = delete;

  // Appends the converted samples to `out`.
  void process(const float* interleaved, int64_t frame_count, std::vector<float>& out);
  // Emits what the filter still holds at end of stream.
  void flush(std::vector<float>& out);

  int input_rate_hz() const { return input_rate_hz_; }
  int input_channels() const { return input_channels_; }
  int output_rate_hz() const { return output_rate_hz_; }

 private:
  struct State;
  std::unique_ptr<State> state_;
  int input_rate_hz_;
  int input_channels_;
  int output_rate_hz_;
};

}  // namespace mosaic::media
