#include "media/decode/audio_resampler.h"

#include <fmt/format.h>

extern "C" {
#include <libavutil/channel_layout.h>
#include <libavutil/opt.h>
}

#include "media/core/media_error.h"
#include "media/decode/ffmpeg_handles.h"

namespace mosaic::media {

struct AudioResampler::State {
  ffmpeg::Swr swr;
};

AudioResampler::AudioResampler(int input_rate_hz, int input_channels, int output_rate_hz)
    : state_(std::make_unique<State>()),
      input_rate_hz_(input_rate_hz),
      input_channels_(input_channels),
      output_rate_hz_(output_rate_hz) {
  if (input_rate_hz <= 0 || input_channels <= 0 || output_rate_hz <= 0) {
    fail(MediaErrorKind::InvalidArgument,
         fmt::format("audio resampler: invalid format {} Hz x {} channels -> {} Hz", input_rate_hz,
                     input_channels, output_rate_hz));
  }
  AVChannelLayout in_layout{};
  av_channel_layout_default(&in_layout, input_channels);
  AVChannelLayout out_layout = AV_CHANNEL_LAYOUT_MONO;
  SwrContext* raw = nullptr;
  int status = swr_alloc_set_opts2(&raw, &out_layout, AV_SAMPLE_FMT_FLT, output_rate_hz, &in_layout,
                                   AV_SAMPLE_FMT_FLT, input_rate_hz, 0, nullptr);
  av_channel_layout_uninit(&in_layout);
  state_->swr.reset(raw);
  // Normalized downmix: channel weights sum to at most 1, so a tone on both
  // channels keeps its level and a loud stereo signal cannot exceed full scale.
  if (status >= 0) status = av_opt_set_double(raw, "rematrix_maxval", 1.0, 0);
  if (status < 0 || (status = swr_init(raw)) < 0) {
    fail(MediaErrorKind::Internal,
         fmt::format("audio resampler: cannot convert {} Hz x {} channels: {}", input_rate_hz,
                     input_channels, ffmpeg::error_text(status)));
  }
}

AudioResampler::~AudioResampler() = default;

void AudioResampler::process(const float* interleaved, int64_t frame_count,
                             std::vector<float>& out) {
  const int64_t capacity = swr_get_out_samples(state_->swr.get(), static_cast<int>(frame_count));
  if (capacity <= 0) return;
  const size_t start = out.size();
  out.resize(start + static_cast<size_t>(capacity));
  uint8_t* out_planes[1] = {reinterpret_cast<uint8_t*>(out.data() + start)};
  const uint8_t* in_planes[1] = {reinterpret_cast<const uint8_t*>(interleaved)};
  const int converted =
      swr_convert(state_->swr.get(), out_planes, static_cast<int>(capacity),
                  frame_count > 0 ? in_planes : nullptr, static_cast<int>(frame_count));
  if (converted < 0) {
    out.resize(start);
    fail(MediaErrorKind::Internal,
         fmt::format("audio resampler: {}", ffmpeg::error_text(converted)));
  }
  out.resize(start + static_cast<size_t>(converted));
}

void AudioResampler::flush(std::vector<float>& out) { process(nullptr, 0, out); }

}  // namespace mosaic::media
