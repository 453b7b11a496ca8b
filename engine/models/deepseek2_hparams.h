// deepseek2 hyperparameters: the GGUF keys llama.cpp's converters write
// (old and MLA-era files), checked, with the conventions they imply (which
// per-head widths, which routing defaults, where YaRN's temperature goes).
#pragma once

#include <cstdint>

#include "engine/blocks/moe.h"
#include "engine/blocks/rope.h"
#include "engine/gguf/gguf_metadata.h"
#include "engine/model/architecture.h"

namespace mosaic {

struct Deepseek2Hparams {
  ModelDims dims;       // n_vocab comes from the embedding tensor, not from keys
  int64_t q_lora = 0;   // 0: plain attn_q (V2-Lite)
  int64_t kv_lora = 0;  // cached latent c_kv
  int64_t nope = 0;     // per-head key dims without rotation
  int64_t n_rot = 0;    // per-head rotated dims (k_pe is shared by all heads)
  int64_t v_dim = 0;    // per-head value dims
  int64_t n_dense_lead = 0, n_ff_dense = 0;  // leading dense SwiGLU layers
  int64_t n_ff_exp = 0, n_shared = 0;        // expert width, shared experts
  float rms_eps = 1e-6f;
  float kq_scale = 1.0f;  // softmax scale, YaRN temperature included
  RopeParams rope;
  RoutingConfig routing;
};

// Throws Error(Format) naming the key for missing or inconsistent values,
// Error(Unsupported) for values Mosaic does not implement.
Deepseek2Hparams read_deepseek2_hparams(const gguf::Metadata& meta);

}  // namespace mosaic
