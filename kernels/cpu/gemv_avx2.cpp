// AVX2 decode path: no prepared-activation kernels yet; the per-row dot
// products (dot_avx2.cpp) are used.
#include "kernels/cpu/isa.h"

namespace mosaic::kernels::avx2 {

void fill_gemv(IsaKernels& k) { (void)k; }

}  // namespace mosaic::kernels::avx2
