#include "app/turns/attachment_import.h"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <utility>

#include "media/core/media_error.h"
#include "media/decode/image_decoder.h"
#include "media/decode/media_probe.h"
#include "media/documents/document_loader.h"

namespace mosaic::turns {
namespace {

std::string lower_extension(const std::filesystem::path& file) {
  std::string ext = file.extension().string();
  std::transform(ext.begin(), ext.end(), ext.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return ext;
}

bool is_picture(const std::string& mime) { return mime.starts_with("image/"); }
bool is_video(const std::string& mime) { return mime.starts_with("video/"); }

// Passages joined with "[page N]" markers where the document has pages.
std::string text_with_pages(const media::DocumentText& doc) {
  std::string text;
  for (const media::TextPassage& p : doc.passages) {
    if (!text.empty()) text += "\n\n";
    if (p.page_number > 0) {
      text += fmt::format("[page {}{}]\n", p.page_number,
                          p.origin == media::PassageOrigin::Ocr ? ", scanned (OCR)" : "");
    }
    text += p.text;
  }
  return text;
}

// Cuts at a character boundary.
std::string cut_utf8(std::string text, size_t max_bytes) {
  if (text.size() <= max_bytes) return text;
  size_t cut = max_bytes;
  while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80) --cut;
  text.resize(cut);
  return text;
}

}  // namespace

std::string mime_type_for(const std::filesystem::path& file) {
  static const std::array<std::pair<const char*, const char*>, 28> kTypes = {{
      {".png", "image/png"},
      {".jpg", "image/jpeg"},
      {".jpeg", "image/jpeg"},
      {".webp", "image/webp"},
      {".gif", "image/gif"},
      {".bmp", "image/bmp"},
      {".tif", "image/tiff"},
      {".tiff", "image/tiff"},
      {".pdf", "application/pdf"},
      {".mp4", "video/mp4"},
      {".m4v", "video/mp4"},
      {".mov", "video/quicktime"},
      {".mkv", "video/x-matroska"},
      {".webm", "video/webm"},
      {".avi", "video/x-msvideo"},
      {".txt", "text/plain"},
      {".md", "text/markdown"},
      {".csv", "text/csv"},
      {".json", "application/json"},
      {".html", "text/html"},
      {".py", "text/x-python"},
      {".cpp", "text/x-c++"},
      {".h", "text/x-c"},
      {".c", "text/x-c"},
      {".rs", "text/x-rust"},
      {".js", "text/javascript"},
      {".docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"},
      {".odt", "application/vnd.oasis.opendocument.text"},
  }};
  const std::string ext = lower_extension(file);
  for (const auto& [suffix, mime] : kTypes) {
    if (ext == suffix) return mime;
  }
  return "application/octet-stream";
}

ImportedAttachment import_attachment(store::ConversationStore& store,
                                     const std::filesystem::path& file,
                                     const AttachmentImportOptions& options) {
  store::AttachmentInfo info;
  info.mime_type = mime_type_for(file);
  info.original_name = file.filename().string();
  std::string note;
  if (is_picture(info.mime_type)) {
    // Decoding checks the picture is sound (and not a decompression bomb)
    // before it is stored.
    media::ImageDecodeOptions check;
    check.max_side_px = 256;
    media::decode_image_file(file, check);
    const media::ImageHeader header = media::read_image_file_header(file);
    info.metadata_json = fmt::format(R"({{"width":{},"height":{}}})", header.width, header.height);
    note = "picture stored with the message (a vision model is needed to see it)";
  } else if (is_video(info.mime_type)) {
    const media::MediaInfo probe = media::media_info(file);
    const media::StreamInfo* video = probe.first_stream(media::StreamKind::Video);
    if (video == nullptr || video->still_image) {
      throw media::MediaError(media::MediaErrorKind::Unsupported,
                              fmt::format("{} has no video stream", file.string()));
    }
    info.metadata_json = fmt::format(R"({{"width":{},"height":{},"duration_ms":{}}})", video->width,
                                     video->height, probe.duration_ms);
    note = fmt::format(
        "video stored with the message ({:.1f} s; a vision model sees frames sampled from it)",
        static_cast<double>(probe.duration_ms) / 1000.0);
  } else {
    media::DocumentOptions doc_options;
    doc_options.scanned_pages = options.scanned_pages == ScannedPages::Ocr
                                    ? media::ScannedPageHandling::Ocr
                                    : media::ScannedPageHandling::Skip;
    const media::DocumentText doc = media::extract_document_text(file, doc_options);
    std::string text = text_with_pages(doc);
    const size_t full_size = text.size();
    info.extracted_text = cut_utf8(std::move(text), options.max_text_bytes);
    const char* cut = full_size > info.extracted_text.size() ? ", cut to the size limit" : "";
    note = doc.kind == media::DocumentKind::PlainText
               ? fmt::format("text read ({} bytes, {}{})", info.extracted_text.size(),
                             doc.detected_encoding, cut)
               : fmt::format("{} text extracted ({} bytes{})", media::document_kind_name(doc.kind),
                             info.extracted_text.size(), cut);
  }
  return {store.add_attachment_file(file, std::move(info)), note};
}

}  // namespace mosaic::turns
