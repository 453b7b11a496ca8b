// AVX2 blocked matrix kernels (prefill). See matmul_avx512.cpp for the design.
#include <immintrin.h>

#include "kernels/cpu/blocks.h"
#include "kernels/cpu/isa.h"

namespace mosaic::kernels::avx2 {

void fill_gemm(IsaKernels& k) { (void)k; }

}  // namespace mosaic::kernels::avx2
