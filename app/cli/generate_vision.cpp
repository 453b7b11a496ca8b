#include "app/cli/generate_vision.h"

#include <fmt/format.h>

#include <chrono>
#include <cstdio>

#include "app/cli/chat_prompt.h"
#include "app/cli/cli_error.h"
#include "app/cli/engine_handles.h"
#include "app/cli/interrupt.h"
#include "app/cli/progress_bar.h"
#include "app/cli/read_text_file.h"
#include "app/vision/image_encoder.h"
#include "app/vision/multimodal_prompt.h"
#include "app/vision/visual_inputs.h"
#include "media/core/media_error.h"

namespace mosaic::cli {

namespace vp = vision_prompt;

struct VisualPromptState {
  std::unique_ptr<vp::ImageEncoder> encoder;
  std::vector<vp::VisualInput> inputs;
  vp::EncodedImages images;
  std::vector<double> encode_ms;
  std::string prompt;
};

namespace {

std::vector<vp::VisualInput> load_inputs(const GenerateOptions& o) {
  std::vector<vp::VisualInput> inputs;
  auto append = [&inputs](std::vector<vp::VisualInput> more) {
    for (auto& in : more) inputs.push_back(std::move(in));
  };
  try {
    for (const std::string& image : o.images) append(vp::load_picture(image));
    if (!o.video_path.empty()) {
      vp::VideoFrameOptions video;
      video.max_frames = static_cast<size_t>(o.video_frames);
      append(vp::load_video_frames(o.video_path, video));
    }
    if (!o.pdf_path.empty()) {
      vp::PdfPageOptions pages;
      pages.max_pages = o.pdf_pages;
      append(vp::load_pdf_pages(o.pdf_path, pages));
    }
  } catch (const media::MediaError& e) {
    throw CommandError(e.what());
  }
  if (inputs.empty()) throw CommandError("no pictures could be taken from the given files");
  return inputs;
}

}  // namespace

VisualPrompt::VisualPrompt(const mosaic_model* model, const GenerateOptions& o)
    : state_(std::make_unique<VisualPromptState>()) {
  try {
    state_->encoder =
        std::make_unique<vp::ImageEncoder>(o.mmproj_path, o.sampling.session.n_threads);
    state_->encoder->check_matches(model);
    state_->encoder->set_max_tokens(o.image_tokens);
  } catch (const std::runtime_error& e) {
    throw CommandError(e.what());
  }
  state_->inputs = load_inputs(o);

  install_interrupt_handler();
  for (size_t i = 0; i < state_->inputs.size(); ++i) {
    ProgressBar bar(fmt::format("picture {}/{}", i + 1, state_->inputs.size()));
    const auto start = std::chrono::steady_clock::now();
    try {
      const vp::VisualInput& in = state_->inputs[i];
      state_->images.push_back(
          state_->encoder->encode_frames(in.frame, in.next_frame, [&bar](float f) {
            bar.update(f);
            return !interrupt_requested();
          }));
    } catch (const vp::EncodeCancelled&) {
      bar.finish();
      throw CommandError("interrupted while encoding the pictures");
    } catch (const std::runtime_error& e) {
      bar.finish();
      throw CommandError(e.what());
    }
    bar.finish();
    state_->encode_ms.push_back(
        std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start)
            .count());
  }
  const std::string question =
      o.prompt_source == PromptSource::File ? read_text_file(o.prompt) : o.prompt;
  const std::string user = vp::user_text_with_media(state_->inputs, question);
  state_->prompt = o.prompt_format == PromptFormat::Raw ? user : chatml_user_turn(user);
}

VisualPrompt::~VisualPrompt() = default;

bool VisualPrompt::feed(mosaic_session* session) {
  ProgressBar bar("prompt");
  std::string message;
  const mosaic_status status = vp::feed_prompt(
      session, state_->prompt, state_->images,
      [](float fraction, void* user) {
        static_cast<ProgressBar*>(user)->update(fraction);
        return interrupt_requested() ? 1 : 0;
      },
      &bar, &message);
  bar.finish();
  if (status == MOSAIC_ERR_CANCELLED) return false;
  if (status == MOSAIC_ERR_CONTEXT_FULL) {
    throw CommandError(fmt::format("{}: use a larger --ctx or fewer pictures", message));
  }
  if (status != MOSAIC_OK) throw CommandError("cannot process the prompt: " + message);
  return true;
}

void VisualPrompt::print_summary() const {
  for (size_t i = 0; i < state_->inputs.size(); ++i) {
    const auto& in = state_->inputs[i];
    const auto& e = state_->images[i]->embedding();
    fmt::print(stderr, "picture {}{}{}: {}x{} px{} -> {} tokens ({}x{}), encoded in {:.1f} ms\n",
               i + 1, in.label.empty() ? "" : " ", in.label, in.frame.width, in.frame.height,
               in.next_frame.empty() ? "" : " (2 frames)", e.n_tokens, e.grid_w, e.grid_h,
               state_->encode_ms[i]);
  }
}

}  // namespace mosaic::cli
