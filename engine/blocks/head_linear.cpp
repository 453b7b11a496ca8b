#include "engine/blocks/head_linear.h"

namespace mosaic {

void per_head_linear(kernels::ThreadPool& pool, const Weight& w, const float* x, int64_t x_stride,
                     int64_t n_tok, float* y, int64_t y_stride, HeadLinearScratch& s) {
  const int64_t n_in = w.ne[0], n_out = w.ne[1], n_head = w.ne[2];
  const kernels::DType xt = kernels::type_traits(w.type).vec_dot_type;
  // Every (token, head) slice is one activation row; converting them all at
  // once lets head h read rows h, h + n_head, ... with a fixed stride.
  kernels::quantize_rows(pool, xt, x, n_tok * n_head, n_in, x_stride, s.converted);
  const size_t row = kernels::row_bytes(xt, n_in);
  s.tasks.clear();
  for (int64_t h = 0; h < n_head; ++h) {
    kernels::MatmulTask task{};
    task.w = w.matrix(h);
    task.x = s.converted.data() + static_cast<size_t>(h) * row;
    task.x_stride_bytes = row * static_cast<size_t>(n_head);
    task.x_rows = nullptr;
    task.n_rows = n_tok;
    task.y = y + h * y_stride;
    task.ldy = n_head * y_stride;
    s.tasks.push_back(task);
  }
  kernels::matmul_tasks(pool, w.type, n_in, n_out, s.tasks);
}

}  // namespace mosaic
