// RAII owners for FFmpeg objects and the mapping of FFmpeg error codes to
// MediaError, shared by the image, audio and video decoders. Internal to
// media/decode: callers never see an FFmpeg type.
#pragma once

extern "C" {
#include <libavcodec/avcodec.h>
#include <libavformat/avformat.h>
#include <libswresample/swresample.h>
#include <libswscale/swscale.h>
}

#include <filesystem>
#include <memory>
#include <string>

#include "media/core/media_error.h"
#include "media/core/rgb_frame.h"

namespace mosaic::media::ffmpeg {

struct FormatContextCloser {
  void operator()(AVFormatContext* context) const { avformat_close_input(&context); }
};
struct CodecContextFreer {
  void operator()(AVCodecContext* context) const { avcodec_free_context(&context); }
};
struct FrameFreer {
  void operator()(AVFrame* frame) const { av_frame_free(&frame); }
};
struct PacketFreer {
  void operator()(AVPacket* packet) const { av_packet_free(&packet); }
};
struct SwsFreer {
  void operator()(SwsContext* context) const { sws_freeContext(context); }
};
struct SwrFreer {
  void operator()(SwrContext* context) const { swr_free(&context); }
};

using FormatContext = std::unique_ptr<AVFormatContext, FormatContextCloser>;
using CodecContext = std::unique_ptr<AVCodecContext, CodecContextFreer>;
using Frame = std::unique_ptr<AVFrame, FrameFreer>;
using Packet = std::unique_ptr<AVPacket, PacketFreer>;
using Sws = std::unique_ptr<SwsContext, SwsFreer>;
using Swr = std::unique_ptr<SwrContext, SwrFreer>;

std::string error_text(int av_error);

// Maps an FFmpeg error to a MediaError kind (invalid data -> Corrupt, end of
// file -> Truncated, missing decoder -> Unsupported, ...).
MediaErrorKind error_kind(int av_error);

// Throws MediaError "<path>: <what>: <FFmpeg's reason>".
[[noreturn]] void throw_av_error(int av_error, const std::string& path, const std::string& what);

// Opens a file for demuxing. Checks that it exists and is a regular file
// first, so a missing file is NotFound rather than an FFmpeg I/O error.
// When find_stream_info is set, also reads enough to fill codec parameters.
enum class StreamInfoProbe { Skip, Read };
FormatContext open_input(const std::filesystem::path& path, StreamInfoProbe probe,
                         int64_t max_pixels);

// A decoder for one stream, with a pixel limit enforced by FFmpeg before it
// allocates picture buffers.
CodecContext open_decoder(const AVStream* stream, const std::string& path, int64_t max_pixels);

Frame make_frame();
Packet make_packet();

// Converts a decoded picture to packed RGB8 of the given size. Pictures with
// an alpha channel are composited over white, as a viewer would show them.
class RgbConverter {
 public:
  RgbFrame convert(const AVFrame* frame, int out_width, int out_height);

 private:
  Sws context_;
  int source_width_ = 0, source_height_ = 0, source_format_ = -1;
  int out_width_ = 0, out_height_ = 0, out_format_ = -1;
};

// Largest size that fits within max_side pixels on its longer side, keeping
// the aspect ratio (unchanged when max_side <= 0 or already small enough).
void fit_within(int width, int height, int max_side, int& out_width, int& out_height);

}  // namespace mosaic::media::ffmpeg
