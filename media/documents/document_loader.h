// One entry point for "give me the text of this file": picks the reader by
// content signature and extension (PDF, DOCX, ODT, plain text of any
// encoding), and optionally OCRs PDF pages that are scans.
#pragma once

#include <filesystem>

#include "media/documents/document_text.h"
#include "media/documents/ocr_engine.h"
#include "media/documents/office_document.h"
#include "media/documents/pdf_document.h"
#include "media/documents/text_file.h"

namespace mosaic::media {

enum class ScannedPageHandling { Skip, Ocr };

struct DocumentOptions {
  ScannedPageHandling scanned_pages = ScannedPageHandling::Skip;
  OcrOptions ocr;
  double ocr_dpi = 200.0;  // rendering resolution for OCR
  TextFileOptions text;
  OfficeTextOptions office;
};

// Which reader a file needs; throws Unsupported for pictures, audio, archives
// and other binary files, naming what the file appears to be.
DocumentKind detect_document_kind(const std::filesystem::path& path);

DocumentText extract_document_text(const std::filesystem::path& path,
                                   const DocumentOptions& options = {});

}  // namespace mosaic::media
