// Pictures into image embeddings for the text model, through an mmproj
// file, with a cache keyed by the pixels' SHA-256: a follow-up question about
// the same picture (or the same camera frame) does not encode it again.
// Thread-safe: one encoder serves the chat and the camera at once.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <list>
#include <memory>
#include <mutex>
#include <stdexcept>
#include <string>
#include <unordered_map>
#include <utility>

#include "app/core/picture_budget.h"
#include "media/core/rgb_frame.h"
#include "mosaic/engine.h"

namespace mosaic::vision_prompt {

struct EncodeCancelled : std::runtime_error {
  EncodeCancelled() : std::runtime_error("encoding the picture was cancelled") {}
};

// An encoded picture; owns the engine's buffer.
class EncodedImage {
 public:
  explicit EncodedImage(mosaic_image_embedding embedding) : embedding_(embedding) {}
  ~EncodedImage() { mosaic_image_embedding_free(&embedding_); }
  EncodedImage(const EncodedImage&) = delete;
  EncodedImage& operator=(const EncodedImage&) = delete;

  const mosaic_image_embedding& embedding() const { return embedding_; }
  size_t bytes() const {
    return static_cast<size_t>(embedding_.n_tokens) * embedding_.row_width * sizeof(float);
  }

 private:
  mosaic_image_embedding embedding_;
};

struct EncoderStats {
  int64_t encoded = 0;
  int64_t cache_hits = 0;
  double last_encode_ms = 0;  // of the last picture actually encoded
};

enum class CacheLookup { Hit, Encoded };

class ImageEncoder {
 public:
  // Loads the mmproj file; throws std::runtime_error with the engine's message.
  explicit ImageEncoder(const std::string& mmproj_path, int n_threads = 0,
                        size_t cache_bytes = 256u << 20);
  ~ImageEncoder();
  ImageEncoder(const ImageEncoder&) = delete;
  ImageEncoder& operator=(const ImageEncoder&) = delete;

  const mosaic_mmproj_info& info() const { return info_; }

  // Throws std::runtime_error unless `model` takes pictures ("does not take
  // pictures") made by this vision file ("does not belong to this model").
  void check_matches(const mosaic_model* model) const;

  // At most this many tokens per picture from now on (0: the vision file's
  // own budget); a picture is resized smaller to fit. Any thread; negative
  // values are taken as 0.
  void set_max_tokens(int32_t max_tokens) { max_tokens_ = max_tokens > 0 ? max_tokens : 0; }
  int32_t max_tokens() const { return max_tokens_; }

  // The token grid (columns, rows) a width x height picture encodes to,
  // without encoding it, under the current max_tokens. Throws
  // std::runtime_error for an empty size.
  std::pair<int32_t, int32_t> token_grid(int32_t width, int32_t height) const;

  // The embedding of `frame`, from the cache or encoded now. progress
  // returns false to cancel (throws EncodeCancelled); other failures throw
  // std::runtime_error with the engine's message. lookup (may be null) says
  // which it was.
  std::shared_ptr<const EncodedImage> encode(const media::RgbFrame& frame,
                                             const std::function<bool(float)>& progress = {},
                                             CacheLookup* lookup = nullptr);
  // Two consecutive video frames of the same size as one picture (the
  // engine's mosaic_video_frames_encode); an empty `next_frame` encodes
  // `frame` alone. Cached by both frames' pixels; same errors as encode.
  std::shared_ptr<const EncodedImage> encode_frames(const media::RgbFrame& frame,
                                                    const media::RgbFrame& next_frame,
                                                    const std::function<bool(float)>& progress = {},
                                                    CacheLookup* lookup = nullptr);

  EncoderStats stats() const;

 private:
  std::shared_ptr<const EncodedImage> find(const std::string& key);
  void remember(const std::string& key, std::shared_ptr<const EncodedImage> image);

  std::string path_;
  mosaic_mmproj* mmproj_ = nullptr;
  mosaic_mmproj_info info_{};
  int n_threads_;
  std::atomic<int32_t> max_tokens_{app::kDefaultPictureTokens};
  size_t cache_capacity_bytes_;
  mutable std::mutex mutex_;
  // Least recently used at the back.
  std::list<std::pair<std::string, std::shared_ptr<const EncodedImage>>> lru_;
  std::unordered_map<std::string, decltype(lru_)::iterator> index_;
  size_t cached_bytes_ = 0;
  EncoderStats stats_;
};

}  // namespace mosaic::vision_prompt
