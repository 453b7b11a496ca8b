// Row operations of the vision transformer: LayerNorm, biased linear layers,
// tanh-GELU, the 2-D rotary and full (non-causal) attention.
#pragma once

#include <cstdint>
#include <vector>

#include "engine/blocks/linear.h"
#include "engine/vision/patch_grid.h"
#include "engine/vision/vision_weights.h"
#include "kernels/cpu/thread_pool.h"

namespace mosaic::vision {

// y[t] = (x[t] - mean) / sqrt(var + eps) * w + b for n_rows rows of width n.
void layer_norm_rows(kernels::ThreadPool& pool, const float* x, int64_t n_rows, int64_t n,
                     const NormWeights& norm, float eps, float* y);

// y (n_rows x l.n_out()) = x (n_rows x n_in) W^T + b.
void linear_rows(kernels::ThreadPool& pool, const LinearWeights& l, const float* x, int64_t n_rows,
                 int64_t n_in, float* y, int64_t ldy);

// The two GELUs of Qwen3-VL's vision tower: its blocks use the tanh
// approximation (hidden_act gelu_pytorch_tanh), its mergers PyTorch's exact
// nn.GELU() with erf.
enum class Gelu { Tanh, Erf };
void gelu_rows(kernels::ThreadPool& pool, float* x, int64_t n_rows, int64_t n, Gelu kind);

// Rotates each head's pairs (i, i + head_dim/2): pairs below head_dim/4 by
// the patch row, the rest by the patch column, with frequencies
// base^(-4j/head_dim) counted from the start of each quarter (base 10000).
// rows: n_tok rows of stride ld, n_head heads of head_dim each.
void rope_2d_rows(kernels::ThreadPool& pool, float* rows, int64_t ld, int64_t n_head,
                  int64_t head_dim, const std::vector<PatchPos>& order);

// out[t][h] = softmax(q[t][h] . k[*][h] / sqrt(head_dim)) v[*][h] over all
// tokens (every patch sees every patch). Runs per head as two matrix
// products (scores = Q K^T in blocks of query rows, then P V) on the
// engine's GEMM; a 1024x768 picture has 3072 patches, where a plain loop
// would take minutes.
void full_attention(kernels::ThreadPool& pool, const float* q, const float* k, const float* v,
                    int64_t ld_in, int64_t n_tok, int64_t n_head, int64_t head_dim, float* out,
                    int64_t ld_out);

// The same computed plainly, one query and one key at a time: the reference
// full_attention is tested against.
void full_attention_reference(kernels::ThreadPool& pool, const float* q, const float* k,
                              const float* v, int64_t ld_in, int64_t n_tok, int64_t n_head,
                              int64_t head_dim, float* out, int64_t ld_out);

}  // namespace mosaic::vision
