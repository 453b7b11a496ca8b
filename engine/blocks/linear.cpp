#include "engine/blocks/linear.h"

#include <cstring>

#include "engine/error.h"

namespace mosaic {

void LinearInput::set(const float* x, int64_t n_tok, int64_t n_in, int64_t ldx) {
  x_ = x;
  n_tok_ = n_tok;
  n_in_ = n_in;
  ldx_ = ldx;
  for (Converted& c : cache_) c.valid = false;
}

const uint8_t* LinearInput::rows(kernels::ThreadPool& pool, kernels::DType type,
                                 size_t* stride_bytes) {
  *stride_bytes = kernels::row_bytes(type, n_in_);
  if (type == kernels::DType::F32 && ldx_ == n_in_) {
    return reinterpret_cast<const uint8_t*>(x_);  // already in the right form
  }
  Converted* slot = nullptr;
  for (Converted& c : cache_) {
    if (c.valid && c.type == type) return c.data.data();
  }
  for (Converted& c : cache_) {
    if (!c.valid) {
      slot = &c;
      break;
    }
  }
  if (slot == nullptr) fail(ErrorCode::Internal, "LinearInput: too many activation types");
  kernels::quantize_rows(pool, type, x_, n_tok_, n_in_, ldx_, slot->data);
  slot->type = type;
  slot->valid = true;
  return slot->data.data();
}

void linear(kernels::ThreadPool& pool, const Weight& w, LinearInput& input, float* y, int64_t ldy,
            int64_t expert) {
  const kernels::DType x_type = kernels::type_traits(w.type).vec_dot_type;
  size_t stride = 0;
  const uint8_t* x = input.rows(pool, x_type, &stride);
  const kernels::MatmulTask task{w.matrix(expert), x, stride, nullptr, input.n_tok(), y, ldy};
  kernels::matmul_tasks(pool, w.type, w.ne[0], w.ne[1], {&task, 1});
}

}  // namespace mosaic
