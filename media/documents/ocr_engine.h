// Optical character recognition with Tesseract, for scanned PDF pages and
// screenshots. One engine per thread: Tesseract instances are not
// thread-safe, and loading the language model takes a few hundred ms, so
// keep an engine and reuse it.
#pragma once

#include <memory>
#include <string>

#include "media/core/rgb_frame.h"

namespace mosaic::media {

struct OcrOptions {
  std::string language = "eng";  // Tesseract language code(s), "eng+deu"
  std::string tessdata_dir;      // empty: TESSDATA_PREFIX or the system default
  int source_dpi = 150;          // resolution of the pictures, guides text-size estimates
};

struct OcrResult {
  std::string text;         // UTF-8, lines separated by '\n'
  int mean_confidence = 0;  // 0..100
};

class OcrEngine {
 public:
  // Throws MediaError Unsupported when the language data is not installed.
  explicit OcrEngine(const OcrOptions& options = {});
  ~OcrEngine();
  OcrEngine(const OcrEngine&) = delete;
  OcrEngine& operator=(const OcrEngine&) = delete;

  OcrResult recognize(const RgbFrame& frame);

 private:
  struct State;
  std::unique_ptr<State> state_;
};

}  // namespace mosaic::media
