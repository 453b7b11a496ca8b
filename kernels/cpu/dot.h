// Dot products between a weight row and an activation row.
//
// The activation row is already in type_traits(weight).vec_dot_type (F32 for
// F32/F16/BF16 weights, Q8_0 for Q8_0/Q4_0, Q8_K for Q4_K/Q6_K), so it is
// quantized once per matmul, not once per row.
#pragma once

#include <cstdint>

#include "kernels/cpu/types.h"

namespace mosaic::kernels {

// Which instruction set the dispatched kernels use; chosen once at start-up
// from CPUID, overridable with MOSAIC_CPU_ISA=scalar|avx2|avx512 for tests and
// for comparing paths in benchmarks.
enum class CpuIsa { Scalar, Avx2, Avx512 };
CpuIsa active_isa();
const char* isa_name(CpuIsa isa);
// Forces a path (tests/bench). Returns false if the CPU cannot run it.
bool set_active_isa(CpuIsa isa);

// sum_i w[i] * x[i] over n elements (n % block_elems == 0).
float vec_dot(DType weight_type, int64_t n, const void* w_row, const void* x_row);

namespace ref {
// Scalar reference, double accumulation where the format allows.
float vec_dot(DType weight_type, int64_t n, const void* w_row, const void* x_row);
}  // namespace ref

}  // namespace mosaic::kernels
