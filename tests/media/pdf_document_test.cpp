// PDFs written by the test's own generator: text per page with page numbers,
// rendering at known sizes and colours, scanned-page detection, OCR of a
// page that is only a picture of text, and damaged files.
#include "media/documents/pdf_document.h"

#include <gtest/gtest.h>

#include "media/core/media_error.h"
#include "media/documents/document_loader.h"
#include "media/documents/ocr_engine.h"
#include "tests/media/media_test_support.h"
#include "tests/media/pdf_writer.h"

namespace mosaic::media {
namespace {

bool contains(const std::string& haystack, const std::string& needle) {
  return haystack.find(needle) != std::string::npos;
}

RgbFrame striped_picture() {
  RgbFrame picture(64, 64);
  for (int y = 0; y < 64; ++y) {
    for (int x = 0; x < 64; ++x) {
      const uint8_t v = ((x / 8) % 2) ? 20 : 200;
      uint8_t* p = picture.pixel(x, y);
      p[0] = p[1] = p[2] = v;
    }
  }
  return picture;
}

class PdfDocumentTest : public ::testing::Test {
 protected:
  void SetUp() override {
    test::PdfWriter writer;
    writer.add_text_page({"Quarterly report", "Revenue grew (a lot)."});
    writer.add_text_page({"Second page text"});
    writer.add_text_page({"Third page: conclusions"});
    writer.add_image_page(striped_picture());
    writer.add_blank_page();
    pdf_ = dir_ / "report.pdf";
    writer.write(pdf_);
  }

  test::ScratchDir dir_;
  std::filesystem::path pdf_;
};

TEST_F(PdfDocumentTest, TextPerPageWithPageNumbers) {
  const PdfDocument document(pdf_);
  ASSERT_EQ(document.page_count(), 5);
  EXPECT_TRUE(contains(document.page_text(1), "Quarterly report")) << document.page_text(1);
  EXPECT_TRUE(contains(document.page_text(1), "Revenue grew (a lot).")) << document.page_text(1);
  EXPECT_FALSE(contains(document.page_text(1), "Second"));
  EXPECT_TRUE(contains(document.page_text(2), "Second page text"));
  EXPECT_EQ(document.page_text(4), "");

  const DocumentText text = document.text();
  EXPECT_EQ(text.kind, DocumentKind::Pdf);
  ASSERT_EQ(text.passages.size(), 3u);
  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ(text.passages[i].page_number, i + 1);
    EXPECT_EQ(text.passages[i].source_file, pdf_.string());
    EXPECT_EQ(text.passages[i].origin, PassageOrigin::TextLayer);
  }
  EXPECT_TRUE(contains(text.passages[2].text, "conclusions"));
  EXPECT_TRUE(contains(text.joined_text(), "Second page text"));
}

TEST_F(PdfDocumentTest, ClassifiesScannedAndBlankPages) {
  const PdfDocument document(pdf_);
  EXPECT_EQ(document.classify_page(1), PageContent::Text);
  EXPECT_EQ(document.classify_page(4), PageContent::ScannedImage);
  EXPECT_EQ(document.classify_page(5), PageContent::Blank);
}

TEST_F(PdfDocumentTest, PageNumbersOutOfRangeAreRejected) {
  const PdfDocument document(pdf_);
  for (int page : {0, 6, -1}) {
    try {
      document.page_text(page);
      ADD_FAILURE() << "page " << page;
    } catch (const MediaError& error) {
      EXPECT_EQ(error.kind(), MediaErrorKind::InvalidArgument);
      EXPECT_TRUE(contains(error.what(), "5 pages")) << error.what();
    }
  }
}

TEST(PdfRendering, SizeAndColoursFollowThePage) {
  test::ScratchDir dir;
  test::PdfWriter writer;
  // 200 x 100 pt page, red rectangle over the left half (PDF y grows upwards).
  writer.add_rectangle_page(0, 0, 100, 100, 1, 0, 0);
  writer.write(dir / "red.pdf");
  const PdfDocument document(dir / "red.pdf");
  EXPECT_DOUBLE_EQ(document.page_size(1).width_pt, 200);
  EXPECT_DOUBLE_EQ(document.page_size(1).height_pt, 100);

  const RgbFrame at_72 = document.render_page(1, PageRenderOptions{.dpi = 72});
  EXPECT_EQ(at_72.width, 200);
  EXPECT_EQ(at_72.height, 100);
  EXPECT_TRUE(test::near_color(test::average_color(at_72, 50, 50, 5), {255, 0, 0}, 3))
      << test::describe(test::average_color(at_72, 50, 50, 5));
  EXPECT_TRUE(test::near_color(test::average_color(at_72, 150, 50, 5), {255, 255, 255}, 3))
      << test::describe(test::average_color(at_72, 150, 50, 5));

  const RgbFrame at_144 = document.render_page(1, PageRenderOptions{.dpi = 144});
  EXPECT_EQ(at_144.width, 400);
  EXPECT_EQ(at_144.height, 200);
  const RgbFrame limited =
      document.render_page(1, PageRenderOptions{.dpi = 300, .max_side_px = 100});
  EXPECT_EQ(limited.width, 100);
  EXPECT_EQ(limited.height, 50);
}

TEST(PdfErrors, MissingNotPdfDamaged) {
  test::ScratchDir dir;
  try {
    PdfDocument document(dir / "absent.pdf");
    ADD_FAILURE() << "no error";
  } catch (const MediaError& error) {
    EXPECT_EQ(error.kind(), MediaErrorKind::NotFound);
  }
  test::write_bytes(dir / "notes.pdf", {'h', 'e', 'l', 'l', 'o'});
  try {
    PdfDocument document(dir / "notes.pdf");
    ADD_FAILURE() << "no error";
  } catch (const MediaError& error) {
    EXPECT_EQ(error.kind(), MediaErrorKind::Unsupported);
    EXPECT_TRUE(contains(error.what(), "notes.pdf")) << error.what();
  }
  std::string junk = "%PDF-1.4\n";
  for (int i = 0; i < 500; ++i) junk += static_cast<char>('A' + i % 26);
  test::write_bytes(dir / "junk.pdf", std::vector<uint8_t>(junk.begin(), junk.end()));
  try {
    PdfDocument document(dir / "junk.pdf");
    ADD_FAILURE() << "no error";
  } catch (const MediaError& error) {
    EXPECT_EQ(error.kind(), MediaErrorKind::Corrupt) << error.what();
  }
  // Cut in half: poppler may rebuild what is left; either way no crash, and
  // whatever pages open give text or nothing.
  test::PdfWriter writer;
  for (int i = 0; i < 6; ++i) writer.add_text_page({"Page " + std::to_string(i + 1)});
  writer.write(dir / "full.pdf");
  test::write_truncated_copy(dir / "full.pdf", dir / "cut.pdf", 0.5);
  try {
    const PdfDocument document(dir / "cut.pdf");
    for (int page = 1; page <= document.page_count(); ++page) {
      try {
        (void)document.page_text(page);
      } catch (const MediaError&) {
      }
    }
  } catch (const MediaError& error) {
    SUCCEED() << error.what();
  }
}

// A scanner's output: a page that is only a picture of text. The picture is
// made by rendering a text page with poppler.
TEST(PdfOcr, ScannedPageIsReadByOcr) {
  test::ScratchDir dir;
  test::PdfWriter text_writer;
  text_writer.add_text_page({"MOSAIC READS", "SCANNED PAGES"}, 36, 420, 200);
  text_writer.write(dir / "text.pdf");
  const RgbFrame scan = PdfDocument(dir / "text.pdf").render_page(1, PageRenderOptions{.dpi = 200});

  // OCR straight on the rendered picture.
  OcrOptions ocr_options;
  ocr_options.source_dpi = 200;
  OcrEngine ocr(ocr_options);
  const OcrResult direct = ocr.recognize(scan);
  EXPECT_TRUE(contains(direct.text, "MOSAIC READS")) << direct.text;
  EXPECT_TRUE(contains(direct.text, "SCANNED PAGES")) << direct.text;
  EXPECT_GT(direct.mean_confidence, 50);

  // And through the document loader, on a PDF whose page is that picture.
  test::PdfWriter scan_writer;
  scan_writer.add_text_page({"Cover page"});
  scan_writer.add_image_page(scan, 420, 200);
  scan_writer.write(dir / "scanned.pdf");
  const PdfDocument scanned(dir / "scanned.pdf");
  EXPECT_EQ(scanned.classify_page(2), PageContent::ScannedImage);

  const DocumentText without_ocr = extract_document_text(dir / "scanned.pdf");
  ASSERT_EQ(without_ocr.passages.size(), 1u);

  DocumentOptions options;
  options.scanned_pages = ScannedPageHandling::Ocr;
  const DocumentText with_ocr = extract_document_text(dir / "scanned.pdf", options);
  ASSERT_EQ(with_ocr.passages.size(), 2u);
  EXPECT_EQ(with_ocr.passages[0].origin, PassageOrigin::TextLayer);
  EXPECT_EQ(with_ocr.passages[1].page_number, 2);
  EXPECT_EQ(with_ocr.passages[1].origin, PassageOrigin::Ocr);
  EXPECT_TRUE(contains(with_ocr.passages[1].text, "SCANNED PAGES")) << with_ocr.passages[1].text;
}

TEST(Ocr, MissingLanguageDataIsAClearError) {
  try {
    OcrOptions options;
    options.language = "xyz";
    OcrEngine ocr(options);
    ADD_FAILURE() << "no error";
  } catch (const MediaError& error) {
    EXPECT_EQ(error.kind(), MediaErrorKind::Unsupported);
    EXPECT_TRUE(contains(error.what(), "xyz")) << error.what();
  }
}

}  // namespace
}  // namespace mosaic::media
