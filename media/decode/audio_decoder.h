// Any audio FFmpeg reads (WAV, MP3, AAC, Opus, FLAC, the audio track of a
// video) to 16 kHz mono float PCM, the input format of speech models.
#pragma once

#include <cstdint>
#include <filesystem>

#include "media/core/audio_buffer.h"

namespace mosaic::media {

struct AudioDecodeOptions {
  int sample_rate_hz = kSpeechSampleRateHz;
  // Guard against hour-long files filling memory by accident (1 h = 230 MB at 16 kHz).
  int64_t max_duration_ms = 3 * 60 * 60 * 1000;
};

AudioBuffer decode_audio_file(const std::filesystem::path& path,
                              const AudioDecodeOptions& options = {});

}  // namespace mosaic::media
