#include "media/decode/video_decoder.h"

#include <fmt/format.h>

extern "C" {
#include <libavutil/display.h>
}

#include <cmath>

#include "media/core/frame_orientation.h"
#include "media/core/media_error.h"
#include "media/decode/ffmpeg_handles.h"

namespace mosaic::media {
namespace {

// Clockwise rotation a player applies to the stream's pictures, from the
// display matrix phones write into MP4/MOV files.
int display_rotation_clockwise(const AVStream* stream) {
  size_t size = 0;
  const uint8_t* matrix = av_stream_get_side_data(stream, AV_PKT_DATA_DISPLAYMATRIX, &size);
  if (matrix == nullptr || size < 9 * sizeof(int32_t)) return 0;
  // av_display_rotation_get gives the counter-clockwise angle.
  const double counter_clockwise =
      av_display_rotation_get(reinterpret_cast<const int32_t*>(matrix));
  if (std::isnan(counter_clockwise)) return 0;
  int clockwise = static_cast<int>(std::lround(-counter_clockwise / 90.0)) * 90 % 360;
  if (clockwise < 0) clockwise += 360;
  return clockwise;
}

}  // namespace

struct VideoDecoder::State {
  std::string name;
  ffmpeg::FormatContext format;
  ffmpeg::CodecContext decoder;
  ffmpeg::Packet packet = ffmpeg::make_packet();
  ffmpeg::Frame frame = ffmpeg::make_frame();
  ffmpeg::RgbConverter converter;
  int stream_index = -1;
  AVRational time_base{1, 1};
  int64_t start_pts = 0;
  int rotation_clockwise = 0;
  int max_side_px = 0;
  int decoded_frames = 0;
  int decode_errors = 0;
  int first_error = 0;
  bool input_ended = false;
  bool decoder_drained = false;

  int64_t pts_us(const AVFrame* f) const {
    int64_t pts = f->best_effort_timestamp;
    if (pts == AV_NOPTS_VALUE) pts = f->pts;
    if (pts == AV_NOPTS_VALUE) return 0;
    return av_rescale_q(pts - start_pts, time_base, AVRational{1, 1000000});
  }

  void scaled_size(int width, int height, int& out_width, int& out_height) const {
    // Rotation by a quarter turn swaps the sides before the limit applies.
    const bool swaps = rotation_clockwise == 90 || rotation_clockwise == 270;
    int w = 0, h = 0;
    ffmpeg::fit_within(swaps ? height : width, swaps ? width : height, max_side_px, w, h);
    out_width = w;  // as displayed, after rotation
    out_height = h;
  }

  void note_error(int status) {
    ++decode_errors;
    if (first_error == 0) first_error = status;
  }

  // Feeds packets until the decoder has a frame; false at the end of the stream.
  bool receive_frame() {
    while (true) {
      const int status = avcodec_receive_frame(decoder.get(), frame.get());
      if (status == 0) {
        ++decoded_frames;
        return true;
      }
      if (status == AVERROR_EOF) {
        decoder_drained = true;
        return false;
      }
      if (status != AVERROR(EAGAIN)) note_error(status);
      if (input_ended) {
        if (status != AVERROR(EAGAIN)) return false;
        continue;
      }
      const int read_status = av_read_frame(format.get(), packet.get());
      if (read_status == AVERROR_EOF) {
        input_ended = true;
        avcodec_send_packet(decoder.get(), nullptr);
        continue;
      }
      if (read_status < 0) {
        ffmpeg::throw_av_error(read_status, name,
                               fmt::format("read error after {} frames", decoded_frames));
      }
      if (packet->stream_index == stream_index) {
        const int send_status = avcodec_send_packet(decoder.get(), packet.get());
        if (send_status < 0 && send_status != AVERROR(EAGAIN)) note_error(send_status);
      }
      av_packet_unref(packet.get());
      if (decode_errors > 64 && decode_errors > decoded_frames) {
        ffmpeg::throw_av_error(first_error, name,
                               fmt::format("{} packets failed to decode", decode_errors));
      }
    }
  }
};

VideoDecoder::VideoDecoder(const std::filesystem::path& path, const VideoDecodeOptions& options)
    : state_(std::make_unique<State>()) {
  State& s = *state_;
  s.name = path.string();
  s.max_side_px = options.max_side_px;
  s.format = ffmpeg::open_input(path, ffmpeg::StreamInfoProbe::Read, options.max_pixels);
  s.stream_index = av_find_best_stream(s.format.get(), AVMEDIA_TYPE_VIDEO, -1, -1, nullptr, 0);
  if (s.stream_index < 0) {
    fail(MediaErrorKind::Unsupported, fmt::format("{}: contains no video stream", s.name));
  }
  const AVStream* stream = s.format->streams[s.stream_index];
  const int64_t pixels = static_cast<int64_t>(stream->codecpar->width) * stream->codecpar->height;
  if (pixels > options.max_pixels) {
    fail(MediaErrorKind::TooLarge,
         fmt::format("{}: video of {} x {} pixels exceeds the limit of {} pixels", s.name,
                     stream->codecpar->width, stream->codecpar->height, options.max_pixels));
  }
  s.decoder = ffmpeg::open_decoder(stream, s.name, options.max_pixels);
  s.time_base = stream->time_base;
  s.start_pts = stream->start_time == AV_NOPTS_VALUE ? 0 : stream->start_time;
  s.rotation_clockwise = display_rotation_clockwise(stream);
}

VideoDecoder::~VideoDecoder() = default;

std::optional<RgbFrame> VideoDecoder::next_frame() {
  State& s = *state_;
  if (s.decoder_drained) return std::nullopt;
  if (!s.receive_frame()) {
    if (s.decoded_frames == 0) {
      if (s.first_error != 0) ffmpeg::throw_av_error(s.first_error, s.name, "cannot decode video");
      fail(MediaErrorKind::Truncated, fmt::format("{}: the video stream holds no frames", s.name));
    }
    return std::nullopt;
  }
  int width = 0, height = 0;
  s.scaled_size(s.frame->width, s.frame->height, width, height);
  const bool swaps = s.rotation_clockwise == 90 || s.rotation_clockwise == 270;
  RgbFrame rgb = s.converter.convert(s.frame.get(), swaps ? height : width, swaps ? width : height);
  rgb.pts_us = s.pts_us(s.frame.get());
  av_frame_unref(s.frame.get());
  if (s.rotation_clockwise != 0) rgb = rotate_clockwise(rgb, s.rotation_clockwise);
  return rgb;
}

int VideoDecoder::output_width() const {
  int width = 0, height = 0;
  const AVCodecParameters* p = state_->format->streams[state_->stream_index]->codecpar;
  state_->scaled_size(p->width, p->height, width, height);
  return width;
}

int VideoDecoder::output_height() const {
  int width = 0, height = 0;
  const AVCodecParameters* p = state_->format->streams[state_->stream_index]->codecpar;
  state_->scaled_size(p->width, p->height, width, height);
  return height;
}

double VideoDecoder::frames_per_second() const {
  const AVStream* stream = state_->format->streams[state_->stream_index];
  const AVRational rate =
      stream->avg_frame_rate.num > 0 ? stream->avg_frame_rate : stream->r_frame_rate;
  return rate.den > 0 && rate.num > 0 ? av_q2d(rate) : 0.0;
}

int64_t VideoDecoder::duration_ms() const {
  const AVStream* stream = state_->format->streams[state_->stream_index];
  if (stream->duration != AV_NOPTS_VALUE && stream->duration > 0) {
    return av_rescale_q(stream->duration, stream->time_base, AVRational{1, 1000});
  }
  const int64_t duration = state_->format->duration;
  return duration == AV_NOPTS_VALUE || duration < 0 ? 0 : duration / 1000;
}

std::vector<SampledFrame> sample_video_file(const std::filesystem::path& path,
                                            const VideoSamplingOptions& options) {
  VideoDecoder decoder(path, VideoDecodeOptions{.max_side_px = options.max_side_px});
  FrameSampler sampler(options.sampler);
  std::vector<SampledFrame> samples;
  const bool pairs = options.next_frame_after_ms > 0;
  const int64_t after_us = options.next_frame_after_ms * 1000;
  size_t waiting = 0;  // first sample still without its next frame
  std::optional<RgbFrame> last;
  for (;;) {
    const bool full = samples.size() >= options.max_frames;
    if (full && (!pairs || waiting == samples.size())) break;
    std::optional<RgbFrame> frame = decoder.next_frame();
    if (!frame) break;
    if (pairs) {
      for (; waiting < samples.size(); ++waiting) {
        if (frame->pts_us - samples[waiting].frame.pts_us < after_us) break;
        samples[waiting].next_frame = *frame;
      }
      last = *frame;
    }
    if (full) continue;  // only looking for next frames now
    const SampleDecision decision = sampler.consider(*frame);
    if (decision.keep()) {
      samples.push_back(SampledFrame{std::move(*frame), {}, decision.reason, decision.difference});
    }
  }
  // The video ended within after_ms of these samples: pair them with its
  // last frame unless that is the sample itself.
  for (; pairs && waiting < samples.size(); ++waiting) {
    if (last && last->pts_us > samples[waiting].frame.pts_us) samples[waiting].next_frame = *last;
  }
  return samples;
}

}  // namespace mosaic::media
