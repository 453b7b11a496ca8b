// Reads picture dimensions (and the EXIF orientation of JPEGs) straight from
// the file header, before any decoder allocates pixel memory: a 50 kB PNG can
// claim 60000 x 60000 pixels, and the size check must come first.
#pragma once

#include <cstdint>
#include <span>
#include <string>

namespace mosaic::media {

enum class ImageFormat { Unknown, Png, Jpeg, Gif, Bmp, WebP, Tiff };

const char* image_format_name(ImageFormat format);

struct ImageHeader {
  ImageFormat format = ImageFormat::Unknown;
  int64_t width = 0;
  int64_t height = 0;
  int exif_orientation = 1;  // 1..8 from EXIF/TIFF tag 0x0112; 1 = as stored
};

// Recognizes the format by its signature. For a recognized format whose header
// is cut short or inconsistent, throws MediaError (Truncated or Corrupt) with
// `name` in the message. Unrecognized bytes give format Unknown and no size.
ImageHeader read_image_header(std::span<const uint8_t> bytes, const std::string& name);

}  // namespace mosaic::media
