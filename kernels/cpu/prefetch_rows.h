// Internal: software prefetch of weight rows for the decode path, shared by
// the per-ISA gemv kernels and the per-row dot path. Plain __builtin_prefetch
// (no ISA flags needed) and static inline, so it is safe to include from
// files compiled for any instruction set.
//
// The hardware prefetcher follows one long stream well, but MoE decode reads
// many short ones (a slice of each chosen expert's matrix per thread, 0.3-0.6
// MB each, at scattered places) and restarts at every one; asking for the
// lines 4 KB ahead keeps more misses in flight from the first row on.
// Measured on the qwen3moe benchmark model, Q8_0, 2 threads, AVX-512: about
// +15-20% tokens/s (README, "Measured figures").
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>

namespace mosaic::kernels {

inline constexpr size_t kPrefetchBytes = 4096;

static inline void prefetch_range(const uint8_t* p, size_t bytes) {
  for (size_t o = 0; o < bytes; o += 64) __builtin_prefetch(p + o);
}

// y[r] = row(w + r * row_bytes) for r in [0, n_rows), each after prefetching
// the row kPrefetchBytes ahead (the first call also the lines before that).
template <typename RowFn>
static inline void rows_with_prefetch(const uint8_t* w, size_t row_bytes, int64_t n_rows, float* y,
                                      RowFn row) {
  prefetch_range(w, std::min(kPrefetchBytes, row_bytes * static_cast<size_t>(n_rows)));
  for (int64_t r = 0; r < n_rows; ++r) {
    prefetch_range(w + r * row_bytes + kPrefetchBytes, row_bytes);
    y[r] = row(w + r * row_bytes);
  }
}

}  // namespace mosaic::kernels
