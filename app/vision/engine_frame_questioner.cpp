#include "app/vision/engine_frame_questioner.h"

#include <fmt/format.h>

#include <stdexcept>

#include "app/vision/media_marker.h"
#include "app/vision/multimodal_prompt.h"

namespace mosaic::vision_prompt {
namespace {

struct Generation {
  const std::function<bool()>* cancelled;
  std::string text;
};

int on_token(mosaic_token, const char* text, size_t length, void* user) {
  auto* g = static_cast<Generation*>(user);
  g->text.append(text, length);
  return (*g->cancelled)() ? 1 : 0;
}

int on_progress(float, void* user) {
  const auto* cancelled = static_cast<const std::function<bool()>*>(user);
  return (*cancelled)() ? 1 : 0;
}

}  // namespace

std::string picture_question_prompt(size_t n_pictures, const std::string& text) {
  std::string user;
  for (size_t i = 0; i < n_pictures; ++i) {
    user += kMediaMarker;
    user += '\n';
  }
  return "<|im_start|>user\n" + user + text + "<|im_end|>\n<|im_start|>assistant\n";
}

EngineFrameQuestioner::EngineFrameQuestioner(const mosaic_model* model,
                                             std::shared_ptr<ImageEncoder> encoder,
                                             const FrameQuestionerSettings& settings)
    : model_(model), encoder_(std::move(encoder)), settings_(settings) {
  mosaic_model_info info{};
  if (mosaic_model_get_info(model_, &info) != MOSAIC_OK || !info.image_input) {
    throw std::runtime_error("the loaded model does not take pictures");
  }
  if (encoder_->info().projection_dim != info.n_embd ||
      encoder_->info().n_deepstack != info.n_deepstack) {
    throw std::runtime_error("the vision file does not belong to the loaded model");
  }
  mosaic_session_params p = mosaic_session_default_params();
  p.n_ctx = settings_.n_ctx;
  p.n_threads = settings_.n_threads;
  if (mosaic_session_new(model_, &p, &session_) != MOSAIC_OK) {
    throw std::runtime_error(fmt::format("cannot open a session: {}", mosaic_last_error()));
  }
  mosaic_sampler_params greedy = mosaic_sampler_default_params();
  greedy.temperature = 0;  // watch answers should not depend on luck
  mosaic_session_set_sampler(session_, &greedy);
}

EngineFrameQuestioner::~EngineFrameQuestioner() { mosaic_session_free(session_); }

watch::FrameAnswer EngineFrameQuestioner::ask(const watch::FrameQuestion& question,
                                              const std::function<bool()>& cancelled) {
  EncodedImages images;
  for (const media::RgbFrame& frame : question.frames) {
    try {
      images.push_back(encoder_->encode(frame, [&cancelled](float) { return !cancelled(); }));
    } catch (const EncodeCancelled&) {
      throw watch::WatchCancelled();
    }
  }
  const std::string prompt = picture_question_prompt(images.size(), question.text);
  mosaic_session_truncate(session_, 0);
  std::string message;
  // The engine's C callback takes a void*; on_progress only reads through it.
  void* cancel_user = const_cast<void*>(static_cast<const void*>(&cancelled));
  const mosaic_status fed =
      feed_prompt(session_, prompt, images, on_progress, cancel_user, &message);
  if (fed == MOSAIC_ERR_CANCELLED) throw watch::WatchCancelled();
  if (fed != MOSAIC_OK) throw std::runtime_error("the model could not read the frames: " + message);
  Generation g{&cancelled, {}};
  mosaic_stop_reason reason{};
  if (mosaic_session_generate(session_, settings_.max_answer_tokens, on_token, &g, &reason) !=
      MOSAIC_OK) {
    throw std::runtime_error(fmt::format("the model failed to answer: {}", mosaic_last_error()));
  }
  if (reason == MOSAIC_STOP_CALLBACK && cancelled()) throw watch::WatchCancelled();
  return {g.text};
}

}  // namespace mosaic::vision_prompt
