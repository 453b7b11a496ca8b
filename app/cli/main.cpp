// mosaic-cli: inspect models, tokenize, generate, and write test models.
#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <cstdio>
#include <exception>
#include <optional>
#include <string>
#include <vector>

#include "app/cli/cli_error.h"
#include "app/cli/subcommands.h"
#include "app/core/engine_handles.h"
#include "app/core/logging.h"
#include "app/store/store_error.h"
#include "app/turns/model_chat_template.h"

#ifndef MOSAIC_VERSION
#define MOSAIC_VERSION "unknown"
#endif

namespace {

using namespace mosaic::cli;

int run_parsed(const CLI::App& app, const std::vector<Subcommand>& subcommands) {
  for (const auto& subcommand : subcommands) {
    if (!subcommand.app->parsed()) continue;
    try {
      return subcommand.run();
    } catch (const UsageError& e) {
      fmt::print(stderr, "{} {}: error: {}\nRun with --help for more information.\n",
                 app.get_name(), subcommand.app->get_name(), e.what());
      return kExitUsage;
    } catch (const mosaic::app::EngineError& e) {
      fmt::print(stderr, "{} {}: error: {}\n", app.get_name(), subcommand.app->get_name(),
                 e.what());
      return kExitFailure;
    } catch (const mosaic::store::StoreError& e) {
      fmt::print(stderr, "{} {}: error: {}\n", app.get_name(), subcommand.app->get_name(),
                 e.what());
      return kExitFailure;
    } catch (const mosaic::turns::TurnError& e) {
      fmt::print(stderr, "{} {}: error: {}\n", app.get_name(), subcommand.app->get_name(),
                 e.what());
      return kExitFailure;
    } catch (const CommandError& e) {
      fmt::print(stderr, "{} {}: error: {}\n", app.get_name(), subcommand.app->get_name(),
                 e.what());
      return kExitFailure;
    } catch (const std::exception& e) {
      fmt::print(stderr, "{} {}: unexpected error: {}\n", app.get_name(),
                 subcommand.app->get_name(), e.what());
      return kExitFailure;
    }
  }
  return kExitUsage;  // unreachable: main checked that one was parsed
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"Mosaic: run mixture-of-experts language models locally", "mosaic-cli"};
  app.set_version_flag("--version", "mosaic-cli " MOSAIC_VERSION);
  std::optional<std::string> log_level;
  app.add_option("--log-level", log_level,
                 "trace, debug, info, warn, error or off (default: $MOSAIC_LOG_LEVEL, else "
                 "warnings on stderr and info in the log file)");
  // Not require_subcommand(1): with it, a mistyped command is reported as
  // "A subcommand is required"; without it, CLI11 names the unexpected word.
  app.require_subcommand(0, 1);
  app.fallthrough();  // global options may also follow the subcommand

  std::vector<Subcommand> subcommands = {add_info_command(app),           add_tokenize_command(app),
                                         add_generate_command(app),       add_chat_command(app),
                                         add_history_command(app),        add_template_command(app),
                                         add_make_test_model_command(app)};
#ifdef MOSAIC_HAVE_MEDIA
  subcommands.push_back(add_media_info_command(app));
  subcommands.push_back(add_extract_text_command(app));
#endif
#ifdef MOSAIC_HAVE_WATCH
  subcommands.push_back(add_watch_command(app));
#endif

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int code = app.exit(e);  // prints help, the version or the error
    return code == 0 ? kExitOk : kExitUsage;
  }

  const bool any_parsed = std::any_of(subcommands.begin(), subcommands.end(),
                                      [](const Subcommand& s) { return s.app->parsed(); });
  if (!any_parsed) {
    fmt::print(stderr,
               "{}: a command is required: info, tokenize, generate, chat, history, template, "
               "media-info, extract-text or "
               "make-test-model\n"
               "Run with --help for more information.\n",
               app.get_name());
    return kExitUsage;
  }

  try {
    mosaic::app::init_logging({"mosaic-cli", log_level, mosaic::app::LogFile::Enabled});
  } catch (const std::invalid_argument& e) {
    fmt::print(stderr, "{}: error: {}\n", app.get_name(), e.what());
    return kExitUsage;
  }
  // The command name only: arguments can hold prompts, which stay out of logs.
  const auto parsed = app.get_subcommands();
  spdlog::info("mosaic-cli {}: {}", MOSAIC_VERSION,
               parsed.empty() ? std::string("?") : parsed.front()->get_name());
  const int code = run_parsed(app, subcommands);
  spdlog::info("exit code {}", code);
  mosaic::app::shutdown_logging();
  return code;
}
