#include "engine/tokenizer/byte_unicode.h"

#include "engine/tokenizer/utf8.h"

namespace mosaic::tok {
namespace {

bool is_printable_byte(int b) {
  return (b >= 33 && b <= 126) || (b >= 161 && b <= 172) || (b >= 174 && b <= 255);
}

struct Tables {
  std::array<uint32_t, 256> cp{};
  std::array<std::string, 256> text;
  std::array<uint8_t, 256> order{};
  Tables() {
    int next = 0;
    int n = 0;
    for (int b = 0; b < 256; ++b) {
      if (is_printable_byte(b)) {
        cp[b] = static_cast<uint32_t>(b);
        order[n++] = static_cast<uint8_t>(b);
      }
    }
    for (int b = 0; b < 256; ++b) {
      if (!is_printable_byte(b)) {
        cp[b] = static_cast<uint32_t>(256 + next++);
        order[n++] = static_cast<uint8_t>(b);
      }
    }
    for (int b = 0; b < 256; ++b) append_utf8(text[b], cp[b]);
  }
};

const Tables& tables() {
  static const Tables t;
  return t;
}

}  // namespace

const std::array<std::string, 256>& byte_to_unicode() { return tables().text; }

int unicode_to_byte(uint32_t cp) {
  if (cp < 256) return is_printable_byte(static_cast<int>(cp)) ? static_cast<int>(cp) : -1;
  if (cp < 256 + 68) {
    return tables().order[188 + (cp - 256)];  // 188 printable bytes come first
  }
  return -1;
}

std::string bytes_to_unicode_text(std::string_view raw) {
  const auto& t = byte_to_unicode();
  std::string out;
  out.reserve(raw.size() * 2);
  for (char c : raw) out += t[static_cast<unsigned char>(c)];
  return out;
}

std::string unicode_text_to_bytes(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  size_t i = 0;
  while (i < text.size()) {
    uint32_t cp = 0;
    const size_t n = decode_utf8(text, i, cp);
    if (n == 0) {
      out += text[i++];
      continue;
    }
    const int b = unicode_to_byte(cp);
    if (b >= 0) {
      out += static_cast<char>(b);
    } else {
      out.append(text.substr(i, n));
    }
    i += n;
  }
  return out;
}

const std::array<uint8_t, 256>& gpt2_byte_order() { return tables().order; }

}  // namespace mosaic::tok
