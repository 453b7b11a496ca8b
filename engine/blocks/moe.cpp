#include "engine/blocks/moe.h"

#include <algorithm>
#include <cmath>
#include <numeric>

#include "kernels/cpu/ops.h"

namespace mosaic {

void route_tokens(const float* router_logits, int64_t n_tok, const RoutingConfig& config,
                  int32_t* chosen, float* weights) {
  const int64_t n_exp = config.n_expert;
  const int64_t k = config.n_expert_used;
  // Per-thread buffers: routing runs once per layer per step, and the decode
  // path must not allocate.
  thread_local std::vector<float> probs;
  thread_local std::vector<int32_t> order;
  probs.resize(n_exp);
  order.resize(n_exp);
  for (int64_t t = 0; t < n_tok; ++t) {
    const float* logits = router_logits + t * n_exp;
    if (config.gating == GatingFunction::Softmax) {
      std::copy(logits, logits + n_exp, probs.begin());
      kernels::softmax(probs.data(), n_exp);
    } else {
      for (int64_t e = 0; e < n_exp; ++e) probs[e] = 1.0f / (1.0f + std::exp(-logits[e]));
    }
    std::iota(order.begin(), order.end(), 0);
    std::partial_sort(order.begin(), order.begin() + k, order.end(), [&](int32_t a, int32_t b) {
      return probs[a] > probs[b] || (probs[a] == probs[b] && a < b);
    });
    float sum = 0.0f;
    for (int64_t j = 0; j < k; ++j) sum += probs[order[j]];
    const float norm =
        config.normalization == WeightNormalization::SumToOne && sum > 0.0f ? 1.0f / sum : 1.0f;
    for (int64_t j = 0; j < k; ++j) {
      chosen[t * k + j] = order[j];
      weights[t * k + j] = probs[order[j]] * norm * config.weights_scale;
    }
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
  route_tokens(s.router_logits.data(), n_tok, config, s.chosen.data(), s.route_weights.data());

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

  // 6. Weighted sum back into the residual stream.
  for (int64_t t = 0; t < n_tok; ++t) {
    float* dst = accumulate_into + t * n_embd;
    for (int64_t j = 0; j < k; ++j) {
      const int64_t i = t * k + j;
      kernels::axpy(dst, s.route_weights[i], s.down.data() + s.slot_of_choice[i] * n_embd, n_embd);
    }
  }
}

}  // namespace mosaic
