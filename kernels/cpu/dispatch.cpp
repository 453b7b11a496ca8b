// Chooses the instruction set once, from CPUID, and routes the public entry
// points to that ISA's kernel table.
#include <atomic>
#include <cstdlib>
#include <cstring>

#include "kernels/cpu/dot.h"
#include "kernels/cpu/isa.h"

namespace mosaic::kernels {
namespace {

bool cpu_has(CpuIsa isa) {
  if (isa == CpuIsa::Scalar) return true;
#if defined(MOSAIC_KERNELS_X86)
  __builtin_cpu_init();
  const bool avx2 = __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma") &&
                    __builtin_cpu_supports("f16c");
  if (isa == CpuIsa::Avx2) return avx2;
  // The AVX-512 kernels use VNNI (vpdpbusd) and byte/word ops: Skylake-X
  // (no VNNI) takes the AVX2 path.
  return avx2 && __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw") &&
         __builtin_cpu_supports("avx512vl") && __builtin_cpu_supports("avx512dq") &&
         __builtin_cpu_supports("avx512vnni");
#else
  return false;
#endif
}

// Scalar entries stay null: the entry points fall back to the references.
struct Tables {
  IsaKernels table[3];
  Tables() {
#if defined(MOSAIC_KERNELS_X86)
    // Only for ISAs this CPU has: the fill functions are compiled with their
    // ISA's flags, and the compiler may use its instructions even there.
    if (cpu_has(CpuIsa::Avx2)) avx2::fill_kernels(table[static_cast<int>(CpuIsa::Avx2)]);
    if (cpu_has(CpuIsa::Avx512)) avx512::fill_kernels(table[static_cast<int>(CpuIsa::Avx512)]);
#endif
  }
};

const Tables& tables() {
  static const Tables t;
  return t;
}

CpuIsa best_isa() {
  if (cpu_has(CpuIsa::Avx512)) return CpuIsa::Avx512;
  if (cpu_has(CpuIsa::Avx2)) return CpuIsa::Avx2;
  return CpuIsa::Scalar;
}

CpuIsa initial_isa() {
  CpuIsa isa = best_isa();
  // MOSAIC_CPU_ISA may only lower the level: asking for an ISA the CPU lacks
  // keeps the best available one instead of crashing.
  if (const char* env = std::getenv("MOSAIC_CPU_ISA")) {
    CpuIsa want = isa;
    if (std::strcmp(env, "scalar") == 0) want = CpuIsa::Scalar;
    if (std::strcmp(env, "avx2") == 0) want = CpuIsa::Avx2;
    if (std::strcmp(env, "avx512") == 0) want = CpuIsa::Avx512;
    if (cpu_has(want)) isa = want;
  }
  return isa;
}

std::atomic<int>& isa_state() {
  static std::atomic<int> isa{static_cast<int>(initial_isa())};
  return isa;
}

}  // namespace

CpuIsa active_isa() { return static_cast<CpuIsa>(isa_state().load(std::memory_order_relaxed)); }

const char* isa_name(CpuIsa isa) {
  switch (isa) {
    case CpuIsa::Scalar:
      return "scalar";
    case CpuIsa::Avx2:
      return "avx2";
    case CpuIsa::Avx512:
      return "avx512";
  }
  return "unknown";
}

bool set_active_isa(CpuIsa isa) {
  if (!cpu_has(isa)) return false;
  isa_state().store(static_cast<int>(isa), std::memory_order_relaxed);
  return true;
}

const IsaKernels& kernels_for(CpuIsa isa) { return tables().table[static_cast<int>(isa)]; }

const IsaKernels& active_kernels() { return kernels_for(active_isa()); }

float vec_dot(DType weight_type, int64_t n, const void* w_row, const void* x_row) {
  if (DotFn f = active_kernels().dot[slot(weight_type)]) return f(n, w_row, x_row);
  return ref::vec_dot(weight_type, n, w_row, x_row);
}

}  // namespace mosaic::kernels
