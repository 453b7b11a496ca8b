#include "engine/vision/vision_hparams.h"

#include <fmt/format.h>

#include "engine/error.h"

namespace mosaic::vision {
namespace {

class ClipKeys {
 public:
  explicit ClipKeys(const gguf::GgufFile& file) : meta_(file.metadata()), path_(file.path()) {}

  int64_t require_int(const std::string& key, int64_t min_value) const {
    auto v = meta_.get_int(key);
    if (!v)
      fail(ErrorCode::Format, fmt::format("mmproj '{}': missing integer key '{}'", path_, key));
    if (*v < min_value)
      fail(ErrorCode::Format,
           fmt::format("mmproj '{}': key '{}' is {}, must be >= {}", path_, key, *v, min_value));
    return *v;
  }
  int64_t int_or(const std::string& key, int64_t fallback) const {
    return meta_.contains(key) ? require_int(key, 1) : fallback;
  }
  std::array<float, 3> rgb_triplet(const std::string& key) const {
    auto v = meta_.get_float_array(key);
    if (!v || v->size() != 3)
      fail(ErrorCode::Format,
           fmt::format("mmproj '{}': key '{}' must be an array of 3 numbers", path_, key));
    return {static_cast<float>((*v)[0]), static_cast<float>((*v)[1]), static_cast<float>((*v)[2])};
  }
  [[noreturn]] void bad(const std::string& what) const {
    fail(ErrorCode::Format, fmt::format("mmproj '{}': {}", path_, what));
  }
  const gguf::Metadata& meta() const { return meta_; }
  const std::string& path() const { return path_; }

 private:
  const gguf::Metadata& meta_;
  const std::string& path_;
};

std::string projector_type(const ClipKeys& keys) {
  // Files with several modalities name the vision projector separately.
  for (const char* key : {"clip.vision.projector_type", "clip.projector_type"}) {
    if (auto v = keys.meta().get_string(key)) return *v;
  }
  keys.bad("no clip.projector_type key: is this an mmproj file?");
}

std::vector<int64_t> deepstack_layers(const ClipKeys& keys, int64_t n_layer) {
  std::vector<int64_t> layers;
  const gguf::Value* v = keys.meta().find("clip.vision.is_deepstack_layers");
  if (!v) return layers;
  if (!v->is_array() || v->element_type() != gguf::ValueType::Bool)
    keys.bad("clip.vision.is_deepstack_layers must be an array of bools");
  auto flags = v->elements<uint8_t>();
  if (static_cast<int64_t>(flags.size()) != n_layer)
    keys.bad(fmt::format("clip.vision.is_deepstack_layers has {} entries for {} blocks",
                         flags.size(), n_layer));
  for (int64_t il = 0; il < n_layer; ++il)
    if (flags[static_cast<size_t>(il)]) layers.push_back(il);
  return layers;
}

}  // namespace

VisionHparams read_vision_hparams(const gguf::GgufFile& file) {
  ClipKeys keys(file);
  const std::string type = projector_type(keys);
  if (type != kQwen3vlProjector)
    fail(ErrorCode::Unsupported,
         fmt::format("mmproj '{}': projector type '{}' is not supported (supported: {})",
                     file.path(), type, kQwen3vlProjector));
  auto has_vision = keys.meta().get_bool("clip.has_vision_encoder");
  if (!has_vision || !*has_vision) keys.bad("it has no vision encoder (clip.has_vision_encoder)");

  VisionHparams hp;
  hp.n_embd = keys.require_int("clip.vision.embedding_length", 1);
  hp.n_ff = keys.require_int("clip.vision.feed_forward_length", 1);
  hp.n_layer = keys.require_int("clip.vision.block_count", 1);
  hp.n_head = keys.require_int("clip.vision.attention.head_count", 1);
  hp.projection_dim = keys.require_int("clip.vision.projection_dim", 1);
  hp.patch_size = keys.require_int("clip.vision.patch_size", 1);
  hp.merge_size = keys.int_or("clip.vision.spatial_merge_size", 2);
  if (hp.merge_size != 2)
    fail(ErrorCode::Unsupported,
         fmt::format("mmproj '{}': spatial_merge_size {} is not supported (Qwen3-VL uses 2)",
                     file.path(), hp.merge_size));
  // The 2-D rotary splits each head into four equal sections.
  if (hp.n_embd % hp.n_head != 0 || (hp.n_embd / hp.n_head) % 4 != 0)
    keys.bad(fmt::format("embedding_length {} must split into {} heads of a multiple of 4",
                         hp.n_embd, hp.n_head));
  hp.head_dim = hp.n_embd / hp.n_head;
  auto eps = keys.meta().get_float("clip.vision.attention.layer_norm_epsilon");
  if (!eps || !(*eps > 0.0) || *eps > 1.0)
    keys.bad("clip.vision.attention.layer_norm_epsilon must be in (0, 1]");
  hp.eps = static_cast<float>(*eps);
  hp.image_mean = keys.rgb_triplet("clip.vision.image_mean");
  hp.image_std = keys.rgb_triplet("clip.vision.image_std");
  for (float s : hp.image_std)
    if (!(s > 0.0f)) keys.bad("clip.vision.image_std must be positive");
  hp.deepstack_layers = deepstack_layers(keys, hp.n_layer);

  const int64_t token_pixels = hp.pixel_factor() * hp.pixel_factor();
  hp.min_pixels = keys.int_or("clip.vision.image_min_pixels", 8 * token_pixels);
  hp.max_pixels = keys.int_or("clip.vision.image_max_pixels", 4096 * token_pixels);
  if (hp.max_pixels < hp.min_pixels || hp.max_pixels < token_pixels)
    keys.bad(fmt::format("image pixel budget {}..{} is empty", hp.min_pixels, hp.max_pixels));
  return hp;
}

}  // namespace mosaic::vision
