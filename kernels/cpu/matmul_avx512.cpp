// AVX-512 blocked matrix kernels (prefill).
#include <immintrin.h>

#include "kernels/cpu/blocks.h"
#include "kernels/cpu/isa.h"

namespace mosaic::kernels::avx512 {

void fill_gemm(IsaKernels& k) { (void)k; }

}  // namespace mosaic::kernels::avx512
