#include "media/decode/media_probe.h"

#include <fmt/format.h>

#include "media/decode/ffmpeg_handles.h"

namespace mosaic::media {
namespace {

StreamKind kind_of(AVMediaType type) {
  switch (type) {
    case AVMEDIA_TYPE_VIDEO:
      return StreamKind::Video;
    case AVMEDIA_TYPE_AUDIO:
      return StreamKind::Audio;
    case AVMEDIA_TYPE_SUBTITLE:
      return StreamKind::Subtitle;
    case AVMEDIA_TYPE_ATTACHMENT:
      return StreamKind::Attachment;
    case AVMEDIA_TYPE_DATA:
      return StreamKind::Data;
    default:
      return StreamKind::Unknown;
  }
}

// Pixel limit for the probe's trial decode of pictures.
constexpr int64_t kProbeMaxPixels = 16384LL * 16384;

}  // namespace

const char* stream_kind_name(StreamKind kind) {
  switch (kind) {
    case StreamKind::Video:
      return "video";
    case StreamKind::Audio:
      return "audio";
    case StreamKind::Subtitle:
      return "subtitle";
    case StreamKind::Attachment:
      return "attachment";
    case StreamKind::Data:
      return "data";
    case StreamKind::Unknown:
      return "unknown";
  }
  return "unknown";
}

const StreamInfo* MediaInfo::first_stream(StreamKind kind) const {
  for (const StreamInfo& stream : streams) {
    if (stream.kind == kind) return &stream;
  }
  return nullptr;
}

MediaInfo media_info(const std::filesystem::path& path) {
  ffmpeg::FormatContext format =
      ffmpeg::open_input(path, ffmpeg::StreamInfoProbe::Read, kProbeMaxPixels);
  MediaInfo info;
  info.path = path.string();
  info.container = format->iformat->name;
  info.container_long_name = format->iformat->long_name ? format->iformat->long_name : "";
  info.duration_ms =
      format->duration == AV_NOPTS_VALUE || format->duration < 0 ? 0 : format->duration / 1000;
  std::error_code error;
  info.size_bytes = static_cast<int64_t>(std::filesystem::file_size(path, error));
  for (unsigned i = 0; i < format->nb_streams; ++i) {
    const AVStream* stream = format->streams[i];
    const AVCodecParameters* p = stream->codecpar;
    StreamInfo s;
    s.index = static_cast<int>(i);
    s.kind = kind_of(p->codec_type);
    s.codec = avcodec_get_name(p->codec_id);
    s.bit_rate = p->bit_rate;
    if (stream->duration != AV_NOPTS_VALUE && stream->duration > 0) {
      s.duration_ms = av_rescale_q(stream->duration, stream->time_base, AVRational{1, 1000});
    }
    if (s.kind == StreamKind::Video) {
      s.width = p->width;
      s.height = p->height;
      const AVCodecDescriptor* descriptor = avcodec_descriptor_get(p->codec_id);
      // Picture formats and cover art are stills even when a demuxer gives them a rate.
      s.still_image = (stream->disposition & AV_DISPOSITION_ATTACHED_PIC) ||
                      (descriptor != nullptr && (descriptor->props & AV_CODEC_PROP_INTRA_ONLY) &&
                       stream->nb_frames <= 1 && info.duration_ms == 0) ||
                      std::string(format->iformat->name).ends_with("_pipe") ||
                      std::string(format->iformat->name) == "image2";
      if (!s.still_image) {
        const AVRational rate =
            stream->avg_frame_rate.num > 0 ? stream->avg_frame_rate : stream->r_frame_rate;
        if (rate.num > 0 && rate.den > 0) s.frames_per_second = av_q2d(rate);
      }
    } else if (s.kind == StreamKind::Audio) {
      s.sample_rate_hz = p->sample_rate;
      s.channels = p->ch_layout.nb_channels;
    }
    info.streams.push_back(std::move(s));
  }
  return info;
}

}  // namespace mosaic::media
