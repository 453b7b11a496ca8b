// Plain-text files (TXT, Markdown, source code, CSV) in whatever encoding they
// were saved, converted to UTF-8: byte-order marks first, then a UTF-8
// validity check, then uchardet's guess, converted with iconv.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>

#include "media/documents/document_text.h"

namespace mosaic::media {

struct TextFileOptions {
  int64_t max_bytes = 32LL * 1024 * 1024;
};

struct Utf8Text {
  std::string text;
  std::string source_encoding;  // "UTF-8", "UTF-16LE", "WINDOWS-1252", ...
};

// Throws MediaError: NotFound, TooLarge, Unsupported (binary data or an
// encoding iconv does not know), Corrupt (bytes invalid in the detected encoding).
Utf8Text read_text_file_as_utf8(const std::filesystem::path& path,
                                const TextFileOptions& options = {});

// The same for bytes already in memory; `name` is used in error messages.
Utf8Text decode_text_as_utf8(std::string_view bytes, const std::string& name);

// Converts between encodings iconv knows; throws Corrupt on invalid input.
std::string convert_to_utf8(std::string_view bytes, const std::string& from_encoding,
                            const std::string& name);

bool is_valid_utf8(std::string_view bytes);

DocumentText extract_plain_text(const std::filesystem::path& path,
                                const TextFileOptions& options = {});

}  // namespace mosaic::media
