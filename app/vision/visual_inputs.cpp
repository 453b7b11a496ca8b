#include "app/vision/visual_inputs.h"

#include <fmt/format.h>

#include <algorithm>

#include "app/core/media_marker.h"
#include "media/decode/image_decoder.h"
#include "media/decode/video_decoder.h"
#include "media/documents/pdf_document.h"

namespace mosaic::vision_prompt {
using app::kMediaMarker;

std::vector<VisualInput> load_picture(const std::filesystem::path& path) {
  std::vector<VisualInput> out(1);
  out[0].frame = media::decode_image_file(path);
  return out;
}

std::vector<VisualInput> load_video_frames(const std::filesystem::path& path,
                                           const VideoFrameOptions& options) {
  media::VideoSamplingOptions sampling;
  sampling.sampler.interval_ms = options.interval_ms;
  sampling.max_side_px = options.max_side_px;
  sampling.max_frames = options.max_frames;
  sampling.next_frame_after_ms = options.pair_after_ms;
  std::vector<VisualInput> out;
  for (media::SampledFrame& s : media::sample_video_file(path, sampling)) {
    // A pair is labelled with the mean of its two times, as Qwen3-VL's
    // processor does.
    const int64_t pts_us =
        s.next_frame.empty() ? s.frame.pts_us : (s.frame.pts_us + s.next_frame.pts_us) / 2;
    out.push_back({std::move(s.frame), std::move(s.next_frame), video_timestamp_label(pts_us)});
  }
  return out;
}

std::vector<VisualInput> load_pdf_pages(const std::filesystem::path& path,
                                        const PdfPageOptions& options) {
  const media::PdfDocument pdf(path);
  std::vector<VisualInput> out;
  const int last = std::min(pdf.page_count(), options.first_page + options.max_pages - 1);
  media::PageRenderOptions render;
  render.dpi = options.dpi;
  for (int page = std::max(1, options.first_page); page <= last; ++page) {
    out.push_back({pdf.render_page(page, render), {}, fmt::format("Page {}:", page)});
  }
  return out;
}

std::string video_timestamp_label(int64_t pts_us) {
  return fmt::format("<{:.1f} seconds>", static_cast<double>(pts_us) / 1e6);
}

std::string user_text_with_media(const std::vector<VisualInput>& inputs,
                                 const std::string& question) {
  std::string text;
  for (const VisualInput& in : inputs) {
    text += in.label;
    text += kMediaMarker;
    text += '\n';
  }
  return text + question;
}

}  // namespace mosaic::vision_prompt
