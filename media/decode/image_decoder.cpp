#include "media/decode/image_decoder.h"

#include <fmt/format.h>

#include <fstream>
#include <vector>

#include "media/core/frame_orientation.h"
#include "media/core/media_error.h"
#include "media/decode/ffmpeg_handles.h"

namespace mosaic::media {
namespace {

// Enough for every header we parse except JPEGs with large EXIF thumbnails,
// which read_file_prefix extends to the whole file.
constexpr size_t kHeaderBytes = 256 * 1024;

std::vector<uint8_t> read_file_bytes(const std::filesystem::path& path, size_t max_bytes) {
  std::ifstream in(path, std::ios::binary);
  if (!in) fail(MediaErrorKind::Io, fmt::format("{}: cannot open for reading", path.string()));
  std::vector<uint8_t> bytes(max_bytes);
  in.read(reinterpret_cast<char*>(bytes.data()), static_cast<std::streamsize>(max_bytes));
  bytes.resize(static_cast<size_t>(in.gcount()));
  return bytes;
}

uint64_t checked_file_size(const std::filesystem::path& path) {
  std::error_code error;
  const auto status = std::filesystem::status(path, error);
  if (!std::filesystem::exists(status)) {
    fail(MediaErrorKind::NotFound, fmt::format("{}: no such file", path.string()));
  }
  if (!std::filesystem::is_regular_file(status)) {
    fail(MediaErrorKind::Unsupported, fmt::format("{}: not a regular file", path.string()));
  }
  const uint64_t size = std::filesystem::file_size(path, error);
  if (error) fail(MediaErrorKind::Io, fmt::format("{}: {}", path.string(), error.message()));
  if (size == 0) fail(MediaErrorKind::Truncated, fmt::format("{}: file is empty", path.string()));
  return size;
}

ImageHeader read_header(const std::filesystem::path& path, uint64_t file_size) {
  const std::string name = path.string();
  std::vector<uint8_t> bytes = read_file_bytes(path, kHeaderBytes);
  try {
    return read_image_header(bytes, name);
  } catch (const MediaError& error) {
    // A JPEG's frame header can sit behind a large EXIF block: retry with all of it.
    if (error.kind() != MediaErrorKind::Truncated || file_size <= bytes.size()) throw;
  }
  bytes = read_file_bytes(path, file_size);
  return read_image_header(bytes, name);
}

}  // namespace

ImageHeader read_image_file_header(const std::filesystem::path& path) {
  return read_header(path, checked_file_size(path));
}

RgbFrame decode_image_file(const std::filesystem::path& path, const ImageDecodeOptions& options) {
  const std::string name = path.string();
  const uint64_t file_size = checked_file_size(path);
  if (options.max_file_bytes > 0 && file_size > static_cast<uint64_t>(options.max_file_bytes)) {
    fail(MediaErrorKind::TooLarge, fmt::format("{}: file is {} bytes, the limit is {}", name,
                                               file_size, options.max_file_bytes));
  }
  const ImageHeader header = read_header(path, file_size);
  if (header.width * header.height > options.max_pixels) {
    fail(MediaErrorKind::TooLarge,
         fmt::format("{}: {} image of {} x {} pixels exceeds the limit of {} pixels", name,
                     image_format_name(header.format), header.width, header.height,
                     options.max_pixels));
  }

  ffmpeg::FormatContext format =
      ffmpeg::open_input(path, ffmpeg::StreamInfoProbe::Skip, options.max_pixels);
  const int stream_index =
      av_find_best_stream(format.get(), AVMEDIA_TYPE_VIDEO, -1, -1, nullptr, 0);
  if (stream_index < 0) {
    fail(MediaErrorKind::Unsupported, fmt::format("{}: contains no picture", name));
  }
  const AVStream* stream = format->streams[stream_index];
  ffmpeg::CodecContext decoder = ffmpeg::open_decoder(stream, name, options.max_pixels);

  ffmpeg::Packet packet = ffmpeg::make_packet();
  ffmpeg::Frame frame = ffmpeg::make_frame();
  bool have_frame = false;
  bool flushed = false;
  int last_error = 0;
  while (!have_frame && !flushed) {
    const int read_status = av_read_frame(format.get(), packet.get());
    if (read_status < 0) {
      if (read_status != AVERROR_EOF) last_error = read_status;
      avcodec_send_packet(decoder.get(), nullptr);  // drain
      flushed = true;
    } else if (packet->stream_index == stream_index) {
      const int send_status = avcodec_send_packet(decoder.get(), packet.get());
      if (send_status < 0 && send_status != AVERROR(EAGAIN)) last_error = send_status;
    }
    av_packet_unref(packet.get());
    const int receive_status = avcodec_receive_frame(decoder.get(), frame.get());
    if (receive_status == 0) {
      have_frame = true;
    } else if (receive_status != AVERROR(EAGAIN) && receive_status != AVERROR_EOF) {
      last_error = receive_status;
    }
  }
  if (!have_frame) {
    if (last_error != 0) ffmpeg::throw_av_error(last_error, name, "cannot decode the picture");
    fail(MediaErrorKind::Truncated, fmt::format("{}: no picture could be decoded", name));
  }
  if (frame->decode_error_flags != 0 || (frame->flags & AV_FRAME_FLAG_CORRUPT)) {
    fail(MediaErrorKind::Corrupt, fmt::format("{}: the picture data is damaged", name));
  }

  ffmpeg::RgbConverter converter;
  RgbFrame rgb = converter.convert(frame.get(), frame->width, frame->height);
  if (options.orientation == OrientationHandling::Apply) {
    rgb = apply_exif_orientation(rgb, header.exif_orientation);
  }
  int out_width = rgb.width, out_height = rgb.height;
  ffmpeg::fit_within(rgb.width, rgb.height, options.max_side_px, out_width, out_height);
  if (out_width != rgb.width || out_height != rgb.height) {
    // Reuse swscale for the shrink: wrap the RGB pixels in a frame header.
    ffmpeg::Frame wrapped = ffmpeg::make_frame();
    wrapped->format = AV_PIX_FMT_RGB24;
    wrapped->width = rgb.width;
    wrapped->height = rgb.height;
    wrapped->data[0] = rgb.pixels.data();
    wrapped->linesize[0] = static_cast<int>(rgb.stride_bytes());
    ffmpeg::RgbConverter shrinker;
    rgb = shrinker.convert(wrapped.get(), out_width, out_height);
  }
  return rgb;
}

}  // namespace mosaic::media
