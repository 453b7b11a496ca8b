// Text pulled out of a document, with where each piece came from, so answers
// can cite "report.pdf, page 3".
#pragma once

#include <string>
#include <vector>

namespace mosaic::media {

enum class DocumentKind { Pdf, Docx, Odt, PlainText };

const char* document_kind_name(DocumentKind kind);

enum class PassageOrigin { TextLayer, Ocr };

struct TextPassage {
  std::string text;         // UTF-8; paragraphs separated by '\n'
  std::string source_file;  // path as given
  int page_number = 0;      // 1-based for paged documents (PDF); 0 when there are no pages
  PassageOrigin origin = PassageOrigin::TextLayer;
};

struct DocumentText {
  std::string source_file;
  DocumentKind kind = DocumentKind::PlainText;
  std::string detected_encoding;  // plain text only: the encoding converted from
  std::vector<TextPassage> passages;

  // All passages joined with blank lines, for callers that want one string.
  std::string joined_text() const;
};

}  // namespace mosaic::media
