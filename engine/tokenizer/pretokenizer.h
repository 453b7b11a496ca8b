// Pre-tokenization: splitting text into words before BPE, with the regex
// sequence a vocabulary's tokenizer.ggml.pre names. Each regex of a sequence
// splits every current piece into its matches AND the unmatched gaps between
// them (gaps are kept as pieces), then the next regex splits those pieces.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace mosaic::tok {

// The regex sequence for a pre-tokenizer name ("qwen2", "llama-bpe", ...).
// Throws mosaic::Error(Unsupported) naming unknown ones.
std::vector<std::string> pretokenizer_patterns(std::string_view pre);

// Whether the name uses Llama 3's "ignore_merges" rule (a word that is itself
// a token is emitted whole, without running the merges).
bool pretokenizer_ignores_merges(std::string_view pre);

// One compiled pattern (PCRE2, UTF + UCP, JIT when available). Matching is
// const and thread-safe: match data lives in per-thread storage.
class Regex {
 public:
  explicit Regex(const std::string& pattern);  // throws mosaic::Error(Internal) on a bad pattern
  ~Regex();
  Regex(const Regex&) = delete;
  Regex& operator=(const Regex&) = delete;

  // Appends the matches and gaps of `piece` to `out`, in order.
  void split(std::string_view piece, std::vector<std::string_view>& out) const;

 private:
  void* code_;  // pcre2_code_8*, kept opaque so users need no PCRE2 headers
};

class PreTokenizer {
 public:
  explicit PreTokenizer(const std::vector<std::string>& patterns);
  // Splits `text` into words (views into text). Their concatenation is text.
  void split(std::string_view text, std::vector<std::string_view>& words) const;

 private:
  std::vector<std::unique_ptr<Regex>> regexes_;
};

}  // namespace mosaic::tok
