// Each subcommand lives in its own file and registers itself on the top-level
// CLI11 app; main() runs the one that was parsed.
#pragma once

#include <CLI/CLI.hpp>
#include <functional>

namespace mosaic::cli {

struct Subcommand {
  CLI::App* app;             // owned by the parent app
  std::function<int()> run;  // returns the exit code; may throw UsageError/CommandError
};

Subcommand add_info_command(CLI::App& parent);
Subcommand add_tokenize_command(CLI::App& parent);
Subcommand add_generate_command(CLI::App& parent);
Subcommand add_make_test_model_command(CLI::App& parent);
Subcommand add_template_command(CLI::App& parent);
Subcommand add_chat_command(CLI::App& parent);
Subcommand add_history_command(CLI::App& parent);
// Built when the media libraries are (MOSAIC_HAVE_MEDIA).
Subcommand add_media_info_command(CLI::App& parent);
Subcommand add_extract_text_command(CLI::App& parent);
Subcommand add_watch_command(CLI::App& parent);  // when the watch core is built too

}  // namespace mosaic::cli
