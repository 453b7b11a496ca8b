#include "media/decode/ffmpeg_handles.h"

#include <fmt/format.h>

extern "C" {
#include <libavutil/imgutils.h>
#include <libavutil/pixdesc.h>
}

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <system_error>

namespace mosaic::media::ffmpeg {

std::string error_text(int av_error) {
  char buffer[AV_ERROR_MAX_STRING_SIZE] = {};
  av_strerror(av_error, buffer, sizeof(buffer));
  return buffer;
}

MediaErrorKind error_kind(int av_error) {
  switch (av_error) {
    case AVERROR_INVALIDDATA:
    case AVERROR_BUG:
      return MediaErrorKind::Corrupt;
    case AVERROR_EOF:
      return MediaErrorKind::Truncated;
    case AVERROR_DECODER_NOT_FOUND:
    case AVERROR_DEMUXER_NOT_FOUND:
    case AVERROR_PATCHWELCOME:
    case AVERROR_STREAM_NOT_FOUND:
      return MediaErrorKind::Unsupported;
    case AVERROR(ENOENT):
      return MediaErrorKind::NotFound;
    case AVERROR(ENOMEM):
      return MediaErrorKind::TooLarge;
    case AVERROR(EIO):
    case AVERROR(EACCES):
      return MediaErrorKind::Io;
    default:
      return MediaErrorKind::Corrupt;
  }
}

void throw_av_error(int av_error, const std::string& path, const std::string& what) {
  fail(error_kind(av_error), fmt::format("{}: {}: {}", path, what, error_text(av_error)));
}

FormatContext open_input(const std::filesystem::path& path, StreamInfoProbe probe,
                         int64_t max_pixels) {
  const std::string name = path.string();
  std::error_code error;
  const auto status = std::filesystem::status(path, error);
  if (!std::filesystem::exists(status)) {
    fail(MediaErrorKind::NotFound, fmt::format("{}: no such file", name));
  }
  if (!std::filesystem::is_regular_file(status)) {
    // Devices and FIFOs could block forever in a read.
    fail(MediaErrorKind::Unsupported, fmt::format("{}: not a regular file", name));
  }
  if (std::filesystem::file_size(path, error) == 0) {
    fail(MediaErrorKind::Truncated, fmt::format("{}: file is empty", name));
  }
  AVFormatContext* raw = nullptr;
  const int status_code = avformat_open_input(&raw, name.c_str(), nullptr, nullptr);
  if (status_code < 0) {
    if (status_code == AVERROR_INVALIDDATA) {
      fail(MediaErrorKind::Unsupported,
           fmt::format("{}: not a recognized media format (or corrupt beyond recognition)", name));
    }
    throw_av_error(status_code, name, "cannot open");
  }
  FormatContext context(raw);
  if (probe == StreamInfoProbe::Read) {
    // Per-stream decoder options so probing, which may decode a frame, obeys
    // the pixel limit too.
    std::vector<AVDictionary*> options(context->nb_streams, nullptr);
    for (auto& dictionary : options) {
      av_dict_set_int(&dictionary, "max_pixels", max_pixels, 0);
    }
    const int info_status = avformat_find_stream_info(context.get(), options.data());
    for (auto& dictionary : options) av_dict_free(&dictionary);
    if (info_status < 0) throw_av_error(info_status, name, "cannot read stream information");
  }
  return context;
}

CodecContext open_decoder(const AVStream* stream, const std::string& path, int64_t max_pixels) {
  const AVCodec* codec = avcodec_find_decoder(stream->codecpar->codec_id);
  if (codec == nullptr) {
    fail(MediaErrorKind::Unsupported, fmt::format("{}: no decoder for codec '{}'", path,
                                                  avcodec_get_name(stream->codecpar->codec_id)));
  }
  CodecContext context(avcodec_alloc_context3(codec));
  if (!context) fail(MediaErrorKind::Internal, fmt::format("{}: out of memory", path));
  int status = avcodec_parameters_to_context(context.get(), stream->codecpar);
  if (status < 0) throw_av_error(status, path, "bad codec parameters");
  context->max_pixels = max_pixels;
  context->pkt_timebase = stream->time_base;
  // Two threads: enough to keep up with a camera, little contention with the engine.
  context->thread_count = 2;
  status = avcodec_open2(context.get(), codec, nullptr);
  if (status < 0) throw_av_error(status, path, fmt::format("cannot open {} decoder", codec->name));
  return context;
}

Frame make_frame() {
  Frame frame(av_frame_alloc());
  if (!frame) fail(MediaErrorKind::Internal, "out of memory allocating a frame");
  return frame;
}

Packet make_packet() {
  Packet packet(av_packet_alloc());
  if (!packet) fail(MediaErrorKind::Internal, "out of memory allocating a packet");
  return packet;
}

void fit_within(int width, int height, int max_side, int& out_width, int& out_height) {
  out_width = width;
  out_height = height;
  const int longer = std::max(width, height);
  if (max_side <= 0 || longer <= max_side) return;
  const double scale = static_cast<double>(max_side) / longer;
  out_width = std::max(1, static_cast<int>(std::lround(width * scale)));
  out_height = std::max(1, static_cast<int>(std::lround(height * scale)));
}

namespace {

// JPEG decoders report the old "J" formats, which swscale accepts only with a
// deprecation warning; the same layout with an explicit full range is equivalent.
AVPixelFormat without_jpeg_range(AVPixelFormat format, bool& full_range) {
  full_range = true;
  switch (format) {
    case AV_PIX_FMT_YUVJ420P:
      return AV_PIX_FMT_YUV420P;
    case AV_PIX_FMT_YUVJ422P:
      return AV_PIX_FMT_YUV422P;
    case AV_PIX_FMT_YUVJ444P:
      return AV_PIX_FMT_YUV444P;
    case AV_PIX_FMT_YUVJ440P:
      return AV_PIX_FMT_YUV440P;
    case AV_PIX_FMT_YUVJ411P:
      return AV_PIX_FMT_YUV411P;
    default:
      full_range = false;
      return format;
  }
}

}  // namespace

RgbFrame RgbConverter::convert(const AVFrame* frame, int out_width, int out_height) {
  const auto* descriptor = av_pix_fmt_desc_get(static_cast<AVPixelFormat>(frame->format));
  const bool has_alpha = descriptor != nullptr && (descriptor->flags & AV_PIX_FMT_FLAG_ALPHA);
  const AVPixelFormat out_format = has_alpha ? AV_PIX_FMT_RGBA : AV_PIX_FMT_RGB24;
  if (!context_ || frame->width != source_width_ || frame->height != source_height_ ||
      frame->format != source_format_ || out_width != out_width_ || out_height != out_height_ ||
      out_format != out_format_) {
    // Area averaging when shrinking avoids aliasing; bicubic otherwise.
    const int flags = (out_width < frame->width) ? SWS_AREA : SWS_BICUBIC;
    bool jpeg_range = false;
    const AVPixelFormat source_format =
        without_jpeg_range(static_cast<AVPixelFormat>(frame->format), jpeg_range);
    context_.reset(sws_getContext(frame->width, frame->height, source_format, out_width, out_height,
                                  out_format, flags, nullptr, nullptr, nullptr));
    if (context_ && (jpeg_range || frame->color_range == AVCOL_RANGE_JPEG)) {
      int* inverse_table = nullptr;
      int* table = nullptr;
      int source_range = 0, destination_range = 0, brightness = 0, contrast = 0, saturation = 0;
      sws_getColorspaceDetails(context_.get(), &inverse_table, &source_range, &table,
                               &destination_range, &brightness, &contrast, &saturation);
      sws_setColorspaceDetails(context_.get(), inverse_table, 1, table, destination_range,
                               brightness, contrast, saturation);
    }
    if (!context_) {
      fail(MediaErrorKind::Unsupported, fmt::format("cannot convert pixel format {} to RGB",
                                                    descriptor ? descriptor->name : "unknown"));
    }
    source_width_ = frame->width;
    source_height_ = frame->height;
    source_format_ = frame->format;
    out_width_ = out_width;
    out_height_ = out_height;
    out_format_ = out_format;
  }
  RgbFrame rgb(out_width, out_height);
  if (!has_alpha) {
    uint8_t* destination[4] = {rgb.pixels.data(), nullptr, nullptr, nullptr};
    int destination_stride[4] = {static_cast<int>(rgb.stride_bytes()), 0, 0, 0};
    sws_scale(context_.get(), frame->data, frame->linesize, 0, frame->height, destination,
              destination_stride);
    return rgb;
  }
  std::vector<uint8_t> rgba(static_cast<size_t>(out_width) * out_height * 4);
  uint8_t* destination[4] = {rgba.data(), nullptr, nullptr, nullptr};
  int destination_stride[4] = {out_width * 4, 0, 0, 0};
  sws_scale(context_.get(), frame->data, frame->linesize, 0, frame->height, destination,
            destination_stride);
  for (size_t i = 0, pixel_count = rgba.size() / 4; i < pixel_count; ++i) {
    const unsigned alpha = rgba[i * 4 + 3];
    for (int c = 0; c < 3; ++c) {
      rgb.pixels[i * 3 + c] =
          static_cast<uint8_t>((rgba[i * 4 + c] * alpha + 255u * (255u - alpha) + 127u) / 255u);
    }
  }
  return rgb;
}

}  // namespace mosaic::media::ffmpeg
