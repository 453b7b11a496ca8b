// Small helpers to apply a per-row operation to a batch of token rows.
#pragma once

#include <cstdint>

#include "kernels/cpu/thread_pool.h"

namespace mosaic {

// Runs fn(row) for row in [0, n_rows): on the calling thread for a handful of
// rows (decode: waking workers would cost more than the work), else in
// parallel.
template <typename Fn>
void for_each_row(kernels::ThreadPool& pool, int64_t n_rows, Fn&& fn) {
  if (n_rows <= 4) {
    for (int64_t r = 0; r < n_rows; ++r) fn(r);
    return;
  }
  pool.parallel_for(n_rows, [&](int64_t r, int) { fn(r); });
}

}  // namespace mosaic
