#include "engine/vision/vision_weights.h"

#include <fmt/format.h>

#include <cmath>

#include "engine/error.h"
#include "kernels/cpu/quant.h"

namespace mosaic::vision {
namespace {

std::vector<float> to_floats(const Weight& w, const std::string& name) {
  const uint64_t n = w.n_elements();
  std::vector<float> out(n);
  if (w.type == kernels::DType::F32) {
    for (uint64_t i = 0; i < n; ++i) out[i] = w.f32()[i];
    return out;
  }
  if (w.type == kernels::DType::F16 || w.type == kernels::DType::BF16) {
    const auto* h = reinterpret_cast<const uint16_t*>(w.data);
    for (uint64_t i = 0; i < n; ++i)
      out[i] =
          w.type == kernels::DType::F16 ? kernels::fp16_to_fp32(h[i]) : kernels::bf16_to_fp32(h[i]);
    return out;
  }
  fail(ErrorCode::Unsupported,
       fmt::format("tensor '{}' has type {}; only f32/f16/bf16 are supported for it", name,
                   kernels::type_traits(w.type).name));
}

class Loader {
 public:
  explicit Loader(const gguf::GgufFile& file) : file_(file), weights_(file) {}

  std::vector<float> vec(const std::string& name, int64_t n) {
    return to_floats(weights_.require(name, {n}), name);
  }
  NormWeights norm(const std::string& base, int64_t n) {
    return {vec(base + ".weight", n), vec(base + ".bias", n)};
  }
  LinearWeights linear(const std::string& base, int64_t n_in, int64_t n_out) {
    LinearWeights l;
    l.w = weights_.require(base + ".weight", {n_in, n_out});
    l.b = vec(base + ".bias", n_out);
    return l;
  }
  // A linear layer whose output width is whatever the file says.
  LinearWeights linear_any_out(const std::string& base, int64_t n_in) {
    const gguf::TensorInfo* t = file_.find_tensor(base + ".weight");
    if (!t || t->n_dims != 2)
      fail(ErrorCode::Format, fmt::format("mmproj '{}': tensor '{}.weight' is missing or not 2-D",
                                          file_.path(), base));
    return linear(base, n_in, t->ne[1]);
  }
  bool has(const std::string& name) const { return weights_.contains(name); }
  WeightLoader& raw() { return weights_; }

 private:
  const gguf::GgufFile& file_;
  WeightLoader weights_;
};

}  // namespace

VisionWeights load_vision_weights(const gguf::GgufFile& file, const VisionHparams& hp) {
  Loader ld(file);
  VisionWeights vw;
  const int64_t p = hp.patch_size, e = hp.n_embd;
  {
    // Conv kernels are {P, P, 3, n_embd} in ggml order: x fastest.
    auto k0 =
        to_floats(ld.raw().require("v.patch_embd.weight", {p, p, 3, e}), "v.patch_embd.weight");
    auto k1 =
        to_floats(ld.raw().require("v.patch_embd.weight.1", {p, p, 3, e}), "v.patch_embd.weight.1");
    vw.patch_kernel = k0;
    for (size_t i = 0; i < k0.size(); ++i) vw.patch_kernel[i] += k1[i];
    vw.patch_kernel_first = std::move(k0);
    vw.patch_kernel_second = std::move(k1);
  }
  vw.patch_bias = ld.vec("v.patch_embd.bias", e);

  const gguf::TensorInfo* pos = file.find_tensor("v.position_embd.weight");
  if (!pos || pos->n_dims != 2 || pos->ne[0] != e)
    fail(ErrorCode::Format,
         fmt::format("mmproj '{}': tensor 'v.position_embd.weight' is missing or not {{{}, n}}",
                     file.path(), e));
  vw.position_side = static_cast<int64_t>(std::llround(std::sqrt(static_cast<double>(pos->ne[1]))));
  if (vw.position_side * vw.position_side != pos->ne[1])
    fail(ErrorCode::Format,
         fmt::format("mmproj '{}': v.position_embd.weight has {} positions, not a square grid",
                     file.path(), pos->ne[1]));
  vw.position = to_floats(ld.raw().require("v.position_embd.weight", {e, pos->ne[1]}),
                          "v.position_embd.weight");

  vw.layers.resize(static_cast<size_t>(hp.n_layer));
  for (int64_t il = 0; il < hp.n_layer; ++il) {
    VisionLayerWeights& l = vw.layers[static_cast<size_t>(il)];
    const std::string b = fmt::format("v.blk.{}.", il);
    l.ln1 = ld.norm(b + "ln1", e);
    l.ln2 = ld.norm(b + "ln2", e);
    if (ld.has(b + "attn_qkv.weight")) {
      l.qkv = ld.linear(b + "attn_qkv", e, 3 * e);
    } else {
      l.q = ld.linear(b + "attn_q", e, e);
      l.k = ld.linear(b + "attn_k", e, e);
      l.v = ld.linear(b + "attn_v", e, e);
    }
    l.out = ld.linear(b + "attn_out", e, e);
    l.up = ld.linear(b + "ffn_up", e, hp.n_ff);
    l.down = ld.linear(b + "ffn_down", hp.n_ff, e);
  }
  vw.post_ln = ld.norm("v.post_ln", e);
  const int64_t merged = e * hp.merge_size * hp.merge_size;
  vw.merger_fc1 = ld.linear_any_out("mm.0", merged);
  vw.merger_fc2 = ld.linear("mm.2", vw.merger_fc1.n_out(), hp.projection_dim);
  for (int64_t il : hp.deepstack_layers) {
    DeepstackWeights d;
    d.layer = il;
    const std::string b = fmt::format("v.deepstack.{}.", il);
    d.norm = ld.norm(b + "norm", merged);
    d.fc1 = ld.linear_any_out(b + "fc1", merged);
    d.fc2 = ld.linear(b + "fc2", d.fc1.n_out(), hp.projection_dim);
    vw.deepstack.push_back(std::move(d));
  }
  return vw;
}

}  // namespace mosaic::vision
