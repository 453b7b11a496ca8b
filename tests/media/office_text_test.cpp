// DOCX and ODT archives built in the test with libzip, and text files in
// several encodings produced with iconv: the extracted UTF-8 text must match
// what was written, paragraph for paragraph.
#include <gtest/gtest.h>
#include <iconv.h>
#include <zip.h>

#include <map>

#include "media/core/media_error.h"
#include "media/documents/document_loader.h"
#include "media/documents/office_document.h"
#include "media/documents/text_file.h"
#include "tests/media/media_test_support.h"

namespace mosaic::media {
namespace {

void write_zip(const std::filesystem::path& path,
               const std::map<std::string, std::string>& members) {
  int error = 0;
  zip_t* archive = zip_open(path.string().c_str(), ZIP_CREATE | ZIP_TRUNCATE, &error);
  ASSERT_NE(archive, nullptr);
  for (const auto& [name, content] : members) {
    zip_source_t* source = zip_source_buffer(archive, content.data(), content.size(), 0);
    ASSERT_NE(source, nullptr);
    ASSERT_GE(zip_file_add(archive, name.c_str(), source, ZIP_FL_OVERWRITE), 0);
  }
  ASSERT_EQ(zip_close(archive), 0);  // copies the buffers, which are still alive here
}

const char* kDocxXml = R"(<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">
 <w:body>
  <w:p><w:r><w:t>First </w:t></w:r><w:r><w:t>paragraph.</w:t></w:r></w:p>
  <w:p><w:r><w:t>Name</w:t><w:tab/><w:t>Value</w:t></w:r></w:p>
  <w:p><w:r><w:t>Line one</w:t><w:br/><w:t>line two</w:t></w:r></w:p>
  <w:p><w:del><w:r><w:delText>removed words</w:delText></w:r></w:del><w:r><w:t>Kept &amp; shown</w:t></w:r></w:p>
  <w:p></w:p>
  <w:tbl><w:tr><w:tc><w:p><w:r><w:t>Cell A</w:t></w:r></w:p></w:tc><w:tc><w:p><w:r><w:t>Cell B</w:t></w:r></w:p></w:tc></w:tr></w:tbl>
  <w:p><w:r><w:t>Ünïcödé – ok</w:t></w:r></w:p>
 </w:body>
</w:document>)";

const char* kOdtXml = R"(<?xml version="1.0" encoding="UTF-8"?>
<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0"
    xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0">
 <office:body><office:text>
  <text:h text:outline-level="1">Title</text:h>
  <text:p>Some <text:span>styled</text:span> text.</text:p>
  <text:p>a<text:s text:c="3"/>b<text:tab/>c<text:line-break/>d</text:p>
  <text:list><text:list-item><text:p>Item one</text:p></text:list-item></text:list>
  <text:p>Visible<office:annotation><text:p>hidden comment</text:p></office:annotation></text:p>
 </office:text></office:body>
</office:document-content>)";

TEST(OfficeText, DocxParagraphs) {
  test::ScratchDir dir;
  write_zip(dir / "letter.docx",
            {{"word/document.xml", kDocxXml}, {"[Content_Types].xml", "<x/>"}});
  const std::vector<std::string> expected = {
      "First paragraph.", "Name\tValue", "Line one\nline two", "Kept & shown",
      "Cell A",           "Cell B",      "Ünïcödé – ok"};
  EXPECT_EQ(docx_paragraphs(dir / "letter.docx"), expected);
  const DocumentText text = extract_document_text(dir / "letter.docx");
  EXPECT_EQ(text.kind, DocumentKind::Docx);
  ASSERT_EQ(text.passages.size(), 1u);
  EXPECT_EQ(text.passages[0].page_number, 0);
  EXPECT_EQ(text.passages[0].source_file, (dir / "letter.docx").string());
  EXPECT_EQ(text.passages[0].text.substr(0, 28), "First paragraph.\nName\tValue\n");
}

TEST(OfficeText, OdtParagraphs) {
  test::ScratchDir dir;
  write_zip(dir / "notes.odt",
            {{"mimetype", "application/vnd.oasis.opendocument.text"}, {"content.xml", kOdtXml}});
  const std::vector<std::string> expected = {"Title", "Some styled text.", "a   b\tc\nd",
                                             "Item one", "Visible"};
  EXPECT_EQ(odt_paragraphs(dir / "notes.odt"), expected);
  EXPECT_EQ(extract_document_text(dir / "notes.odt").kind, DocumentKind::Odt);
}

TEST(OfficeText, DamagedArchivesFailWithReasons) {
  test::ScratchDir dir;
  write_zip(dir / "good.docx", {{"word/document.xml", kDocxXml}});
  // Missing part.
  write_zip(dir / "empty.docx", {{"other.xml", "<x/>"}});
  try {
    docx_paragraphs(dir / "empty.docx");
    ADD_FAILURE() << "no error";
  } catch (const MediaError& error) {
    EXPECT_EQ(error.kind(), MediaErrorKind::NotFound);
    EXPECT_NE(std::string(error.what()).find("word/document.xml"), std::string::npos);
  }
  // Malformed XML.
  write_zip(dir / "broken.docx", {{"word/document.xml", "<w:document><w:p>"}});
  EXPECT_THROW(docx_paragraphs(dir / "broken.docx"), MediaError);
  // Truncated and scrambled archives.
  test::write_truncated_copy(dir / "good.docx", dir / "cut.docx", 0.6);
  EXPECT_THROW(docx_paragraphs(dir / "cut.docx"), MediaError);
  test::write_scrambled_copy(dir / "good.docx", dir / "mangled.docx", 0.2, 200);
  EXPECT_THROW(docx_paragraphs(dir / "mangled.docx"), MediaError);
  // Not a ZIP at all.
  test::write_bytes(dir / "plain.docx", {'h', 'i'});
  try {
    docx_paragraphs(dir / "plain.docx");
    ADD_FAILURE() << "no error";
  } catch (const MediaError& error) {
    EXPECT_EQ(error.kind(), MediaErrorKind::Unsupported) << error.what();
  }
  // Unpacked size over the limit (a zip bomb in miniature).
  OfficeTextOptions small;
  small.max_xml_bytes = 100;
  try {
    docx_paragraphs(dir / "good.docx", small);
    ADD_FAILURE() << "no error";
  } catch (const MediaError& error) {
    EXPECT_EQ(error.kind(), MediaErrorKind::TooLarge) << error.what();
  }
}

// Encodes UTF-8 text with iconv (the reference direction; the code under test
// converts the other way).
std::string encode(const std::string& utf8, const char* encoding) {
  iconv_t converter = iconv_open(encoding, "UTF-8");
  EXPECT_NE(converter, reinterpret_cast<iconv_t>(-1)) << encoding;
  std::string out(utf8.size() * 4 + 8, '\0');
  char* in = const_cast<char*>(utf8.data());
  size_t in_left = utf8.size();
  char* out_pointer = out.data();
  size_t out_left = out.size();
  EXPECT_NE(iconv(converter, &in, &in_left, &out_pointer, &out_left), static_cast<size_t>(-1));
  iconv_close(converter);
  out.resize(out.size() - out_left);
  return out;
}

void write_string(const std::filesystem::path& path, const std::string& bytes) {
  test::write_bytes(path, std::vector<uint8_t>(bytes.begin(), bytes.end()));
}

TEST(TextFiles, EncodingsConvertToUtf8) {
  test::ScratchDir dir;
  const std::string french =
      "Le café était déjà fermé quand nous sommes arrivés. Où êtes-vous allés après ? "
      "Nous avons mangé une crêpe à la crème près de la façade de l'hôtel, très agréable.\n";
  const std::string russian =
      "Привет, как дела? Это пример текста на русском языке, чтобы проверить определение "
      "кодировки. Съешь же ещё этих мягких французских булок, да выпей чаю.\n";

  write_string(dir / "plain.txt", french);
  write_string(dir / "bom.md", "\xEF\xBB\xBF" + french);
  write_string(dir / "utf16.txt", "\xFF\xFE" + encode(french, "UTF-16LE"));
  write_string(dir / "utf16be.txt", "\xFE\xFF" + encode(french, "UTF-16BE"));
  write_string(dir / "latin.csv", encode(french, "ISO-8859-1"));
  write_string(dir / "cyrillic.txt", encode(russian, "WINDOWS-1251"));

  EXPECT_EQ(read_text_file_as_utf8(dir / "plain.txt").text, french);
  EXPECT_EQ(read_text_file_as_utf8(dir / "plain.txt").source_encoding, "UTF-8");
  EXPECT_EQ(read_text_file_as_utf8(dir / "bom.md").text, french);
  EXPECT_EQ(read_text_file_as_utf8(dir / "utf16.txt").text, french);
  EXPECT_EQ(read_text_file_as_utf8(dir / "utf16be.txt").text, french);
  const Utf8Text latin = read_text_file_as_utf8(dir / "latin.csv");
  EXPECT_EQ(latin.text, french) << latin.source_encoding;
  const Utf8Text cyrillic = read_text_file_as_utf8(dir / "cyrillic.txt");
  EXPECT_EQ(cyrillic.text, russian) << cyrillic.source_encoding;

  const DocumentText document = extract_document_text(dir / "latin.csv");
  EXPECT_EQ(document.kind, DocumentKind::PlainText);
  ASSERT_EQ(document.passages.size(), 1u);
  EXPECT_EQ(document.passages[0].text, french);
}

TEST(TextFiles, BinaryAndInvalidInputFailCleanly) {
  test::ScratchDir dir;
  test::write_bytes(dir / "data.txt", {'a', 'b', 0, 1, 2, 'c'});
  try {
    read_text_file_as_utf8(dir / "data.txt");
    ADD_FAILURE() << "no error";
  } catch (const MediaError& error) {
    EXPECT_EQ(error.kind(), MediaErrorKind::Unsupported);
    EXPECT_NE(std::string(error.what()).find("binary"), std::string::npos) << error.what();
  }
  write_string(dir / "bad.txt", "\xEF\xBB\xBFok \xC3\x28 broken");
  EXPECT_THROW(read_text_file_as_utf8(dir / "bad.txt"), MediaError);
  write_string(dir / "big.txt", std::string(1000, 'x'));
  TextFileOptions small;
  small.max_bytes = 999;
  EXPECT_THROW(read_text_file_as_utf8(dir / "big.txt", small), MediaError);
  EXPECT_EQ(read_text_file_as_utf8(dir / "big.txt").text.size(), 1000u);
  test::write_bytes(dir / "empty.txt", {});
  EXPECT_EQ(read_text_file_as_utf8(dir / "empty.txt").text, "");
}

TEST(Utf8Validation, KnownCases) {
  EXPECT_TRUE(is_valid_utf8("plain ascii"));
  EXPECT_TRUE(is_valid_utf8("\xC3\xA9\xE2\x82\xAC\xF0\x9F\x98\x80"));  // é € 😀
  EXPECT_FALSE(is_valid_utf8("\xC0\xAF"));                             // overlong '/'
  EXPECT_FALSE(is_valid_utf8("\xED\xA0\x80"));                         // surrogate
  EXPECT_FALSE(is_valid_utf8("\xF4\x90\x80\x80"));                     // past U+10FFFF
  EXPECT_FALSE(is_valid_utf8("\xE2\x82"));                             // cut short
  EXPECT_FALSE(is_valid_utf8("\x80"));                                 // stray continuation
}

TEST(DocumentKinds, DetectedBySignatureThenExtension) {
  test::ScratchDir dir;
  write_string(dir / "report.bin", "%PDF-1.4\n");
  EXPECT_EQ(detect_document_kind(dir / "report.bin"), DocumentKind::Pdf);
  write_string(dir / "script.py", "print('hi')\n");
  EXPECT_EQ(detect_document_kind(dir / "script.py"), DocumentKind::PlainText);
  write_string(dir / "photo.txt", "\x89PNG\r\n\x1A\n0000");
  try {
    detect_document_kind(dir / "photo.txt");
    ADD_FAILURE() << "no error";
  } catch (const MediaError& error) {
    EXPECT_EQ(error.kind(), MediaErrorKind::Unsupported);
    EXPECT_NE(std::string(error.what()).find("PNG"), std::string::npos) << error.what();
  }
  write_zip(dir / "archive.zip", {{"readme.txt", "hello"}});
  EXPECT_THROW(detect_document_kind(dir / "archive.zip"), MediaError);
  EXPECT_THROW(extract_document_text(dir / "absent.txt"), MediaError);
}

}  // namespace
}  // namespace mosaic::media
