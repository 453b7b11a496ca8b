// Still pictures (PNG, JPEG, WebP, GIF's first frame, BMP, TIFF, and whatever
// else FFmpeg reads) to an RGB8 frame the way a viewer would show them.
#pragma once

#include <cstdint>
#include <filesystem>

#include "media/core/rgb_frame.h"
#include "media/decode/image_header.h"

namespace mosaic::media {

enum class OrientationHandling { Apply, Ignore };

struct ImageDecodeOptions {
  // Decompression-bomb guards, checked from the header before decoding.
  int64_t max_pixels = 64LL * 1024 * 1024;
  int64_t max_file_bytes = 256LL * 1024 * 1024;
  int max_side_px = 0;  // > 0: shrink so the longer side fits (after orientation)
  OrientationHandling orientation = OrientationHandling::Apply;
};

RgbFrame decode_image_file(const std::filesystem::path& path,
                           const ImageDecodeOptions& options = {});

// Reads only the header: format, size and EXIF orientation (size as stored).
ImageHeader read_image_file_header(const std::filesystem::path& path);

}  // namespace mosaic::media
