// The picture side of `mosaic-cli generate`: loads --image / --video /
// --pdf-pages, encodes them with --mmproj and feeds text and pictures.
#pragma once

#include <memory>
#include <string>

#include "app/cli/generate_options.h"
#include "mosaic/engine.h"

namespace mosaic::cli {

struct VisualPromptState;

// Loaded and encoded pictures with the rendered prompt that refers to them.
class VisualPrompt {
 public:
  // Throws UsageError / CommandError with a message naming the file.
  VisualPrompt(const mosaic_model* model, const GenerateOptions& options);
  ~VisualPrompt();

  // Feeds everything; false when interrupted. Throws CommandError.
  bool feed(mosaic_session* session);
  // Prints the pictures' sizes, tokens and encode times to stderr.
  void print_summary() const;

 private:
  std::unique_ptr<VisualPromptState> state_;
};

}  // namespace mosaic::cli
