// What a media file holds, without decoding it: container, streams, codecs,
// duration, picture size, frame rate, sample rate and channels. Cheap enough
// to call on every attachment before deciding how to treat it.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace mosaic::media {

enum class StreamKind { Video, Audio, Subtitle, Attachment, Data, Unknown };

const char* stream_kind_name(StreamKind kind);

struct StreamInfo {
  int index = 0;
  StreamKind kind = StreamKind::Unknown;
  std::string codec;        // FFmpeg's short codec name: "h264", "aac", "png"
  int64_t duration_ms = 0;  // 0 when unknown
  int64_t bit_rate = 0;     // bits per second; 0 when unknown
  // Video
  int width = 0;
  int height = 0;
  double frames_per_second = 0.0;
  bool still_image = false;  // a single picture (PNG, JPEG, ...), not a moving stream
  // Audio
  int sample_rate_hz = 0;
  int channels = 0;
};

struct MediaInfo {
  std::string path;
  std::string container;            // short demuxer name: "mov,mp4,m4a,3gp,3g2,mj2", "wav"
  std::string container_long_name;  // "QuickTime / MOV"
  int64_t duration_ms = 0;          // 0 when unknown (still images)
  int64_t size_bytes = 0;
  std::vector<StreamInfo> streams;

  const StreamInfo* first_stream(StreamKind kind) const;
};

MediaInfo media_info(const std::filesystem::path& path);

}  // namespace mosaic::media
