// Command line of `mosaic-cli generate` and its validation.
#pragma once

#include <CLI/CLI.hpp>
#include <cstdint>
#include <string>
#include <vector>

#include "app/cli/image_tokens_option.h"
#include "app/cli/sampling_options.h"
#include "mosaic/engine.h"

namespace mosaic::cli {

enum class PromptSource { Text, File, Tokens };
enum class PromptFormat { ChatTemplate, Raw };
enum class OutputMode { Text, TopLogprobs };
enum class Streaming { PerToken, AtEnd };

struct GenerateOptions {
  std::string model_path;
  PromptSource prompt_source = PromptSource::Text;
  std::string prompt;  // text, file path or "ID,ID,..." depending on prompt_source
  PromptFormat prompt_format = PromptFormat::ChatTemplate;
  int32_t max_tokens = 256;  // -1: until the end of generation or a full context
  SamplingOptions sampling;
  int32_t top_logprobs = 0;  // > 0 selects OutputMode::TopLogprobs
  bool all_positions = false;
  Streaming streaming = Streaming::PerToken;
  // Pictures (need a model with image input and its mmproj file).
  std::string mmproj_path;
  std::vector<std::string> images;
  std::string video_path;
  std::string pdf_path;
  int32_t video_frames = 8;
  int32_t pdf_pages = 4;
  int32_t image_tokens = kDefaultImageTokens;  // per picture at most (0: the vision file's limit)

  bool has_visuals() const { return !images.empty() || !video_path.empty() || !pdf_path.empty(); }

  OutputMode output_mode() const {
    return top_logprobs > 0 ? OutputMode::TopLogprobs : OutputMode::Text;
  }
};

// Registers the options on `app`, writing into `options` (which must outlive
// parsing). Returns a function to call after parsing: it checks what CLI11
// cannot (ranges, exactly one prompt source, combinations) and throws
// UsageError with a message naming the option.
std::function<void()> add_generate_options(CLI::App& app, GenerateOptions& options);

}  // namespace mosaic::cli
