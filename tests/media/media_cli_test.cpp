// Drives the real mosaic-cli: media-info on a generated clip and PDF,
// extract-text with page headers and OCR, and the errors users will meet.
#include <gtest/gtest.h>

#include <filesystem>
#include <string>

#include "tests/app/child_process.h"
#include "tests/media/media_test_support.h"
#include "tests/media/pdf_writer.h"

namespace mosaic::media {
namespace {

using mosaic::testing::ProcessResult;

class MediaCliTest : public ::testing::Test {
 protected:
  ProcessResult cli(const std::vector<std::string>& args) {
    return mosaic::testing::run_process(MOSAIC_CLI_PATH, args,
                                        {{"XDG_STATE_HOME", (dir_ / "state").string()}},
                                        dir_.path().string());
  }
  static bool contains(const std::string& text, const std::string& needle) {
    return text.find(needle) != std::string::npos;
  }
  test::ScratchDir dir_;
};

TEST_F(MediaCliTest, MediaInfoDescribesAClip) {
  MOSAIC_REQUIRE_PROGRAM("ffmpeg");
  ASSERT_TRUE(test::run_ffmpeg(
      "-f lavfi -i testsrc2=s=320x240:r=10:d=1 -f lavfi -i sine=sample_rate=22050:duration=1 "
      "-c:v libx264 -preset ultrafast -c:a aac " +
      test::quoted(dir_ / "clip.mp4")));
  const ProcessResult r = cli({"media-info", (dir_ / "clip.mp4").string()});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(contains(r.out, "video h264, 320 x 240, 10 fps")) << r.out;
  EXPECT_TRUE(contains(r.out, "audio aac, 22050 Hz, 1 channel")) << r.out;
}

TEST_F(MediaCliTest, PdfInfoAndText) {
  test::PdfWriter writer;
  writer.add_text_page({"Alpha page"});
  writer.add_blank_page();
  writer.add_text_page({"Gamma page"});
  writer.write(dir_ / "doc.pdf");
  const ProcessResult info = cli({"media-info", (dir_ / "doc.pdf").string()});
  EXPECT_EQ(info.exit_code, 0) << info.err;
  EXPECT_TRUE(contains(info.out, "pages:     3")) << info.out;
  EXPECT_TRUE(contains(info.out, "page   2: 612 x 792 pt, blank")) << info.out;

  const ProcessResult text = cli({"extract-text", (dir_ / "doc.pdf").string()});
  EXPECT_EQ(text.exit_code, 0) << text.err;
  EXPECT_EQ(text.out, "=== page 1 ===\nAlpha page\n=== page 3 ===\nGamma page\n");
}

TEST_F(MediaCliTest, ErrorsNameTheFile) {
  const ProcessResult missing = cli({"extract-text", (dir_ / "absent.docx").string()});
  EXPECT_EQ(missing.exit_code, 1);
  EXPECT_TRUE(contains(missing.err, "absent.docx: no such file")) << missing.err;
  test::write_bytes(dir_ / "junk.mp4", std::vector<uint8_t>(300, 'j'));
  const ProcessResult junk = cli({"media-info", (dir_ / "junk.mp4").string()});
  EXPECT_EQ(junk.exit_code, 1);
  EXPECT_TRUE(contains(junk.err, "junk.mp4")) << junk.err;
  EXPECT_EQ(cli({"media-info"}).exit_code, 2);  // FILE is required
}

}  // namespace
}  // namespace mosaic::media
