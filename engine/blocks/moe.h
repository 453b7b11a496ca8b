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

#include "engine/blocks/ffn.h"
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
  float weights_scale = 1.0f;  // multiplies the (normalized) weights
  // Group-limited routing (DeepSeek-V3): experts form n_group equal groups
  // and only the n_group_used best groups may be chosen. 1/1 = no groups.
  int64_t n_group = 1;
  int64_t n_group_used = 1;
};

struct MoeWeights {
  Weight router;          // ffn_gate_inp {n_embd, n_expert}
  Weight selection_bias;  // exp_probs_b {n_expert} (f32), optional
  Weight gate;            // ffn_gate_exps {n_embd, n_ff, n_expert}, or absent when merged
  Weight up;              // ffn_up_exps {n_embd, n_ff, n_expert}, or absent when merged
  Weight gate_up;         // ffn_gate_up_exps {n_embd, 2 n_ff, n_expert} (gate rows first)
  Weight down;            // ffn_down_exps {n_ff, n_embd, n_expert}
  int64_t n_ff = 0;       // per-expert hidden width
  FfnWeights shared;      // ffn_{gate,up,down}_shexp: runs on every token, unweighted; optional
};

// Per-workspace buffers of the router (sized on first use, then reused: the
// decode path does not allocate).
struct RoutingScratch {
  std::vector<float> probs, selection, group_scores;
  std::vector<int32_t> order, group_order;
};

// The routing rules, one function each, applied in this order by route_tokens.

// probs = softmax(logits) or sigmoid(logits), n_expert values.
void gate_probabilities(const float* logits, int64_t n_expert, GatingFunction gating, float* probs);
// selection = probs + bias (bias may be nullptr: a copy). The bias steers
// which experts are chosen, never how much they weigh.
void add_selection_bias(const float* probs, const float* bias, int64_t n_expert, float* selection);
// Scores each of n_group groups by the sum of its two best selection values,
// keeps the n_group_used best groups and sets every other expert to -inf.
void keep_best_groups(float* selection, int64_t n_expert, int64_t n_group, int64_t n_group_used,
                      RoutingScratch& scratch);
// The k experts with the highest selection values, best first; ties go to
// the lower index.
void choose_top_k(const float* selection, int64_t n_expert, int64_t k, int32_t* chosen,
                  RoutingScratch& scratch);
// weights[j] = probs[chosen[j]], divided by their sum under SumToOne, then
// multiplied by scale.
void weigh_chosen(const float* probs, const int32_t* chosen, int64_t k,
                  WeightNormalization normalization, float scale, float* weights);

// Chooses n_expert_used experts per token from router logits (n_tok rows of
// n_expert). selection_bias: n_expert floats or nullptr. Writes n_tok * k
// ids/weights.
void route_tokens(const float* router_logits, int64_t n_tok, const RoutingConfig& config,
                  const float* selection_bias, int32_t* chosen, float* weights,
                  RoutingScratch& scratch);

struct MoeScratch {
  RoutingScratch routing;
  FfnScratch shared;
  std::vector<float> router_logits, route_weights;
  std::vector<int32_t> chosen, expert_offset, expert_fill, token_of_slot, slot_of_choice;
  std::vector<float> gate_up, hidden, down;
  std::vector<kernels::MatmulTask> tasks;
  LinearInput input, hidden_input;
};

// accumulate_into[t] += MoE(x[t]) (plus the shared expert, if any) for n_tok rows (x: normalized
// hidden states, n_embd floats per row, stride n_embd; accumulate_into the same shape).
void moe_ffn(kernels::ThreadPool& pool, const MoeWeights& w, const RoutingConfig& config,
             const float* x, int64_t n_tok, int64_t n_embd, float* accumulate_into,
             MoeScratch& scratch);

}  // namespace mosaic
