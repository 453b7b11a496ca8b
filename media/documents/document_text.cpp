#include "media/documents/document_text.h"

namespace mosaic::media {

const char* document_kind_name(DocumentKind kind) {
  switch (kind) {
    case DocumentKind::Pdf:
      return "PDF";
    case DocumentKind::Docx:
      return "DOCX";
    case DocumentKind::Odt:
      return "ODT";
    case DocumentKind::PlainText:
      return "text";
  }
  return "unknown";
}

std::string DocumentText::joined_text() const {
  std::string out;
  for (const TextPassage& passage : passages) {
    if (passage.text.empty()) continue;
    if (!out.empty()) out += "\n\n";
    out += passage.text;
  }
  return out;
}

}  // namespace mosaic::media
