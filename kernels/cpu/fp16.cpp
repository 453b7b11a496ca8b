#include "kernels/cpu/blocks.h"
#include "kernels/cpu/quant.h"

namespace mosaic::kernels {

float fp16_to_fp32(uint16_t h) { return half_to_float(h); }
uint16_t fp32_to_fp16(float f) { return float_to_half(f); }
float bf16_to_fp32(uint16_t h) { return bf16_bits_to_float(h); }
uint16_t fp32_to_bf16(float f) { return float_to_bf16_bits(f); }

}  // namespace mosaic::kernels
