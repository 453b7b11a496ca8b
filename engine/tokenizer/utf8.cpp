#include "engine/tokenizer/utf8.h"

namespace mosaic::tok {
namespace {

struct LeadInfo {
  int len;           // 0: can never start a character
  unsigned char lo;  // allowed range of the second byte (excludes overlongs,
  unsigned char hi;  // surrogates and code points above U+10FFFF)
};

LeadInfo lead_info(unsigned char b) {
  if (b < 0x80) return {1, 0, 0};
  if (b >= 0xC2 && b <= 0xDF) return {2, 0x80, 0xBF};
  if (b == 0xE0) return {3, 0xA0, 0xBF};
  if (b == 0xED) return {3, 0x80, 0x9F};
  if (b >= 0xE1 && b <= 0xEF) return {3, 0x80, 0xBF};
  if (b == 0xF0) return {4, 0x90, 0xBF};
  if (b >= 0xF1 && b <= 0xF3) return {4, 0x80, 0xBF};
  if (b == 0xF4) return {4, 0x80, 0x8F};
  return {0, 0, 0};
}

}  // namespace

void append_utf8(std::string& out, uint32_t cp) {
  if (cp < 0x80) {
    out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    out += static_cast<char>(0xC0 | (cp >> 6));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    out += static_cast<char>(0xE0 | (cp >> 12));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (cp >> 18));
    out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  }
}

size_t decode_utf8(std::string_view s, size_t i, uint32_t& cp) {
  if (i >= s.size()) return 0;
  const auto b0 = static_cast<unsigned char>(s[i]);
  const LeadInfo li = lead_info(b0);
  if (li.len == 0 || i + li.len > s.size()) return 0;
  if (li.len == 1) {
    cp = b0;
    return 1;
  }
  const auto b1 = static_cast<unsigned char>(s[i + 1]);
  if (b1 < li.lo || b1 > li.hi) return 0;
  uint32_t v = b0 & (0xFF >> (li.len + 1));
  for (int k = 1; k < li.len; ++k) {
    const auto b = static_cast<unsigned char>(s[i + k]);
    if ((b & 0xC0) != 0x80) return 0;
    v = (v << 6) | (b & 0x3F);
  }
  cp = v;
  return static_cast<size_t>(li.len);
}

size_t take_complete_utf8(std::string_view in, bool at_end, std::string& out) {
  size_t i = 0;
  while (i < in.size()) {
    const auto b0 = static_cast<unsigned char>(in[i]);
    const LeadInfo li = lead_info(b0);
    if (li.len == 0) {
      out += kReplacementChar;
      ++i;
      continue;
    }
    // Count how many bytes of the sequence are present and valid so far.
    int good = 1;
    bool broken = false;
    while (good < li.len) {
      if (i + good >= in.size()) break;
      const auto b = static_cast<unsigned char>(in[i + good]);
      const bool ok = good == 1 ? (b >= li.lo && b <= li.hi) : ((b & 0xC0) == 0x80);
      if (!ok) {
        broken = true;
        break;
      }
      ++good;
    }
    if (good == li.len) {
      out.append(in.substr(i, good));
      i += good;
    } else if (broken || at_end) {
      out += kReplacementChar;  // the maximal subpart [i, i+good) can never complete
      i += good;
    } else {
      break;  // may still complete with the next bytes
    }
  }
  return i;
}

}  // namespace mosaic::tok
