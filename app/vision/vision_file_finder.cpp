#include "app/vision/vision_file_finder.h"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <system_error>

#include "app/core/engine_handles.h"

namespace mosaic::vision_prompt {
namespace {

std::string lower(std::string text) {
  std::transform(text.begin(), text.end(), text.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return text;
}

}  // namespace

std::vector<std::filesystem::path> vision_files_beside(const std::filesystem::path& model_path) {
  std::vector<std::filesystem::path> found;
  std::error_code ec;
  const std::filesystem::path dir =
      model_path.parent_path().empty() ? std::filesystem::path(".") : model_path.parent_path();
  for (std::filesystem::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
    const std::filesystem::path& p = it->path();
    const std::string name = lower(p.filename().string());
    if (!it->is_regular_file(ec) || !name.ends_with(".gguf")) continue;
    if (name.find("mmproj") == std::string::npos) continue;
    if (std::filesystem::equivalent(p, model_path, ec)) continue;
    found.push_back(p);
  }
  std::sort(found.begin(), found.end());
  return found;
}

VisionPairing pair_vision_file(const mosaic_model* model, const std::filesystem::path& model_path,
                               const std::filesystem::path& explicit_file, int n_threads) {
  VisionPairing pairing;
  if (!explicit_file.empty()) {
    auto encoder = std::make_shared<ImageEncoder>(explicit_file.string(), n_threads);
    encoder->check_matches(model);
    pairing.encoder = std::move(encoder);
    pairing.file = explicit_file;
    pairing.note = fmt::format("vision file {}", explicit_file.filename().string());
    return pairing;
  }
  if (!app::model_info(model).image_input) return pairing;  // a text model: nothing to look for
  std::string refused;
  for (const std::filesystem::path& candidate : vision_files_beside(model_path)) {
    try {
      auto encoder = std::make_shared<ImageEncoder>(candidate.string(), n_threads);
      encoder->check_matches(model);
      pairing.encoder = std::move(encoder);
      pairing.file = candidate;
      pairing.note =
          fmt::format("vision file {} (found beside the model)", candidate.filename().string());
      return pairing;
    } catch (const std::exception& e) {
      refused += fmt::format("; {}: {}", candidate.filename().string(), e.what());
    }
  }
  pairing.note = fmt::format(
      "this model can see pictures, but no vision (mmproj) file for it was found beside it{}; "
      "put the model's mmproj .gguf in the same folder to send it pictures",
      refused);
  return pairing;
}

}  // namespace mosaic::vision_prompt
