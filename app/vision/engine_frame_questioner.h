// The watch mode's questions answered by the loaded vision model: each
// question's frames are encoded through the shared ImageEncoder (cached by
// pixels), put before the text in a user turn, and the reply generated
// greedily on a session of its own, so the chat's session is untouched.
#pragma once

#include <memory>
#include <string>

#include "app/vision/image_encoder.h"
#include "app/watch/frame_questioner.h"
#include "mosaic/engine.h"

namespace mosaic::vision_prompt {

struct FrameQuestionerSettings {
  int32_t n_ctx = 4096;
  int32_t n_threads = 0;
  int32_t max_answer_tokens = 64;  // watch answers are one line
};

class EngineFrameQuestioner final : public watch::FrameQuestioner {
 public:
  // The model and encoder must outlive this object (the model is shared
  // read-only with other sessions). Throws std::runtime_error when the model
  // takes no pictures, the encoder does not match it, or no session opens.
  EngineFrameQuestioner(const mosaic_model* model, std::shared_ptr<ImageEncoder> encoder,
                        const FrameQuestionerSettings& settings = {});
  ~EngineFrameQuestioner() override;

  // Throws watch::WatchCancelled when `cancelled` turned true, and
  // std::runtime_error with the engine's message on failure.
  watch::FrameAnswer ask(const watch::FrameQuestion& question,
                         const std::function<bool()>& cancelled) override;

 private:
  const mosaic_model* model_;
  std::shared_ptr<ImageEncoder> encoder_;
  FrameQuestionerSettings settings_;
  mosaic_session* session_ = nullptr;
};

// The Qwen-style (ChatML) prompt of one user turn asking about pictures:
// a media marker per picture, then the text, then the assistant's turn.
std::string picture_question_prompt(size_t n_pictures, const std::string& text);

}  // namespace mosaic::vision_prompt
