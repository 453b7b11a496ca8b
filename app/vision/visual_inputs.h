// Pictures a question can be about, from files: a picture, frames sampled
// from a video (with their times, as Qwen3-VL expects "<1.5 seconds>"
// before each frame) or the pages of a PDF rendered as pictures. Each comes
// with the text that goes before it in the user's message.
#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "media/core/rgb_frame.h"

namespace mosaic::vision_prompt {

struct VisualInput {
  media::RgbFrame frame;
  // A video's frame 0.5 s after `frame`, encoded with it as one temporal
  // patch as Qwen3-VL does; empty for a picture, a page or a lone frame.
  media::RgbFrame next_frame;
  std::string label;  // "" for a picture, "<1.5 seconds>" for a video frame, "Page 2:" ...
};

struct VideoFrameOptions {
  int64_t interval_ms = 2000;  // one frame per interval, plus scene changes
  size_t max_frames = 8;       // each frame costs hundreds of context tokens
  int max_side_px = 768;
  // Each sampled frame is paired with the frame this long after it (Qwen3-VL
  // samples video at 2 frames per second, two frames per temporal patch);
  // 0: frames alone, each as a still picture.
  int64_t pair_after_ms = 500;
};

struct PdfPageOptions {
  int first_page = 1;  // 1-based
  int max_pages = 4;
  double dpi = 100.0;
};

// Throw media::MediaError naming the file (missing, corrupt, unsupported).
std::vector<VisualInput> load_picture(const std::filesystem::path& path);
std::vector<VisualInput> load_video_frames(const std::filesystem::path& path,
                                           const VideoFrameOptions& options = {});
std::vector<VisualInput> load_pdf_pages(const std::filesystem::path& path,
                                        const PdfPageOptions& options = {});

// "<1.5 seconds>" for a frame shown at 1.5 s.
std::string video_timestamp_label(int64_t pts_us);

// The user's message: each input's label and media marker on a line, then
// the question.
std::string user_text_with_media(const std::vector<VisualInput>& inputs,
                                 const std::string& question);

}  // namespace mosaic::vision_prompt
