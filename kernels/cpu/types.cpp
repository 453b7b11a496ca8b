#include "kernels/cpu/types.h"

#include <cassert>

namespace mosaic::kernels {
namespace {

constexpr TypeTraits kF32{"f32", 1, 4, DType::F32};
constexpr TypeTraits kF16{"f16", 1, 2, DType::F32};
constexpr TypeTraits kBF16{"bf16", 1, 2, DType::F32};
constexpr TypeTraits kQ4_0{"q4_0", 32, 18, DType::Q8_0};
constexpr TypeTraits kQ8_0{"q8_0", 32, 34, DType::Q8_0};
constexpr TypeTraits kQ4_K{"q4_K", 256, 144, DType::Q8_K};
constexpr TypeTraits kQ6_K{"q6_K", 256, 210, DType::Q8_K};
constexpr TypeTraits kQ8_K{"q8_K", 256, 292, DType::Q8_K};

}  // namespace

const TypeTraits& type_traits(DType type) {
  switch (type) {
    case DType::F32:
      return kF32;
    case DType::F16:
      return kF16;
    case DType::BF16:
      return kBF16;
    case DType::Q4_0:
      return kQ4_0;
    case DType::Q8_0:
      return kQ8_0;
    case DType::Q4_K:
      return kQ4_K;
    case DType::Q6_K:
      return kQ6_K;
    case DType::Q8_K:
      return kQ8_K;
  }
  assert(false && "type_traits: not a DType enumerator");
  return kF32;
}

std::optional<DType> dtype_from_ggml(uint32_t ggml_type) {
  switch (ggml_type) {
    case 0:
      return DType::F32;
    case 1:
      return DType::F16;
    case 2:
      return DType::Q4_0;
    case 8:
      return DType::Q8_0;
    case 12:
      return DType::Q4_K;
    case 14:
      return DType::Q6_K;
    case 15:
      return DType::Q8_K;
    case 30:
      return DType::BF16;
    default:
      return std::nullopt;
  }
}

std::string_view ggml_type_name(uint32_t ggml_type) {
  // Ids as GGML assigns them (4 and 5 were q4_2/q4_3, removed long ago).
  switch (ggml_type) {
    case 0:
      return "f32";
    case 1:
      return "f16";
    case 2:
      return "q4_0";
    case 3:
      return "q4_1";
    case 6:
      return "q5_0";
    case 7:
      return "q5_1";
    case 8:
      return "q8_0";
    case 9:
      return "q8_1";
    case 10:
      return "q2_K";
    case 11:
      return "q3_K";
    case 12:
      return "q4_K";
    case 13:
      return "q5_K";
    case 14:
      return "q6_K";
    case 15:
      return "q8_K";
    case 16:
      return "iq2_xxs";
    case 17:
      return "iq2_xs";
    case 18:
      return "iq3_xxs";
    case 19:
      return "iq1_s";
    case 20:
      return "iq4_nl";
    case 21:
      return "iq3_s";
    case 22:
      return "iq2_s";
    case 23:
      return "iq4_xs";
    case 24:
      return "i8";
    case 25:
      return "i16";
    case 26:
      return "i32";
    case 27:
      return "i64";
    case 28:
      return "f64";
    case 29:
      return "iq1_m";
    case 30:
      return "bf16";
    case 34:
      return "tq1_0";
    case 35:
      return "tq2_0";
    case 39:
      return "mxfp4";
    default:
      return "unknown";
  }
}

size_t row_bytes(DType type, int64_t n) {
  const TypeTraits& t = type_traits(type);
  assert(n % t.block_elems == 0);
  return static_cast<size_t>(n / t.block_elems) * t.block_bytes;
}

}  // namespace mosaic::kernels
