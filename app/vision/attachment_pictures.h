// The pictures stored attachments show a vision model in a chat: a picture
// is itself, a video gives frames sampled over its length (labelled with
// their times), a PDF gives its first pages rendered (labelled "Page N:").
// Other documents show none (their text goes into the prompt instead).
//
// Decoding is cached (the list and sizes of an attachment's pictures for the
// session; pixels in a bounded cache), and encoding goes through the shared
// ImageEncoder and its cache. Used from the engine's thread only.
#pragma once

#include <cstddef>
#include <list>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "app/turns/prompt_pictures.h"
#include "app/vision/image_encoder.h"
#include "app/vision/visual_inputs.h"

namespace mosaic::vision_prompt {

struct AttachmentPictureOptions {
  VideoFrameOptions video;
  PdfPageOptions pdf;
  size_t pixel_cache_bytes = 96u << 20;
};

class AttachmentPictures : public turns::PictureSource {
 public:
  explicit AttachmentPictures(std::shared_ptr<ImageEncoder> encoder,
                              AttachmentPictureOptions options = {});

  std::vector<turns::PromptPicture> pictures_in(const store::Attachment& attachment,
                                                const std::filesystem::path& file) override;
  std::shared_ptr<const mosaic_image_embedding> encode(
      const turns::PromptPicture& picture, const std::function<bool(float)>& progress) override;

  const ImageEncoder& encoder() const { return *encoder_; }

 private:
  struct Known {
    std::filesystem::path file;
    std::string mime_type;
    std::vector<turns::PromptPicture> pictures;
  };
  std::vector<VisualInput> decode(const Known& known) const;
  const Known& learn(const store::Attachment& attachment, const std::filesystem::path& file);
  void keep_pixels(const std::string& identity, VisualInput input);
  const VisualInput* cached_pixels(const std::string& identity);

  std::shared_ptr<ImageEncoder> encoder_;
  AttachmentPictureOptions options_;
  std::map<std::string, Known> known_;                     // by attachment SHA-256
  std::map<std::string, std::string> attachment_of_;       // picture identity -> attachment SHA
  std::list<std::pair<std::string, VisualInput>> pixels_;  // most recent first
  size_t pixel_bytes_ = 0;
};

}  // namespace mosaic::vision_prompt
