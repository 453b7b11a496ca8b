// Watch mode's questions on the loaded vision model (a session of its own,
// so the chat's session and its cache stay untouched).
#include <stdexcept>

#include "ui/core/camera_controller.h"
#ifdef MOSAIC_HAVE_VISION
#include "app/vision/engine_frame_questioner.h"
#endif

namespace mosaic::ui {

#ifdef MOSAIC_HAVE_VISION
namespace {

// Holds the model while the questioner's session uses it.
class ModelFrameQuestioner : public watch::FrameQuestioner {
 public:
  explicit ModelFrameQuestioner(const EngineWorker::VisionHandles& handles)
      : handles_(handles),
        questioner_(handles.model.get(),
                    std::static_pointer_cast<vision_prompt::ImageEncoder>(handles.encoder)) {}
  watch::FrameAnswer ask(const watch::FrameQuestion& question,
                         const std::function<bool()>& cancelled) override {
    return questioner_.ask(question, cancelled);
  }

 private:
  EngineWorker::VisionHandles handles_;  // first: outlives the questioner's session
  vision_prompt::EngineFrameQuestioner questioner_;
};

}  // namespace
#endif

std::shared_ptr<watch::FrameQuestioner> make_model_frame_questioner(
    const EngineWorker::VisionHandles& handles) {
  if (!handles.model) throw std::runtime_error("no model is loaded");
  if (!handles.encoder) {
    throw std::runtime_error(
        "the loaded model cannot see pictures (load a vision model with its mmproj file beside "
        "it)");
  }
#ifdef MOSAIC_HAVE_VISION
  return std::make_shared<ModelFrameQuestioner>(handles);
#else
  throw std::runtime_error("this build has no vision support");
#endif
}

}  // namespace mosaic::ui
