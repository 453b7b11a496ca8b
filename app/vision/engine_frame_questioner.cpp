#include "app/vision/engine_frame_questioner.h"

#include <fmt/format.h>

#include <stdexcept>

#include "app/core/engine_handles.h"
#include "app/core/media_marker.h"
#include "app/vision/multimodal_prompt.h"

namespace mosaic::vision_prompt {
using app::kMediaMarker;
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

}  // namespace

std::string picture_question_prompt(size_t n_pictures, const std::string& text) {
  std::string user;
  for (size_t i = 0; i < n_pictures; ++i) {
    user += kMediaMarker;
    user += '\n';
  }
  return app::chatml_user_turn(user + text);
}

EngineFrameQuestioner::EngineFrameQuestioner(const mosaic_model* model,
                                             std::shared_ptr<ImageEncoder> encoder,
                                             const FrameQuestionerSettings& settings)
    : model_(model), encoder_(std::move(encoder)), settings_(settings) {
  encoder_->check_matches(model_);
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
  const std::function<bool(float)> go_on = [&cancelled](float) { return !cancelled(); };
  EncodedImages images;
  for (const media::RgbFrame& frame : question.frames) {
    try {
      images.push_back(encoder_->encode(frame, go_on));
    } catch (const EncodeCancelled&) {
      throw watch::WatchCancelled();
    }
  }
  const std::string prompt = picture_question_prompt(images.size(), question.text);
  mosaic_session_truncate(session_, 0);
  std::string message;
  const app::EngineProgress reports = app::engine_progress(go_on);
  const mosaic_status fed =
      feed_prompt(session_, prompt, images, reports.fn, reports.user, &message);
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
