// The synthetic Qwen-style vocabulary: shape, determinism, speed, and exact
// round trips of multilingual text through encode/decode.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <thread>

#include "engine/error.h"
#include "engine/tokenizer/synthetic_vocab.h"
#include "tests/tokenizer/test_vocabs.h"

namespace mosaic::tok::testing {
namespace {

const char* const kMultilingual =
    "Hello, world! It's 2024; we've got 12345 reasons.\n\n"
    "    def f(x):\n        return x ** 2  # comment\n"
    "Français : l'été, où ça ? Straße, Größe, Übung.\n"
    "中文：人工智能正在改变世界。日本語：今日はいい天気ですね。한국어 문장.\n"
    "Emoji 😀👍🏽 👨‍👩‍👧 🇯🇵 and combining: e\xCC\x81 n\xCC\x83 "
    "a\xCC\x8A\xCC\x81.\n"
    "Tabs\tand\r\nCRLF   trailing   \n";

TEST(TokSyntheticVocab, QwenSizedLayout) {
  const auto t0 = std::chrono::steady_clock::now();
  const Vocab v = make_synthetic_bpe_vocab(151936, 42);
  const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  EXPECT_LT(secs, 3.0) << "training should take well under a second in Release";

  EXPECT_EQ(v.model, "gpt2");
  EXPECT_EQ(v.pre, "qwen2");
  ASSERT_EQ(v.tokens.size(), 151936u);
  ASSERT_EQ(v.types.size(), 151936u);
  EXPECT_GE(v.merges.size(), 2000u);
  EXPECT_LE(v.merges.size(), 4500u);
  EXPECT_EQ(v.tokens[0], "!");
  EXPECT_EQ(v.tokens[kSpace], "\xC4\xA0");  // Ġ

  auto t = Tokenizer::create(v);
  // The five specials follow the learned tokens.
  int32_t endoftext = -1;
  for (int32_t i = 0; i < t->n_vocab(); ++i) {
    if (v.tokens[i] == "<|endoftext|>") endoftext = i;
  }
  ASSERT_GT(endoftext, 256);
  EXPECT_EQ(v.tokens[endoftext + 1], "<|im_start|>");
  EXPECT_EQ(v.tokens[endoftext + 2], "<|im_end|>");
  EXPECT_EQ(v.tokens[endoftext + 3], "<think>");
  EXPECT_EQ(v.tokens[endoftext + 4], "</think>");
  EXPECT_EQ(v.tokens[endoftext + 5], "<|unused_0|>");
  EXPECT_EQ(v.tokens.back(), "<|unused_" + std::to_string(151936 - endoftext - 6) + "|>");
  EXPECT_EQ(t->type(endoftext), TokenType::Control);
  EXPECT_EQ(t->type(endoftext + 2), TokenType::Control);
  EXPECT_EQ(t->type(endoftext + 3), TokenType::UserDefined);
  EXPECT_EQ(t->type(endoftext + 5), TokenType::Unused);
  EXPECT_EQ(t->type(300), TokenType::Normal);
  EXPECT_EQ(v.bos, -1);
  EXPECT_EQ(v.eos, endoftext + 2);
  EXPECT_EQ(v.eot, endoftext + 2);
  EXPECT_EQ(v.pad, endoftext);
  EXPECT_FALSE(v.add_bos);
  EXPECT_TRUE(t->is_end_of_generation(endoftext + 2));
  EXPECT_TRUE(t->is_end_of_generation(endoftext));
  EXPECT_FALSE(t->is_end_of_generation(endoftext + 1));
}

TEST(TokSyntheticVocab, LearnedMergesCompress) {
  auto t = Tokenizer::create(make_synthetic_bpe_vocab(151936, 1));
  // Frequent English words are single tokens, as in a real vocabulary.
  EXPECT_EQ(t->encode(" the", AddSpecial::No, ParseSpecial::No).size(), 1u);
  const std::string_view text = synthetic_training_text();
  const auto ids = t->encode(text, AddSpecial::No, ParseSpecial::No);
  EXPECT_LT(ids.size(), text.size() / 3);
}

TEST(TokSyntheticVocab, SmallSizesFitExactly) {
  for (int32_t n : {262, 512, 1000, 2048}) {
    const Vocab v = make_synthetic_bpe_vocab(n, 7);
    EXPECT_EQ(static_cast<int32_t>(v.tokens.size()), n);
    auto t = Tokenizer::create(v);
    EXPECT_EQ(t->n_vocab(), n);
    EXPECT_EQ(t->token_text(v.eos), "<|im_end|>");
    EXPECT_EQ(t->decode(t->encode(kMultilingual, AddSpecial::No, ParseSpecial::No)), kMultilingual);
  }
  EXPECT_THROW(make_synthetic_bpe_vocab(261, 7), Error);
}

TEST(TokSyntheticVocab, DeterministicPerSeed) {
  const Vocab a = make_synthetic_bpe_vocab(4096, 5);
  const Vocab b = make_synthetic_bpe_vocab(4096, 5);
  EXPECT_EQ(a.tokens, b.tokens);
  EXPECT_EQ(a.merges, b.merges);
}

TEST(TokSyntheticVocab, RoundTripsMultilingualAndInvalidBytes) {
  auto t = Tokenizer::create(make_synthetic_bpe_vocab(151936, 42));
  std::string invalid = "bad \xFF\xFE bytes \xC3 truncated \xE4\xB8 and \xF0\x9F\x98 end";
  for (const std::string& s : {std::string(kMultilingual), invalid, std::string(""),
                               std::string(synthetic_training_text())}) {
    for (ParseSpecial p : {ParseSpecial::No, ParseSpecial::Yes}) {
      EXPECT_EQ(t->decode(t->encode(s, AddSpecial::Yes, p)), s);
    }
  }
  const std::string chat = "<|im_start|>user\nHi<|im_end|>\n<|im_start|>assistant\n<think>\n";
  const auto ids = t->encode(chat, AddSpecial::No, ParseSpecial::Yes);
  EXPECT_EQ(ids.front(), t->vocab().eos - 1);  // <|im_start|>
  EXPECT_EQ(t->decode(ids), chat);
}

TEST(TokSyntheticVocab, ConcurrentEncodeIsConsistent) {
  auto t = Tokenizer::create(make_synthetic_bpe_vocab(151936, 42));
  const auto expected = t->encode(kMultilingual, AddSpecial::No, ParseSpecial::Yes);
  std::vector<std::thread> threads;
  std::atomic<int> mismatches{0};
  for (int k = 0; k < 4; ++k) {
    threads.emplace_back([&] {
      for (int i = 0; i < 200; ++i) {
        if (t->encode(kMultilingual, AddSpecial::No, ParseSpecial::Yes) != expected) ++mismatches;
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(mismatches.load(), 0);
}

}  // namespace
}  // namespace mosaic::tok::testing
