// PDF files through poppler: text per page with page numbers, pages rendered
// to RGB pictures for vision models, and a test for pages that are scans
// (pictures of text with no text layer, which need OCR or a vision model).
#pragma once

#include <filesystem>
#include <memory>
#include <string>

#include "media/core/rgb_frame.h"
#include "media/documents/document_text.h"

namespace mosaic::media {

enum class PageContent {
  Text,          // has a text layer
  ScannedImage,  // no text, but something visible: a scan or a picture
  Blank,         // neither text nor anything drawn
};

const char* page_content_name(PageContent content);

struct PageRenderOptions {
  double dpi = 150.0;
  int max_side_px = 2048;  // lowers the resolution for large pages; <= 0: no limit
};

struct PageSize {
  double width_pt = 0;  // 1 pt = 1/72 inch
  double height_pt = 0;
};

// Whether the file starts with the PDF signature (%PDF-); false when unreadable.
bool looks_like_pdf(const std::filesystem::path& path);

class PdfDocument {
 public:
  // Throws MediaError: NotFound, Unsupported (not a PDF, password-protected), Corrupt.
  explicit PdfDocument(const std::filesystem::path& path);
  ~PdfDocument();
  PdfDocument(PdfDocument&&) noexcept;
  PdfDocument& operator=(PdfDocument&&) noexcept;

  int page_count() const;
  // page_number is 1-based, as printed in viewers; out of range throws InvalidArgument.
  PageSize page_size(int page_number) const;
  std::string page_text(int page_number) const;
  RgbFrame render_page(int page_number, const PageRenderOptions& options = {}) const;
  PageContent classify_page(int page_number) const;

  // One passage per page that has text (TextLayer origin).
  DocumentText text() const;

  const std::string& path() const;

 private:
  struct State;
  std::unique_ptr<State> state_;
};

}  // namespace mosaic::media
