// Damaged files in bulk: each generated file gets many seeded random byte
// mutations. Every reader must either succeed or throw MediaError; any other
// exception, crash or hang fails the test (run it under ASan to see more).
#include <gtest/gtest.h>

#include <functional>
#include <random>

#include "media/core/media_error.h"
#include "media/decode/audio_decoder.h"
#include "media/decode/image_decoder.h"
#include "media/decode/media_probe.h"
#include "media/decode/video_decoder.h"
#include "media/documents/document_loader.h"
#include "tests/media/media_test_support.h"
#include "tests/media/pdf_writer.h"

namespace mosaic::media {
namespace {

constexpr int kMutantsPerFile = 12;

// Flips a few random bytes (kept off the first 8 so the format is still
// recognized and the deeper parsing code runs).
std::vector<uint8_t> mutate(std::vector<uint8_t> bytes, std::mt19937& random) {
  if (bytes.size() <= 8) return bytes;
  std::uniform_int_distribution<size_t> position(8, bytes.size() - 1);
  const int flips = 1 + static_cast<int>(random() % 8);
  for (int i = 0; i < flips; ++i) bytes[position(random)] = static_cast<uint8_t>(random());
  return bytes;
}

void expect_only_media_errors(const std::filesystem::path& original, const std::string& extension,
                              const std::function<void(const std::filesystem::path&)>& read) {
  std::mt19937 random(static_cast<uint32_t>(std::hash<std::string>{}(extension)));
  const std::vector<uint8_t> bytes = test::read_bytes(original);
  ASSERT_FALSE(bytes.empty()) << original;
  const auto mutant = original.parent_path() / ("mutant" + extension);
  int failures = 0;
  for (int i = 0; i < kMutantsPerFile; ++i) {
    test::write_bytes(mutant, mutate(bytes, random));
    try {
      read(mutant);
    } catch (const MediaError&) {
      ++failures;  // fine: a clean, explained failure
    } catch (const std::exception& error) {
      ADD_FAILURE() << extension << " mutant " << i << ": non-media exception: " << error.what();
    }
  }
  SUCCEED() << extension << ": " << failures << " of " << kMutantsPerFile << " mutants refused";
}

TEST(Mutations, MediaReadersFailCleanly) {
  MOSAIC_REQUIRE_PROGRAM("ffmpeg");
  test::ScratchDir dir;
  for (const char* name : {"p.png", "p.jpg", "p.gif", "p.bmp", "p.webp", "p.tiff"}) {
    ASSERT_TRUE(
        test::run_ffmpeg("-f lavfi -i testsrc2=s=64x48 -frames:v 1 " + test::quoted(dir / name)));
    expect_only_media_errors(dir / name, std::filesystem::path(name).extension().string(),
                             [](const auto& path) { decode_image_file(path); });
  }
  for (const char* name : {"a.wav", "a.mp3", "a.flac", "a.ogg"}) {
    ASSERT_TRUE(test::run_ffmpeg("-f lavfi -i sine=duration=0.5 " + test::quoted(dir / name)));
    expect_only_media_errors(dir / name, std::filesystem::path(name).extension().string(),
                             [](const auto& path) { decode_audio_file(path); });
  }
  for (const char* name : {"v.mp4", "v.mkv"}) {
    ASSERT_TRUE(
        test::run_ffmpeg("-f lavfi -i testsrc2=s=96x64:r=10:d=0.5 -c:v libx264 "
                         "-preset ultrafast " +
                         test::quoted(dir / name)));
    expect_only_media_errors(dir / name, std::filesystem::path(name).extension().string(),
                             [](const auto& path) {
                               media_info(path);
                               sample_video_file(path);
                             });
  }
}

TEST(Mutations, DocumentReadersFailCleanly) {
  test::ScratchDir dir;
  test::PdfWriter writer;
  writer.add_text_page({"Some text on page one"});
  RgbFrame picture(8, 8);
  writer.add_image_page(picture);
  writer.write(dir / "d.pdf");
  expect_only_media_errors(dir / "d.pdf", ".pdf", [](const auto& path) {
    const PdfDocument pdf(path);
    for (int page = 1; page <= pdf.page_count(); ++page) {
      (void)pdf.classify_page(page);
    }
    (void)pdf.text();
  });
  std::string latin = "caf\xE9 cr\xE8me, d\xE9j\xE0 vu. ";
  for (int i = 0; i < 5; ++i) latin += latin;
  test::write_bytes(dir / "t.txt", std::vector<uint8_t>(latin.begin(), latin.end()));
  expect_only_media_errors(dir / "t.txt", ".txt",
                           [](const auto& path) { extract_document_text(path); });
}

}  // namespace
}  // namespace mosaic::media
