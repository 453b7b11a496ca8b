// Word-processor documents: DOCX (word/document.xml) and ODT (content.xml),
// read with libzip and libxml2. Paragraphs become lines, tabs and manual
// line breaks are kept, deleted revisions and field codes are dropped.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "media/documents/document_text.h"

namespace mosaic::media {

struct OfficeTextOptions {
  int64_t max_xml_bytes = 64LL * 1024 * 1024;  // unpacked size of the document part
};

// Paragraphs in document order (empty paragraphs dropped).
std::vector<std::string> docx_paragraphs(const std::filesystem::path& path,
                                         const OfficeTextOptions& options = {});
std::vector<std::string> odt_paragraphs(const std::filesystem::path& path,
                                        const OfficeTextOptions& options = {});

// One passage (page_number 0: these formats have no fixed pages) holding the
// paragraphs separated by '\n'.
DocumentText extract_docx_text(const std::filesystem::path& path,
                               const OfficeTextOptions& options = {});
DocumentText extract_odt_text(const std::filesystem::path& path,
                              const OfficeTextOptions& options = {});

}  // namespace mosaic::media
