// mosaic-cli chat: an interactive conversation stored in the same database as
// the GUI, so a chat started in one continues in the other.
//
// Lines typed are user messages; a line ending in "\" continues on the next.
// Commands: /regen, /edit TEXT, /continue, /new, /help, /quit. Ctrl+C stops
// the reply being written (it is kept, marked incomplete); /continue resumes it.
#include <fmt/format.h>
#include <unistd.h>

#include <iostream>
#include <optional>
#include <string>
#include <vector>

#include "app/cli/cli_error.h"
#include "app/cli/conversation_db.h"
#include "app/cli/engine_handles.h"
#include "app/cli/image_tokens_option.h"
#include "app/cli/interrupt.h"
#include "app/cli/sampling_options.h"
#include "app/cli/subcommands.h"
#include "app/cli/thinking_option.h"
#include "app/turns/turn_runner.h"
#ifdef MOSAIC_HAVE_MEDIA
#include "app/turns/attachment_import.h"
#include "app/vision/attachment_pictures.h"
#include "app/vision/vision_file_finder.h"
#endif

namespace mosaic::cli {
namespace {

struct ChatOptions {
  std::string model_path;
  std::string mmproj_path;  // empty: look beside the model when it takes pictures
  int32_t image_tokens = kDefaultImageTokens;
  std::string db_path;
  int64_t conversation_id = 0;  // 0: a new conversation
  std::string system_prompt;
  std::string thinking = "default";
  bool chatml = false;
  int32_t max_reply_tokens = 2048;
  SamplingOptions sampling;
};

const char* kHelp =
    "Type a message and press Enter (end a line with \\ to continue it on the next).\n"
    "  /regen         another reply to your last message (the old one stays as a branch)\n"
    "  /edit TEXT     rewrite your last message as a new branch and get a reply\n"
    "  /attach FILE   attach a document (PDF, DOCX, ODT, text), picture or video to your next\n"
    "                 message (a vision model sees pictures, video frames and PDF pages)\n"
    "  /continue      resume a reply that was stopped\n"
    "  /new           start a new conversation\n"
    "  /quit          leave (Ctrl+D too); Ctrl+C stops a reply\n";

// Prints reasoning dimmed on a terminal (plainly otherwise) and the answer as
// it streams.
class ReplyPrinter {
 public:
  ReplyPrinter() : tty_(isatty(STDOUT_FILENO) != 0) {}
  void print(const turns::SplitText& piece) {
    if (!piece.reasoning.empty()) {
      if (!in_reasoning_) {
        fmt::print("{}[thinking] ", tty_ ? "\x1b[2m" : "");
        in_reasoning_ = true;
      }
      fmt::print("{}", piece.reasoning);
    }
    if (!piece.answer.empty()) {
      end_reasoning();
      fmt::print("{}", piece.answer);
    }
    std::fflush(stdout);
  }
  void end_reasoning() {
    if (!in_reasoning_) return;
    fmt::print("{}\n[/thinking]\n", tty_ ? "\x1b[0m" : "");
    in_reasoning_ = false;
  }

 private:
  bool tty_;
  bool in_reasoning_ = false;
};

class ChatLoop {
 public:
  ChatLoop(ChatOptions& o, store::ConversationStore& db, const mosaic_model* model)
      : o_(o),
        db_(db),
        access_(db),
        engine_(
            model, o.sampling.session,
            o.chatml ? turns::TemplatePreference::ChatML : turns::TemplatePreference::FromModel),
        runner_(access_, engine_, o.model_path) {
    settings_.sampler = o.sampling.sampler;
    settings_.max_reply_tokens = o.max_reply_tokens;
    settings_.thinking = thinking_mode(o.thinking);
    if (!engine_.chat_template().problem().empty()) {
      fmt::print(stderr, "note: {}\n", engine_.chat_template().problem());
    }
#ifdef MOSAIC_HAVE_MEDIA
    vision_prompt::VisionPairing vision = vision_prompt::pair_vision_file(
        model, o.model_path, o.mmproj_path, o.sampling.session.n_threads);
    if (!vision.note.empty()) fmt::print(stderr, "{}\n", vision.note);
    if (vision.encoder) {
      vision.encoder->set_max_tokens(o.image_tokens);
      engine_.set_picture_source(
          std::make_shared<vision_prompt::AttachmentPictures>(std::move(vision.encoder)));
    }
#else
    if (!o.mmproj_path.empty()) throw UsageError("this build has no media support for --mmproj");
#endif
  }

  void open_conversation() {
    if (o_.conversation_id != 0) {
      conversation_id_ = o_.conversation_id;
      const store::Conversation c = db_.get_conversation(conversation_id_);
      const auto branch = db_.active_branch(conversation_id_);
      fmt::print(stderr, "conversation {} \"{}\": {} message(s) on the active branch\n", c.id,
                 c.title, branch.size());
      return;
    }
    new_conversation();
  }

  void new_conversation() {
    store::NewConversation fields;
    fields.model = o_.model_path;
    fields.system_prompt = o_.system_prompt;
    conversation_id_ = db_.create_conversation(fields).id;
    fmt::print(stderr, "conversation {} (new)\n", conversation_id_);
  }

  // Returns false when the user asked to leave.
  bool handle(const std::string& line) {
    if (line == "/quit" || line == "/exit") return false;
    if (line == "/help") {
      fmt::print(stderr, "{}", kHelp);
    } else if (line == "/new") {
      new_conversation();
    } else if (line == "/regen") {
      if (auto reply = last_of_role(store::Role::Assistant)) {
        report(runner_.regenerate(*reply, settings_, events()));
      } else {
        fmt::print(stderr, "nothing to regenerate yet\n");
      }
    } else if (line.starts_with("/edit ")) {
      if (auto user = last_of_role(store::Role::User)) {
        report(runner_.edit(*user, line.substr(6), settings_, events()));
      } else {
        fmt::print(stderr, "no message to edit yet\n");
      }
    } else if (line == "/continue") {
      auto reply = last_of_role(store::Role::Assistant);
      if (!reply || db_.get_message(*reply).status == store::MessageStatus::Complete) {
        fmt::print(stderr, "the last reply is complete; nothing to continue\n");
      } else {
        report(runner_.continue_reply(*reply, settings_, events()));
      }
    } else if (line.starts_with("/attach ")) {
      attach(line.substr(8));
    } else if (line.starts_with("/")) {
      fmt::print(stderr, "unknown command {}; /help lists them\n", line);
    } else if (!line.empty()) {
      report(runner_.send(conversation_id_, line, pending_attachments_, settings_, events()));
      pending_attachments_.clear();
    }
    return true;
  }

 private:
  void attach(const std::string& path) {
#ifdef MOSAIC_HAVE_MEDIA
    try {
      const turns::ImportedAttachment imported = turns::import_attachment(db_, path);
      pending_attachments_.push_back(imported.attachment.id);
      fmt::print(stderr, "attached {}: {}; it goes with your next message\n",
                 imported.attachment.original_name, imported.note);
    } catch (const std::exception& e) {
      fmt::print(stderr, "cannot attach {}: {}\n", path, e.what());
    }
#else
    fmt::print(stderr, "cannot attach {}: this build has no media support\n", path);
#endif
  }

  std::optional<int64_t> last_of_role(store::Role role) {
    const auto branch = db_.active_branch(conversation_id_);
    for (auto it = branch.rbegin(); it != branch.rend(); ++it) {
      if (it->role == role) return it->id;
    }
    return std::nullopt;
  }

  turns::TurnEvents events() {
    printer_ = ReplyPrinter();
    rearm_interrupt_handler();
    turns::TurnEvents e;
    e.on_text = [this](const turns::SplitText& piece) { printer_.print(piece); };
    e.on_notice = [](const std::string& notice) { fmt::print(stderr, "note: {}\n", notice); };
    e.should_stop = [] { return interrupt_requested(); };
    e.on_picture_progress = [](int index, int count, float fraction) {
      if (fraction == 0.0f)
        fmt::print(stderr, "looking at picture {} of {}...\n", index + 1, count);
      return true;
    };
    return e;
  }

  void report(const turns::TurnOutcome& outcome) {
    printer_.end_reasoning();
    fmt::print("\n");
    if (outcome.status == store::MessageStatus::Error) {
      fmt::print(stderr, "error: {}\n", outcome.error);
      return;
    }
    const auto& r = outcome.result;
    const double tps = r.generation_ms > 0 ? r.completion_tokens * 1000.0 / r.generation_ms : 0;
    const std::string pictures =
        r.prompt_pictures == 0 ? ""
                               : fmt::format(", {} picture(s), {} encoded in {:.0f} ms",
                                             r.prompt_pictures, r.encoded_pictures, r.encode_ms);
    fmt::print(
        stderr, "[{} tokens, {:.1f} tok/s, first token {:.0f} ms, prompt {} ({} cached){}{}]\n",
        r.completion_tokens, tps, r.time_to_first_token_ms, r.prompt_tokens, r.reused_prompt_tokens,
        pictures,
        outcome.status == store::MessageStatus::Incomplete ? "; incomplete: /continue resumes it"
                                                           : "");
  }

  ChatOptions& o_;
  store::ConversationStore& db_;
  turns::DirectStoreAccess access_;
  turns::ChatEngine engine_;
  turns::TurnRunner runner_;
  turns::GenerationSettings settings_;
  ReplyPrinter printer_;
  std::vector<int64_t> pending_attachments_;
  int64_t conversation_id_ = 0;
};

int run_chat(ChatOptions& o) {
  validate_sampling_options(o.sampling);
  if (o.max_reply_tokens <= 0) throw UsageError("-n must be > 0");
  store::ConversationStore db = open_conversation_store(o.db_path);
  if (o.model_path.empty()) {
    if (o.conversation_id == 0)
      throw UsageError("give a MODEL (or --conversation ID to reuse its model)");
    o.model_path = db.get_conversation(o.conversation_id).model;
    if (o.model_path.empty())
      throw UsageError("the conversation has no model recorded; give MODEL");
  }
  install_interrupt_handler();
  const ModelPtr model = load_model(o.model_path);
  ChatLoop loop(o, db, model.get());
  loop.open_conversation();
  const bool tty = isatty(STDIN_FILENO) != 0;
  if (tty) fmt::print(stderr, "/help lists the commands\n");
  std::string line, message;
  for (;;) {
    if (tty) fmt::print(stderr, "{}", message.empty() ? "> " : ". ");
    if (!std::getline(std::cin, line)) break;
    if (line.ends_with("\\")) {
      message += line.substr(0, line.size() - 1) + "\n";
      continue;
    }
    message += line;
    if (!loop.handle(message)) break;
    message.clear();
  }
  return kExitOk;
}

}  // namespace

Subcommand add_chat_command(CLI::App& parent) {
  auto options = std::make_shared<ChatOptions>();
  CLI::App* app = parent.add_subcommand("chat", "Chat interactively; conversations are saved");
  app->add_option("MODEL", options->model_path, "Path of the .gguf file");
  add_database_option(*app, options->db_path);
  app->add_option("--conversation", options->conversation_id,
                  "Continue conversation ID (see `history list`)");
  app->add_option("--system", options->system_prompt, "System prompt of a new conversation");
  app->add_option("--mmproj", options->mmproj_path,
                  "Vision file (mmproj .gguf) of a vision model; by default one beside the model "
                  "is used");
  add_image_tokens_option(*app, options->image_tokens);
  add_thinking_option(*app, options->thinking);
  app->add_flag("--chatml", options->chatml, "Use the ChatML template instead of the model's");
  app->add_option("-n,--n-predict", options->max_reply_tokens, "Tokens per reply at most")
      ->capture_default_str();
  add_sampling_options(*app, options->sampling);
  return {app, [options] { return run_chat(*options); }};
}

}  // namespace mosaic::cli
