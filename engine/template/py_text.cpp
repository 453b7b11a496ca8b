#include "engine/template/py_text.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <stdexcept>

namespace mosaic::tmpl::py {

namespace {

// Length in bytes of the code point starting at s[i]; malformed or truncated
// sequences count byte by byte so nothing is dropped.
size_t code_point_length(std::string_view s, size_t i) {
  const auto c = static_cast<unsigned char>(s[i]);
  size_t len = 1;
  if (c >= 0xF0 && c < 0xF8) {
    len = 4;
  } else if (c >= 0xE0) {
    len = c < 0xF0 ? 3 : 1;
  } else if (c >= 0xC0) {
    len = 2;
  }
  for (size_t k = 1; k < len; ++k) {
    if (i + k >= s.size() || (static_cast<unsigned char>(s[i + k]) & 0xC0) != 0x80) return 1;
  }
  return len;
}

// str.isspace() for one UTF-8 encoded code point: ASCII whitespace, the
// separators U+001C..U+001F, and the Unicode space characters (NBSP, en/em
// spaces, ideographic space, ...), which Python's strip() also removes.
bool is_python_whitespace(std::string_view cp) {
  if (cp.size() == 1) {
    const char c = cp[0];
    return is_space(c) || (c >= '\x1c' && c <= '\x1f');
  }
  static const std::string_view kUnicodeSpaces[] = {
      "\u0085", "\u00a0", "\u1680", "\u2000", "\u2001", "\u2002", "\u2003",
      "\u2004", "\u2005", "\u2006", "\u2007", "\u2008", "\u2009", "\u200a",
      "\u2028", "\u2029", "\u202f", "\u205f", "\u3000"};
  for (auto space : kUnicodeSpaces) {
    if (cp == space) return true;
  }
  return false;
}

}  // namespace

std::vector<size_t> code_point_starts(std::string_view s) {
  std::vector<size_t> starts;
  starts.reserve(s.size() + 1);
  for (size_t i = 0; i < s.size(); i += code_point_length(s, i)) starts.push_back(i);
  starts.push_back(s.size());
  return starts;
}

size_t code_point_count(std::string_view s) {
  size_t n = 0;
  for (size_t i = 0; i < s.size(); i += code_point_length(s, i)) ++n;
  return n;
}

bool is_space(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

std::string strip(std::string_view s, const std::optional<std::string>& chars, StripSide side) {
  // Strip whole code points so multi-byte characters in `chars` work.
  const auto starts = code_point_starts(s);
  std::vector<std::string_view> strip_set;
  if (chars) {
    const auto cs = code_point_starts(*chars);
    for (size_t i = 0; i + 1 < cs.size(); ++i) {
      strip_set.push_back(std::string_view(*chars).substr(cs[i], cs[i + 1] - cs[i]));
    }
  }
  auto strippable = [&](size_t idx) {
    std::string_view cp = s.substr(starts[idx], starts[idx + 1] - starts[idx]);
    if (!chars) return is_python_whitespace(cp);
    for (auto c : strip_set) {
      if (c == cp) return true;
    }
    return false;
  };
  size_t n = starts.size() - 1;
  size_t begin = 0, end = n;
  if (side != StripSide::Right) {
    while (begin < end && strippable(begin)) ++begin;
  }
  if (side != StripSide::Left) {
    while (end > begin && strippable(end - 1)) --end;
  }
  return std::string(s.substr(starts[begin], starts[end] - starts[begin]));
}

std::vector<std::string> split(std::string_view s, const std::optional<std::string>& sep,
                               int64_t maxsplit) {
  std::vector<std::string> out;
  if (!sep) {
    size_t i = 0;
    while (true) {
      while (i < s.size() && is_space(s[i])) ++i;
      if (i >= s.size()) break;
      if (maxsplit >= 0 && static_cast<int64_t>(out.size()) == maxsplit) {
        // The rest, with trailing whitespace removed, is the last piece.
        out.push_back(strip(s.substr(i), std::nullopt, StripSide::Right));
        break;
      }
      size_t j = i;
      while (j < s.size() && !is_space(s[j])) ++j;
      out.emplace_back(s.substr(i, j - i));
      i = j;
    }
    return out;
  }
  size_t pos = 0;
  while (maxsplit < 0 || static_cast<int64_t>(out.size()) < maxsplit) {
    size_t hit = s.find(*sep, pos);
    if (hit == std::string_view::npos) break;
    out.emplace_back(s.substr(pos, hit - pos));
    pos = hit + sep->size();
  }
  out.emplace_back(s.substr(pos));
  return out;
}

std::vector<std::string> rsplit(std::string_view s, const std::optional<std::string>& sep,
                                int64_t maxsplit) {
  if (maxsplit < 0) return split(s, sep, maxsplit);
  std::vector<std::string> reversed;
  if (!sep) {
    size_t end = s.size();
    while (true) {
      while (end > 0 && is_space(s[end - 1])) --end;
      if (end == 0) break;
      if (static_cast<int64_t>(reversed.size()) == maxsplit) {
        reversed.push_back(strip(s.substr(0, end), std::nullopt, StripSide::Left));
        break;
      }
      size_t begin = end;
      while (begin > 0 && !is_space(s[begin - 1])) --begin;
      reversed.emplace_back(s.substr(begin, end - begin));
      end = begin;
    }
  } else {
    size_t end = s.size();
    while (static_cast<int64_t>(reversed.size()) < maxsplit && end >= sep->size()) {
      size_t hit = s.rfind(*sep, end - sep->size());
      if (hit == std::string_view::npos) break;
      reversed.emplace_back(s.substr(hit + sep->size(), end - hit - sep->size()));
      end = hit;
    }
    reversed.emplace_back(s.substr(0, end));
  }
  return {reversed.rbegin(), reversed.rend()};
}

std::string replace(std::string_view s, std::string_view old_text, std::string_view new_text,
                    int64_t count) {
  std::string out;
  if (old_text.empty()) {
    if (static_cast<double>(code_point_count(s) + 1) * static_cast<double>(new_text.size()) +
            static_cast<double>(s.size()) >
        static_cast<double>(kMaxResultBytes)) {
      throw std::length_error("replace() result is too large");
    }
    // Python inserts `new` between every code point (and at both ends).
    const auto starts = code_point_starts(s);
    int64_t done = 0;
    for (size_t i = 0; i + 1 < starts.size(); ++i) {
      if (count < 0 || done < count) {
        out += new_text;
        ++done;
      }
      out += s.substr(starts[i], starts[i + 1] - starts[i]);
    }
    if (count < 0 || done < count) out += new_text;
    return out;
  }
  // Refuse results past kMaxResultBytes instead of exhausting memory.
  const int64_t hits = std::min<int64_t>(count < 0 ? INT64_MAX : count, py::count(s, old_text));
  if (new_text.size() > old_text.size() &&
      static_cast<double>(s.size()) +
              static_cast<double>(hits) * static_cast<double>(new_text.size() - old_text.size()) >
          static_cast<double>(kMaxResultBytes)) {
    throw std::length_error("replace() result is too large");
  }
  size_t pos = 0;
  int64_t done = 0;
  while (count < 0 || done < count) {
    size_t hit = s.find(old_text, pos);
    if (hit == std::string_view::npos) break;
    out += s.substr(pos, hit - pos);
    out += new_text;
    pos = hit + old_text.size();
    ++done;
  }
  out += s.substr(pos);
  return out;
}

int64_t count(std::string_view s, std::string_view needle) {
  if (needle.empty()) return static_cast<int64_t>(code_point_count(s)) + 1;
  int64_t n = 0;
  for (size_t pos = s.find(needle); pos != std::string_view::npos;
       pos = s.find(needle, pos + needle.size())) {
    ++n;
  }
  return n;
}

int64_t find(std::string_view s, std::string_view needle) {
  size_t hit = s.find(needle);
  if (hit == std::string_view::npos) return -1;
  return static_cast<int64_t>(code_point_count(s.substr(0, hit)));
}

static bool is_lower_ascii(char c) { return c >= 'a' && c <= 'z'; }
static bool is_upper_ascii(char c) { return c >= 'A' && c <= 'Z'; }
static char to_upper_ascii(char c) { return is_lower_ascii(c) ? static_cast<char>(c - 32) : c; }
static char to_lower_ascii(char c) { return is_upper_ascii(c) ? static_cast<char>(c + 32) : c; }

std::string upper(std::string_view s) {
  std::string out(s);
  for (auto& c : out) c = to_upper_ascii(c);
  return out;
}

std::string lower(std::string_view s) {
  std::string out(s);
  for (auto& c : out) c = to_lower_ascii(c);
  return out;
}

std::string title(std::string_view s) {
  // Python: a letter after a non-letter starts a word.
  std::string out(s);
  bool previous_cased = false;
  for (auto& c : out) {
    const bool cased = is_lower_ascii(c) || is_upper_ascii(c);
    if (cased) {
      c = previous_cased ? to_lower_ascii(c) : to_upper_ascii(c);
    }
    previous_cased = cased;
  }
  return out;
}

std::string capitalize(std::string_view s) {
  std::string out = lower(s);
  if (!out.empty()) out[0] = to_upper_ascii(out[0]);
  return out;
}

std::string float_repr(double d) {
  if (std::isnan(d)) return "nan";
  if (std::isinf(d)) return d > 0 ? "inf" : "-inf";
  if (d == 0.0) return std::signbit(d) ? "-0.0" : "0.0";
  // Shortest round-trip digits in scientific form, then laid out the way
  // Python's repr does (format code 'r').
  char buf[64];
  auto res = std::to_chars(buf, buf + sizeof buf, d, std::chars_format::scientific);
  std::string sci(buf, res.ptr);
  bool negative = false;
  if (sci[0] == '-') {
    negative = true;
    sci.erase(0, 1);
  }
  const size_t e_pos = sci.find('e');
  std::string digits = sci.substr(0, e_pos);
  const int exponent = std::atoi(sci.c_str() + e_pos + 1);
  digits.erase(std::remove(digits.begin(), digits.end(), '.'), digits.end());
  // Value = 0.DIGITS * 10^decpt.
  const int decpt = exponent + 1;
  const int ndigits = static_cast<int>(digits.size());
  std::string out;
  if (decpt > -4 && decpt <= 16) {
    if (decpt <= 0) {
      out = "0.";
      out.append(static_cast<size_t>(-decpt), '0');
      out += digits;
    } else if (decpt >= ndigits) {
      out = digits + std::string(decpt - ndigits, '0') + ".0";
    } else {
      out = digits.substr(0, decpt);
      out += '.';
      out.append(digits, static_cast<size_t>(decpt));
    }
  } else {
    out = digits.substr(0, 1);
    if (ndigits > 1) {
      out += '.';
      out.append(digits, 1);
    }
    const int e = decpt - 1;
    char ebuf[16];
    std::snprintf(ebuf, sizeof ebuf, "e%c%02d", e < 0 ? '-' : '+', e < 0 ? -e : e);
    out += ebuf;
  }
  if (negative) out.insert(out.begin(), '-');
  return out;
}

std::string string_repr(std::string_view s) {
  const bool has_single = s.find('\'') != std::string_view::npos;
  const bool has_double = s.find('"') != std::string_view::npos;
  const char quote = (has_single && !has_double) ? '"' : '\'';
  std::string out(1, quote);
  for (char c : s) {
    const auto u = static_cast<unsigned char>(c);
    if (c == quote || c == '\\') {
      out += '\\';
      out += c;
    } else if (c == '\n') {
      out += "\\n";
    } else if (c == '\r') {
      out += "\\r";
    } else if (c == '\t') {
      out += "\\t";
    } else if (u < 0x20 || u == 0x7f) {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\x%02x", u);
      out += buf;
    } else {
      out += c;
    }
  }
  out += quote;
  return out;
}

}  // namespace mosaic::tmpl::py
