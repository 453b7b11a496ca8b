// Measures this machine's memory read bandwidth, the ceiling of decode speed:
// generating a token reads every active weight once, so tokens/s can never
// exceed bandwidth / active_bytes_per_token.
#pragma once

#include <cstddef>
#include <string>

namespace mosaic::bench {

struct BandwidthMeasurement {
  double gb_per_s = 0.0;        // decimal GB (1e9 bytes) per second, best run
  std::string instruction_set;  // "AVX-512", "AVX2" or "scalar"
  size_t buffer_bytes = 0;
  int threads = 0;
  int runs = 0;
};

// Streams `buffer_bytes` (rounded down to a multiple of 256 per thread) with
// `threads` std::threads using the widest vector loads the CPU has, `runs`
// times, and keeps the fastest run. The buffer should be far larger than the
// caches (>= 1 GiB). Throws std::bad_alloc if it cannot be allocated.
BandwidthMeasurement measure_read_bandwidth(int threads, size_t buffer_bytes, int runs);

}  // namespace mosaic::bench
