#include "media/capture/portaudio_devices.h"

#include <fmt/format.h>
#include <portaudio.h>

#include <algorithm>

#include "media/core/media_error.h"

namespace mosaic::media {

PortAudioSession::PortAudioSession() {
  const PaError error = Pa_Initialize();
  if (error != paNoError) {
    fail(MediaErrorKind::NoDevice,
         fmt::format("audio system unavailable: {}", Pa_GetErrorText(error)));
  }
}

PortAudioSession::~PortAudioSession() { Pa_Terminate(); }

std::vector<AudioDeviceInfo> list_audio_devices() {
  PortAudioSession session;
  std::vector<AudioDeviceInfo> devices;
  const int count = Pa_GetDeviceCount();
  const int default_input = Pa_GetDefaultInputDevice();
  const int default_output = Pa_GetDefaultOutputDevice();
  for (int i = 0; i < count; ++i) {
    const PaDeviceInfo* info = Pa_GetDeviceInfo(i);
    if (info == nullptr) continue;
    AudioDeviceInfo device;
    device.index = i;
    device.name = info->name ? info->name : "";
    const PaHostApiInfo* api = Pa_GetHostApiInfo(info->hostApi);
    device.host_api = api && api->name ? api->name : "";
    device.max_input_channels = info->maxInputChannels;
    device.max_output_channels = info->maxOutputChannels;
    device.default_sample_rate_hz = info->defaultSampleRate;
    device.is_default_input = i == default_input;
    device.is_default_output = i == default_output;
    devices.push_back(std::move(device));
  }
  return devices;
}

ChosenAudioDevice choose_audio_device(int requested_index, AudioDirection direction) {
  const bool input = direction == AudioDirection::Input;
  const int device = requested_index >= 0 ? requested_index
                     : input              ? Pa_GetDefaultInputDevice()
                                          : Pa_GetDefaultOutputDevice();
  const PaDeviceInfo* info =
      device >= 0 && device < Pa_GetDeviceCount() ? Pa_GetDeviceInfo(device) : nullptr;
  const int max_channels =
      info == nullptr ? 0 : (input ? info->maxInputChannels : info->maxOutputChannels);
  ChosenAudioDevice chosen;
  if (max_channels <= 0) {
    const char* what = input ? "microphone" : "speaker";
    const char* side = input ? "input" : "output";
    chosen.problem = requested_index >= 0
                         ? fmt::format("no {}: audio device {} does not exist or has no {}", what,
                                       requested_index, side)
                         : fmt::format("no {}: the system has no audio {} device", what, side);
    return chosen;
  }
  chosen.index = device;
  chosen.channels = std::min(max_channels, 2);
  chosen.default_rate_hz = static_cast<int>(info->defaultSampleRate);
  chosen.low_latency_s = input ? info->defaultLowInputLatency : info->defaultLowOutputLatency;
  chosen.name = info->name != nullptr ? info->name : "";
  return chosen;
}

}  // namespace mosaic::media
