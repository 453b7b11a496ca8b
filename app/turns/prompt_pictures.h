// Pictures in a chat's prompt: what a stored attachment shows the model (a
// picture, the pages of a PDF, frames of a video), and the source that
// encodes them for the model's vision input.
//
// The turn layer only plans with pictures (their token grids, where they go
// in the prompt); reading files and running the vision encoder is the
// source's job (app/vision implements it over an mmproj file), so turns
// needs no media or encoder code of its own.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "app/store/store_types.h"
#include "mosaic/engine.h"

namespace mosaic::turns {

struct PromptPicture {
  // The same for the same pixels in every turn (the attachment's content
  // hash plus the page or frame), so a cached prompt with this picture in it
  // is reused instead of encoded and fed again.
  std::string identity;
  std::string label;        // text shown before it: "", "Page 2:", "<4.0 seconds>"
  std::string source_name;  // the attached file's name, for messages
  int32_t grid_w = 0;       // its token grid, known before encoding
  int32_t grid_h = 0;
};

class PictureSource {
 public:
  virtual ~PictureSource() = default;

  // The pictures `attachment` (stored at `file`) shows the model, in order;
  // empty when it shows none (a text document). Throws std::runtime_error
  // naming the file when it cannot be read.
  virtual std::vector<PromptPicture> pictures_in(const store::Attachment& attachment,
                                                 const std::filesystem::path& file) = 0;

  // The embedding of a picture pictures_in returned. progress gets [0, 1]
  // and returns false to cancel; a cancelled encode returns nullptr. Throws
  // std::runtime_error on failure. Called from the engine's thread.
  virtual std::shared_ptr<const mosaic_image_embedding> encode(
      const PromptPicture& picture, const std::function<bool(float)>& progress) = 0;
};

}  // namespace mosaic::turns
