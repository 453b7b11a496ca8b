// The Qwen3 MoE text model, shared by qwen3moe (qwen3moe.cpp) and the text
// side of Qwen3-VL / Qwen3-Omni (qwen3vlmoe.cpp), which adds image input:
// interleaved multimodal rope and DeepStack features added to the first
// layers' outputs.
#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "engine/model/architecture.h"

namespace mosaic {

struct Qwen3VisionText {
  std::array<int64_t, 3> rope_sections{0, 0, 0};  // time, row, column pairs
  int64_t n_deepstack = 0;  // layers 0..n_deepstack-1 get a DeepStack slice added
};

// Reads `arch`.* keys and the qwen3moe tensors; vision adds image input.
// Throws mosaic::Error.
std::unique_ptr<Architecture> make_qwen3moe_text(const gguf::GgufFile& file,
                                                 const std::string& arch,
                                                 const std::optional<Qwen3VisionText>& vision);

}  // namespace mosaic
