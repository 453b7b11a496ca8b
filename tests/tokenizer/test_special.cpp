// Special-token matching: UserDefined always, Control only with
// ParseSpecial::Yes, whole texts only, longer texts first.
#include <gtest/gtest.h>

#include "tests/tokenizer/test_vocabs.h"

namespace mosaic::tok::testing {
namespace {

struct Specials {
  Vocab v = bpe_vocab({});
  int32_t start, end, im, think;
  Specials() {
    start = add_token(v, "<|im_start|>", TokenType::Control);  // 256
    end = add_token(v, "<|im_end|>", TokenType::Control);      // 257
    im = add_token(v, "<|im", TokenType::Control);             // 258: prefix of both
    think = add_token(v, "<think>", TokenType::UserDefined);   // 259
  }
};

Ids bytes_of(std::string_view s) {
  Ids ids;
  for (char c : s) ids.push_back(ascii(c));
  return ids;
}

Ids cat(std::initializer_list<Ids> parts) {
  Ids out;
  for (const Ids& p : parts) out.insert(out.end(), p.begin(), p.end());
  return out;
}

TEST(TokSpecial, ControlOnlyWithParseSpecial) {
  Specials s;
  auto t = Tokenizer::create(s.v);
  EXPECT_EQ(t->encode("<|im_start|>hi<|im_end|>", AddSpecial::No, ParseSpecial::Yes),
            (Ids{s.start, ascii('h'), ascii('i'), s.end}));
  EXPECT_EQ(t->encode("<|im_end|>", AddSpecial::No, ParseSpecial::No), bytes_of("<|im_end|>"));
}

TEST(TokSpecial, UserDefinedAlwaysMatched) {
  Specials s;
  auto t = Tokenizer::create(s.v);
  for (ParseSpecial p : {ParseSpecial::No, ParseSpecial::Yes}) {
    EXPECT_EQ(t->encode("a<think>b", AddSpecial::No, p), (Ids{ascii('a'), s.think, ascii('b')}));
  }
}

TEST(TokSpecial, LongestFirstAndWholeOnly) {
  Specials s;
  auto t = Tokenizer::create(s.v);
  // The longer "<|im_start|>" wins over its prefix "<|im".
  EXPECT_EQ(t->encode("<|im_start|>", AddSpecial::No, ParseSpecial::Yes), (Ids{s.start}));
  // An incomplete "<|im_start" is not the long token; the short one matches.
  EXPECT_EQ(t->encode("<|im_start", AddSpecial::No, ParseSpecial::Yes),
            cat({{s.im}, bytes_of("_start")}));
  EXPECT_EQ(t->encode("x<|im_end|><|im_end|>y", AddSpecial::No, ParseSpecial::Yes),
            (Ids{ascii('x'), s.end, s.end, ascii('y')}));
}

TEST(TokSpecial, DecodeGivesTextBack) {
  Specials s;
  auto t = Tokenizer::create(s.v);
  const std::string text = "<|im_start|>user\nhi 😀<think>ok</think><|im_end|>";
  EXPECT_EQ(t->decode(t->encode(text, AddSpecial::No, ParseSpecial::Yes)), text);
  EXPECT_EQ(t->decode(t->encode(text, AddSpecial::No, ParseSpecial::No)), text);
  EXPECT_EQ(t->token_to_piece(s.end), "<|im_end|>");
}

TEST(TokSpecial, EndOfGeneration) {
  Specials s;
  Vocab v = s.v;
  const int32_t eot = add_token(v, "<|endoftext|>", TokenType::Control);
  v.eos = s.start;  // odd but explicit: eos is always end of generation
  v.eot = add_token(v, "<|custom_turn_end|>", TokenType::Control);
  auto t = Tokenizer::create(v);
  EXPECT_TRUE(t->is_end_of_generation(v.eot));
  EXPECT_TRUE(t->is_end_of_generation(s.end));  // named <|im_end|>
  EXPECT_TRUE(t->is_end_of_generation(eot));
  EXPECT_TRUE(t->is_end_of_generation(s.start));
  EXPECT_FALSE(t->is_end_of_generation(s.think));
  EXPECT_FALSE(t->is_end_of_generation(ascii('a')));
  EXPECT_FALSE(t->is_end_of_generation(-1));
  EXPECT_FALSE(t->is_end_of_generation(t->n_vocab()));
}

}  // namespace
}  // namespace mosaic::tok::testing
