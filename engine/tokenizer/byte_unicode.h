// The GPT-2 byte <-> unicode map used by byte-level BPE vocabularies: every
// byte is shown as one printable character so that token texts are valid
// UTF-8 without spaces or control characters. Printable Latin-1 bytes
// (33..126, 161..172, 174..255) map to themselves; the other 68 bytes map to
// U+0100, U+0101, ... in increasing byte order (so ' ' is 'Ġ', '\n' is 'Ċ').
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

namespace mosaic::tok {

// UTF-8 text of the character that stands for each byte.
const std::array<std::string, 256>& byte_to_unicode();

// The byte a code point stands for, or -1 when it is not in the map.
int unicode_to_byte(uint32_t cp);

// Maps every byte of `raw` to its character.
std::string bytes_to_unicode_text(std::string_view raw);

// Inverse of bytes_to_unicode_text; characters outside the map (and invalid
// UTF-8) are copied through unchanged.
std::string unicode_text_to_bytes(std::string_view text);

// Bytes in the order GPT-2-style vocabularies list their 256 byte tokens
// (the printable ones first, then the remapped ones).
const std::array<uint8_t, 256>& gpt2_byte_order();

}  // namespace mosaic::tok
