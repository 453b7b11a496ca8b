#include "media/decode/image_header.h"

#include <fmt/format.h>

#include <cstdlib>
#include <cstring>
#include <optional>

#include "media/core/media_error.h"

namespace mosaic::media {
namespace {

class ByteReader {
 public:
  ByteReader(std::span<const uint8_t> bytes, const std::string& name, ImageFormat format)
      : bytes_(bytes), name_(name), format_(format) {}

  bool has(size_t offset, size_t count) const {
    return offset <= bytes_.size() && count <= bytes_.size() - offset;
  }
  void need(size_t offset, size_t count) const {
    if (!has(offset, count)) {
      fail(MediaErrorKind::Truncated,
           fmt::format("{}: truncated {} header (file ends at byte {})", name_,
                       image_format_name(format_), bytes_.size()));
    }
  }
  uint8_t u8(size_t offset) const {
    need(offset, 1);
    return bytes_[offset];
  }
  uint32_t u16(size_t offset, bool big_endian) const {
    need(offset, 2);
    return big_endian ? (bytes_[offset] << 8) | bytes_[offset + 1]
                      : bytes_[offset] | (bytes_[offset + 1] << 8);
  }
  uint32_t u24le(size_t offset) const {
    need(offset, 3);
    return bytes_[offset] | (bytes_[offset + 1] << 8) | (bytes_[offset + 2] << 16);
  }
  uint32_t u32(size_t offset, bool big_endian) const {
    need(offset, 4);
    const uint32_t b0 = bytes_[offset], b1 = bytes_[offset + 1], b2 = bytes_[offset + 2],
                   b3 = bytes_[offset + 3];
    return big_endian ? (b0 << 24) | (b1 << 16) | (b2 << 8) | b3
                      : b0 | (b1 << 8) | (b2 << 16) | (b3 << 24);
  }
  bool matches(size_t offset, const char* text) const {
    const size_t length = std::strlen(text);
    return has(offset, length) && std::memcmp(bytes_.data() + offset, text, length) == 0;
  }
  std::span<const uint8_t> sub(size_t offset, size_t count) const {
    need(offset, count);
    return bytes_.subspan(offset, count);
  }
  [[noreturn]] void corrupt(const std::string& reason) const {
    fail(MediaErrorKind::Corrupt,
         fmt::format("{}: corrupt {} header: {}", name_, image_format_name(format_), reason));
  }

 private:
  std::span<const uint8_t> bytes_;
  const std::string& name_;
  ImageFormat format_;
};

struct TiffFields {
  int64_t width = 0;
  int64_t height = 0;
  int orientation = 1;
};

// Reads the first IFD of a TIFF structure (a TIFF file, or the EXIF block of
// a JPEG, which is a TIFF structure too).
TiffFields read_tiff_ifd0(const ByteReader& tiff) {
  TiffFields fields;
  bool big_endian;
  if (tiff.matches(0, "MM")) {
    big_endian = true;
  } else if (tiff.matches(0, "II")) {
    big_endian = false;
  } else {
    tiff.corrupt("byte order mark is neither II nor MM");
  }
  if (tiff.u16(2, big_endian) != 42) tiff.corrupt("TIFF magic number is not 42");
  const uint32_t ifd = tiff.u32(4, big_endian);
  const uint32_t entry_count = tiff.u16(ifd, big_endian);
  for (uint32_t i = 0; i < entry_count; ++i) {
    const size_t entry = static_cast<size_t>(ifd) + 2 + 12 * i;
    const uint32_t tag = tiff.u16(entry, big_endian);
    const uint32_t type = tiff.u16(entry + 2, big_endian);
    // SHORT (3) values sit in the first two bytes of the value field, LONG (4) fill it.
    const uint32_t value =
        type == 3 ? tiff.u16(entry + 8, big_endian) : tiff.u32(entry + 8, big_endian);
    if (type != 3 && type != 4) continue;
    if (tag == 256) fields.width = value;
    if (tag == 257) fields.height = value;
    if (tag == 274 && value >= 1 && value <= 8) fields.orientation = static_cast<int>(value);
  }
  return fields;
}

bool is_jpeg_frame_marker(uint8_t marker) {
  // SOF0..SOF15 except DHT (C4), JPG (C8) and DAC (CC).
  return marker >= 0xC0 && marker <= 0xCF && marker != 0xC4 && marker != 0xC8 && marker != 0xCC;
}

void read_jpeg(const ByteReader& r, ImageHeader& header) {
  size_t offset = 2;  // after SOI
  while (true) {
    if (r.u8(offset) != 0xFF) r.corrupt(fmt::format("expected a marker at byte {}", offset));
    while (r.u8(offset) == 0xFF) ++offset;  // fill bytes
    const uint8_t marker = r.u8(offset);
    ++offset;
    if (marker == 0x01 || (marker >= 0xD0 && marker <= 0xD7)) continue;  // no length field
    if (marker == 0xD9 || marker == 0xDA) r.corrupt("no frame header before the image data");
    const uint32_t length = r.u16(offset, true);
    if (length < 2) r.corrupt(fmt::format("segment length {} at byte {}", length, offset));
    if (marker == 0xE1 && r.matches(offset + 2, "Exif") && length >= 8 + 8) {
      // A damaged EXIF block only loses the orientation; the picture still decodes.
      try {
        const ByteReader exif(r.sub(offset + 8, length - 8), "", ImageFormat::Tiff);
        header.exif_orientation = read_tiff_ifd0(exif).orientation;
      } catch (const MediaError&) {
        header.exif_orientation = 1;
      }
    }
    if (is_jpeg_frame_marker(marker)) {
      header.height = r.u16(offset + 3, true);
      header.width = r.u16(offset + 5, true);
      return;
    }
    offset += length;
  }
}

void read_webp(const ByteReader& r, ImageHeader& header) {
  if (r.matches(12, "VP8 ")) {
    if (r.u8(23) != 0x9D || r.u8(24) != 0x01 || r.u8(25) != 0x2A) {
      r.corrupt("VP8 start code missing");
    }
    header.width = r.u16(26, false) & 0x3FFF;
    header.height = r.u16(28, false) & 0x3FFF;
  } else if (r.matches(12, "VP8L")) {
    if (r.u8(20) != 0x2F) r.corrupt("VP8L signature missing");
    const uint32_t bits = r.u32(21, false);
    header.width = (bits & 0x3FFF) + 1;
    header.height = ((bits >> 14) & 0x3FFF) + 1;
  } else if (r.matches(12, "VP8X")) {
    header.width = static_cast<int64_t>(r.u24le(24)) + 1;
    header.height = static_cast<int64_t>(r.u24le(27)) + 1;
  } else {
    r.need(12, 4);
    r.corrupt("first chunk is not VP8, VP8L or VP8X");
  }
}

}  // namespace

const char* image_format_name(ImageFormat format) {
  switch (format) {
    case ImageFormat::Unknown:
      return "unknown";
    case ImageFormat::Png:
      return "PNG";
    case ImageFormat::Jpeg:
      return "JPEG";
    case ImageFormat::Gif:
      return "GIF";
    case ImageFormat::Bmp:
      return "BMP";
    case ImageFormat::WebP:
      return "WebP";
    case ImageFormat::Tiff:
      return "TIFF";
  }
  return "unknown";
}

ImageHeader read_image_header(std::span<const uint8_t> bytes, const std::string& name) {
  ImageHeader header;
  const ByteReader probe(bytes, name, ImageFormat::Unknown);
  if (probe.matches(0, "\x89PNG\r\n\x1A\n")) {
    header.format = ImageFormat::Png;
  } else if (probe.has(0, 3) && bytes[0] == 0xFF && bytes[1] == 0xD8 && bytes[2] == 0xFF) {
    header.format = ImageFormat::Jpeg;
  } else if (probe.matches(0, "GIF87a") || probe.matches(0, "GIF89a")) {
    header.format = ImageFormat::Gif;
  } else if (probe.matches(0, "BM")) {
    header.format = ImageFormat::Bmp;
  } else if (probe.matches(0, "RIFF") && probe.matches(8, "WEBP")) {
    header.format = ImageFormat::WebP;
  } else if (probe.matches(0, "II*") || probe.matches(0, "MM")) {
    header.format = ImageFormat::Tiff;
  } else {
    return header;
  }

  const ByteReader r(bytes, name, header.format);
  switch (header.format) {
    case ImageFormat::Png:
      if (!r.matches(12, "IHDR")) {
        r.need(12, 4);
        r.corrupt("first chunk is not IHDR");
      }
      header.width = r.u32(16, true);
      header.height = r.u32(20, true);
      break;
    case ImageFormat::Jpeg:
      read_jpeg(r, header);
      break;
    case ImageFormat::Gif:
      header.width = r.u16(6, false);
      header.height = r.u16(8, false);
      break;
    case ImageFormat::Bmp: {
      const uint32_t dib_size = r.u32(14, false);
      if (dib_size == 12) {
        header.width = r.u16(18, false);
        header.height = r.u16(20, false);
      } else {
        header.width = static_cast<int32_t>(r.u32(18, false));
        header.height = std::abs(static_cast<int64_t>(static_cast<int32_t>(r.u32(22, false))));
      }
      break;
    }
    case ImageFormat::WebP:
      read_webp(r, header);
      break;
    case ImageFormat::Tiff: {
      const TiffFields fields = read_tiff_ifd0(r);
      header.width = fields.width;
      header.height = fields.height;
      header.exif_orientation = fields.orientation;
      break;
    }
    case ImageFormat::Unknown:
      break;
  }
  if (header.width <= 0 || header.height <= 0) {
    r.corrupt(fmt::format("invalid size {} x {}", header.width, header.height));
  }
  return header;
}

}  // namespace mosaic::media
