// PortAudio set-up and device listing. PortAudio counts its initialisations,
// so every user holds its own PortAudioSession instead of sharing a global.
#pragma once

#include <string>
#include <vector>

namespace mosaic::media {

class PortAudioSession {
 public:
  PortAudioSession();  // throws MediaError when PortAudio cannot start
  ~PortAudioSession();
  PortAudioSession(const PortAudioSession&) = delete;
  PortAudioSession& operator=(const PortAudioSession&) = delete;
};

struct AudioDeviceInfo {
  int index = -1;  // PortAudio device index
  std::string name;
  std::string host_api;  // "ALSA", "JACK Audio Connection Kit", ...
  int max_input_channels = 0;
  int max_output_channels = 0;
  double default_sample_rate_hz = 0;
  bool is_default_input = false;
  bool is_default_output = false;
};

// Every device PortAudio sees; empty on machines without sound hardware.
std::vector<AudioDeviceInfo> list_audio_devices();

enum class AudioDirection { Input, Output };

// The device a microphone (Input) or speaker (Output) should open: the one at
// `requested_index`, or the system default when it is negative. Needs a live
// PortAudioSession. Returns the device's channel count (at most 2) and rate,
// or the message for the user ("no microphone: ...") when there is none.
struct ChosenAudioDevice {
  int index = -1;
  int channels = 0;
  int default_rate_hz = 0;
  double low_latency_s = 0;  // the device's default low latency in this direction
  std::string name;
  std::string problem;  // empty when a device was found
};
ChosenAudioDevice choose_audio_device(int requested_index, AudioDirection direction);

}  // namespace mosaic::media
