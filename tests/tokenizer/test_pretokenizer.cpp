// Pre-tokenizer splits, worked out by hand from the published regexes
// (alternatives tried left to right at each position, greedy with
// backtracking; gaps between matches are pieces too).
#include <gtest/gtest.h>

#include "engine/error.h"
#include "engine/tokenizer/pretokenizer.h"

namespace mosaic::tok {
namespace {

using Pieces = std::vector<std::string>;

Pieces split(const std::string& pre, std::string_view text) {
  PreTokenizer p(pretokenizer_patterns(pre));
  std::vector<std::string_view> words;
  p.split(text, words);
  Pieces out(words.begin(), words.end());
  std::string joined;
  for (const auto& w : out) joined += w;
  EXPECT_EQ(joined, text) << "pieces must cover the text exactly";
  return out;
}

TEST(TokPreQwen2, ContractionsAndDigitsOneByOne) {
  // " 12345": ' ' cannot start a letter/punct word and (?!\S) fails before
  // '1', so the final \s+ takes the lone space; \p{N} takes single digits.
  EXPECT_EQ(split("qwen2", "Hello world's 12345"),
            (Pieces{"Hello", " world", "'s", " ", "1", "2", "3", "4", "5"}));
  EXPECT_EQ(split("qwen2", "I'M don't"), (Pieces{"I", "'M", " don", "'t"}));
}

TEST(TokPreQwen2, SpacesAndNewlines) {
  // "  b": \s+(?!\S) backs off one space, leaving " b" for the letter rule.
  // "\n\n  c": \s*[\r\n]+ backtracks to "\n\n".
  EXPECT_EQ(split("qwen2", "a  b\n\n  c"), (Pieces{"a", " ", " b", "\n\n", " ", " c"}));
  EXPECT_EQ(split("qwen2", "x   "), (Pieces{"x", "   "}));
}

TEST(TokPreQwen2, PunctuationCjkEmoji) {
  EXPECT_EQ(split("qwen2", "Hi!!! (ok)?\n"), (Pieces{"Hi", "!!!", " (", "ok", ")?\n"}));
  // Han characters are letters (Lo), so they join the ASCII letters after them;
  // emoji are symbols and run together as punctuation.
  EXPECT_EQ(split("qwen2", "我喜欢AI😀😀 ok"), (Pieces{"我喜欢AI", "😀😀", " ok"}));
}

TEST(TokPreLlamaBpe, DigitsInGroupsOfThree) {
  EXPECT_EQ(split("llama-bpe", "Hello world's 12345"),
            (Pieces{"Hello", " world", "'s", " ", "123", "45"}));
  EXPECT_EQ(split("llama-bpe", "a1234567"), (Pieces{"a", "123", "456", "7"}));
  EXPECT_EQ(split("llama-bpe", "a  b\n\n  c"), (Pieces{"a", " ", " b", "\n\n", " ", " c"}));
}

TEST(TokPreDeepseekLlm, RegexSequenceKeepsGaps) {
  // [\r\n] cuts out "\n"; the letter class takes "Hello" and "ok"; the
  // punctuation class takes ","; the CJK class cuts "世界" out of
  // " 世界 123"; \p{N}+ cuts "123" out of " 123".
  EXPECT_EQ(split("deepseek-llm", "Hello, 世界 123\nok!"),
            (Pieces{"Hello", ",", " ", "世界", " ", "123", "\n", "ok", "!"}));
  // The letter class is cased letters only: '§' and '→' are gaps that no
  // later regex takes; '½' is a gap that \p{N}+ takes. Non-ASCII letters
  // around '§', since the punctuation class (!-/ and :-~) re-splits ASCII runs.
  EXPECT_EQ(split("deepseek-llm", "é§ж½z→w"), (Pieces{"é", "§", "ж", "½", "z", "→", "w"}));
  EXPECT_EQ(split("deepseek-llm", "Привет мир"), (Pieces{"Привет", " мир"}));
  // Digits stay in one run (no {1,3} limit).
  EXPECT_EQ(split("deepseek-llm", "12345"), (Pieces{"12345"}));
}

TEST(TokPreDeepseekV3, DigitsCjkAndMain) {
  // \p{N}{1,3} first; then Han/kana runs; then the main regex, which leaves
  // the digit pieces unmatched (kept as gaps).
  EXPECT_EQ(split("deepseek-v3", "Hello world12345 日本語テキスト!?\n\nx"),
            (Pieces{"Hello", " world", "123", "45", " ", "日本語テキスト", "!?\n\n", "x"}));
  // An ASCII punctuation character glues to the letters after it.
  EXPECT_EQ(split("deepseek-v3", "obj.method()"), (Pieces{"obj", ".method", "()"}));
}

TEST(TokPreGpt2, ClassicPattern) {
  EXPECT_EQ(split("gpt-2", "Hello world's  12"), (Pieces{"Hello", " world", "'s", " ", " 12"}));
}

TEST(TokPreTokenizer, InvalidUtf8BecomesGaps) {
  // Invalid bytes never match; they are kept so the text round-trips.
  const Pieces p = split("qwen2",
                         "ab\xFF\xFE"
                         "cd");
  EXPECT_EQ(p, (Pieces{"ab", "\xFF\xFE", "cd"}));
}

TEST(TokPreTokenizer, LongWhitespaceRun) {
  const std::string text = std::string(200000, ' ') + "x";
  const Pieces p = split("qwen2", text);
  EXPECT_EQ(p, (Pieces{std::string(199999, ' '), " x"}));
}

TEST(TokPreTokenizer, UnknownNameIsUnsupported) {
  try {
    pretokenizer_patterns("klingon");
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::Unsupported);
    EXPECT_NE(std::string(e.what()).find("klingon"), std::string::npos);
  }
}

}  // namespace
}  // namespace mosaic::tok
