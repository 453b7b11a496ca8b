#include "app/vision/image_encoder.h"

#include <fmt/format.h>

#include <chrono>
#include <string_view>

#include "app/core/engine_handles.h"
#include "app/store/attachment_files.h"

namespace mosaic::vision_prompt {
namespace {

// Size, budget and pixels: the same bytes at another width are another
// picture, and another budget makes other embeddings.
std::string cache_key(const media::RgbFrame& frame, int32_t max_tokens) {
  return fmt::format("{}x{}@{}:{}", frame.width, frame.height, max_tokens,
                     store::sha256_hex(std::string_view(
                         reinterpret_cast<const char*>(frame.pixels.data()), frame.pixels.size())));
}

}  // namespace

ImageEncoder::ImageEncoder(const std::string& mmproj_path, int n_threads, size_t cache_bytes)
    : path_(mmproj_path), n_threads_(n_threads), cache_capacity_bytes_(cache_bytes) {
  if (mosaic_mmproj_load(mmproj_path.c_str(), &mmproj_) != MOSAIC_OK) {
    throw std::runtime_error(
        fmt::format("cannot load the vision file {}: {}", mmproj_path, mosaic_last_error()));
  }
  mosaic_mmproj_get_info(mmproj_, &info_);
}

ImageEncoder::~ImageEncoder() { mosaic_mmproj_free(mmproj_); }

std::pair<int32_t, int32_t> ImageEncoder::token_grid(int32_t width, int32_t height) const {
  int32_t grid_w = 0, grid_h = 0;
  if (mosaic_image_token_grid(mmproj_, width, height, max_tokens_, &grid_w, &grid_h) != MOSAIC_OK) {
    throw std::runtime_error(
        fmt::format("a {}x{} picture cannot be encoded: {}", width, height, mosaic_last_error()));
  }
  return {grid_w, grid_h};
}

void ImageEncoder::check_matches(const mosaic_model* model) const {
  mosaic_model_info m{};
  if (mosaic_model_get_info(model, &m) != MOSAIC_OK) {
    throw std::runtime_error(fmt::format("cannot read the model: {}", mosaic_last_error()));
  }
  if (!m.image_input) {
    throw std::runtime_error(fmt::format(
        "the model ({}) does not take pictures; use a vision model such as Qwen3-VL with its "
        "mmproj file",
        m.architecture));
  }
  if (info_.projection_dim != m.n_embd || info_.n_deepstack != m.n_deepstack) {
    throw std::runtime_error(fmt::format(
        "{} does not belong to this model: it makes {}-wide embeddings with {} DeepStack "
        "slices, the model takes {} with {}",
        path_, info_.projection_dim, info_.n_deepstack, m.n_embd, m.n_deepstack));
  }
}

std::shared_ptr<const EncodedImage> ImageEncoder::find(const std::string& key) {
  std::lock_guard lock(mutex_);
  const auto it = index_.find(key);
  if (it == index_.end()) return nullptr;
  lru_.splice(lru_.begin(), lru_, it->second);
  ++stats_.cache_hits;
  return it->second->second;
}

void ImageEncoder::remember(const std::string& key, std::shared_ptr<const EncodedImage> image) {
  std::lock_guard lock(mutex_);
  if (index_.count(key) != 0) return;  // encoded twice at once: keep the first
  cached_bytes_ += image->bytes();
  lru_.emplace_front(key, std::move(image));
  index_[key] = lru_.begin();
  // Evict least recently used; a picture larger than the cache is not kept.
  while (cached_bytes_ > cache_capacity_bytes_ && !lru_.empty()) {
    cached_bytes_ -= lru_.back().second->bytes();
    index_.erase(lru_.back().first);
    lru_.pop_back();
  }
}

std::shared_ptr<const EncodedImage> ImageEncoder::encode(const media::RgbFrame& frame,
                                                         const std::function<bool(float)>& progress,
                                                         CacheLookup* lookup) {
  return encode_frames(frame, media::RgbFrame{}, progress, lookup);
}

std::shared_ptr<const EncodedImage> ImageEncoder::encode_frames(
    const media::RgbFrame& frame, const media::RgbFrame& next_frame,
    const std::function<bool(float)>& progress, CacheLookup* lookup) {
  const bool pair = !next_frame.empty();
  if (pair && (next_frame.width != frame.width || next_frame.height != frame.height)) {
    throw std::runtime_error(fmt::format("the two video frames differ in size ({}x{} and {}x{})",
                                         frame.width, frame.height, next_frame.width,
                                         next_frame.height));
  }
  const int32_t max_tokens = max_tokens_;
  std::string key = cache_key(frame, max_tokens);
  if (pair) key += "+" + cache_key(next_frame, max_tokens);
  if (auto cached = find(key)) {
    if (lookup) *lookup = CacheLookup::Hit;
    return cached;
  }
  const app::EngineProgress reports = app::engine_progress(progress);
  mosaic_image_params params{n_threads_, reports.fn, reports.user, max_tokens};
  mosaic_image_embedding embedding{};
  const auto start = std::chrono::steady_clock::now();
  const mosaic_status status =
      pair ? mosaic_video_frames_encode(mmproj_, frame.pixels.data(), next_frame.pixels.data(),
                                        frame.pixels.size(), frame.width, frame.height, &params,
                                        &embedding)
           : mosaic_image_encode(mmproj_, frame.pixels.data(), frame.pixels.size(), frame.width,
                                 frame.height, &params, &embedding);
  if (status == MOSAIC_ERR_CANCELLED) throw EncodeCancelled();
  if (status != MOSAIC_OK) {
    throw std::runtime_error(fmt::format("cannot encode the picture: {}", mosaic_last_error()));
  }
  auto image = std::make_shared<const EncodedImage>(embedding);
  {
    std::lock_guard lock(mutex_);
    ++stats_.encoded;
    stats_.last_encode_ms =
        std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
  }
  remember(key, image);
  if (lookup) *lookup = CacheLookup::Encoded;
  return image;
}

EncoderStats ImageEncoder::stats() const {
  std::lock_guard lock(mutex_);
  return stats_;
}

}  // namespace mosaic::vision_prompt
