#include "media/capture/portaudio_devices.h"

#include <fmt/format.h>
#include <portaudio.h>

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

}  // namespace mosaic::media
