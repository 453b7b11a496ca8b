// qwen3vlmoe: the Qwen3-VL text model with image rows in the token stream.
// Checked against the plain reference (tests/engine/reference_forward.cpp),
// whose positions are written out by hand here: text counts up, an image's
// rows take (time, row, column) = (p, p + r, p + c) and the text after it
// resumes at p + max(grid_w, grid_h).
#include <gtest/gtest.h>

#include <algorithm>
#include <random>
#include <string_view>

#include "engine/model/model.h"
#include "engine/session.h"
#include "tests/engine/reference_forward.h"
#include "tests/engine/test_support.h"

namespace mosaic::testing {
namespace {

using kernels::DType;

synthetic::ModelSpec tiny_vl_spec(DType type) {
  synthetic::ModelSpec s = tiny_spec(type);
  s.architecture = "qwen3vlmoe";
  s.n_layer = 3;
  s.n_deepstack = 2;  // layer 2 gets none: the boundary is exercised
  return s;
}

// Random rows standing in for an encoded image; owned by the vector.
struct FakeImage {
  std::vector<float> data;
  mosaic_image_embedding embedding{};
  FakeImage(int32_t grid_w, int32_t grid_h, int32_t n_embd, int32_t n_deepstack, uint32_t seed) {
    const int32_t width = n_embd * (1 + n_deepstack);
    data.resize(static_cast<size_t>(grid_w) * grid_h * width);
    std::mt19937 rng(seed);
    std::uniform_real_distribution<float> dist(-0.05f, 0.05f);
    for (float& v : data) v = dist(rng);
    embedding = {grid_w * grid_h, grid_w, grid_h, n_embd, n_deepstack, width, data.data()};
  }
};

std::vector<int32_t> tokenize(const mosaic_model* model, const std::string& text) {
  std::vector<int32_t> ids(text.size() + 8);
  size_t n = 0;
  EXPECT_EQ(mosaic_tokenize(model, text.data(), text.size(), MOSAIC_TOKENIZE_PARSE_SPECIAL,
                            ids.data(), ids.size(), &n),
            MOSAIC_OK);
  ids.resize(n);
  return ids;
}

// Borrows the text: pass literals or strings that outlive the chunk.
mosaic_chunk text_chunk(std::string_view text) {
  return {MOSAIC_CHUNK_TEXT, text.data(), text.size(), nullptr, nullptr, 0};
}
mosaic_chunk token_chunk(const std::vector<int32_t>& ids) {
  return {MOSAIC_CHUNK_TOKENS, nullptr, 0, nullptr, ids.data(), ids.size()};
}
mosaic_chunk image_chunk(const FakeImage& image) {
  return {MOSAIC_CHUNK_IMAGE, nullptr, 0, &image.embedding, nullptr, 0};
}

// Builds the reference's inputs for text / image pieces with the positions
// the model family defines.
class InputBuilder {
 public:
  void text(const std::vector<int32_t>& ids) {
    for (int32_t id : ids) {
      ReferenceInput in;
      in.token = id;
      in.t = in.y = in.x = next_++;
      inputs_.push_back(in);
    }
  }
  void image(const FakeImage& im) {
    const auto& e = im.embedding;
    for (int32_t r = 0; r < e.grid_h; ++r) {
      for (int32_t c = 0; c < e.grid_w; ++c) {
        ReferenceInput in;
        const float* row = im.data.data() + (static_cast<size_t>(r) * e.grid_w + c) * e.row_width;
        in.embedding.assign(row, row + e.row_width);
        in.t = next_;
        in.y = next_ + r;
        in.x = next_ + c;
        inputs_.push_back(in);
      }
    }
    next_ += std::max(e.grid_w, e.grid_h);
  }
  const std::vector<ReferenceInput>& inputs() const { return inputs_; }

 private:
  std::vector<ReferenceInput> inputs_;
  int64_t next_ = 0;
};

class Qwen3VlTest : public ::testing::Test {
 protected:
  void write(DType type) {
    spec_ = tiny_vl_spec(type);
    path_ = dir_.file("vl.gguf");
    synthetic::write_model(spec_, path_);
    model_ = load_model(path_);
    ASSERT_TRUE(model_);
  }
  SessionPtr session(int n_batch = 512) {
    mosaic_session_params p = mosaic_session_default_params();
    p.n_ctx = 128;
    p.n_threads = 2;
    p.n_batch = n_batch;
    p.kv_type = MOSAIC_KV_F32;
    return new_session(model_.get(), p);
  }
  std::vector<float> last_logits(mosaic_session* s) {
    const float* row = mosaic_session_logits(s, -1);
    EXPECT_NE(row, nullptr);
    if (row == nullptr) return {};
    return {row, row + spec_.n_vocab};
  }

  TempDir dir_;
  synthetic::ModelSpec spec_;
  std::string path_;
  ModelPtr model_;
};

TEST_F(Qwen3VlTest, ReportsImageInput) {
  write(DType::F32);
  mosaic_model_info info{};
  ASSERT_EQ(mosaic_model_get_info(model_.get(), &info), MOSAIC_OK);
  EXPECT_EQ(info.image_input, 1);
  EXPECT_EQ(info.n_deepstack, 2);
  EXPECT_STREQ(info.architecture, "qwen3vlmoe");
}

// Text alone rotates exactly like qwen3moe (all three components equal), so
// the same weights give the same logits.
TEST_F(Qwen3VlTest, TextOnlyEqualsQwen3Moe) {
  write(DType::F32);
  synthetic::ModelSpec plain = spec_;
  plain.architecture = "qwen3moe";
  const std::string plain_path = dir_.file("plain.gguf");
  synthetic::write_model(plain, plain_path);
  ModelPtr plain_model = load_model(plain_path);
  const std::vector<int32_t> prompt = {17, 342, 5, 99, 512, 3, 3, 260, 401, 77};
  const auto a = all_logits(model_.get(), prompt, 4, MOSAIC_KV_F32);
  const auto b = all_logits(plain_model.get(), prompt, 4, MOSAIC_KV_F32);
  ASSERT_EQ(a.size(), b.size());
  for (size_t t = 0; t < a.size(); ++t) EXPECT_LT(relative_error(a[t], b[t]), 1e-5) << t;
}

struct ImageCase {
  const char* label;
  DType type;
  int n_batch;  // small batches split an image across forward passes
  double tolerance;
};

class Qwen3VlImageTest : public Qwen3VlTest, public ::testing::WithParamInterface<ImageCase> {};

// Text, an image, more text, a second image of another shape, then decode
// one token at a time: every logit row against the reference.
TEST_P(Qwen3VlImageTest, MatchesReferenceAroundImages) {
  const ImageCase& c = GetParam();
  write(c.type);
  const int32_t E = static_cast<int32_t>(spec_.n_embd);
  const FakeImage wide(3, 2, E, 2, 11), tall(1, 4, E, 2, 12);
  const std::string before = "<|im_start|>user\nLook: ", between = " and ",
                    after = " what?<|im_end|>\n<|im_start|>assistant\n";
  SessionPtr s = session(c.n_batch);
  const mosaic_chunk chunks[] = {text_chunk(before), image_chunk(wide), text_chunk(between),
                                 image_chunk(tall), text_chunk(after)};
  size_t slots = 0;
  ASSERT_EQ(mosaic_session_count_chunks(s.get(), chunks, 5, &slots), MOSAIC_OK);
  ASSERT_EQ(mosaic_session_feed_chunks(s.get(), chunks, 5, nullptr, nullptr), MOSAIC_OK)
      << mosaic_last_error();
  EXPECT_EQ(static_cast<size_t>(mosaic_session_n_past(s.get())), slots);

  const auto begin = tokenize(model_.get(), "<|vision_start|>");
  const auto end = tokenize(model_.get(), "<|vision_end|>");
  ASSERT_EQ(begin.size(), 1u);
  ASSERT_EQ(end.size(), 1u);
  InputBuilder in;
  in.text(tokenize(model_.get(), before));
  in.text(begin);
  in.image(wide);
  in.text(end);
  in.text(tokenize(model_.get(), between));
  in.text(begin);
  in.image(tall);
  in.text(end);
  in.text(tokenize(model_.get(), after));
  const std::vector<int32_t> decode = {40, 41, 300, 7};
  in.text(decode);
  ASSERT_EQ(in.inputs().size(), slots + decode.size());

  const ReferenceResult ref =
      reference_forward_inputs(path_, in.inputs(), Activations::RoundedLikeEngine, KvStorage::Full);
  size_t at = slots - 1;
  EXPECT_LT(relative_error(last_logits(s.get()), ref.logits[at]), c.tolerance) << "prompt end";
  for (int32_t token : decode) {
    ASSERT_EQ(mosaic_session_feed(s.get(), &token, 1, nullptr, nullptr), MOSAIC_OK);
    ++at;
    EXPECT_LT(relative_error(last_logits(s.get()), ref.logits[at]), c.tolerance)
        << "decode position " << at;
  }
}

INSTANTIATE_TEST_SUITE_P(Types, Qwen3VlImageTest,
                         ::testing::Values(ImageCase{"f32", DType::F32, 512, 2e-5},
                                           ImageCase{"f32_batch3", DType::F32, 3, 2e-5},
                                           // Quantized types are covered by the text
                                           // forward tests; random image rows give
                                           // router near-ties that 8-bit activations
                                           // legitimately flip, so F16 stands in here.
                                           ImageCase{"f16", DType::F16, 512, 1e-4}),
                         [](const auto& info) { return std::string(info.param.label); });

// DeepStack slices matter: the same image with its slices zeroed differs.
TEST_F(Qwen3VlTest, DeepStackSlicesChangeTheResult) {
  write(DType::F32);
  const int32_t E = static_cast<int32_t>(spec_.n_embd);
  FakeImage image(2, 2, E, 2, 5), flat(2, 2, E, 2, 5);
  for (int32_t row = 0; row < 4; ++row) {
    std::fill_n(flat.data.begin() + row * 3 * E + E, 2 * E, 0.0f);
  }
  const std::string text = "what is it";
  std::vector<float> logits[2];
  for (int i = 0; i < 2; ++i) {
    SessionPtr s = session();
    const mosaic_chunk chunks[] = {image_chunk(i == 0 ? image : flat), text_chunk(text)};
    ASSERT_EQ(mosaic_session_feed_chunks(s.get(), chunks, 2, nullptr, nullptr), MOSAIC_OK);
    logits[i] = last_logits(s.get());
  }
  EXPECT_GT(relative_error(logits[0], logits[1]), 1e-3);
}

// Cutting the context back to just after an image and feeding the same text
// again continues at the image's positions, not at the slot count.
TEST_F(Qwen3VlTest, TruncateAfterImageKeepsPositions) {
  write(DType::F32);
  const FakeImage image(4, 3, static_cast<int32_t>(spec_.n_embd), 2, 9);
  const std::string tail = " describe it";
  SessionPtr s = session();
  const mosaic_chunk chunks[] = {text_chunk("hi "), image_chunk(image), text_chunk(tail)};
  ASSERT_EQ(mosaic_session_feed_chunks(s.get(), chunks, 3, nullptr, nullptr), MOSAIC_OK);
  const std::vector<float> first = last_logits(s.get());
  const auto tail_ids = tokenize(model_.get(), tail);
  const int32_t keep = mosaic_session_n_past(s.get()) - static_cast<int32_t>(tail_ids.size());
  ASSERT_EQ(mosaic_session_truncate(s.get(), keep), MOSAIC_OK);
  ASSERT_EQ(mosaic_session_feed(s.get(), tail_ids.data(), tail_ids.size(), nullptr, nullptr),
            MOSAIC_OK);
  EXPECT_LT(relative_error(last_logits(s.get()), first), 1e-6);
}

// Token chunks resume text part-way (a chat whose prompt start is cached):
// text split into token chunks around an image gives the same logits as
// text chunks, and counting needs only the image's grid.
TEST_F(Qwen3VlTest, TokenChunksEqualTextChunksAndCountingNeedsNoRows) {
  write(DType::F32);
  const FakeImage image(3, 2, static_cast<int32_t>(spec_.n_embd), 2, 21);
  const std::string before = "look at this ", after = " and tell me";
  SessionPtr by_text = session();
  const mosaic_chunk text_chunks[] = {text_chunk(before), image_chunk(image), text_chunk(after)};
  ASSERT_EQ(mosaic_session_feed_chunks(by_text.get(), text_chunks, 3, nullptr, nullptr), MOSAIC_OK);

  const std::vector<int32_t> before_ids = tokenize(model_.get(), before);
  const std::vector<int32_t> after_ids = tokenize(model_.get(), after);
  ASSERT_GT(before_ids.size(), 2u);
  const std::vector<int32_t> head(before_ids.begin(), before_ids.begin() + 2);
  const std::vector<int32_t> rest(before_ids.begin() + 2, before_ids.end());
  SessionPtr by_tokens = session();
  ASSERT_EQ(mosaic_session_feed(by_tokens.get(), head.data(), head.size(), nullptr, nullptr),
            MOSAIC_OK);
  const mosaic_chunk token_chunks[] = {token_chunk(rest), image_chunk(image),
                                       token_chunk(after_ids)};
  ASSERT_EQ(mosaic_session_feed_chunks(by_tokens.get(), token_chunks, 3, nullptr, nullptr),
            MOSAIC_OK);
  EXPECT_EQ(mosaic_session_n_past(by_tokens.get()), mosaic_session_n_past(by_text.get()));
  EXPECT_LT(relative_error(last_logits(by_tokens.get()), last_logits(by_text.get())), 1e-6);

  mosaic_image_embedding grid_only = image.embedding;
  grid_only.data = nullptr;
  const mosaic_chunk counted[] = {token_chunk(before_ids),
                                  {MOSAIC_CHUNK_IMAGE, nullptr, 0, &grid_only, nullptr, 0},
                                  text_chunk(after)};
  size_t slots = 0;
  ASSERT_EQ(mosaic_session_count_chunks(by_text.get(), counted, 3, &slots), MOSAIC_OK)
      << mosaic_last_error();
  EXPECT_EQ(static_cast<int32_t>(slots), mosaic_session_n_past(by_text.get()));
  // Feeding still needs the rows.
  EXPECT_EQ(mosaic_session_feed_chunks(by_text.get(), counted, 3, nullptr, nullptr),
            MOSAIC_ERR_INVALID_ARGUMENT);
  const int32_t bad_id = 1 << 30;
  const mosaic_chunk bad_tokens = {MOSAIC_CHUNK_TOKENS, nullptr, 0, nullptr, &bad_id, 1};
  EXPECT_EQ(mosaic_session_feed_chunks(by_text.get(), &bad_tokens, 1, nullptr, nullptr),
            MOSAIC_ERR_INVALID_ARGUMENT);
}

TEST_F(Qwen3VlTest, NextPositionFollowsTheGridRule) {
  write(DType::F32);
  SessionOptions options;
  options.n_ctx = 128;
  options.n_threads = 1;
  auto model = Model::load(path_, {}, gguf::Residency::Mapped);
  Session s(*model, options);
  const int32_t ids[] = {17, 342, 5};
  s.feed(ids, {});
  EXPECT_EQ(s.next_position(), 3);
  std::vector<float> rows(5 * 2 * spec_.n_embd * 3, 0.01f);
  const ImageRows image{rows.data(), 5, 2, spec_.n_embd * 3};
  std::vector<InputChunk> chunks(1);
  chunks[0].image = &image;
  s.feed_chunks(chunks, {});
  // begin token at 3, rows from 4 (time 4, rows 4..5, columns 4..8), then
  // the end token at 4 + max(5, 2) = 9.
  EXPECT_EQ(s.n_past(), 3 + 1 + 10 + 1);
  EXPECT_EQ(s.next_position(), 10);
  s.feed(ids, {});
  EXPECT_EQ(s.next_position(), 13);
}

TEST_F(Qwen3VlTest, RejectsBadImagesAndLeavesTheSessionAsItWas) {
  write(DType::F32);
  const int32_t E = static_cast<int32_t>(spec_.n_embd);
  SessionPtr s = session();
  const mosaic_chunk intro = text_chunk("hello");
  ASSERT_EQ(mosaic_session_feed_chunks(s.get(), &intro, 1, nullptr, nullptr), MOSAIC_OK);
  const int32_t n_past = mosaic_session_n_past(s.get());

  const FakeImage no_deepstack(2, 2, E, 0, 1);  // an mmproj of another model
  mosaic_chunk bad = image_chunk(no_deepstack);
  EXPECT_EQ(mosaic_session_feed_chunks(s.get(), &bad, 1, nullptr, nullptr),
            MOSAIC_ERR_INVALID_ARGUMENT);
  EXPECT_NE(std::string(mosaic_last_error()).find("mmproj"), std::string::npos);

  const FakeImage huge(16, 16, E, 2, 2);  // 256 rows > 128 context
  bad = image_chunk(huge);
  EXPECT_EQ(mosaic_session_feed_chunks(s.get(), &bad, 1, nullptr, nullptr),
            MOSAIC_ERR_CONTEXT_FULL);

  const FakeImage ok(4, 4, E, 2, 3);
  const mosaic_chunk good[] = {image_chunk(ok), text_chunk(" then")};
  auto cancel_midway = [](float fraction, void*) { return fraction > 0.3f ? 1 : 0; };
  SessionPtr small_batches = session(4);
  ASSERT_EQ(mosaic_session_feed_chunks(small_batches.get(), &intro, 1, nullptr, nullptr),
            MOSAIC_OK);
  EXPECT_EQ(mosaic_session_feed_chunks(small_batches.get(), good, 2, cancel_midway, nullptr),
            MOSAIC_ERR_CANCELLED);
  EXPECT_EQ(mosaic_session_n_past(small_batches.get()), n_past);
  EXPECT_EQ(mosaic_session_n_past(s.get()), n_past);
  // And afterwards the same input gives what a fresh session gives.
  ASSERT_EQ(mosaic_session_feed_chunks(small_batches.get(), good, 2, nullptr, nullptr), MOSAIC_OK);
  ASSERT_EQ(mosaic_session_feed_chunks(s.get(), good, 2, nullptr, nullptr), MOSAIC_OK);
  EXPECT_LT(relative_error(last_logits(small_batches.get()), last_logits(s.get())), 1e-5);
}

TEST(Qwen3VlPlainModel, RefusesImages) {
  TempDir dir;
  const std::string path = dir.file("plain.gguf");
  synthetic::write_model(tiny_spec(DType::F32), path);
  ModelPtr model = load_model(path);
  mosaic_session_params p = mosaic_session_default_params();
  p.n_ctx = 64;
  SessionPtr s = new_session(model.get(), p);
  const FakeImage image(2, 2, 256, 0, 1);
  const mosaic_chunk chunk = image_chunk(image);
  EXPECT_EQ(mosaic_session_feed_chunks(s.get(), &chunk, 1, nullptr, nullptr),
            MOSAIC_ERR_UNSUPPORTED);
  EXPECT_EQ(mosaic_session_n_past(s.get()), 0);
}

}  // namespace
}  // namespace mosaic::testing
