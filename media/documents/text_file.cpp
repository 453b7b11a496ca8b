#include "media/documents/text_file.h"

#include <fmt/format.h>
#include <iconv.h>
#include <uchardet/uchardet.h>

#include <algorithm>
#include <cerrno>
#include <fstream>
#include <memory>

#include "media/core/media_error.h"

namespace mosaic::media {
namespace {

struct IconvCloser {
  void operator()(void* handle) const { iconv_close(static_cast<iconv_t>(handle)); }
};
struct UchardetFreer {
  void operator()(uchardet_t detector) const { uchardet_delete(detector); }
};

bool starts_with(std::string_view bytes, std::string_view prefix) {
  return bytes.substr(0, prefix.size()) == prefix;
}

std::string detect_encoding(std::string_view bytes) {
  std::unique_ptr<std::remove_pointer_t<uchardet_t>, UchardetFreer> detector(uchardet_new());
  // The first megabyte decides; detection cost grows with input.
  const size_t sample = std::min<size_t>(bytes.size(), 1 << 20);
  if (uchardet_handle_data(detector.get(), bytes.data(), sample) != 0) return "";
  uchardet_data_end(detector.get());
  return uchardet_get_charset(detector.get());
}

}  // namespace

bool is_valid_utf8(std::string_view bytes) {
  size_t i = 0;
  while (i < bytes.size()) {
    const auto lead = static_cast<unsigned char>(bytes[i]);
    size_t length;
    uint32_t code_point;
    if (lead < 0x80) {
      ++i;
      continue;
    } else if ((lead & 0xE0) == 0xC0) {
      length = 2;
      code_point = lead & 0x1F;
    } else if ((lead & 0xF0) == 0xE0) {
      length = 3;
      code_point = lead & 0x0F;
    } else if ((lead & 0xF8) == 0xF0) {
      length = 4;
      code_point = lead & 0x07;
    } else {
      return false;
    }
    if (i + length > bytes.size()) return false;
    for (size_t k = 1; k < length; ++k) {
      const auto continuation = static_cast<unsigned char>(bytes[i + k]);
      if ((continuation & 0xC0) != 0x80) return false;
      code_point = (code_point << 6) | (continuation & 0x3F);
    }
    // Overlong forms, surrogates and values past U+10FFFF are invalid.
    static constexpr uint32_t kMinimum[5] = {0, 0, 0x80, 0x800, 0x10000};
    if (code_point < kMinimum[length] || code_point > 0x10FFFF ||
        (code_point >= 0xD800 && code_point <= 0xDFFF)) {
      return false;
    }
    i += length;
  }
  return true;
}

std::string convert_to_utf8(std::string_view bytes, const std::string& from_encoding,
                            const std::string& name) {
  iconv_t raw = iconv_open("UTF-8", from_encoding.c_str());
  if (raw == reinterpret_cast<iconv_t>(-1)) {
    fail(MediaErrorKind::Unsupported,
         fmt::format("{}: text encoding {} is not supported", name, from_encoding));
  }
  std::unique_ptr<void, IconvCloser> converter(raw);
  std::string out;
  out.resize(bytes.size() * 2 + 16);
  char* in_pointer = const_cast<char*>(bytes.data());
  size_t in_left = bytes.size();
  char* out_pointer = out.data();
  size_t out_left = out.size();
  while (in_left > 0) {
    if (iconv(raw, &in_pointer, &in_left, &out_pointer, &out_left) != static_cast<size_t>(-1)) {
      continue;
    }
    if (errno == E2BIG) {
      const size_t used = static_cast<size_t>(out_pointer - out.data());
      out.resize(out.size() * 2);
      out_pointer = out.data() + used;
      out_left = out.size() - used;
      continue;
    }
    const size_t offset = bytes.size() - in_left;
    fail(MediaErrorKind::Corrupt,
         fmt::format("{}: {} at byte {} in {} text", name,
                     errno == EINVAL ? "incomplete character" : "invalid byte sequence", offset,
                     from_encoding));
  }
  out.resize(static_cast<size_t>(out_pointer - out.data()));
  return out;
}

Utf8Text decode_text_as_utf8(std::string_view bytes, const std::string& name) {
  if (starts_with(bytes, "\xEF\xBB\xBF")) {
    bytes.remove_prefix(3);
    if (!is_valid_utf8(bytes)) {
      fail(MediaErrorKind::Corrupt, fmt::format("{}: marked UTF-8 but is not valid UTF-8", name));
    }
    return {std::string(bytes), "UTF-8"};
  }
  if (starts_with(bytes, "\xFF\xFE") || starts_with(bytes, "\xFE\xFF")) {
    const std::string encoding = bytes[0] == '\xFF' ? "UTF-16LE" : "UTF-16BE";
    return {convert_to_utf8(bytes.substr(2), encoding, name), encoding};
  }
  // NUL bytes do not occur in text outside UTF-16/32, which have BOMs or are rare.
  if (bytes.find('\0') != std::string_view::npos) {
    fail(MediaErrorKind::Unsupported, fmt::format("{}: binary data, not a text file", name));
  }
  if (is_valid_utf8(bytes)) return {std::string(bytes), "UTF-8"};
  std::string encoding = detect_encoding(bytes);
  // uchardet gives up on short or odd input; Windows-1252 decodes any byte and
  // is by far the most common legacy encoding for such files.
  if (encoding.empty() || encoding == "ASCII" || encoding == "UTF-8") encoding = "WINDOWS-1252";
  return {convert_to_utf8(bytes, encoding, name), encoding};
}

Utf8Text read_text_file_as_utf8(const std::filesystem::path& path, const TextFileOptions& options) {
  const std::string name = path.string();
  std::error_code error;
  if (!std::filesystem::exists(path, error)) {
    fail(MediaErrorKind::NotFound, fmt::format("{}: no such file", name));
  }
  if (!std::filesystem::is_regular_file(path, error)) {
    fail(MediaErrorKind::Unsupported, fmt::format("{}: not a regular file", name));
  }
  const uint64_t size = std::filesystem::file_size(path, error);
  if (size > static_cast<uint64_t>(options.max_bytes)) {
    fail(MediaErrorKind::TooLarge, fmt::format("{}: {} bytes, the limit for text files is {}", name,
                                               size, options.max_bytes));
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) fail(MediaErrorKind::Io, fmt::format("{}: cannot open for reading", name));
  std::string bytes(size, '\0');
  in.read(bytes.data(), static_cast<std::streamsize>(size));
  bytes.resize(static_cast<size_t>(in.gcount()));
  return decode_text_as_utf8(bytes, name);
}

DocumentText extract_plain_text(const std::filesystem::path& path, const TextFileOptions& options) {
  Utf8Text decoded = read_text_file_as_utf8(path, options);
  DocumentText result;
  result.source_file = path.string();
  result.kind = DocumentKind::PlainText;
  result.detected_encoding = decoded.source_encoding;
  if (!decoded.text.empty()) {
    result.passages.push_back(TextPassage{std::move(decoded.text), result.source_file, 0});
  }
  return result;
}

}  // namespace mosaic::media
