#include "media/decode/audio_decoder.h"

#include <fmt/format.h>

extern "C" {
#include <libavutil/channel_layout.h>
#include <libavutil/opt.h>
}

#include <cstring>
#include <fstream>

#include "media/core/media_error.h"
#include "media/decode/ffmpeg_handles.h"

namespace mosaic::media {
namespace {

// Converts decoded frames of whatever sample format and layout the codec
// produces; set up from the first frame, because some codecs only know their
// layout once they have decoded something.
class FrameToMono {
 public:
  FrameToMono(const std::string& name, int output_rate_hz)
      : name_(name), output_rate_hz_(output_rate_hz) {}

  void convert(const AVFrame* frame, std::vector<float>& out) {
    if (!swr_ || frame->format != format_ || frame->sample_rate != rate_ ||
        av_channel_layout_compare(&frame->ch_layout, &frame_layout_) != 0) {
      configure(frame);
    }
    append(const_cast<const uint8_t**>(frame->extended_data), frame->nb_samples, out);
  }

  void flush(std::vector<float>& out) {
    if (swr_) append(nullptr, 0, out);
  }

  ~FrameToMono() {
    av_channel_layout_uninit(&layout_);
    av_channel_layout_uninit(&frame_layout_);
  }

 private:
  void configure(const AVFrame* frame) {
    av_channel_layout_uninit(&layout_);
    av_channel_layout_uninit(&frame_layout_);
    av_channel_layout_copy(&frame_layout_, &frame->ch_layout);
    if (frame->ch_layout.order == AV_CHANNEL_ORDER_UNSPEC || frame->ch_layout.nb_channels <= 0) {
      // Raw formats may not say which channel is which: assume the usual order.
      av_channel_layout_default(&layout_, std::max(1, frame->ch_layout.nb_channels));
    } else {
      av_channel_layout_copy(&layout_, &frame->ch_layout);
    }
    format_ = frame->format;
    rate_ = frame->sample_rate;
    if (rate_ <= 0) {
      fail(MediaErrorKind::Corrupt, fmt::format("{}: audio has no sample rate", name_));
    }
    AVChannelLayout mono = AV_CHANNEL_LAYOUT_MONO;
    SwrContext* raw = nullptr;
    int status = swr_alloc_set_opts2(&raw, &mono, AV_SAMPLE_FMT_FLT, output_rate_hz_, &layout_,
                                     static_cast<AVSampleFormat>(format_), rate_, 0, nullptr);
    swr_.reset(raw);
    // Normalized downmix: channel weights sum to at most 1, so a tone on both
    // channels keeps its level and a loud stereo signal cannot exceed full scale.
    if (status >= 0) status = av_opt_set_double(raw, "rematrix_maxval", 1.0, 0);
    if (status >= 0) status = swr_init(raw);
    if (status < 0) ffmpeg::throw_av_error(status, name_, "cannot set up audio conversion");
  }

  void append(const uint8_t** planes, int sample_count, std::vector<float>& out) {
    const int capacity = swr_get_out_samples(swr_.get(), sample_count);
    if (capacity <= 0) return;
    const size_t start = out.size();
    out.resize(start + static_cast<size_t>(capacity));
    uint8_t* out_planes[1] = {reinterpret_cast<uint8_t*>(out.data() + start)};
    const int converted = swr_convert(swr_.get(), out_planes, capacity, planes, sample_count);
    if (converted < 0) {
      out.resize(start);
      ffmpeg::throw_av_error(converted, name_, "audio conversion failed");
    }
    out.resize(start + static_cast<size_t>(converted));
  }

  const std::string& name_;
  int output_rate_hz_;
  ffmpeg::Swr swr_;
  int format_ = -1;
  int rate_ = 0;
  AVChannelLayout layout_{};        // what swresample was told
  AVChannelLayout frame_layout_{};  // what the frames said (may be "unspecified")
};

// FFmpeg quietly shortens a WAV file's duration to what is on disk, so a
// transfer cut short would pass as a shorter recording: compare the data
// chunk's declared size with the bytes actually present.
void check_wav_complete(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  char riff[12] = {};
  if (!in.read(riff, 12) || std::memcmp(riff, "RIFF", 4) != 0 || std::memcmp(riff + 8, "WAVE", 4)) {
    return;  // not a WAV file
  }
  std::error_code error;
  const uint64_t file_size = std::filesystem::file_size(path, error);
  uint64_t offset = 12;
  for (int chunk = 0; chunk < 64; ++chunk) {
    char header[8] = {};
    if (!in.read(header, 8)) return;  // FFmpeg reports what is missing
    const uint32_t size = static_cast<uint8_t>(header[4]) | static_cast<uint8_t>(header[5]) << 8 |
                          static_cast<uint8_t>(header[6]) << 16 |
                          static_cast<uint32_t>(static_cast<uint8_t>(header[7])) << 24;
    if (std::memcmp(header, "data", 4) == 0) {
      // 0 and 0xFFFFFFFF mark a stream written without knowing its length.
      if (size == 0 || size == 0xFFFFFFFFu) return;
      const uint64_t present = file_size > offset + 8 ? file_size - offset - 8 : 0;
      if (present < size) {
        fail(MediaErrorKind::Truncated,
             fmt::format("{}: truncated WAV file: the data chunk declares {} bytes, {} are present",
                         path.string(), size, present));
      }
      return;
    }
    offset += 8 + size + (size & 1);
    in.seekg(static_cast<std::streamoff>(offset));
  }
}

}  // namespace

AudioBuffer decode_audio_file(const std::filesystem::path& path,
                              const AudioDecodeOptions& options) {
  const std::string name = path.string();
  if (options.sample_rate_hz <= 0) {
    fail(MediaErrorKind::InvalidArgument,
         fmt::format("{}: invalid output sample rate {}", name, options.sample_rate_hz));
  }
  // Cover art in audio files is probed too: allow it a reasonable size.
  ffmpeg::FormatContext format =
      ffmpeg::open_input(path, ffmpeg::StreamInfoProbe::Read, 8192LL * 8192);
  check_wav_complete(path);
  const int stream_index =
      av_find_best_stream(format.get(), AVMEDIA_TYPE_AUDIO, -1, -1, nullptr, 0);
  if (stream_index < 0) {
    fail(MediaErrorKind::Unsupported, fmt::format("{}: contains no audio stream", name));
  }
  ffmpeg::CodecContext decoder =
      ffmpeg::open_decoder(format->streams[stream_index], name, 8192LL * 8192);

  AudioBuffer buffer;
  buffer.sample_rate_hz = options.sample_rate_hz;
  const size_t max_samples = static_cast<size_t>(options.max_duration_ms) *
                             static_cast<size_t>(options.sample_rate_hz) / 1000;
  FrameToMono converter(name, options.sample_rate_hz);
  ffmpeg::Packet packet = ffmpeg::make_packet();
  ffmpeg::Frame frame = ffmpeg::make_frame();
  int decode_errors = 0;
  int decoded_frames = 0;
  int first_error = 0;

  auto receive_all = [&] {
    while (true) {
      const int status = avcodec_receive_frame(decoder.get(), frame.get());
      if (status == AVERROR(EAGAIN) || status == AVERROR_EOF) return;
      if (status < 0) {
        ++decode_errors;
        if (first_error == 0) first_error = status;
        return;
      }
      ++decoded_frames;
      converter.convert(frame.get(), buffer.samples);
      av_frame_unref(frame.get());
      if (options.max_duration_ms > 0 && buffer.samples.size() > max_samples) {
        fail(MediaErrorKind::TooLarge, fmt::format("{}: audio is longer than the limit of {} ms",
                                                   name, options.max_duration_ms));
      }
    }
  };

  while (true) {
    const int read_status = av_read_frame(format.get(), packet.get());
    if (read_status == AVERROR_EOF) break;
    if (read_status < 0) {
      ffmpeg::throw_av_error(read_status, name,
                             "read error after " + std::to_string(buffer.duration_ms()) + " ms");
    }
    if (packet->stream_index == stream_index) {
      const int send_status = avcodec_send_packet(decoder.get(), packet.get());
      if (send_status < 0 && send_status != AVERROR(EAGAIN)) {
        // Lossy streams often have a damaged packet or two; count and go on.
        ++decode_errors;
        if (first_error == 0) first_error = send_status;
      }
      receive_all();
    }
    av_packet_unref(packet.get());
  }
  avcodec_send_packet(decoder.get(), nullptr);
  receive_all();
  converter.flush(buffer.samples);

  if (decoded_frames == 0) {
    if (first_error != 0) ffmpeg::throw_av_error(first_error, name, "cannot decode audio");
    fail(MediaErrorKind::Truncated, fmt::format("{}: the audio stream holds no samples", name));
  }
  // More damaged packets than good ones: the file is garbage, not a glitch.
  if (decode_errors > decoded_frames) {
    fail(MediaErrorKind::Corrupt,
         fmt::format("{}: {} of {} audio packets failed to decode ({})", name, decode_errors,
                     decode_errors + decoded_frames, ffmpeg::error_text(first_error)));
  }
  // Containers with an index (FLAC, MP4, Ogg with granule positions) know their
  // length: ending far short of it means the file was cut.
  const AVStream* stream = format->streams[stream_index];
  if (stream->duration != AV_NOPTS_VALUE && stream->duration > 0) {
    const int64_t declared_ms =
        av_rescale_q(stream->duration, stream->time_base, AVRational{1, 1000});
    if (buffer.duration_ms() + 250 < declared_ms * 9 / 10) {
      fail(MediaErrorKind::Truncated,
           fmt::format("{}: audio ends after {} ms of the {} ms the file declares", name,
                       buffer.duration_ms(), declared_ms));
    }
  }
  return buffer;
}

}  // namespace mosaic::media
