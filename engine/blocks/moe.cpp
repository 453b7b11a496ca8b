#include "engine/blocks/moe.h"

#include <algorithm>
#include <cmath>
#include <numeric>

#include "kernels/cpu/ops.h"

namespace mosaic {

void gate_probabilities(const float* logits, int64_t n_expert, GatingFunction gating,
                        float* probs) {
  if (gating == GatingFunction::Softmax) {
    std::copy(logits, logits + n_expert, probs);
    kernels::softmax(probs, n_expert);
  } else {
    for (int64_t e = 0; e < n_expert; ++e) probs[e] = 1.0f / (1.0f + std::exp(-logits[e]));
  }
}

void add_selection_bias(const float* probs, const float* bias, int64_t n_expert, float* selection) {
  for (int64_t e = 0; e < n_expert; ++e) selection[e] = probs[e] + (bias ? bias[e] : 0.0f);
}

void keep_best_groups(float* selection, int64_t n_expert, int64_t n_group, int64_t n_group_used,
                      RoutingScratch& s) {
  if (n_group <= 1 || n_group_used >= n_group) return;
  const int64_t per_group = n_expert / n_group;
  s.group_scores.resize(n_group);
  s.group_order.resize(n_group);
  for (int64_t g = 0; g < n_group; ++g) {
    const float* v = selection + g * per_group;
    float best = -INFINITY, second = -INFINITY;
    for (int64_t i = 0; i < per_group; ++i) {
      if (v[i] > best) {
        second = best;
        best = v[i];
      } else if (v[i] > second) {
        second = v[i];
      }
    }
    // A group of one expert is scored by that expert alone.
    s.group_scores[g] = per_group >= 2 ? best + second : best;
  }
  std::iota(s.group_order.begin(), s.group_order.end(), 0);
  const float* score = s.group_scores.data();
  std::partial_sort(s.group_order.begin(), s.group_order.begin() + n_group_used,
                    s.group_order.end(), [score](int32_t a, int32_t b) {
                      return score[a] > score[b] || (score[a] == score[b] && a < b);
                    });
  for (int64_t j = n_group_used; j < n_group; ++j) {
    float* v = selection + s.group_order[j] * per_group;
    std::fill(v, v + per_group, -INFINITY);
  }
}

void choose_top_k(const float* selection, int64_t n_expert, int64_t k, int32_t* chosen,
                  RoutingScratch& s) {
  s.order.resize(n_expert);
  std::iota(s.order.begin(), s.order.end(), 0);
  std::partial_sort(s.order.begin(), s.order.begin() + k, s.order.end(),
                    [selection](int32_t a, int32_t b) {
                      return selection[a] > selection[b] || (selection[a] == selection[b] && a < b);
                    });
  std::copy(s.order.begin(), s.order.begin() + k, chosen);
}

void weigh_chosen(const float* probs, const int32_t* chosen, int64_t k,
                  WeightNormalization normalization, float scale, float* weights) {
  float sum = 0.0f;
  for (int64_t j = 0; j < k; ++j) sum += probs[chosen[j]];
  const float norm =
      normalization == WeightNormalization::SumToOne && sum > 0.0f ? 1.0f / sum : 1.0f;
  for (int64_t j = 0; j < k; ++j) weights[j] = probs[chosen[j]] * norm * scale;
}

void route_tokens(const float* router_logits, int64_t n_tok, const RoutingConfig& config,
                  const float* selection_bias, int32_t* chosen, float* weights, RoutingScratch& s) {
  const int64_t n_exp = config.n_expert;
  const int64_t k = config.n_expert_used;
  s.probs.resize(n_exp);
  s.selection.resize(n_exp);
  for (int64_t t = 0; t < n_tok; ++t) {
    gate_probabilities(router_logits + t * n_exp, n_exp, config.gating, s.probs.data());
    add_selection_bias(s.probs.data(), selection_bias, n_exp, s.selection.data());
    keep_best_groups(s.selection.data(), n_exp, config.n_group, config.n_group_used, s);
    choose_top_k(s.selection.data(), n_exp, k, chosen + t * k, s);
    weigh_chosen(s.probs.data(), chosen + t * k, k, config.normalization, config.weights_scale,
                 weights + t * k);
  }
}

namespace {

// Adds one task per expert that received tokens.
void add_expert_tasks(const Weight& w, const uint8_t* x, size_t x_stride, const int32_t* x_rows,
                      const MoeScratch& s, int64_t n_expert, float* y, int64_t ldy,
                      std::vector<kernels::MatmulTask>& tasks) {
  for (int64_t e = 0; e < n_expert; ++e) {
    const int32_t begin = s.expert_offset[e];
    const int32_t count = s.expert_offset[e + 1] - begin;
    if (count == 0) continue;
    kernels::MatmulTask task{};
    task.w = w.matrix(e);
    task.x_stride_bytes = x_stride;
    if (x_rows != nullptr) {
      task.x = x;
      task.x_rows = x_rows + begin;
    } else {
      task.x = x + static_cast<size_t>(begin) * x_stride;
      task.x_rows = nullptr;
    }
    task.n_rows = count;
    task.y = y + static_cast<int64_t>(begin) * ldy;
    task.ldy = ldy;
    tasks.push_back(task);
  }
}

}  // namespace

void moe_ffn(kernels::ThreadPool& pool, const MoeWeights& w, const RoutingConfig& config,
             const float* x, int64_t n_tok, int64_t n_embd, float* accumulate_into, MoeScratch& s) {
  const int64_t n_exp = config.n_expert;
  const int64_t k = config.n_expert_used;
  const int64_t n_ff = w.n_ff;
  const int64_t n_slots = n_tok * k;

  // 1. Route.
  s.input.set(x, n_tok, n_embd, n_embd);
  s.router_logits.resize(n_tok * n_exp);
  linear(pool, w.router, s.input, s.router_logits.data(), n_exp);
  s.chosen.resize(n_slots);
  s.route_weights.resize(n_slots);
  route_tokens(s.router_logits.data(), n_tok, config,
               w.selection_bias.present() ? w.selection_bias.f32() : nullptr, s.chosen.data(),
               s.route_weights.data(), s.routing);

  // 2. Group the (token, choice) slots by expert: expert e owns slots
  //    [expert_offset[e], expert_offset[e+1]), in token order.
  s.expert_offset.assign(n_exp + 1, 0);
  for (int64_t i = 0; i < n_slots; ++i) s.expert_offset[s.chosen[i] + 1]++;
  for (int64_t e = 0; e < n_exp; ++e) s.expert_offset[e + 1] += s.expert_offset[e];
  s.expert_fill.assign(s.expert_offset.begin(), s.expert_offset.end() - 1);
  s.token_of_slot.resize(n_slots);
  s.slot_of_choice.resize(n_slots);
  for (int64_t i = 0; i < n_slots; ++i) {
    const int32_t slot = s.expert_fill[s.chosen[i]]++;
    s.token_of_slot[slot] = static_cast<int32_t>(i / k);
    s.slot_of_choice[i] = slot;
  }

  // 3. Gate and up projections of every chosen expert in one parallel region
  //    (two when gate and up are stored in different types).
  const bool merged = w.gate_up.present();
  const int64_t gu_width = 2 * n_ff;  // per slot: gate values, then up values
  s.gate_up.resize(n_slots * gu_width);
  if (merged) {
    size_t stride = 0;
    const kernels::DType xt = kernels::type_traits(w.gate_up.type).vec_dot_type;
    const uint8_t* xq = s.input.rows(pool, xt, &stride);
    s.tasks.clear();
    add_expert_tasks(w.gate_up, xq, stride, s.token_of_slot.data(), s, n_exp, s.gate_up.data(),
                     gu_width, s.tasks);
    kernels::matmul_tasks(pool, w.gate_up.type, n_embd, 2 * n_ff, s.tasks);
  } else {
    const Weight* parts[2] = {&w.gate, &w.up};
    s.tasks.clear();
    for (int part = 0; part < 2; ++part) {
      size_t stride = 0;
      const kernels::DType xt = kernels::type_traits(parts[part]->type).vec_dot_type;
      const uint8_t* xq = s.input.rows(pool, xt, &stride);
      add_expert_tasks(*parts[part], xq, stride, s.token_of_slot.data(), s, n_exp,
                       s.gate_up.data() + part * n_ff, gu_width, s.tasks);
      const bool flush = part == 1 || w.gate.type != w.up.type;
      if (flush) {
        kernels::matmul_tasks(pool, parts[part]->type, n_embd, n_ff, s.tasks);
        s.tasks.clear();
      }
    }
  }

  // 4. SwiGLU per slot.
  s.hidden.resize(n_slots * n_ff);
  auto activate = [&](int64_t slot, int) {
    const float* row = s.gate_up.data() + slot * gu_width;
    kernels::swiglu(row, row + n_ff, s.hidden.data() + slot * n_ff, n_ff);
  };
  if (n_slots > 8) {
    pool.parallel_for(n_slots, activate);
  } else {
    for (int64_t i = 0; i < n_slots; ++i) activate(i, 0);
  }

  // 5. Down projection; each expert's slots are contiguous rows of `hidden`.
  s.hidden_input.set(s.hidden.data(), n_slots, n_ff, n_ff);
  size_t h_stride = 0;
  const uint8_t* hq =
      s.hidden_input.rows(pool, kernels::type_traits(w.down.type).vec_dot_type, &h_stride);
  s.down.resize(n_slots * n_embd);
  s.tasks.clear();
  add_expert_tasks(w.down, hq, h_stride, nullptr, s, n_exp, s.down.data(), n_embd, s.tasks);
  kernels::matmul_tasks(pool, w.down.type, n_ff, n_embd, s.tasks);

  // 6. Weighted sum back into the residual stream, then the shared expert
  //    (every token, weight 1; it reuses the router's conversion of x).
  for (int64_t t = 0; t < n_tok; ++t) {
    float* dst = accumulate_into + t * n_embd;
    for (int64_t j = 0; j < k; ++j) {
      const int64_t i = t * k + j;
      kernels::axpy(dst, s.route_weights[i], s.down.data() + s.slot_of_choice[i] * n_embd, n_embd);
    }
  }
  if (w.shared.present()) swiglu_ffn(pool, w.shared, s.input, n_embd, accumulate_into, s.shared);
}

}  // namespace mosaic
