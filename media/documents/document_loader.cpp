#include "media/documents/document_loader.h"

#include <fmt/format.h>

#include <algorithm>
#include <cstring>
#include <fstream>
#include <optional>

#include "media/core/media_error.h"
#include "media/documents/zip_entry_reader.h"

namespace mosaic::media {
namespace {

std::string lower_extension(const std::filesystem::path& path) {
  std::string extension = path.extension().string();
  std::transform(extension.begin(), extension.end(), extension.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return extension;
}

// Signatures of common binary formats people attach by mistake.
const char* binary_format_name(const char* head, size_t length) {
  struct Signature {
    const char* bytes;
    size_t size;
    const char* name;
  };
  static const Signature kSignatures[] = {
      {"\x89PNG", 4, "a PNG image"},
      {"\xFF\xD8\xFF", 3, "a JPEG image"},
      {"GIF8", 4, "a GIF image"},
      {"RIFF", 4, "a RIFF (WAV/WebP/AVI) file"},
      {"ID3", 3, "an MP3 file"},
      {"OggS", 4, "an Ogg file"},
      {"fLaC", 4, "a FLAC file"},
      {"\x1A\x45\xDF\xA3", 4, "a Matroska/WebM file"},
      {"\x7F"
       "ELF",
       4, "a program"},
      {"\x1F\x8B", 2, "a gzip archive"},
  };
  for (const Signature& s : kSignatures) {
    if (length >= s.size && std::memcmp(head, s.bytes, s.size) == 0) return s.name;
  }
  if (length >= 8 && std::memcmp(head + 4, "ftyp", 4) == 0) return "an MP4/MOV file";
  return nullptr;
}

}  // namespace

DocumentKind detect_document_kind(const std::filesystem::path& path) {
  const std::string name = path.string();
  std::error_code error;
  if (!std::filesystem::exists(path, error)) {
    fail(MediaErrorKind::NotFound, fmt::format("{}: no such file", name));
  }
  char head[16] = {};
  std::ifstream in(path, std::ios::binary);
  in.read(head, sizeof(head));
  const size_t length = static_cast<size_t>(in.gcount());
  if (length >= 5 && std::memcmp(head, "%PDF-", 5) == 0) return DocumentKind::Pdf;
  if (length >= 4 && std::memcmp(head, "PK\x03\x04", 4) == 0) {
    if (zip_has_entry(path, "word/document.xml")) return DocumentKind::Docx;
    if (zip_has_entry(path, "content.xml")) return DocumentKind::Odt;
    fail(MediaErrorKind::Unsupported,
         fmt::format("{}: a ZIP archive that is neither DOCX nor ODT", name));
  }
  const std::string extension = lower_extension(path);
  if (extension == ".pdf") return DocumentKind::Pdf;  // let the PDF reader explain
  if (extension == ".docx") return DocumentKind::Docx;
  if (extension == ".odt") return DocumentKind::Odt;
  if (const char* what = binary_format_name(head, length)) {
    fail(MediaErrorKind::Unsupported, fmt::format("{}: {}, not a document", name, what));
  }
  return DocumentKind::PlainText;  // the text reader rejects other binary data
}

DocumentText extract_document_text(const std::filesystem::path& path,
                                   const DocumentOptions& options) {
  switch (detect_document_kind(path)) {
    case DocumentKind::Docx:
      return extract_docx_text(path, options.office);
    case DocumentKind::Odt:
      return extract_odt_text(path, options.office);
    case DocumentKind::PlainText:
      return extract_plain_text(path, options.text);
    case DocumentKind::Pdf:
      break;
  }
  const PdfDocument pdf(path);
  DocumentText result;
  result.source_file = pdf.path();
  result.kind = DocumentKind::Pdf;
  std::optional<OcrEngine> ocr;
  for (int page = 1; page <= pdf.page_count(); ++page) {
    std::string text = pdf.page_text(page);
    if (!text.empty()) {
      result.passages.push_back(TextPassage{std::move(text), result.source_file, page});
      continue;
    }
    if (options.scanned_pages != ScannedPageHandling::Ocr ||
        pdf.classify_page(page) != PageContent::ScannedImage) {
      continue;
    }
    if (!ocr) {
      OcrOptions ocr_options = options.ocr;
      ocr_options.source_dpi = static_cast<int>(options.ocr_dpi);
      ocr.emplace(ocr_options);
    }
    const RgbFrame picture =
        pdf.render_page(page, PageRenderOptions{.dpi = options.ocr_dpi, .max_side_px = 4096});
    OcrResult recognized = ocr->recognize(picture);
    if (!recognized.text.empty()) {
      result.passages.push_back(
          TextPassage{std::move(recognized.text), result.source_file, page, PassageOrigin::Ocr});
    }
  }
  return result;
}

}  // namespace mosaic::media
