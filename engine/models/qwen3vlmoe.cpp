// qwen3vlmoe: the text model of Qwen3-VL-30B-A3B / 235B-A22B and of
// Qwen3-Omni's thinker. The qwen3moe text model (same tensors) plus image
// input: interleaved multimodal rope over (time, row, column) positions,
// sections from rope.dimension_sections, and DeepStack: image rows carry
// extra feature slices from the vision encoder, added to the outputs of the
// first n_deepstack_layers layers. The vision encoder itself lives in a
// separate mmproj file (engine/vision/).
#include <fmt/format.h>

#include "engine/error.h"
#include "engine/model/weights.h"
#include "engine/models/qwen3moe.h"

namespace mosaic {

std::unique_ptr<Architecture> make_qwen3vlmoe(const gguf::GgufFile& file) {
  const std::string arch = "qwen3vlmoe";
  const ArchKeys keys(file.metadata(), arch);
  const std::string sections_key = keys.full_key("rope.dimension_sections");
  const auto sections = file.metadata().get_int_array(sections_key);
  if (!sections) fail(ErrorCode::Format, fmt::format("required key '{}' is missing", sections_key));
  // Files store four entries (the fourth is 0 for Qwen3-VL); three are used.
  if (sections->size() < 3 || sections->size() > 4) {
    fail(ErrorCode::Format,
         fmt::format("{} must have 3 or 4 entries, not {}", sections_key, sections->size()));
  }
  if (sections->size() == 4 && (*sections)[3] != 0) {
    fail(ErrorCode::Unsupported, fmt::format("{}: a fourth rope section ({}) is not supported",
                                             sections_key, (*sections)[3]));
  }
  Qwen3VisionText vision;
  vision.rope_sections = {(*sections)[0], (*sections)[1], (*sections)[2]};
  vision.n_deepstack = keys.int_or("n_deepstack_layers", 0);
  return make_qwen3moe_text(file, arch, vision);
}

}  // namespace mosaic
