// Sessions through the public API: sampling, streaming, context limits,
// cancellation and reuse of a prefix.
#include <gtest/gtest.h>

#include <string>

#include "tests/engine/test_support.h"

namespace mosaic::testing {
namespace {

using kernels::DType;

class SessionTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new TempDir;
    path_ = dir_->file("model.gguf");
    synthetic::write_model(tiny_spec(DType::Q8_0), path_);
  }
  static void TearDownTestSuite() { delete dir_; }

  void SetUp() override {
    model_ = load_model(path_);
    ASSERT_TRUE(model_);
  }

  SessionPtr session(int32_t n_ctx = 64) {
    mosaic_session_params p = mosaic_session_default_params();
    p.n_ctx = n_ctx;
    p.n_threads = 2;
    return new_session(model_.get(), p);
  }

  std::vector<int32_t> tokenize(const std::string& text) {
    std::vector<int32_t> ids(256);
    size_t n = 0;
    EXPECT_EQ(mosaic_tokenize(model_.get(), text.data(), text.size(),
                              MOSAIC_TOKENIZE_ADD_SPECIAL | MOSAIC_TOKENIZE_PARSE_SPECIAL,
                              ids.data(), ids.size(), &n),
              MOSAIC_OK)
        << mosaic_last_error();
    ids.resize(n);
    return ids;
  }

  struct Generated {
    std::vector<int32_t> tokens;
    std::string text;
    mosaic_stop_reason reason;
  };

  Generated generate(mosaic_session* s, const std::vector<int32_t>& prompt, int n, uint64_t seed,
                     float temperature) {
    EXPECT_EQ(mosaic_session_feed(s, prompt.data(), prompt.size(), nullptr, nullptr), MOSAIC_OK)
        << mosaic_last_error();
    mosaic_sampler_params sp = mosaic_sampler_default_params();
    sp.seed = seed;
    sp.temperature = temperature;
    EXPECT_EQ(mosaic_session_set_sampler(s, &sp), MOSAIC_OK);
    Generated g;
    auto on_token = [](mosaic_token tok, const char* text, size_t len, void* user) -> int {
      auto* out = static_cast<Generated*>(user);
      if (tok >= 0) out->tokens.push_back(tok);
      out->text.append(text, len);
      return 0;
    };
    EXPECT_EQ(mosaic_session_generate(s, n, on_token, &g, &g.reason), MOSAIC_OK)
        << mosaic_last_error();
    return g;
  }

  static TempDir* dir_;
  static std::string path_;
  ModelPtr model_;
};
TempDir* SessionTest::dir_ = nullptr;
std::string SessionTest::path_;

TEST_F(SessionTest, SameSeedSameOutputDifferentSeedDifferentOutput) {
  const auto prompt = tokenize("<|im_start|>user\nHello there<|im_end|>\n");
  ASSERT_GT(prompt.size(), 3u);
  SessionPtr a = session(), b = session(), c = session();
  const Generated ga = generate(a.get(), prompt, 20, 1234, 1.0f);
  const Generated gb = generate(b.get(), prompt, 20, 1234, 1.0f);
  const Generated gc = generate(c.get(), prompt, 20, 999, 1.0f);
  EXPECT_EQ(ga.tokens, gb.tokens);
  EXPECT_EQ(ga.text, gb.text);
  EXPECT_NE(ga.tokens, gc.tokens);
}

TEST_F(SessionTest, GreedyGenerationFollowsArgmaxOfLogits) {
  const auto prompt = tokenize("The quick brown fox");
  SessionPtr a = session();
  const Generated g = generate(a.get(), prompt, 6, 0, 0.0f);
  ASSERT_FALSE(g.tokens.empty());
  // Replay: feed the prompt, then each generated token, checking it was the argmax.
  SessionPtr b = session();
  ASSERT_EQ(mosaic_session_feed(b.get(), prompt.data(), prompt.size(), nullptr, nullptr),
            MOSAIC_OK);
  const int32_t n_vocab = mosaic_vocab_size(model_.get());
  for (int32_t tok : g.tokens) {
    const float* l = mosaic_session_logits(b.get(), -1);
    ASSERT_NE(l, nullptr);
    int32_t best = 0;
    for (int32_t i = 1; i < n_vocab; ++i) best = l[i] > l[best] ? i : best;
    EXPECT_EQ(tok, best);
    ASSERT_EQ(mosaic_session_feed(b.get(), &tok, 1, nullptr, nullptr), MOSAIC_OK);
  }
}

TEST_F(SessionTest, ContextFullIsAnErrorAndLosesNothing) {
  SessionPtr s = session(16);
  std::vector<int32_t> ten(10, 42), seven(7, 43);
  ASSERT_EQ(mosaic_session_feed(s.get(), ten.data(), ten.size(), nullptr, nullptr), MOSAIC_OK);
  EXPECT_EQ(mosaic_session_feed(s.get(), seven.data(), seven.size(), nullptr, nullptr),
            MOSAIC_ERR_CONTEXT_FULL);
  EXPECT_NE(std::string(mosaic_last_error()).find("do not fit"), std::string::npos);
  EXPECT_EQ(mosaic_session_n_past(s.get()), 10);
  EXPECT_NE(mosaic_session_logits(s.get(), -1), nullptr);
  // Generation stops with a reason instead of overflowing.
  mosaic_sampler_params sp = mosaic_sampler_default_params();
  sp.temperature = 0;
  ASSERT_EQ(mosaic_session_set_sampler(s.get(), &sp), MOSAIC_OK);
  mosaic_stop_reason reason;
  ASSERT_EQ(mosaic_session_generate(s.get(), 100, nullptr, nullptr, &reason), MOSAIC_OK);
  if (reason != MOSAIC_STOP_END_OF_GENERATION) {
    EXPECT_EQ(reason, MOSAIC_STOP_CONTEXT_FULL);
    EXPECT_EQ(mosaic_session_n_past(s.get()), 16);
  }
}

TEST_F(SessionTest, CancelledFeedLeavesSessionAsBefore) {
  const auto prompt = tokenize("A first sentence that is long enough to need batches");
  mosaic_session_params p = mosaic_session_default_params();
  p.n_ctx = 128;
  p.n_batch = 4;
  SessionPtr s = new_session(model_.get(), p);
  ASSERT_EQ(mosaic_session_feed(s.get(), prompt.data(), 5, nullptr, nullptr), MOSAIC_OK);
  const int32_t n_vocab = mosaic_vocab_size(model_.get());
  const std::vector<float> before(mosaic_session_logits(s.get(), -1),
                                  mosaic_session_logits(s.get(), -1) + n_vocab);
  auto cancel_after_first = [](float fraction, void*) -> int { return fraction > 0 ? 1 : 0; };
  EXPECT_EQ(mosaic_session_feed(s.get(), prompt.data() + 5, prompt.size() - 5, cancel_after_first,
                                nullptr),
            MOSAIC_ERR_CANCELLED);
  EXPECT_EQ(mosaic_session_n_past(s.get()), 5);
  const float* after = mosaic_session_logits(s.get(), -1);
  ASSERT_NE(after, nullptr);
  EXPECT_EQ(std::vector<float>(after, after + n_vocab), before);
}

TEST_F(SessionTest, TruncateThenRefeedEqualsFreshSession) {
  const auto a = tokenize("Shared prefix of a conversation, then one ending");
  const auto b = tokenize("Shared prefix of a conversation, then another");
  size_t common = 0;
  while (common < a.size() && common < b.size() && a[common] == b[common]) ++common;
  ASSERT_GT(common, 2u);
  SessionPtr reused = session(), fresh = session();
  ASSERT_EQ(mosaic_session_feed(reused.get(), a.data(), a.size(), nullptr, nullptr), MOSAIC_OK);
  ASSERT_EQ(mosaic_session_truncate(reused.get(), static_cast<int32_t>(common)), MOSAIC_OK);
  ASSERT_EQ(
      mosaic_session_feed(reused.get(), b.data() + common, b.size() - common, nullptr, nullptr),
      MOSAIC_OK);
  ASSERT_EQ(mosaic_session_feed(fresh.get(), b.data(), b.size(), nullptr, nullptr), MOSAIC_OK);
  const int32_t n_vocab = mosaic_vocab_size(model_.get());
  const float* x = mosaic_session_logits(reused.get(), -1);
  const float* y = mosaic_session_logits(fresh.get(), -1);
  EXPECT_LT(relative_error(std::vector<float>(x, x + n_vocab), std::vector<float>(y, y + n_vocab)),
            1e-3);
  EXPECT_EQ(mosaic_session_truncate(reused.get(), 1000), MOSAIC_ERR_INVALID_ARGUMENT);
}

TEST_F(SessionTest, StreamedTextEqualsDetokenizedTokens) {
  const auto prompt = tokenize("Emoji 😀 and 漢字 please");
  SessionPtr s = session();
  const Generated g = generate(s.get(), prompt, 24, 5, 1.5f);
  std::string pieces;
  for (int32_t tok : g.tokens) {
    char buf[256];
    size_t len = 0;
    ASSERT_EQ(mosaic_token_to_piece(model_.get(), tok, buf, sizeof buf, &len), MOSAIC_OK);
    pieces.append(buf, std::min(len, sizeof buf));
  }
  // The stream may replace bytes that never form a character, so compare
  // only when the raw bytes are valid UTF-8 - and then exactly.
  bool valid = true;
  for (size_t i = 0; i < pieces.size();) {
    const unsigned char c = pieces[i];
    const size_t n = c < 0x80 ? 1 : (c >> 5) == 6 ? 2 : (c >> 4) == 14 ? 3 : (c >> 3) == 30 ? 4 : 0;
    if (n == 0 || i + n > pieces.size()) {
      valid = false;
      break;
    }
    for (size_t k = 1; k < n; ++k) valid &= (static_cast<unsigned char>(pieces[i + k]) >> 6) == 2;
    i += n;
  }
  if (valid) {
    EXPECT_EQ(g.text, pieces);
  }
}

TEST_F(SessionTest, InvalidInputsAreRejectedWithMessages) {
  SessionPtr s = session();
  const int32_t bad[] = {1, 1 << 20};
  EXPECT_EQ(mosaic_session_feed(s.get(), bad, 2, nullptr, nullptr), MOSAIC_ERR_INVALID_ARGUMENT);
  EXPECT_NE(std::string(mosaic_last_error()).find("outside the vocabulary"), std::string::npos);
  EXPECT_EQ(mosaic_session_n_past(s.get()), 0);
  mosaic_token tok;
  EXPECT_EQ(mosaic_session_sample(s.get(), &tok), MOSAIC_ERR_INVALID_ARGUMENT);
  mosaic_sampler_params sp = mosaic_sampler_default_params();
  sp.repeat_penalty = 0.0f;  // would divide by zero
  EXPECT_EQ(mosaic_session_set_sampler(s.get(), &sp), MOSAIC_ERR_INVALID_ARGUMENT);
  EXPECT_NE(std::string(mosaic_last_error()).find("repeat_penalty"), std::string::npos)
      << mosaic_last_error();
  mosaic_session_params p = mosaic_session_default_params();
  p.n_ctx = -5;
  mosaic_session* out = nullptr;
  EXPECT_EQ(mosaic_session_new(model_.get(), &p, &out), MOSAIC_ERR_INVALID_ARGUMENT);
  EXPECT_EQ(out, nullptr);
}

TEST_F(SessionTest, ModelInfoDescribesTheModel) {
  mosaic_model_info info;
  ASSERT_EQ(mosaic_model_get_info(model_.get(), &info), MOSAIC_OK);
  const synthetic::ModelSpec spec = tiny_spec(DType::Q8_0);
  EXPECT_STREQ(info.architecture, "qwen3moe");
  EXPECT_EQ(info.n_params_total, synthetic::count_params_total(spec));
  EXPECT_EQ(info.n_params_active, synthetic::count_params_active(spec));
  EXPECT_EQ(info.n_expert, spec.n_expert);
  EXPECT_EQ(info.n_expert_used, spec.n_expert_used);
  EXPECT_EQ(info.n_layer, spec.n_layer);
  EXPECT_EQ(info.kv_bytes_per_token,
            static_cast<uint64_t>(spec.n_layer * 2 * spec.n_head_kv * spec.head_dim * 2));
  EXPECT_STREQ(info.quantization, "Q8_0");
  EXPECT_LT(info.active_bytes_per_token, info.file_bytes);

  // Metadata keys can be listed and read back, with truncation detectable.
  const int32_t n_keys = mosaic_model_meta_count(model_.get());
  ASSERT_GT(n_keys, 10);
  bool saw_arch = false;
  for (int32_t i = 0; i < n_keys; ++i) {
    char key[256];
    ASSERT_EQ(mosaic_model_meta_key(model_.get(), i, key, sizeof key), MOSAIC_OK);
    if (std::string(key) != "general.architecture") continue;
    saw_arch = true;
    char value[4];
    size_t len = 0;
    ASSERT_EQ(mosaic_model_meta_string(model_.get(), key, value, sizeof value, &len), MOSAIC_OK);
    EXPECT_EQ(len, 10u);  // "qwen3moe" with its quotes, truncated in the buffer
    EXPECT_STREQ(value, "\"qw");
  }
  EXPECT_TRUE(saw_arch);
  char key[16];
  EXPECT_EQ(mosaic_model_meta_key(model_.get(), n_keys, key, sizeof key),
            MOSAIC_ERR_INVALID_ARGUMENT);
}

}  // namespace
}  // namespace mosaic::testing
