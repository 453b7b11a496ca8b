// The engine's forward pass against the plain double-precision reference, and
// its internal consistency (batching, threads, incremental decode).
#include <gtest/gtest.h>

#include <cmath>
#include <tuple>

#include "tests/engine/reference_forward.h"
#include "tests/engine/test_support.h"

namespace mosaic::testing {
namespace {

using kernels::DType;

const std::vector<int32_t> kPrompt = {17, 342, 5, 99, 512, 3, 3, 260, 401, 77, 150, 8, 599, 0};

struct Case {
  const char* label;
  DType type;
  synthetic::GateUpLayout gate_up;
  synthetic::OutputHead head;
  mosaic_kv_type kv;
  double tolerance;   // max |error| relative to the largest reference logit
  double min_margin;  // positions whose routing is closer to a tie are not compared
};

// The reference rounds activations and the KV cache exactly as the engine
// stores them, so what remains is float summation order (and the engine's
// float vs the reference's double). Tolerances are relative to the largest
// logit.
const Case kCases[] = {
    {"f32", DType::F32, synthetic::GateUpLayout::Separate, synthetic::OutputHead::Untied,
     MOSAIC_KV_F32, 2e-5, 1e-5},
    {"f32_merged_tied", DType::F32, synthetic::GateUpLayout::Merged,
     synthetic::OutputHead::TiedToEmbedding, MOSAIC_KV_F32, 2e-5, 1e-5},
    {"f16", DType::F16, synthetic::GateUpLayout::Separate, synthetic::OutputHead::Untied,
     MOSAIC_KV_F16, 1e-4, 1e-4},
    // BF16 products may round activations to bf16 (8-bit mantissa) as well.
    {"bf16", DType::BF16, synthetic::GateUpLayout::Separate, synthetic::OutputHead::Untied,
     MOSAIC_KV_F16, 4e-4, 1e-4},
    {"q8_0", DType::Q8_0, synthetic::GateUpLayout::Separate, synthetic::OutputHead::Untied,
     MOSAIC_KV_F16, 2e-5, 1e-4},
    {"q4_0", DType::Q4_0, synthetic::GateUpLayout::Merged, synthetic::OutputHead::Untied,
     MOSAIC_KV_F16, 2e-5, 1e-4},
    {"q4_k_m", DType::Q4_K, synthetic::GateUpLayout::Separate, synthetic::OutputHead::Untied,
     MOSAIC_KV_F16, 2e-5, 1e-4},
    {"q6_k", DType::Q6_K, synthetic::GateUpLayout::Separate, synthetic::OutputHead::Untied,
     MOSAIC_KV_F16, 2e-5, 1e-4},
};

void PrintTo(const Case& c, std::ostream* os) { *os << c.label; }

class ForwardTest : public ::testing::TestWithParam<Case> {};

TEST_P(ForwardTest, MatchesReferenceAtEveryPosition) {
  const Case& c = GetParam();
  TempDir dir;
  synthetic::ModelSpec spec = tiny_spec(c.type);
  spec.gate_up = c.gate_up;
  spec.output = c.head;
  const std::string path = dir.file("model.gguf");
  synthetic::write_model(spec, path);

  const ReferenceResult expected =
      reference_forward(path, kPrompt, Activations::RoundedLikeEngine,
                        c.kv == MOSAIC_KV_F16 ? KvStorage::Half : KvStorage::Full);
  ModelPtr model = load_model(path);
  ASSERT_TRUE(model);
  const auto got = all_logits(model.get(), kPrompt, 512, c.kv);
  ASSERT_EQ(got.size(), expected.logits.size());
  size_t compared = 0;
  for (size_t t = 0; t < got.size(); ++t) {
    if (expected.routing_margin[t] < c.min_margin) continue;
    ++compared;
    EXPECT_LT(relative_error(got[t], expected.logits[t]), c.tolerance)
        << c.label << " position " << t;
  }
  // Near-ties are rare: most positions must have been checked.
  EXPECT_GE(compared * 4, got.size() * 3) << c.label << ": too few well-conditioned positions";
}

INSTANTIATE_TEST_SUITE_P(AllTypes, ForwardTest, ::testing::ValuesIn(kCases),
                         [](const auto& info) { return std::string(info.param.label); });

class ConsistencyTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new TempDir;
    // F32 weights: the decode (matrix-vector) and prefill (blocked) kernels
    // then differ only in summation order, so results must agree tightly.
    path_ = dir_->file("f32.gguf");
    synthetic::write_model(tiny_spec(DType::F32), path_);
  }
  static void TearDownTestSuite() { delete dir_; }
  static TempDir* dir_;
  static std::string path_;
};
TempDir* ConsistencyTest::dir_ = nullptr;
std::string ConsistencyTest::path_;

TEST_F(ConsistencyTest, IncrementalDecodeEqualsFullPrefill) {
  ModelPtr model = load_model(path_);
  ASSERT_TRUE(model);
  const auto full = all_logits(model.get(), kPrompt, 512, MOSAIC_KV_F32);
  // One token per feed: the decode path (matrix-vector, experts read one by one).
  mosaic_session_params p = mosaic_session_default_params();
  p.n_ctx = 64;
  p.kv_type = MOSAIC_KV_F32;
  SessionPtr s = new_session(model.get(), p);
  const int32_t n_vocab = mosaic_vocab_size(model.get());
  for (size_t t = 0; t < kPrompt.size(); ++t) {
    ASSERT_EQ(mosaic_session_feed(s.get(), &kPrompt[t], 1, nullptr, nullptr), MOSAIC_OK);
    const float* l = mosaic_session_logits(s.get(), -1);
    ASSERT_NE(l, nullptr);
    EXPECT_LT(relative_error(std::vector<float>(l, l + n_vocab), full[t]), 1e-4)
        << "position " << t;
  }
}

TEST_F(ConsistencyTest, BatchSizeAndThreadCountDoNotChangeResults) {
  ModelPtr model = load_model(path_);
  ASSERT_TRUE(model);
  const auto reference = all_logits(model.get(), kPrompt, 512, MOSAIC_KV_F16, 2);
  for (auto [batch, threads] : {std::pair{1, 1}, {3, 2}, {5, 1}, {13, 3}}) {
    const auto got = all_logits(model.get(), kPrompt, batch, MOSAIC_KV_F16, threads);
    ASSERT_EQ(got.size(), reference.size());
    for (size_t t = 0; t < got.size(); ++t) {
      EXPECT_LT(relative_error(got[t], reference[t]), 1e-4)
          << "batch " << batch << " threads " << threads << " position " << t;
    }
  }
}

TEST(QuantizedConsistencyTest, IncrementalDecodeIsCloseToFullPrefill) {
  // With 8-bit activations the two paths may round a value differently and,
  // near a routing tie, pick another expert: a looser bound, still far below
  // the difference between unrelated logits (order 1).
  TempDir dir;
  const std::string path = dir.file("q8.gguf");
  synthetic::write_model(tiny_spec(DType::Q8_0), path);
  ModelPtr model = load_model(path);
  ASSERT_TRUE(model);
  const auto full = all_logits(model.get(), kPrompt, 512, MOSAIC_KV_F16);
  const auto one_by_one = all_logits(model.get(), kPrompt, 1, MOSAIC_KV_F16);
  ASSERT_EQ(full.size(), one_by_one.size());
  for (size_t t = 0; t < full.size(); ++t) {
    EXPECT_LT(relative_error(one_by_one[t], full[t]), 2e-2) << "position " << t;
  }
}

}  // namespace
}  // namespace mosaic::testing

namespace mosaic::testing {
namespace {

// YaRN through the shared rope block (halves pairing, temperature on the
// rotation) against the reference's plain formulation.
TEST(ForwardYarnTest, Qwen3MoeWithYarnMatchesReference) {
  TempDir dir;
  synthetic::ModelSpec spec = tiny_spec(DType::F32);
  spec.rope_scaling = synthetic::RopeScalingKind::Yarn;
  spec.yarn_factor = 4.0f;
  spec.yarn_original_context = 64;
  const std::string path = dir.file("yarn.gguf");
  synthetic::write_model(spec, path);
  const ReferenceResult expected =
      reference_forward(path, kPrompt, Activations::RoundedLikeEngine, KvStorage::Full);
  ModelPtr model = load_model(path);
  ASSERT_TRUE(model);
  const auto got = all_logits(model.get(), kPrompt, 512, MOSAIC_KV_F32);
  ASSERT_EQ(got.size(), expected.logits.size());
  for (size_t t = 0; t < got.size(); ++t) {
    if (expected.routing_margin[t] < 1e-5) continue;
    EXPECT_LT(relative_error(got[t], expected.logits[t]), 2e-5) << "position " << t;
  }
}

}  // namespace
}  // namespace mosaic::testing
