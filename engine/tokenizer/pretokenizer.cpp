#define PCRE2_CODE_UNIT_WIDTH 8
#include "engine/tokenizer/pretokenizer.h"

#include <pcre2.h>

#include "engine/error.h"
#include "engine/tokenizer/utf8.h"

namespace mosaic::tok {
namespace {

// Pattern facts as published for these tokenizers (llama.cpp's adaptations of
// the tokenizer.json regexes: case-insensitive contractions spelled out).
// Non-ASCII characters are written as \x{...} so the source encoding and any
// Unicode normalization cannot alter them (several range ends, like U+212A
// KELVIN SIGN, have canonical equivalents that would change the ranges).
const char* const kQwen2 =
    R"re((?:'[sS]|'[tT]|'[rR][eE]|'[vV][eE]|'[mM]|'[lL][lL]|'[dD])|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+)re";
const char* const kQwen35 =
    R"re((?:'[sS]|'[tT]|'[rR][eE]|'[vV][eE]|'[mM]|'[lL][lL]|'[dD])|[^\r\n\p{L}\p{N}]?[\p{L}\p{M}]+|\p{N}| ?[^\s\p{L}\p{M}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+)re";
const char* const kLlama3 =
    R"re((?:'[sS]|'[tT]|'[rR][eE]|'[vV][eE]|'[mM]|'[lL][lL]|'[dD])|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+)re";
const char* const kGpt2 =
    R"re('s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S))re";

// deepseek-llm: cased letters of many scripts, ASCII/fullwidth punctuation,
// trailing spaces, CJK/Hangul runs, digit runs.
const char* const kDeepseekLlmLetters =
    R"re(\s?[A-Za-z\x{B5}\x{C0}-\x{D6}\x{D8}-\x{F6}\x{F8}-\x{1BA}\x{1BC}-\x{1BF}\x{1C4}-\x{293}\x{295}-\x{2AF}\x{370}-\x{373}\x{376}\x{377}\x{37B}-\x{37D}\x{37F}\x{386}\x{388}-\x{38A}\x{38C}\x{38E}-\x{3A1}\x{3A3}-\x{3F5}\x{3F7}-\x{481}\x{48A}-\x{52F}\x{531}-\x{556}\x{10A0}-\x{10C5}\x{13A0}-\x{13F5}\x{13F8}-\x{13FD}\x{1C90}-\x{1CBA}\x{1CBD}-\x{1CBF}\x{1D00}-\x{1D2B}\x{1D6B}-\x{1D77}\x{1D79}-\x{1D9A}\x{1E00}-\x{1F15}\x{1F18}-\x{1F1D}\x{1F20}-\x{1F45}\x{1F48}-\x{1F4D}\x{1F50}-\x{1F57}\x{1F59}\x{1F5B}\x{1F5D}\x{1F5F}-\x{1F7D}\x{1F80}-\x{1FB4}\x{1FB6}-\x{1FBC}\x{1FBE}\x{1FC2}-\x{1FC4}\x{1FC6}-\x{1FCC}\x{1FD0}-\x{1FD3}\x{1FD6}-\x{1FDB}\x{1FE0}-\x{1FEC}\x{1FF2}-\x{1FF4}\x{1FF6}-\x{1FFC}\x{2102}\x{2107}\x{210A}-\x{2113}\x{2115}\x{2119}-\x{211D}\x{2124}\x{2126}\x{2128}\x{212A}-\x{212D}\x{212F}-\x{2134}\x{2139}\x{213C}-\x{213F}\x{2145}-\x{2149}\x{214E}\x{2183}\x{2184}\x{2C00}-\x{2C7B}\x{2C7E}-\x{2CE4}\x{2CEB}-\x{2CEE}\x{2CF2}\x{2CF3}\x{A640}-\x{A66D}\x{A680}-\x{A69B}\x{A722}-\x{A76F}\x{A771}-\x{A787}\x{A78B}-\x{A78E}\x{AB70}-\x{ABBF}\x{FB00}-\x{FB06}\x{FB13}-\x{FB17}\x{FF21}-\x{FF3A}\x{FF41}-\x{FF5A}\x{10400}-\x{1044F}\x{104B0}-\x{104D3}\x{104D8}-\x{104FB}\x{10C80}-\x{10CB2}\x{10CC0}-\x{10CF2}\x{118A0}-\x{118DF}\x{1E900}-\x{1E943}]+)re";
const char* const kDeepseekLlmPunct =
    R"re(\s?[!-/:-~\x{FF01}-\x{FF0F}\x{FF1A}-\x{FF5E}\x{2018}-\x{201F}\x{3000}-\x{3002}]+)re";
const char* const kDeepseekLlmCjk = R"re([\x{4E00}-\x{9FA5}\x{0800}-\x{4E00}\x{AC00}-\x{D7FF}]+)re";

const char* const kDeepseekV3Cjk = R"re([\x{4E00}-\x{9FA5}\x{3040}-\x{309F}\x{30A0}-\x{30FF}]+)re";
const char* const kDeepseekV3Main =
    R"re([!"#$%&'()*+,\-./:;<=>?@\[\\\]^_`{|}~][A-Za-z]+|[^\r\n\p{L}\p{P}\p{S}]?[\p{L}\p{M}]+| ?[\p{P}\p{S}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+)re";

// Per-thread PCRE2 match state, shared by every Regex on the thread: encode()
// is const and may run on many threads at once.
struct ThreadMatchState {
  pcre2_match_data* data = nullptr;
  pcre2_match_context* context = nullptr;
  pcre2_jit_stack* jit_stack = nullptr;
  ThreadMatchState() {
    data = pcre2_match_data_create(16, nullptr);
    context = pcre2_match_context_create(nullptr);
    // The default 32 KiB JIT stack is too small for long runs of whitespace.
    jit_stack = pcre2_jit_stack_create(64 * 1024, 8 * 1024 * 1024, nullptr);
    if (context && jit_stack) pcre2_jit_stack_assign(context, nullptr, jit_stack);
    if (!data || !context) fail(ErrorCode::OutOfMemory, "tokenizer: cannot allocate regex state");
  }
  ~ThreadMatchState() {
    pcre2_match_data_free(data);
    pcre2_match_context_free(context);
    pcre2_jit_stack_free(jit_stack);
  }
};

ThreadMatchState& thread_state() {
  thread_local ThreadMatchState state;
  return state;
}

size_t utf8_char_len_at(std::string_view s, size_t i) {
  uint32_t cp = 0;
  const size_t n = decode_utf8(s, i, cp);
  return n == 0 ? 1 : n;  // an invalid byte counts as one character
}

}  // namespace

std::vector<std::string> pretokenizer_patterns(std::string_view pre) {
  if (pre == "qwen2") return {kQwen2};
  if (pre == "qwen35") return {kQwen35};
  if (pre == "llama-bpe" || pre == "llama3" || pre == "llama-v3") return {kLlama3};
  if (pre == "deepseek-llm") {
    return {R"re([\r\n])re", kDeepseekLlmLetters, kDeepseekLlmPunct,
            R"re(\s+$)re",   kDeepseekLlmCjk,     R"re(\p{N}+)re"};
  }
  if (pre == "deepseek-v3") return {R"re(\p{N}{1,3})re", kDeepseekV3Cjk, kDeepseekV3Main};
  if (pre == "gpt-2") return {kGpt2};
  if (pre == "default" || pre.empty()) {
    return {R"re([\p{P}\$\+<=>\^~\|]+)re", kGpt2, R"re(\p{N}+)re", R"re([0-9][0-9][0-9])re"};
  }
  fail(ErrorCode::Unsupported,
       "tokenizer: unsupported pre-tokenizer '" + std::string(pre) + "' (tokenizer.ggml.pre)");
}

bool pretokenizer_ignores_merges(std::string_view pre) {
  return pre == "llama-bpe" || pre == "llama3" || pre == "llama-v3";
}

Regex::Regex(const std::string& pattern) : code_(nullptr) {
  int err = 0;
  PCRE2_SIZE err_offset = 0;
  // MATCH_INVALID_UTF: input may hold invalid UTF-8; such bytes simply never
  // match and end up in gaps. DOLLAR_ENDONLY: '$' means end of piece only
  // (ECMAScript semantics, which the published patterns were written for).
  const uint32_t options = PCRE2_UTF | PCRE2_UCP | PCRE2_MATCH_INVALID_UTF | PCRE2_DOLLAR_ENDONLY;
  pcre2_code* code = pcre2_compile(reinterpret_cast<PCRE2_SPTR>(pattern.data()), pattern.size(),
                                   options, &err, &err_offset, nullptr);
  if (!code) {
    PCRE2_UCHAR msg[256];
    pcre2_get_error_message(err, msg, sizeof msg);
    fail(ErrorCode::Internal, "tokenizer: bad regex at offset " + std::to_string(err_offset) +
                                  ": " + reinterpret_cast<const char*>(msg));
  }
  pcre2_jit_compile(code, PCRE2_JIT_COMPLETE);  // failure is fine: the interpreter runs instead
  code_ = code;
}

Regex::~Regex() { pcre2_code_free(static_cast<pcre2_code*>(code_)); }

void Regex::split(std::string_view piece, std::vector<std::string_view>& out) const {
  auto* code = static_cast<pcre2_code*>(code_);
  ThreadMatchState& st = thread_state();
  const auto* subject = reinterpret_cast<PCRE2_SPTR>(piece.data());
  size_t gap_start = 0;
  size_t pos = 0;
  while (pos < piece.size()) {
    int rc = pcre2_match(code, subject, piece.size(), pos, 0, st.data, st.context);
    if (rc == PCRE2_ERROR_JIT_STACKLIMIT) {
      rc = pcre2_match(code, subject, piece.size(), pos, PCRE2_NO_JIT, st.data, st.context);
    }
    if (rc == PCRE2_ERROR_NOMATCH) break;
    if (rc < 0) {
      PCRE2_UCHAR msg[256];
      pcre2_get_error_message(rc, msg, sizeof msg);
      fail(ErrorCode::Internal,
           std::string("tokenizer: regex match failed: ") + reinterpret_cast<const char*>(msg));
    }
    // rc == 0 only means the ovector was too small for the groups; the whole
    // match (pair 0) is still set.
    const PCRE2_SIZE* ov = pcre2_get_ovector_pointer(st.data);
    const size_t m_begin = ov[0];
    const size_t m_end = ov[1];
    if (m_end == m_begin) {
      // None of our patterns matches empty, but never loop forever on one.
      pos = m_begin + utf8_char_len_at(piece, m_begin);
      continue;
    }
    if (m_begin > gap_start) out.push_back(piece.substr(gap_start, m_begin - gap_start));
    out.push_back(piece.substr(m_begin, m_end - m_begin));
    gap_start = pos = m_end;
  }
  if (gap_start < piece.size()) out.push_back(piece.substr(gap_start));
}

PreTokenizer::PreTokenizer(const std::vector<std::string>& patterns) {
  for (const auto& p : patterns) regexes_.push_back(std::make_unique<Regex>(p));
}

void PreTokenizer::split(std::string_view text, std::vector<std::string_view>& words) const {
  words.clear();
  if (text.empty()) return;
  words.push_back(text);
  std::vector<std::string_view> next;
  for (const auto& re : regexes_) {
    next.clear();
    for (std::string_view piece : words) re->split(piece, next);
    words.swap(next);
  }
}

}  // namespace mosaic::tok
