// Byte-level BPE known answers on hand-built vocabularies. Merge tokens get
// ids 256, 257, ... in merge order (see test_vocabs.h for the byte ids).
#include <gtest/gtest.h>

#include "tests/tokenizer/test_vocabs.h"

namespace mosaic::tok::testing {
namespace {

Ids enc(const Tokenizer& t, std::string_view s) {
  return t.encode(s, AddSpecial::No, ParseSpecial::No);
}

TEST(TokBpe, BytesWithoutMerges) {
  auto t = Tokenizer::create(bpe_vocab({}));
  EXPECT_EQ(enc(*t, "ab c"), (Ids{ascii('a'), ascii('b'), kSpace, ascii('c')}));
  EXPECT_EQ(enc(*t, "\n"), (Ids{kNewline}));
  // é = C3 A9: 0xC3 is printable Latin-1 (id 106 + 0xC3 - 0xAE = 127), 0xA9 is
  // in the A1..AC block (id 94 + 8 = 102).
  EXPECT_EQ(enc(*t, "é"), (Ids{127, 102}));
  // 😀 = F0 9F 98 80: F0 -> 106+66 = 172; 9F, 98, 80 are remapped bytes of
  // the 7F..A0 block: 221 + (byte - 0x7F) = 253, 246, 222.
  EXPECT_EQ(enc(*t, "😀"), (Ids{172, 253, 246, 222}));
  EXPECT_EQ(enc(*t, ""), Ids{});
}

TEST(TokBpe, LowerRankMergesFirst) {
  // "abc": (a,b) has rank 0, (b,c) rank 1 -> "ab" first, then "ab c".
  auto t1 = Tokenizer::create(bpe_vocab({{"a", "b"}, {"b", "c"}, {"ab", "c"}}));
  EXPECT_EQ(enc(*t1, "abc"), (Ids{258}));
  // Same pairs, other ranks: "bc" first, then "a bc" -> 258 again, but "ab"
  // alone (258 absent) still works.
  auto t2 = Tokenizer::create(bpe_vocab({{"b", "c"}, {"a", "b"}, {"a", "bc"}}));
  EXPECT_EQ(enc(*t2, "abc"), (Ids{258}));
  EXPECT_EQ(enc(*t2, "ab"), (Ids{257}));
  // Without "ab c" the first merge decides the segmentation.
  auto t3 = Tokenizer::create(bpe_vocab({{"a", "b"}, {"b", "c"}}));
  EXPECT_EQ(enc(*t3, "abc"), (Ids{256, ascii('c')}));
  auto t4 = Tokenizer::create(bpe_vocab({{"b", "c"}, {"a", "b"}}));
  EXPECT_EQ(enc(*t4, "abc"), (Ids{ascii('a'), 256}));
}

TEST(TokBpe, EqualRankLeftmostFirst) {
  auto t = Tokenizer::create(bpe_vocab({{"a", "a"}}));
  EXPECT_EQ(enc(*t, "aaa"), (Ids{256, ascii('a')}));
  EXPECT_EQ(enc(*t, "aaaa"), (Ids{256, 256}));
  auto t2 = Tokenizer::create(bpe_vocab({{"b", "c"}, {"a", "b"}}));
  EXPECT_EQ(enc(*t2, "abcbc"), (Ids{ascii('a'), 256, 256}));
}

TEST(TokBpe, MergesStayInsideWords) {
  // "ab ab" -> words "ab", " ab"; Ġ joins "ab" only through merge 1.
  auto t = Tokenizer::create(bpe_vocab({{"a", "b"}, {" ", "ab"}}));
  EXPECT_EQ(enc(*t, "ab ab"), (Ids{256, 257}));
  // "b a" never merges across the word boundary, even with a merge for it.
  auto t2 = Tokenizer::create(bpe_vocab({{"b", " "}}));
  EXPECT_EQ(enc(*t2, "ab a"), (Ids{ascii('a'), ascii('b'), kSpace, ascii('a')}));
}

TEST(TokBpe, DigitSplittingDependsOnPre) {
  const std::vector<std::pair<std::string, std::string>> m = {{"1", "2"}, {"12", "3"}, {"4", "5"}};
  auto qwen = Tokenizer::create(bpe_vocab(m, "qwen2"));
  auto llama = Tokenizer::create(bpe_vocab(m, "llama-bpe"));
  EXPECT_EQ(enc(*qwen, "12345"), (Ids{ascii('1'), ascii('2'), ascii('3'), ascii('4'), ascii('5')}));
  EXPECT_EQ(enc(*llama, "12345"), (Ids{257, 258}));
}

TEST(TokBpe, MultiByteMerge) {
  auto t = Tokenizer::create(bpe_vocab({{"\xC3", "\xA9"}, {"caf", "é"}, {"c", "a"}, {"ca", "f"}}));
  // "café": c a f Ã © -> "é"(256) first, then "ca"(258), "caf"(259), "café"(257).
  EXPECT_EQ(enc(*t, "café"), (Ids{257}));
  EXPECT_EQ(t->decode(Ids{257}), "café");
}

TEST(TokBpe, IgnoreMergesOnlyForLlamaBpe) {
  for (const char* pre : {"qwen2", "llama-bpe"}) {
    Vocab v = bpe_vocab({}, pre);
    const int32_t xyz = add_token(v, "xyz", TokenType::Normal);
    auto t = Tokenizer::create(v);
    if (std::string(pre) == "llama-bpe") {
      EXPECT_EQ(enc(*t, "xyz"), (Ids{xyz}));  // the whole word is a token
    } else {
      EXPECT_EQ(enc(*t, "xyz"), (Ids{ascii('x'), ascii('y'), ascii('z')}));
    }
  }
}

TEST(TokBpe, DecodeUndoesByteMap) {
  auto t = Tokenizer::create(bpe_vocab({{" ", "a"}}));
  EXPECT_EQ(t->token_text(256),
            "\xC4\xA0"
            "a");  // "Ġa"
  EXPECT_EQ(t->token_to_piece(256), " a");
  EXPECT_EQ(t->token_to_piece(kNewline), "\n");
  const std::string s = "x a\n\xFF\x00z";
  EXPECT_EQ(t->decode(enc(*t, s)), s);
}

TEST(TokBpe, AddBosEos) {
  Vocab v = bpe_vocab({});
  v.bos = add_token(v, "<s>", TokenType::Control);
  v.eos = add_token(v, "</s>", TokenType::Control);
  v.add_bos = true;
  v.add_eos = true;
  auto t = Tokenizer::create(v);
  EXPECT_EQ(t->encode("a", AddSpecial::Yes, ParseSpecial::No), (Ids{v.bos, ascii('a'), v.eos}));
  EXPECT_EQ(t->encode("a", AddSpecial::No, ParseSpecial::No), (Ids{ascii('a')}));
}

}  // namespace
}  // namespace mosaic::tok::testing
