#include "engine/template/lexer.h"

#include <algorithm>
#include <cerrno>
#include <cstdlib>

#include "engine/tokenizer/utf8.h"

namespace mosaic::tmpl {
namespace {

bool is_ws(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}
bool is_name_start(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_'; }
bool is_digit(char c) { return c >= '0' && c <= '9'; }

// jinja2 turns \r\n and \r into \n before lexing and drops one trailing
// newline (keep_trailing_newline=False).
std::string normalize_newlines(std::string_view source) {
  std::string out;
  out.reserve(source.size());
  for (size_t i = 0; i < source.size(); ++i) {
    if (source[i] == '\r') {
      out += '\n';
      if (i + 1 < source.size() && source[i + 1] == '\n') ++i;
    } else {
      out += source[i];
    }
  }
  if (!out.empty() && out.back() == '\n') out.pop_back();
  return out;
}

class Lexer {
 public:
  explicit Lexer(std::string_view source) : src_(normalize_newlines(source)) {
    line_starts_.push_back(0);
    for (size_t i = 0; i < src_.size(); ++i) {
      if (src_[i] == '\n') line_starts_.push_back(i + 1);
    }
  }

  std::vector<Token> run() {
    size_t pos = 0;
    bool line_starting = true;
    while (pos < src_.size()) {
      const size_t open = find_opener(pos);
      if (open == std::string::npos) {
        emit_text(src_.substr(pos), pos);
        break;
      }
      const char kind = src_[open + 1];
      char sign = 0;
      if (open + 2 < src_.size() && (src_[open + 2] == '-' || src_[open + 2] == '+')) {
        sign = src_[open + 2];
      }
      std::string text = src_.substr(pos, open - pos);
      if (sign == '-') {
        while (!text.empty() && is_ws(text.back())) text.pop_back();
      } else if (sign != '+' && kind != '{') {
        // lstrip_blocks: a block or comment tag preceded only by spaces and
        // tabs on its line takes that indentation away.
        const size_t line_pos = text.rfind('\n') == std::string::npos ? 0 : text.rfind('\n') + 1;
        if (line_pos > 0 || line_starting) {
          const bool only_blank =
              std::all_of(text.begin() + static_cast<long>(line_pos), text.end(),
                          [](char c) { return c == ' ' || c == '\t'; });
          if (only_blank) text.resize(line_pos);
        }
      }
      emit_text(text, pos);
      size_t inner = open + 2 + (sign ? 1 : 0);
      if (kind == '#') {
        pos = lex_comment(open, inner);
      } else if (kind == '%' && is_raw_tag(inner)) {
        pos = lex_raw(open, inner);
      } else {
        pos = lex_tag(open, inner, kind == '%');
      }
      line_starting = pos > 0 && src_[pos - 1] == '\n';
    }
    Token end;
    end.kind = TokenKind::End;
    end.pos = pos_at(src_.size());
    tokens_.push_back(end);
    return std::move(tokens_);
  }

 private:
  SourcePos pos_at(size_t offset) const {
    auto it = std::upper_bound(line_starts_.begin(), line_starts_.end(), offset);
    const size_t line = static_cast<size_t>(it - line_starts_.begin());
    return {static_cast<int>(line), static_cast<int>(offset - line_starts_[line - 1] + 1)};
  }

  [[noreturn]] void fail(size_t offset, const std::string& message) const {
    throw TemplateError(TemplateErrorKind::Syntax, pos_at(offset), message);
  }

  size_t find_opener(size_t from) const {
    for (size_t i = src_.find('{', from); i != std::string::npos; i = src_.find('{', i + 1)) {
      if (i + 1 < src_.size() && (src_[i + 1] == '{' || src_[i + 1] == '%' || src_[i + 1] == '#')) {
        return i;
      }
    }
    return std::string::npos;
  }

  void emit_text(const std::string& text, size_t offset) {
    if (text.empty()) return;
    Token t;
    t.kind = TokenKind::Text;
    t.text = text;
    t.pos = pos_at(offset);
    tokens_.push_back(std::move(t));
  }

  void push(TokenKind kind, std::string text, size_t offset) {
    Token t;
    t.kind = kind;
    t.text = std::move(text);
    t.pos = pos_at(offset);
    tokens_.push_back(std::move(t));
  }

  size_t skip_ws(size_t p) const {
    while (p < src_.size() && is_ws(src_[p])) ++p;
    return p;
  }

  // After a block or comment end: '-' eats all following whitespace, '+'
  // keeps it, otherwise trim_blocks removes a single newline.
  size_t after_block_end(size_t p, char sign) const {
    if (sign == '-') return skip_ws(p);
    if (sign == '+') return p;
    return (p < src_.size() && src_[p] == '\n') ? p + 1 : p;
  }

  size_t lex_comment(size_t open, size_t inner) {
    const size_t close = src_.find("#}", inner);
    if (close == std::string::npos) fail(open, "comment is not closed with '#}'");
    char sign = 0;
    if (close > inner && (src_[close - 1] == '-' || src_[close - 1] == '+')) sign = src_[close - 1];
    return after_block_end(close + 2, sign);
  }

  // Matches `[-+]? ws* name ws* [-+]? %}` at p; returns the offset after %}.
  size_t match_word_tag(size_t p, std::string_view word, char* end_sign) const {
    p = skip_ws(p);
    if (src_.compare(p, word.size(), word) != 0) return std::string::npos;
    p = skip_ws(p + word.size());
    char sign = 0;
    if (p < src_.size() && (src_[p] == '-' || src_[p] == '+')) sign = src_[p++];
    if (src_.compare(p, 2, "%}") != 0) return std::string::npos;
    if (end_sign) *end_sign = sign;
    return p + 2;
  }

  bool is_raw_tag(size_t inner) const {
    return match_word_tag(inner, "raw", nullptr) != std::string::npos;
  }

  size_t lex_raw(size_t open, size_t inner) {
    char sign = 0;
    size_t content = match_word_tag(inner, "raw", &sign);
    if (sign == '-') content = skip_ws(content);
    for (size_t p = src_.find("{%", content); p != std::string::npos; p = src_.find("{%", p + 1)) {
      size_t q = p + 2;
      char open_sign = 0;
      if (q < src_.size() && (src_[q] == '-' || src_[q] == '+')) open_sign = src_[q++];
      char close_sign = 0;
      const size_t end = match_word_tag(q, "endraw", &close_sign);
      if (end == std::string::npos) continue;
      std::string text = src_.substr(content, p - content);
      if (open_sign == '-') {
        while (!text.empty() && is_ws(text.back())) text.pop_back();
      } else if (open_sign != '+') {
        const size_t nl = text.rfind('\n');
        if (nl != std::string::npos &&
            std::all_of(text.begin() + static_cast<long>(nl + 1), text.end(),
                        [](char c) { return c == ' ' || c == '\t'; })) {
          text.resize(nl + 1);
        }
      }
      emit_text(text, content);
      return after_block_end(end, close_sign);
    }
    fail(open, "'raw' block is not closed with '{% endraw %}'");
  }

  size_t lex_tag(size_t open, size_t p, bool is_block) {
    push(is_block ? TokenKind::BlockBegin : TokenKind::VarBegin, is_block ? "{%" : "{{", open);
    std::vector<char> brackets;
    while (true) {
      p = skip_ws(p);
      if (p >= src_.size()) {
        fail(open, std::string("tag is not closed with '") + (is_block ? "%}" : "}}") + "'");
      }
      if (brackets.empty()) {
        if (is_block) {
          if (src_.compare(p, 3, "-%}") == 0 || src_.compare(p, 3, "+%}") == 0) {
            push(TokenKind::BlockEnd, "%}", p);
            return after_block_end(p + 3, src_[p]);
          }
          if (src_.compare(p, 2, "%}") == 0) {
            push(TokenKind::BlockEnd, "%}", p);
            return after_block_end(p + 2, 0);
          }
        } else {
          if (src_.compare(p, 3, "-}}") == 0) {
            push(TokenKind::VarEnd, "}}", p);
            return skip_ws(p + 3);
          }
          if (src_.compare(p, 2, "}}") == 0) {
            push(TokenKind::VarEnd, "}}", p);
            return p + 2;
          }
        }
      }
      p = lex_token(p, brackets);
    }
  }

  size_t lex_token(size_t p, std::vector<char>& brackets) {
    const char c = src_[p];
    if (is_name_start(c)) {
      size_t q = p;
      while (q < src_.size() && (is_name_start(src_[q]) || is_digit(src_[q]))) ++q;
      push(TokenKind::Name, src_.substr(p, q - p), p);
      return q;
    }
    if (is_digit(c)) return lex_number(p);
    if (c == '\'' || c == '"') return lex_string(p);
    static const char* const kTwoChar[] = {"//", "**", "==", "!=", "<=", ">="};
    for (const char* op : kTwoChar) {
      if (src_.compare(p, 2, op) == 0) {
        push(TokenKind::Operator, op, p);
        return p + 2;
      }
    }
    static const std::string_view kOneChar = "+-*/%~()[]{},.:|=<>";
    if (kOneChar.find(c) == std::string_view::npos) {
      fail(p, std::string("unexpected character '") + c + "'");
    }
    if (c == '(' || c == '[' || c == '{') {
      brackets.push_back(c == '(' ? ')' : c == '[' ? ']' : '}');
    } else if (c == ')' || c == ']' || c == '}') {
      if (brackets.empty() || brackets.back() != c) fail(p, std::string("unexpected '") + c + "'");
      brackets.pop_back();
    }
    push(TokenKind::Operator, std::string(1, c), p);
    return p + 1;
  }

  size_t lex_number(size_t p) {
    size_t q = p;
    auto digits = [&] {
      while (q < src_.size() && (is_digit(src_[q]) || (src_[q] == '_' && q + 1 < src_.size() &&
                                                       is_digit(src_[q + 1])))) {
        ++q;
      }
    };
    digits();
    bool is_float = false;
    if (q + 1 < src_.size() && src_[q] == '.' && is_digit(src_[q + 1])) {
      is_float = true;
      ++q;
      digits();
    }
    if (q < src_.size() && (src_[q] == 'e' || src_[q] == 'E')) {
      size_t e = q + 1;
      if (e < src_.size() && (src_[e] == '+' || src_[e] == '-')) ++e;
      if (e < src_.size() && is_digit(src_[e])) {
        is_float = true;
        q = e;
        digits();
      }
    }
    std::string text = src_.substr(p, q - p);
    text.erase(std::remove(text.begin(), text.end(), '_'), text.end());
    Token t;
    t.pos = pos_at(p);
    t.text = text;
    errno = 0;
    if (is_float) {
      t.kind = TokenKind::Float;
      t.float_value = std::strtod(text.c_str(), nullptr);
    } else {
      t.kind = TokenKind::Integer;
      t.int_value = std::strtoll(text.c_str(), nullptr, 10);
      if (errno == ERANGE) fail(p, "integer literal " + text + " does not fit in 64 bits");
    }
    tokens_.push_back(std::move(t));
    return q;
  }

  // Python string literal escapes, as jinja2 decodes them.
  size_t lex_string(size_t p) {
    const char quote = src_[p];
    std::string value;
    size_t q = p + 1;
    while (true) {
      if (q >= src_.size()) fail(p, "string literal is not closed");
      const char c = src_[q];
      if (c == quote) break;
      if (c != '\\') {
        value += c;
        ++q;
        continue;
      }
      if (q + 1 >= src_.size()) fail(p, "string literal is not closed");
      const char e = src_[q + 1];
      q += 2;
      switch (e) {
        case 'n':
          value += '\n';
          break;
        case 't':
          value += '\t';
          break;
        case 'r':
          value += '\r';
          break;
        case 'b':
          value += '\b';
          break;
        case 'f':
          value += '\f';
          break;
        case 'v':
          value += '\v';
          break;
        case 'a':
          value += '\a';
          break;
        case '0':
          value += '\0';
          break;
        case '\\':
          value += '\\';
          break;
        case '\'':
          value += '\'';
          break;
        case '"':
          value += '"';
          break;
        case '\n':
          break;  // line continuation
        case 'x':
        case 'u':
        case 'U': {
          const size_t n = e == 'x' ? 2 : e == 'u' ? 4 : 8;
          if (q + n > src_.size()) fail(q - 2, "truncated \\" + std::string(1, e) + " escape");
          uint32_t cp = 0;
          for (size_t k = 0; k < n; ++k) {
            const char h = src_[q + k];
            int d = (h >= '0' && h <= '9')   ? h - '0'
                    : (h >= 'a' && h <= 'f') ? h - 'a' + 10
                    : (h >= 'A' && h <= 'F') ? h - 'A' + 10
                                             : -1;
            if (d < 0) fail(q - 2, "invalid \\" + std::string(1, e) + " escape");
            cp = cp * 16 + static_cast<uint32_t>(d);
          }
          if (cp > 0x10FFFF) fail(q - 2, "escape is not a valid code point");
          tok::append_utf8(value, cp);
          q += n;
          break;
        }
        default:
          // Unknown escapes stay as written, like Python.
          value += '\\';
          value += e;
      }
    }
    Token t;
    t.kind = TokenKind::String;
    t.text = std::move(value);
    t.pos = pos_at(p);
    tokens_.push_back(std::move(t));
    return q + 1;
  }

  std::string src_;
  std::vector<size_t> line_starts_;
  std::vector<Token> tokens_;
};

}  // namespace

std::vector<Token> tokenize(std::string_view source) { return Lexer(source).run(); }

}  // namespace mosaic::tmpl
