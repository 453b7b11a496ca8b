// StreamDecoder and the errors create() and the accessors report.
#include <gtest/gtest.h>

#include "engine/error.h"
#include "tests/tokenizer/test_vocabs.h"

namespace mosaic::tok::testing {
namespace {

const std::string kFffd = "\xEF\xBF\xBD";

TEST(TokStreamDecoder, EmojiSplitAcrossByteTokens) {
  auto t = Tokenizer::create(bpe_vocab({}));
  StreamDecoder d(*t);
  EXPECT_EQ(d.push(ascii('a')), "a");
  EXPECT_EQ(d.push(172), "");   // F0
  EXPECT_EQ(d.push(253), "");   // 9F
  EXPECT_EQ(d.push(246), "");   // 98
  EXPECT_EQ(d.push(222), "😀");  // 80 completes it
  EXPECT_EQ(d.flush(), "");
}

TEST(TokStreamDecoder, InvalidAndTruncated) {
  auto t = Tokenizer::create(bpe_vocab({}));
  StreamDecoder d(*t);
  // 0xFF can never start a character: replaced at once.
  const int32_t ff = 106 + (0xFF - 0xAE);
  EXPECT_EQ(d.push(ff), kFffd);
  EXPECT_EQ(d.push(172), "");                  // F0 held
  EXPECT_EQ(d.push(ascii('b')), kFffd + "b");  // 'b' can't continue it
  EXPECT_EQ(d.push(172), "");
  EXPECT_EQ(d.flush(), kFffd);  // truncated at the end
  EXPECT_EQ(d.push(ascii('c')), "c");
  EXPECT_EQ(d.push(172), "");
  d.reset();
  EXPECT_EQ(d.push(ascii('d')), "d");
}

TEST(TokStreamDecoder, MatchesDecodeForValidText) {
  auto t = Tokenizer::create(bpe_vocab({{"\xE4", "\xB8"}, {"\xE4\xB8", "\xAD"}, {" ", "w"}}));
  const std::string text = "中 world ё😀!";
  const Ids ids = t->encode(text, AddSpecial::No, ParseSpecial::No);
  StreamDecoder d(*t);
  std::string streamed;
  for (int32_t id : ids) streamed += d.push(id);
  streamed += d.flush();
  EXPECT_EQ(streamed, text);
}

void expect_error(const Vocab& v, ErrorCode code, const std::string& mention) {
  try {
    Tokenizer::create(v);
    ADD_FAILURE() << "expected an error mentioning " << mention;
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), code) << e.what();
    EXPECT_NE(std::string(e.what()).find(mention), std::string::npos) << e.what();
  }
}

TEST(TokErrors, UnknownModelAndPre) {
  Vocab v = bpe_vocab({});
  v.model = "bert";
  expect_error(v, ErrorCode::Unsupported, "'bert'");
  v = bpe_vocab({}, "klingon-bpe");
  expect_error(v, ErrorCode::Unsupported, "'klingon-bpe'");
}

TEST(TokErrors, InconsistentVocab) {
  Vocab v = bpe_vocab({});
  v.tokens.clear();
  v.types.clear();
  expect_error(v, ErrorCode::Format, "tokenizer.ggml.tokens");

  v = bpe_vocab({});
  v.scores = {1.0f, 2.0f};
  expect_error(v, ErrorCode::Format, "tokenizer.ggml.scores");

  v = bpe_vocab({});
  v.types.pop_back();
  expect_error(v, ErrorCode::Format, "tokenizer.ggml.token_type");

  v = bpe_vocab({});
  v.types[3] = static_cast<TokenType>(9);
  expect_error(v, ErrorCode::Format, "tokenizer.ggml.token_type[3]");

  v = bpe_vocab({});
  v.eos = 256;
  expect_error(v, ErrorCode::Format, "tokenizer.ggml.eos_token_id");

  v = bpe_vocab({});
  v.add_bos = true;  // without a bos id
  expect_error(v, ErrorCode::Format, "tokenizer.ggml.bos_token_id");
}

TEST(TokErrors, MergesMustReferToTokens) {
  Vocab v = bpe_vocab({{"a", "b"}});
  v.merges.push_back("x qq");  // "qq" is no token
  expect_error(v, ErrorCode::Format, "tokenizer.ggml.merges[1]");
  v = bpe_vocab({});
  v.merges.push_back("a b");  // "ab" is no token
  expect_error(v, ErrorCode::Format, "tokenizer.ggml.merges[0]");
  v = bpe_vocab({});
  v.merges.push_back("ab");  // no separator
  expect_error(v, ErrorCode::Format, "tokenizer.ggml.merges[0]");
}

TEST(TokErrors, IdsOutOfRange) {
  auto t = Tokenizer::create(bpe_vocab({}));
  for (int32_t id : {-1, 256, 1 << 30}) {
    EXPECT_THROW(t->token_text(id), Error);
    EXPECT_THROW(t->token_to_piece(id), Error);
    EXPECT_THROW(t->type(id), Error);
    const Ids ids{id};
    EXPECT_THROW(t->decode(ids), Error);
  }
  try {
    t->token_text(300);
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::InvalidArgument);
  }
}

}  // namespace
}  // namespace mosaic::tok::testing
