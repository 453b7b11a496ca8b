// y = x W^T for weight views, with the activations converted to each weight
// type's dot-product partner only once per input however many matrices read
// it (q, k and v share one conversion).
#pragma once

#include <array>
#include <cstdint>
#include <vector>

#include "engine/model/weights.h"
#include "kernels/cpu/matmul.h"

namespace mosaic {

class LinearInput {
 public:
  // Points at n_tok rows of n_in floats (row stride ldx). Forgets earlier
  // conversions; the floats must stay valid while this input is used.
  void set(const float* x, int64_t n_tok, int64_t n_in, int64_t ldx);

  // The rows in `type` (converted on first request), row stride in bytes.
  const uint8_t* rows(kernels::ThreadPool& pool, kernels::DType type, size_t* stride_bytes);

  int64_t n_tok() const { return n_tok_; }
  int64_t n_in() const { return n_in_; }

 private:
  struct Converted {
    kernels::DType type;
    bool valid = false;
    std::vector<uint8_t> data;
  };
  const float* x_ = nullptr;
  int64_t n_tok_ = 0, n_in_ = 0, ldx_ = 0;
  std::array<Converted, 4> cache_{};  // F32, Q8_0, Q8_K, spare: buffers reused across calls
};

// y (n_tok rows, stride ldy) = input * W^T, for a 2-D weight, or for expert
// matrix `expert` of a stacked 3-D weight.
void linear(kernels::ThreadPool& pool, const Weight& w, LinearInput& input, float* y, int64_t ldy,
            int64_t expert = 0);

}  // namespace mosaic
