#include "media/documents/office_document.h"

#include <fmt/format.h>
#include <libxml/parser.h>
#include <libxml/tree.h>

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <memory>

#include "media/core/media_error.h"
#include "media/documents/zip_entry_reader.h"

namespace mosaic::media {
namespace {

constexpr const char* kWordNamespace =
    "http://schemas.openxmlformats.org/wordprocessingml/2006/main";
constexpr const char* kOdfTextNamespace = "urn:oasis:names:tc:opendocument:xmlns:text:1.0";
constexpr const char* kOdfOfficeNamespace = "urn:oasis:names:tc:opendocument:xmlns:office:1.0";

struct XmlDocFreer {
  void operator()(xmlDoc* doc) const { xmlFreeDoc(doc); }
};

bool is(const xmlNode* node, const char* ns, const char* local_name) {
  return node->type == XML_ELEMENT_NODE && node->ns != nullptr &&
         std::strcmp(reinterpret_cast<const char*>(node->ns->href), ns) == 0 &&
         std::strcmp(reinterpret_cast<const char*>(node->name), local_name) == 0;
}

std::string text_of(const xmlNode* node) {
  std::string out;
  for (const xmlNode* child = node->children; child; child = child->next) {
    if (child->type == XML_TEXT_NODE || child->type == XML_CDATA_SECTION_NODE) {
      out += reinterpret_cast<const char*>(child->content);
    }
  }
  return out;
}

std::unique_ptr<xmlDoc, XmlDocFreer> parse_xml(const std::string& xml, const std::string& name) {
  // No entity substitution and no network: document XML never needs either,
  // and both are classic attack paths.
  xmlDoc* doc = xmlReadMemory(xml.data(), static_cast<int>(xml.size()), name.c_str(), nullptr,
                              XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
  if (doc == nullptr) {
    const xmlError* error = xmlGetLastError();
    fail(MediaErrorKind::Corrupt,
         fmt::format("{}: malformed XML{}", name,
                     error && error->message
                         ? fmt::format(" (line {}: {})", error->line, std::string(error->message))
                         : std::string()));
  }
  return std::unique_ptr<xmlDoc, XmlDocFreer>(doc);
}

void trim_trailing_newline(std::string& text) {
  while (!text.empty() && (text.back() == '\n' || text.back() == '\r')) text.pop_back();
}

// Collects paragraphs depth-first. A paragraph nested in another (a text box
// inside a DOCX paragraph) is emitted on its own, before its container.
class ParagraphCollector {
 public:
  std::vector<std::string> paragraphs;

  void finish(std::string& text) {
    trim_trailing_newline(text);
    if (text.find_first_not_of(" \t\n") != std::string::npos) paragraphs.push_back(text);
  }
};

void walk_docx(const xmlNode* node, std::string* paragraph, ParagraphCollector& out) {
  for (const xmlNode* child = node; child; child = child->next) {
    if (child->type != XML_ELEMENT_NODE) continue;
    if (is(child, kWordNamespace, "p")) {
      std::string text;
      walk_docx(child->children, &text, out);
      out.finish(text);
    } else if (is(child, kWordNamespace, "t")) {
      if (paragraph) *paragraph += text_of(child);
    } else if (is(child, kWordNamespace, "tab")) {
      if (paragraph) *paragraph += '\t';
    } else if (is(child, kWordNamespace, "br") || is(child, kWordNamespace, "cr")) {
      if (paragraph) *paragraph += '\n';
    } else if (is(child, kWordNamespace, "delText") || is(child, kWordNamespace, "instrText")) {
      // Deleted revisions and field instructions are not part of the visible text.
    } else {
      walk_docx(child->children, paragraph, out);
    }
  }
}

void walk_odt(const xmlNode* node, std::string* paragraph, ParagraphCollector& out) {
  for (const xmlNode* child = node; child; child = child->next) {
    if (child->type == XML_TEXT_NODE || child->type == XML_CDATA_SECTION_NODE) {
      if (paragraph) *paragraph += reinterpret_cast<const char*>(child->content);
      continue;
    }
    if (child->type != XML_ELEMENT_NODE) continue;
    if (is(child, kOdfTextNamespace, "p") || is(child, kOdfTextNamespace, "h")) {
      std::string text;
      walk_odt(child->children, &text, out);
      out.finish(text);
    } else if (is(child, kOdfTextNamespace, "s")) {
      // <text:s text:c="3"/> stands for three spaces.
      int count = 1;
      if (xmlChar* c = xmlGetNsProp(child, BAD_CAST "c", BAD_CAST kOdfTextNamespace)) {
        count = std::clamp(std::atoi(reinterpret_cast<const char*>(c)), 1, 1000);
        xmlFree(c);
      }
      if (paragraph) paragraph->append(static_cast<size_t>(count), ' ');
    } else if (is(child, kOdfTextNamespace, "tab")) {
      if (paragraph) *paragraph += '\t';
    } else if (is(child, kOdfTextNamespace, "line-break")) {
      if (paragraph) *paragraph += '\n';
    } else if (is(child, kOdfOfficeNamespace, "annotation") ||
               is(child, kOdfTextNamespace, "tracked-changes")) {
      // Comments and change records are not body text.
    } else {
      walk_odt(child->children, paragraph, out);
    }
  }
}

DocumentText as_document(const std::filesystem::path& path, DocumentKind kind,
                         const std::vector<std::string>& paragraphs) {
  DocumentText result;
  result.source_file = path.string();
  result.kind = kind;
  std::string text;
  for (const std::string& paragraph : paragraphs) {
    if (!text.empty()) text += '\n';
    text += paragraph;
  }
  if (!text.empty()) result.passages.push_back(TextPassage{std::move(text), result.source_file, 0});
  return result;
}

}  // namespace

std::vector<std::string> docx_paragraphs(const std::filesystem::path& path,
                                         const OfficeTextOptions& options) {
  const std::string name = path.string();
  const std::string xml = read_zip_entry(path, "word/document.xml", options.max_xml_bytes);
  auto doc = parse_xml(xml, name + ": word/document.xml");
  const xmlNode* root = xmlDocGetRootElement(doc.get());
  if (root == nullptr || !is(root, kWordNamespace, "document")) {
    fail(MediaErrorKind::Unsupported,
         fmt::format("{}: word/document.xml is not a WordprocessingML document", name));
  }
  ParagraphCollector out;
  walk_docx(root, nullptr, out);
  return out.paragraphs;
}

std::vector<std::string> odt_paragraphs(const std::filesystem::path& path,
                                        const OfficeTextOptions& options) {
  const std::string name = path.string();
  const std::string xml = read_zip_entry(path, "content.xml", options.max_xml_bytes);
  auto doc = parse_xml(xml, name + ": content.xml");
  const xmlNode* root = xmlDocGetRootElement(doc.get());
  if (root == nullptr || !is(root, kOdfOfficeNamespace, "document-content")) {
    fail(MediaErrorKind::Unsupported,
         fmt::format("{}: content.xml is not an OpenDocument content part", name));
  }
  ParagraphCollector out;
  walk_odt(root, nullptr, out);
  return out.paragraphs;
}

DocumentText extract_docx_text(const std::filesystem::path& path,
                               const OfficeTextOptions& options) {
  return as_document(path, DocumentKind::Docx, docx_paragraphs(path, options));
}

DocumentText extract_odt_text(const std::filesystem::path& path, const OfficeTextOptions& options) {
  return as_document(path, DocumentKind::Odt, odt_paragraphs(path, options));
}

}  // namespace mosaic::media
