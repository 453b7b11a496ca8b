#include "app/cli/generate_options.h"

#include <fmt/format.h>

#include <cmath>

#include "app/cli/cli_error.h"
#include "app/cli/option_checks.h"

namespace mosaic::cli {
namespace {

// Comparisons are written so that NaN (which CLI11 parses from "nan") fails.
void require(bool ok, const std::string& message) {
  if (!ok) throw UsageError(message);
}

void validate(GenerateOptions& o, int prompt_sources) {
  require(prompt_sources == 1, "give exactly one of --prompt, --prompt-file and --prompt-tokens");
  require(o.max_tokens >= -1,
          fmt::format("-n must be >= 0, or -1 for no limit; got {}", o.max_tokens));
  validate_sampling_options(o.sampling);
  require(o.top_logprobs >= 0, fmt::format("--top-logprobs must be >= 1; got {}", o.top_logprobs));
  require(!o.all_positions || o.top_logprobs > 0, "--all-positions needs --top-logprobs K");
  o.sampling.session.logits_mode = o.all_positions ? MOSAIC_LOGITS_ALL : MOSAIC_LOGITS_LAST;
  require(!o.has_visuals() || !o.mmproj_path.empty(),
          "--image, --video and --pdf-pages need --mmproj FILE (the model's vision file)");
  require(!o.has_visuals() || o.prompt_source != PromptSource::Tokens,
          "--image, --video and --pdf-pages cannot be combined with --prompt-tokens");
  require(o.video_frames >= 1 && o.video_frames <= 64,
          fmt::format("--video-frames must be 1..64; got {}", o.video_frames));
  require(o.pdf_pages >= 1 && o.pdf_pages <= 32,
          fmt::format("--pdf-page-count must be 1..32; got {}", o.pdf_pages));
}

}  // namespace

std::function<void()> add_generate_options(CLI::App& app, GenerateOptions& o) {
  app.add_option("MODEL", o.model_path, "Path of the .gguf file")->required();
  auto* text = app.add_option("-p,--prompt", o.prompt, "Prompt text");
  auto* file = app.add_option("-f,--prompt-file", o.prompt, "Read the prompt from a file");
  auto* ids = app.add_option("--prompt-tokens", o.prompt,
                             "Prompt as token ids ID,ID,... (fed as is, no chat template)");
  text->excludes(file)->excludes(ids);
  file->excludes(ids);
  app.add_flag_callback(
      "--raw", [&o] { o.prompt_format = PromptFormat::Raw; },
      "Feed the prompt as is instead of wrapping it in the chat template as a user turn");

  app.add_option("-n,--n-predict", o.max_tokens, "Tokens to generate at most (-1: no limit)")
      ->capture_default_str();
  add_sampling_options(app, o.sampling);

  app.add_option("--top-logprobs", o.top_logprobs,
                 "Print one JSON line per step with the K most likely tokens instead of text");
  app.add_flag("--all-positions", o.all_positions,
               "With --top-logprobs: also print the top tokens of every prompt position");
  app.add_flag_callback(
      "--no-stream", [&o] { o.streaming = Streaming::AtEnd; },
      "Print the text when generation ends instead of token by token");

  app.add_option("--mmproj", o.mmproj_path,
                 "Vision file (mmproj GGUF) of the model, for --image/--video/--pdf-pages");
  app.add_option("--image", o.images, "Picture to ask about (repeat for several)");
  app.add_option("--video", o.video_path, "Video to ask about (frames sampled with their times)");
  app.add_option("--pdf-pages", o.pdf_path, "PDF whose pages are shown to the model as pictures");
  app.add_option("--video-frames", o.video_frames, "Frames taken from --video at most")
      ->capture_default_str();
  app.add_option("--pdf-page-count", o.pdf_pages, "Pages taken from --pdf-pages at most")
      ->capture_default_str();
  add_image_tokens_option(app, o.image_tokens);

  return [&o, text, file, ids] {
    const int sources = static_cast<int>(text->count() + file->count() + ids->count());
    if (file->count()) o.prompt_source = PromptSource::File;
    if (ids->count()) o.prompt_source = PromptSource::Tokens;
    validate(o, sources);
  };
}

}  // namespace mosaic::cli
