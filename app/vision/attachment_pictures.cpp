#include "app/vision/attachment_pictures.h"

#include <fmt/format.h>

#include <stdexcept>

namespace mosaic::vision_prompt {

AttachmentPictures::AttachmentPictures(std::shared_ptr<ImageEncoder> encoder,
                                       AttachmentPictureOptions options)
    : encoder_(std::move(encoder)), options_(options) {
  if (!encoder_) throw std::invalid_argument("AttachmentPictures needs an encoder");
}

std::vector<VisualInput> AttachmentPictures::decode(const Known& known) const {
  if (known.mime_type.starts_with("image/")) return load_picture(known.file);
  if (known.mime_type.starts_with("video/")) return load_video_frames(known.file, options_.video);
  if (known.mime_type == "application/pdf") return load_pdf_pages(known.file, options_.pdf);
  return {};
}

const AttachmentPictures::Known& AttachmentPictures::learn(const store::Attachment& attachment,
                                                           const std::filesystem::path& file) {
  if (auto it = known_.find(attachment.sha256); it != known_.end()) return it->second;
  Known known{file, attachment.mime_type, {}};
  std::vector<VisualInput> inputs;
  try {
    inputs = decode(known);
  } catch (const std::exception& e) {
    throw std::runtime_error(fmt::format("cannot read {}: {}", attachment.original_name, e.what()));
  }
  for (size_t i = 0; i < inputs.size(); ++i) {
    turns::PromptPicture picture;
    picture.identity = fmt::format("{}#{}", attachment.sha256, i);
    picture.label = inputs[i].label;
    picture.source_name = attachment.original_name;
    std::tie(picture.grid_w, picture.grid_h) =
        encoder_->token_grid(inputs[i].frame.width, inputs[i].frame.height);
    attachment_of_[picture.identity] = attachment.sha256;
    keep_pixels(picture.identity, std::move(inputs[i]));
    known.pictures.push_back(std::move(picture));
  }
  return known_.emplace(attachment.sha256, std::move(known)).first->second;
}

std::vector<turns::PromptPicture> AttachmentPictures::pictures_in(
    const store::Attachment& attachment, const std::filesystem::path& file) {
  return learn(attachment, file).pictures;
}

namespace {
size_t pixel_bytes(const VisualInput& input) {
  return input.frame.pixels.size() + input.next_frame.pixels.size();
}
}  // namespace

void AttachmentPictures::keep_pixels(const std::string& identity, VisualInput input) {
  pixel_bytes_ += pixel_bytes(input);
  pixels_.emplace_front(identity, std::move(input));
  while (pixel_bytes_ > options_.pixel_cache_bytes && pixels_.size() > 1) {
    pixel_bytes_ -= pixel_bytes(pixels_.back().second);
    pixels_.pop_back();
  }
}

const VisualInput* AttachmentPictures::cached_pixels(const std::string& identity) {
  for (auto it = pixels_.begin(); it != pixels_.end(); ++it) {
    if (it->first != identity) continue;
    pixels_.splice(pixels_.begin(), pixels_, it);
    return &pixels_.front().second;
  }
  return nullptr;
}

std::shared_ptr<const mosaic_image_embedding> AttachmentPictures::encode(
    const turns::PromptPicture& picture, const std::function<bool(float)>& progress) {
  const VisualInput* frame = cached_pixels(picture.identity);
  if (frame == nullptr) {
    // Evicted: decode the attachment again and keep its pictures' pixels.
    const auto owner = attachment_of_.find(picture.identity);
    if (owner == attachment_of_.end()) {
      throw std::runtime_error(fmt::format("{} was not read first", picture.source_name));
    }
    const Known& known = known_.at(owner->second);
    std::vector<VisualInput> inputs = decode(known);
    if (inputs.size() != known.pictures.size()) {
      throw std::runtime_error(fmt::format("{} changed on disk", picture.source_name));
    }
    for (size_t i = 0; i < inputs.size(); ++i) {
      keep_pixels(known.pictures[i].identity, std::move(inputs[i]));
    }
    frame = cached_pixels(picture.identity);
    if (frame == nullptr) throw std::runtime_error("the picture cache is too small");
  }
  try {
    std::shared_ptr<const EncodedImage> image =
        encoder_->encode_frames(frame->frame, frame->next_frame, progress);
    return {image, &image->embedding()};
  } catch (const EncodeCancelled&) {
    return nullptr;
  }
}

}  // namespace mosaic::vision_prompt
