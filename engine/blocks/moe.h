// Mixture-of-experts feed-forward block: a router picks k experts per token,
// each expert is a SwiGLU FFN stored in stacked tensors, and the outputs are
// summed with the router's weights.
//
// Execution groups the tokens by expert: every chosen expert runs once over
// all the tokens routed to it (a matrix-matrix product during prefill), and
// experts nobody chose are never read - which is what makes decode of a
// 30B-total / 3B-active model cost 3B worth of memory traffic.
#pragma once

#include <cstdint>
#include <vector>

#include "engine/blocks/linear.h"
#include "engine/model/weights.h"
#include "kernels/cpu/thread_pool.h"

namespace mosaic {

enum class GatingFunction { Softmax, Sigmoid };
enum class WeightNormalization { None, SumToOne };

struct RoutingConfig {
  int64_t n_expert = 0;
  int64_t n_expert_used = 0;
  GatingFunction gating = GatingFunction::Softmax;
  WeightNormalization normalization = WeightNormalization::SumToOne;
  float weights_scale = 1.0f;
};

struct MoeWeights {
  Weight router;     // ffn_gate_inp {n_embd, n_expert}
  Weight gate;       // ffn_gate_exps {n_embd, n_ff, n_expert}, or absent when merged
  Weight up;         // ffn_up_exps {n_embd, n_ff, n_expert}, or absent when merged
  Weight gate_up;    // ffn_gate_up_exps {n_embd, 2 n_ff, n_expert} (gate rows first)
  Weight down;       // ffn_down_exps {n_ff, n_embd, n_expert}
  int64_t n_ff = 0;  // per-expert hidden width
};

// Chooses n_expert_used experts per token from router logits (n_tok rows of
// n_expert). Ties go to the lower expert index. Writes n_tok * k ids/weights.
void route_tokens(const float* router_logits, int64_t n_tok, const RoutingConfig& config,
                  int32_t* chosen, float* weights);

struct MoeScratch {
  std::vector<float> router_logits, route_weights;
  std::vector<int32_t> chosen, expert_offset, expert_fill, token_of_slot, slot_of_choice;
  std::vector<float> gate_up, hidden, down;
  std::vector<kernels::MatmulTask> tasks;
  LinearInput input, hidden_input;
};

// accumulate_into[t] += MoE(x[t]) for n_tok rows (x: normalized hidden states,
// n_embd floats per row, stride n_embd; accumulate_into the same shape).
void moe_ffn(kernels::ThreadPool& pool, const MoeWeights& w, const RoutingConfig& config,
             const float* x, int64_t n_tok, int64_t n_embd, float* accumulate_into,
             MoeScratch& scratch);

}  // namespace mosaic
