#include "media/documents/pdf_document.h"

#include <fmt/format.h>
#include <poppler/cpp/poppler-document.h>
#include <poppler/cpp/poppler-image.h>
#include <poppler/cpp/poppler-page-renderer.h>
#include <poppler/cpp/poppler-page.h>

#include <algorithm>
#include <cstring>
#include <fstream>

#include "media/core/media_error.h"

namespace mosaic::media {
namespace {

std::string to_utf8(const poppler::ustring& text) {
  const poppler::byte_array bytes = text.to_utf8();
  return std::string(bytes.begin(), bytes.end());
}

// Poppler's text has trailing spaces and form feeds; keep line structure.
std::string tidy(std::string text) {
  std::replace(text.begin(), text.end(), '\f', '\n');
  const auto last = text.find_last_not_of(" \t\r\n");
  text.erase(last == std::string::npos ? 0 : last + 1);
  const auto first = text.find_first_not_of(" \t\r\n");
  text.erase(0, first == std::string::npos ? text.size() : first);
  return text;
}

// Share of pixels that are not (nearly) white.
double inked_fraction(const RgbFrame& frame) {
  if (frame.empty()) return 0;
  size_t inked = 0;
  const size_t count = static_cast<size_t>(frame.width) * frame.height;
  for (size_t i = 0; i < count; ++i) {
    const uint8_t* p = frame.pixels.data() + i * 3;
    if (p[0] < 235 || p[1] < 235 || p[2] < 235) ++inked;
  }
  return static_cast<double>(inked) / static_cast<double>(count);
}

}  // namespace

const char* page_content_name(PageContent content) {
  switch (content) {
    case PageContent::Text:
      return "text";
    case PageContent::ScannedImage:
      return "scanned image";
    case PageContent::Blank:
      return "blank";
  }
  return "unknown";
}

bool looks_like_pdf(const std::filesystem::path& path) {
  char signature[5] = {};
  std::ifstream in(path, std::ios::binary);
  return in.read(signature, 5) && std::memcmp(signature, "%PDF-", 5) == 0;
}

struct PdfDocument::State {
  std::string path;
  std::unique_ptr<poppler::document> document;

  std::unique_ptr<poppler::page> page(int page_number) const {
    if (page_number < 1 || page_number > document->pages()) {
      fail(MediaErrorKind::InvalidArgument,
           fmt::format("{}: no page {} (the document has {} pages)", path, page_number,
                       document->pages()));
    }
    std::unique_ptr<poppler::page> p(document->create_page(page_number - 1));
    if (!p) fail(MediaErrorKind::Corrupt, fmt::format("{}: page {} is damaged", path, page_number));
    return p;
  }
};

PdfDocument::PdfDocument(const std::filesystem::path& path) : state_(std::make_unique<State>()) {
  state_->path = path.string();
  const std::string& name = state_->path;
  std::error_code error;
  if (!std::filesystem::exists(path, error)) {
    fail(MediaErrorKind::NotFound, fmt::format("{}: no such file", name));
  }
  if (!std::filesystem::is_regular_file(path, error)) {
    fail(MediaErrorKind::Unsupported, fmt::format("{}: not a regular file", name));
  }
  // Poppler says only "failed" for any problem: check the signature ourselves
  // so that "not a PDF" and "damaged PDF" read differently.
  if (!looks_like_pdf(path)) {
    fail(MediaErrorKind::Unsupported, fmt::format("{}: not a PDF file (no %PDF- header)", name));
  }
  state_->document.reset(poppler::document::load_from_file(name));
  if (!state_->document) {
    fail(MediaErrorKind::Corrupt,
         fmt::format("{}: damaged or truncated PDF (poppler cannot read it)", name));
  }
  if (state_->document->is_locked()) {
    fail(MediaErrorKind::Unsupported, fmt::format("{}: PDF is password-protected", name));
  }
}

PdfDocument::~PdfDocument() = default;
PdfDocument::PdfDocument(PdfDocument&&) noexcept = default;
PdfDocument& PdfDocument::operator=(PdfDocument&&) noexcept = default;

const std::string& PdfDocument::path() const { return state_->path; }

int PdfDocument::page_count() const { return state_->document->pages(); }

PageSize PdfDocument::page_size(int page_number) const {
  const poppler::rectf box = state_->page(page_number)->page_rect();
  return PageSize{box.width(), box.height()};
}

std::string PdfDocument::page_text(int page_number) const {
  return tidy(to_utf8(state_->page(page_number)->text()));
}

RgbFrame PdfDocument::render_page(int page_number, const PageRenderOptions& options) const {
  const auto page = state_->page(page_number);
  const poppler::rectf box = page->page_rect();
  double dpi = options.dpi > 0 ? options.dpi : 150.0;
  const double longer_pt = std::max(box.width(), box.height());
  if (options.max_side_px > 0 && longer_pt > 0) {
    dpi = std::min(dpi, options.max_side_px * 72.0 / longer_pt);
  }
  poppler::page_renderer renderer;
  renderer.set_render_hint(poppler::page_renderer::antialiasing, true);
  renderer.set_render_hint(poppler::page_renderer::text_antialiasing, true);
  renderer.set_image_format(poppler::image::format_rgb24);
  const poppler::image image = renderer.render_page(page.get(), dpi, dpi);
  if (!image.is_valid() || image.width() <= 0 || image.height() <= 0) {
    fail(MediaErrorKind::Corrupt,
         fmt::format("{}: page {} could not be rendered", state_->path, page_number));
  }
  RgbFrame frame(image.width(), image.height());
  for (int y = 0; y < image.height(); ++y) {
    std::memcpy(frame.pixel(0, y),
                image.const_data() + static_cast<size_t>(y) * image.bytes_per_row(),
                frame.stride_bytes());
  }
  return frame;
}

PageContent PdfDocument::classify_page(int page_number) const {
  if (!page_text(page_number).empty()) return PageContent::Text;
  // Low resolution is enough to see whether anything is drawn at all.
  const RgbFrame preview =
      render_page(page_number, PageRenderOptions{.dpi = 24, .max_side_px = 256});
  return inked_fraction(preview) > 0.005 ? PageContent::ScannedImage : PageContent::Blank;
}

DocumentText PdfDocument::text() const {
  DocumentText result;
  result.source_file = state_->path;
  result.kind = DocumentKind::Pdf;
  for (int page_number = 1; page_number <= page_count(); ++page_number) {
    std::string text = page_text(page_number);
    if (text.empty()) continue;
    result.passages.push_back(TextPassage{std::move(text), state_->path, page_number});
  }
  return result;
}

}  // namespace mosaic::media
