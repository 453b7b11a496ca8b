// SentencePiece known answers. Ids: 0 <unk>, 1 <s>, 2 </s>, 3 + b for byte
// token <0xbb>, then the pieces below from 259 on.
#include <gtest/gtest.h>

#include "tests/tokenizer/test_vocabs.h"

namespace mosaic::tok::testing {
namespace {

const std::vector<std::pair<std::string, float>> kPieces = {
    {"▁", -10.0f},      // 259
    {"h", -10.0f},      // 260
    {"e", -10.0f},      // 261
    {"l", -10.0f},      // 262
    {"o", -10.0f},      // 263
    {"▁h", -5.0f},      // 264
    {"el", -4.0f},      // 265
    {"ll", -3.0f},      // 266
    {"lo", -6.0f},      // 267
    {"▁he", -2.0f},     // 268
    {"llo", -1.0f},     // 269
    {"▁hello", -0.5f},  // 270
    {"he", -7.0f},      // 271
    {"a", -10.0f},      // 272
    {"b", -10.0f},      // 273
    {"c", -10.0f},      // 274
    {"ab", -1.0f},      // 275
    {"bc", -2.0f},      // 276
};

Ids enc(const Tokenizer& t, std::string_view s, ParseSpecial p = ParseSpecial::No) {
  return t.encode(s, AddSpecial::No, p);
}

TEST(TokSpm, HighestScoreMergesFirst) {
  auto t = Tokenizer::create(spm_vocab(kPieces));
  // ▁ h e l l o: the first candidates are ▁h -5, he -7, el -4, ll -3, lo -6,
  // so "ll" merges; then llo(-1) appears and wins; el/lo are stale; then
  // ▁h(-5), which makes ▁he(-2), which makes ▁hello(-0.5).
  EXPECT_EQ(enc(*t, "hello"), (Ids{270}));
  // ▁ h e l l: ll, ▁h, ▁he; "▁hell" is no token.
  EXPECT_EQ(enc(*t, "hell"), (Ids{268, 266}));
  EXPECT_EQ(enc(*t, "hello hello"), (Ids{270, 270}));
}

TEST(TokSpm, ScoreDecidesBetweenOverlappingPairs) {
  auto t = Tokenizer::create(spm_vocab(kPieces));
  // ▁ a b c: "ab" (-1) beats "bc" (-2); "▁a" and "abc" are no tokens.
  EXPECT_EQ(enc(*t, "abc"), (Ids{259, 275, 274}));
  Vocab v = spm_vocab(kPieces);
  v.scores[276] = 0.0f;  // now "bc" wins
  auto t2 = Tokenizer::create(v);
  EXPECT_EQ(enc(*t2, "abc"), (Ids{259, 272, 276}));
}

TEST(TokSpm, EqualScoresLeftmostFirst) {
  auto t = Tokenizer::create(spm_vocab(kPieces));
  EXPECT_EQ(enc(*t, "lll"), (Ids{259, 266, 262}));
}

TEST(TokSpm, NoSpacePrefix) {
  Vocab v = spm_vocab(kPieces);
  v.add_space_prefix = false;
  auto t = Tokenizer::create(v);
  // h e l l o: ll, llo, he -> "hello" is no token.
  EXPECT_EQ(enc(*t, "hello"), (Ids{271, 269}));
  EXPECT_EQ(t->decode(Ids{271, 269}), "hello");
}

TEST(TokSpm, ByteFallbackAndUnk) {
  auto t = Tokenizer::create(spm_vocab(kPieces));
  // é = C3 A9 is no piece: byte tokens 3 + 0xC3 = 198, 3 + 0xA9 = 172.
  EXPECT_EQ(enc(*t, "hé"), (Ids{264, 198, 172}));
  auto no_bytes = Tokenizer::create(spm_vocab(kPieces, /*byte_tokens=*/false));
  // Without byte tokens the piece ids shift down by 256; é becomes <unk>.
  EXPECT_EQ(enc(*no_bytes, "hé"), (Ids{264 - 256, 0}));
}

TEST(TokSpm, ControlTextIsNotFormedByMerges) {
  Vocab v = spm_vocab(kPieces);
  add_token(v, "<", TokenType::Normal);
  add_token(v, "s", TokenType::Normal);
  add_token(v, ">", TokenType::Normal);
  const int32_t lt_s = add_token(v, "<s", TokenType::Normal);
  auto t = Tokenizer::create(v);
  // "<s" + ">" would spell the control token <s>; it is not a merge result.
  EXPECT_EQ(enc(*t, "<s>"), (Ids{259, lt_s, lt_s - 1}));
  const Ids ids = enc(*t, "<s>");
  EXPECT_EQ(std::count(ids.begin(), ids.end(), 1), 0);
  EXPECT_EQ(enc(*t, "<s>", ParseSpecial::Yes), (Ids{1}));
}

TEST(TokSpm, SpacePrefixAfterSpecialAndDecode) {
  Vocab v = spm_vocab(kPieces);
  v.add_bos = true;
  auto t = Tokenizer::create(v);
  const Ids ids = t->encode("hello</s>hello", AddSpecial::Yes, ParseSpecial::Yes);
  EXPECT_EQ(ids, (Ids{1, 270, 2, 270}));
  EXPECT_EQ(t->decode(ids), "<s>hello</s>hello");
  EXPECT_EQ(t->token_to_piece(270), " hello");
  EXPECT_EQ(t->token_to_piece(3 + 0x41), "A");
}

TEST(TokSpm, RoundTripArbitraryBytes) {
  auto t = Tokenizer::create(spm_vocab(kPieces));
  for (std::string s : {"hello", " hello", "  hello  ", "héllo wörld 😀 中文",
                        "a\xFF"
                        "b\xC3",
                        "", "hell\no"}) {
    EXPECT_EQ(t->decode(enc(*t, s)), s);
  }
}

}  // namespace
}  // namespace mosaic::tok::testing
