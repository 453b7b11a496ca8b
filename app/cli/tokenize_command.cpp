// mosaic-cli tokenize MODEL (--text T | --file F) [--no-special] [--ids-only]
#include <fmt/format.h>

#include <cstdio>
#include <memory>
#include <string>

#include "app/cli/cli_error.h"
#include "app/cli/engine_handles.h"
#include "app/cli/read_text_file.h"
#include "app/cli/subcommands.h"
#include "app/cli/text_escape.h"

namespace mosaic::cli {
namespace {

enum class SpecialTokens { AddAndParse, Ignore };
enum class Listing { IdsAndPieces, IdsOnly };

struct TokenizeOptions {
  std::string model_path;
  std::string text;
  std::string file;
  SpecialTokens special = SpecialTokens::AddAndParse;
  Listing listing = Listing::IdsAndPieces;
};

int run_tokenize(const TokenizeOptions& options, bool text_given, bool file_given) {
  if (text_given == file_given) throw UsageError("give exactly one of --text and --file");
  const std::string text = file_given ? read_text_file(options.file) : options.text;
  const ModelPtr model = load_model(options.model_path, LoadProgress::Hidden);
  const int flags = options.special == SpecialTokens::AddAndParse
                        ? (MOSAIC_TOKENIZE_ADD_SPECIAL | MOSAIC_TOKENIZE_PARSE_SPECIAL)
                        : MOSAIC_TOKENIZE_DEFAULT;
  const auto tokens = tokenize(model.get(), text, flags);
  if (options.listing == Listing::IdsOnly) {
    // Comma-separated, the form `generate --prompt-tokens` reads.
    fmt::print("{}\n", fmt::join(tokens, ","));
  } else {
    for (const mosaic_token token : tokens) {
      fmt::print("{:>8} '{}'\n", token, escape_piece(token_piece(model.get(), token)));
    }
  }
  std::fflush(stdout);
  fmt::print(stderr, "{} tokens\n", tokens.size());
  return kExitOk;
}

}  // namespace

Subcommand add_tokenize_command(CLI::App& parent) {
  auto options = std::make_shared<TokenizeOptions>();
  CLI::App* app = parent.add_subcommand("tokenize", "Split text into the model's tokens");
  app->add_option("MODEL", options->model_path, "Path of the .gguf file")->required();
  CLI::Option* text = app->add_option("--text", options->text, "Text to tokenize");
  CLI::Option* file = app->add_option("--file", options->file, "File whose contents to tokenize");
  text->excludes(file);
  app->add_flag_callback(
      "--no-special", [options] { options->special = SpecialTokens::Ignore; },
      "Neither add BOS/EOS nor match control tokens like <|im_start|> in the text");
  app->add_flag_callback(
      "--ids-only", [options] { options->listing = Listing::IdsOnly; },
      "Print only the ids, comma-separated (usable with generate --prompt-tokens)");
  return {app, [options, text, file] {
            return run_tokenize(*options, text->count() > 0, file->count() > 0);
          }};
}

}  // namespace mosaic::cli
