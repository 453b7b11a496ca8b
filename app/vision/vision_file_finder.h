// Which vision (mmproj) file goes with a model. Vision models ship as two
// GGUF files side by side (the text model and "mmproj-....gguf"); users
// expect the app to pair them without being told, as LM Studio does, and a
// file given explicitly must still belong to the model.
#pragma once

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "app/vision/image_encoder.h"
#include "mosaic/engine.h"

namespace mosaic::vision_prompt {

// The .gguf files beside `model_path` whose name contains "mmproj" (any
// case), sorted by name; the model itself is never one.
std::vector<std::filesystem::path> vision_files_beside(const std::filesystem::path& model_path);

struct VisionPairing {
  std::shared_ptr<ImageEncoder> encoder;  // null when the model will not see pictures
  std::filesystem::path file;             // the vision file used
  std::string note;                       // for the user: what was found or why none
};

// With `explicit_file` set: loads it and checks it belongs to `model`
// (throws std::runtime_error otherwise). Without: when the model takes
// pictures, the first file beside it that belongs to it; none found is not
// an error (the note says what to do).
VisionPairing pair_vision_file(const mosaic_model* model, const std::filesystem::path& model_path,
                               const std::filesystem::path& explicit_file, int n_threads = 0);

}  // namespace mosaic::vision_prompt
