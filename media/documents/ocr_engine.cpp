#include "media/documents/ocr_engine.h"

#include <fmt/format.h>
#include <tesseract/baseapi.h>

#include "media/core/media_error.h"

namespace mosaic::media {

struct OcrEngine::State {
  tesseract::TessBaseAPI api;
  OcrOptions options;
};

OcrEngine::OcrEngine(const OcrOptions& options) : state_(std::make_unique<State>()) {
  state_->options = options;
  const char* data_dir = options.tessdata_dir.empty() ? nullptr : options.tessdata_dir.c_str();
  if (state_->api.Init(data_dir, options.language.c_str(), tesseract::OEM_LSTM_ONLY) != 0) {
    fail(MediaErrorKind::Unsupported,
         fmt::format("OCR: no Tesseract data for language '{}'{} (install tesseract-ocr-{})",
                     options.language,
                     options.tessdata_dir.empty() ? "" : " in " + options.tessdata_dir,
                     options.language));
  }
}

OcrEngine::~OcrEngine() { state_->api.End(); }

OcrResult OcrEngine::recognize(const RgbFrame& frame) {
  if (frame.empty() || frame.pixels.size() < frame.stride_bytes() * frame.height) {
    fail(MediaErrorKind::InvalidArgument,
         fmt::format("OCR: invalid picture of {} x {} pixels", frame.width, frame.height));
  }
  tesseract::TessBaseAPI& api = state_->api;
  api.SetImage(frame.pixels.data(), frame.width, frame.height, 3,
               static_cast<int>(frame.stride_bytes()));
  api.SetSourceResolution(state_->options.source_dpi);
  std::unique_ptr<char[]> text(api.GetUTF8Text());
  OcrResult result;
  if (text) result.text = text.get();
  result.mean_confidence = api.MeanTextConf();
  api.Clear();
  while (!result.text.empty() && (result.text.back() == '\n' || result.text.back() == ' ')) {
    result.text.pop_back();
  }
  return result;
}

}  // namespace mosaic::media
