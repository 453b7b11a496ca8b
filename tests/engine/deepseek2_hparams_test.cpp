// deepseek2 hyperparameters from the keys of real files (values of
// DeepSeek-V3 and DeepSeek-V2-Lite as llama.cpp's converters write them),
// with the derived softmax scale checked against the formula by hand.
#include "engine/models/deepseek2_hparams.h"

#include <gtest/gtest.h>

#include <cmath>

#include "engine/gguf/gguf_reader.h"
#include "engine/gguf/gguf_writer.h"
#include "tests/engine/test_support.h"

namespace mosaic::testing {
namespace {

void common_keys(gguf::GgufWriter& w) {
  w.set_string("general.architecture", "deepseek2");
  w.set_u32("deepseek2.context_length", 163840);
  w.set_f32("deepseek2.attention.layer_norm_rms_epsilon", 1e-6f);
  w.set_u32("deepseek2.rope.dimension_count", 64);
  w.set_f32("deepseek2.rope.freq_base", 10000.0f);
  w.set_string("deepseek2.rope.scaling.type", "yarn");
  w.set_u32("deepseek2.rope.scaling.original_context_length", 4096);
}

Deepseek2Hparams read(const TempDir& dir, gguf::GgufWriter& w) {
  const std::string path = dir.file("keys.gguf");
  w.write(path);
  const gguf::GgufFile f = gguf::GgufFile::open(path);
  return read_deepseek2_hparams(f.metadata());
}

TEST(Deepseek2HparamsTest, DeepSeekV3Keys) {
  TempDir dir;
  gguf::GgufWriter w;
  common_keys(w);
  w.set_u32("deepseek2.block_count", 61);
  w.set_u32("deepseek2.embedding_length", 7168);
  w.set_u32("deepseek2.feed_forward_length", 18432);
  w.set_u32("deepseek2.attention.head_count", 128);
  w.set_u32("deepseek2.attention.head_count_kv", 1);
  w.set_u32("deepseek2.attention.key_length", 576);
  w.set_u32("deepseek2.attention.value_length", 512);
  w.set_u32("deepseek2.attention.key_length_mla", 192);
  w.set_u32("deepseek2.attention.value_length_mla", 128);
  w.set_u32("deepseek2.attention.q_lora_rank", 1536);
  w.set_u32("deepseek2.attention.kv_lora_rank", 512);
  w.set_u32("deepseek2.leading_dense_block_count", 3);
  w.set_u32("deepseek2.expert_count", 256);
  w.set_u32("deepseek2.expert_used_count", 8);
  w.set_u32("deepseek2.expert_feed_forward_length", 2048);
  w.set_u32("deepseek2.expert_shared_count", 1);
  w.set_f32("deepseek2.expert_weights_scale", 2.5f);
  w.set_bool("deepseek2.expert_weights_norm", true);
  w.set_u32("deepseek2.expert_gating_func", 2);
  w.set_u32("deepseek2.expert_group_count", 8);
  w.set_u32("deepseek2.expert_group_used_count", 4);
  w.set_f32("deepseek2.rope.scaling.factor", 40.0f);
  w.set_f32("deepseek2.rope.scaling.yarn_log_multiplier", 0.1f);
  const Deepseek2Hparams h = read(dir, w);
  EXPECT_EQ(h.dims.n_layer, 61);
  EXPECT_EQ(h.q_lora, 1536);
  EXPECT_EQ(h.kv_lora, 512);
  EXPECT_EQ(h.nope, 128);
  EXPECT_EQ(h.n_rot, 64);
  EXPECT_EQ(h.v_dim, 128);
  EXPECT_EQ(h.n_dense_lead, 3);
  EXPECT_EQ(h.routing.gating, GatingFunction::Sigmoid);
  EXPECT_EQ(h.routing.normalization, WeightNormalization::SumToOne);
  EXPECT_FLOAT_EQ(h.routing.weights_scale, 2.5f);
  EXPECT_EQ(h.routing.n_group, 8);
  EXPECT_EQ(h.routing.n_group_used, 4);
  // mscale = 1 + 0.1 * mscale_all_dim (1.0) * ln 40 = 1.368888; squared over sqrt(192).
  EXPECT_NEAR(h.kq_scale, 1.3688879 * 1.3688879 / 13.856406, 1e-6);
  EXPECT_EQ(h.rope.magnitude, 1.0);  // the temperature is in the softmax scale only
  EXPECT_EQ(h.rope.scaling, RopeScaling::Yarn);
  EXPECT_EQ(h.rope.n_ctx_orig, 4096);
}

TEST(Deepseek2HparamsTest, DeepSeekV2LiteLegacyKeys) {
  TempDir dir;
  gguf::GgufWriter w;
  common_keys(w);
  w.set_u32("deepseek2.block_count", 27);
  w.set_u32("deepseek2.embedding_length", 2048);
  w.set_u32("deepseek2.feed_forward_length", 10944);
  w.set_u32("deepseek2.attention.head_count", 16);
  w.set_u32("deepseek2.attention.head_count_kv", 16);
  w.set_u32("deepseek2.attention.key_length", 192);  // pre-MLA converter: per-head widths
  w.set_u32("deepseek2.attention.value_length", 128);
  w.set_u32("deepseek2.attention.kv_lora_rank", 512);  // no q_lora_rank: plain attn_q
  w.set_u32("deepseek2.leading_dense_block_count", 1);
  w.set_u32("deepseek2.expert_count", 64);
  w.set_u32("deepseek2.expert_used_count", 6);
  w.set_u32("deepseek2.expert_feed_forward_length", 1408);
  w.set_u32("deepseek2.expert_shared_count", 2);
  w.set_f32("deepseek2.expert_weights_scale", 1.0f);
  w.set_f32("deepseek2.rope.scaling.factor", 40.0f);
  w.set_f32("deepseek2.rope.scaling.yarn_log_multiplier", 0.0707f);  // 0.1 * 0.707
  const Deepseek2Hparams h = read(dir, w);
  EXPECT_EQ(h.q_lora, 0);
  EXPECT_EQ(h.nope, 128);
  EXPECT_EQ(h.v_dim, 128);
  EXPECT_EQ(h.routing.gating, GatingFunction::Softmax);  // no gating key: V2 default
  EXPECT_EQ(h.routing.normalization, WeightNormalization::None);
  EXPECT_EQ(h.routing.n_group, 1);
  // mscale = 1 + 0.0707 * ln 40 = 1.260804.
  EXPECT_NEAR(h.kq_scale, 1.2608038 * 1.2608038 / 13.856406, 1e-6);
}

}  // namespace
}  // namespace mosaic::testing
