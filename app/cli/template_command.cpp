// mosaic-cli template: prints the prompt a model's chat template renders for
// a list of messages, exactly as chat and the GUI would feed it.
#include <fmt/format.h>

#include <memory>
#include <nlohmann/json.hpp>
#include <string>

#include "app/cli/cli_error.h"
#include "app/cli/engine_handles.h"
#include "app/cli/read_text_file.h"
#include "app/cli/subcommands.h"
#include "app/cli/thinking_option.h"
#include "app/turns/model_chat_template.h"

namespace mosaic::cli {
namespace {

struct TemplateOptions {
  std::string model_path;
  std::string messages_path;
  std::string thinking = "default";
  bool no_generation_prompt = false;
  bool chatml = false;
};

int run_template(const TemplateOptions& o) {
  tmpl::Json messages;
  try {
    messages = tmpl::Json::parse(read_text_file(o.messages_path));
  } catch (const tmpl::Json::parse_error& e) {
    throw CommandError(fmt::format("{} is not valid JSON: {}", o.messages_path, e.what()));
  }
  if (messages.is_object() && messages.contains("messages")) messages = messages["messages"];
  if (!messages.is_array()) {
    throw CommandError(fmt::format(
        "{}: expected a JSON array of {{\"role\", \"content\"}} messages (or an object with "
        "\"messages\")",
        o.messages_path));
  }
  const ModelPtr model = load_model(o.model_path, LoadProgress::Hidden);
  const turns::ModelChatTemplate chat_template(
      model.get(),
      o.chatml ? turns::TemplatePreference::ChatML : turns::TemplatePreference::FromModel);
  if (!chat_template.problem().empty()) fmt::print(stderr, "note: {}\n", chat_template.problem());
  const tmpl::ThinkingMode thinking = thinking_mode(o.thinking);
  fmt::print("{}",
             chat_template.render_json(messages, thinking,
                                       o.no_generation_prompt ? turns::GenerationPrompt::Omit
                                                              : turns::GenerationPrompt::Add));
  return kExitOk;
}

}  // namespace

Subcommand add_template_command(CLI::App& parent) {
  auto o = std::make_shared<TemplateOptions>();
  CLI::App* app =
      parent.add_subcommand("template", "Print the prompt the model's chat template renders");
  app->add_option("MODEL", o->model_path, "Path of the .gguf file")->required();
  app->add_option("--messages", o->messages_path, "JSON file: [{\"role\":..., \"content\":...}]")
      ->required();
  add_thinking_option(*app, o->thinking);
  app->add_flag("--no-generation-prompt", o->no_generation_prompt,
                "Do not end with the assistant's header");
  app->add_flag("--chatml", o->chatml, "Use ChatML instead of the model's template");
  return {app, [o] { return run_template(*o); }};
}

}  // namespace mosaic::cli
