#include "engine/synthetic/synthetic_mmproj.h"

#include <fmt/format.h>

#include <cmath>
#include <cstring>
#include <random>

#include "engine/error.h"
#include "engine/gguf/gguf_writer.h"
#include "kernels/cpu/quant.h"

namespace mosaic::synthetic {
namespace {

class TensorMaker {
 public:
  TensorMaker(gguf::GgufWriter& w, uint64_t seed) : w_(w), rng_(seed) {}

  // uniform(-a, a) values stored as `type`.
  void add(const std::string& name, kernels::DType type, std::vector<int64_t> ne, float a) {
    int64_t n = 1;
    for (int64_t d : ne) n *= d;
    std::uniform_real_distribution<float> dist(-a, a);
    std::vector<uint8_t> bytes;
    if (type == kernels::DType::F16) {
      bytes.resize(static_cast<size_t>(n) * 2);
      for (int64_t i = 0; i < n; ++i) {
        const uint16_t h = kernels::fp32_to_fp16(dist(rng_));
        std::memcpy(bytes.data() + i * 2, &h, 2);
      }
    } else if (type == kernels::DType::F32) {
      bytes.resize(static_cast<size_t>(n) * 4);
      for (int64_t i = 0; i < n; ++i) {
        const float f = dist(rng_);
        std::memcpy(bytes.data() + i * 4, &f, 4);
      }
    } else {
      fail(ErrorCode::InvalidArgument, "synthetic mmproj: weight type must be f32 or f16");
    }
    w_.add_tensor(name, type, std::move(ne), std::move(bytes));
  }
  // A matrix {n_in, n_out} and its bias, scaled to keep unit variance.
  void linear(const std::string& base, kernels::DType type, int64_t n_in, int64_t n_out) {
    add(base + ".weight", type, {n_in, n_out}, std::sqrt(3.0f / static_cast<float>(n_in)));
    add(base + ".bias", kernels::DType::F32, {n_out}, 0.2f);
  }
  // LayerNorm scale near 1 (1 + noise, so a swapped scale and shift show).
  void norm(const std::string& base, int64_t n) {
    std::uniform_real_distribution<float> dist(0.5f, 1.5f);
    std::vector<uint8_t> bytes(static_cast<size_t>(n) * 4);
    for (int64_t i = 0; i < n; ++i) {
      const float f = dist(rng_);
      std::memcpy(bytes.data() + i * 4, &f, 4);
    }
    w_.add_tensor(base + ".weight", kernels::DType::F32, {n}, std::move(bytes));
    add(base + ".bias", kernels::DType::F32, {n}, 0.2f);
  }

 private:
  gguf::GgufWriter& w_;
  std::mt19937_64 rng_;
};

}  // namespace

void write_synthetic_mmproj(const std::string& path, const MmprojSpec& s) {
  if (static_cast<int64_t>(s.deepstack.size()) != s.n_layer)
    fail(ErrorCode::InvalidArgument, "synthetic mmproj: one deepstack flag per layer");
  gguf::GgufWriter w;
  w.set_string("general.architecture", "clip");
  w.set_string("general.name", "mosaic-synthetic-mmproj");
  if (s.with_audio_encoder) {
    w.set_string("clip.vision.projector_type", s.projector_type);
    w.set_string("clip.audio.projector_type", "qwen3a");
    w.set_u32("clip.audio.num_mel_bins", 128);
    w.set_u32("clip.audio.embedding_length", 16);
    w.set_u32("clip.audio.block_count", 1);
  } else {
    w.set_string("clip.projector_type", s.projector_type);
  }
  w.set_bool("clip.has_vision_encoder", true);
  w.set_bool("clip.has_audio_encoder", s.with_audio_encoder);
  w.set_u32("clip.vision.embedding_length", static_cast<uint32_t>(s.n_embd));
  w.set_u32("clip.vision.feed_forward_length", static_cast<uint32_t>(s.n_ff));
  w.set_u32("clip.vision.block_count", static_cast<uint32_t>(s.n_layer));
  w.set_u32("clip.vision.projection_dim", static_cast<uint32_t>(s.projection_dim));
  w.set_u32("clip.vision.attention.head_count", static_cast<uint32_t>(s.n_head));
  w.set_f32("clip.vision.attention.layer_norm_epsilon", s.eps);
  w.set_u32("clip.vision.image_size", static_cast<uint32_t>(s.position_side * s.patch_size));
  w.set_u32("clip.vision.patch_size", static_cast<uint32_t>(s.patch_size));
  w.set_u32("clip.vision.spatial_merge_size", 2);
  w.set_u32("clip.vision.image_min_pixels", static_cast<uint32_t>(s.min_pixels));
  w.set_u32("clip.vision.image_max_pixels", static_cast<uint32_t>(s.max_pixels));
  w.set_f32_array("clip.vision.image_mean", {0.5f, 0.45f, 0.4f});
  w.set_f32_array("clip.vision.image_std", {0.5f, 0.6f, 0.7f});
  w.set_bool_array("clip.vision.is_deepstack_layers", s.deepstack);

  TensorMaker t(w, s.seed);
  const int64_t e = s.n_embd, p = s.patch_size;
  const float conv_a = std::sqrt(3.0f / static_cast<float>(3 * p * p * 2));
  t.add("v.patch_embd.weight", s.weight_type, {p, p, 3, e}, conv_a);
  t.add("v.patch_embd.weight.1", s.weight_type, {p, p, 3, e}, conv_a);
  t.add("v.patch_embd.bias", kernels::DType::F32, {e}, 0.2f);
  t.add("v.position_embd.weight", s.weight_type, {e, s.position_side * s.position_side}, 1.0f);
  for (int64_t il = 0; il < s.n_layer; ++il) {
    const std::string b = fmt::format("v.blk.{}.", il);
    if (s.qkv == QkvLayout::Fused) {
      t.linear(b + "attn_qkv", s.weight_type, e, 3 * e);
    } else {
      t.linear(b + "attn_q", s.weight_type, e, e);
      t.linear(b + "attn_k", s.weight_type, e, e);
      t.linear(b + "attn_v", s.weight_type, e, e);
    }
    t.linear(b + "attn_out", s.weight_type, e, e);
    t.norm(b + "ln1", e);
    t.norm(b + "ln2", e);
    t.linear(b + "ffn_up", s.weight_type, e, s.n_ff);
    t.linear(b + "ffn_down", s.weight_type, s.n_ff, e);
  }
  t.norm("v.post_ln", e);
  t.linear("mm.0", s.weight_type, 4 * e, 4 * e);
  t.linear("mm.2", s.weight_type, 4 * e, s.projection_dim);
  for (int64_t il = 0; il < s.n_layer; ++il) {
    if (!s.deepstack[static_cast<size_t>(il)]) continue;
    const std::string b = fmt::format("v.deepstack.{}.", il);
    t.norm(b + "norm", 4 * e);
    t.linear(b + "fc1", s.weight_type, 4 * e, 4 * e);
    t.linear(b + "fc2", s.weight_type, 4 * e, s.projection_dim);
  }
  if (s.with_audio_encoder) {  // shapes are stand-ins: only the vision half is read
    t.add("a.conv1d.0.weight", kernels::DType::F32, {3, 128, 16}, 0.1f);
    t.norm("a.blk.0.ln1", 16);
    t.linear("a.blk.0.attn_q", kernels::DType::F32, 16, 16);
    t.linear("mm.a.mlp.0", kernels::DType::F32, 16, s.projection_dim);
  }
  w.write(path);
}

}  // namespace mosaic::synthetic
