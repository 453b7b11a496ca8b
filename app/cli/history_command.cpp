// mosaic-cli history: the saved conversations (the GUI's too): list, search,
// show, export, import, delete and restore.
#include <fmt/format.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <memory>
#include <string>

#include "app/cli/cli_error.h"
#include "app/cli/conversation_db.h"
#include "app/cli/read_text_file.h"
#include "app/cli/subcommands.h"
#include "app/core/human_units.h"

namespace mosaic::cli {
namespace {

struct HistoryOptions {
  std::string db_path;
  std::string query;
  int64_t conversation_id = 0;
  bool all = false;
  std::string format = "json";
  std::string output_path;
  std::string input_path;
  size_t limit = 20;
};

std::string one_line(std::string text, size_t max_chars = 60) {
  for (char& c : text) {
    if (c == '\n' || c == '\r' || c == '\t') c = ' ';
  }
  if (text.size() > max_chars) {
    size_t cut = max_chars;
    while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80) --cut;
    text = text.substr(0, cut) + "\xE2\x80\xA6";
  }
  return text;
}

// Writes to the file atomically (temp + rename) or to stdout.
void write_output(const std::string& path, const std::string& text) {
  if (path.empty() || path == "-") {
    fmt::print("{}", text);
    return;
  }
  const std::filesystem::path target(path);
  const std::filesystem::path temp = target.string() + ".part";
  {
    std::ofstream out(temp, std::ios::binary | std::ios::trunc);
    out << text;
    out.flush();
    if (!out) {
      std::error_code ignored;
      std::filesystem::remove(temp, ignored);
      throw CommandError(fmt::format("cannot write {} (disk full or not writable)", path));
    }
  }
  std::error_code error;
  std::filesystem::rename(temp, target, error);
  if (error) throw CommandError(fmt::format("cannot write {}: {}", path, error.message()));
}

int run_list(const HistoryOptions& o) {
  store::ConversationStore db = open_conversation_store(o.db_path);
  for (const store::ConversationSummary& s : db.list_conversations()) {
    fmt::print("{:>5}  {}{:<40}  {:>3} msg  {}\n", s.conversation.id,
               s.conversation.pinned == store::Pinned::Yes ? "* " : "  ",
               one_line(s.conversation.title.empty() ? "(untitled)" : s.conversation.title, 40),
               s.message_count, one_line(s.last_message_preview, 50));
  }
  return kExitOk;
}

int run_search(const HistoryOptions& o) {
  store::ConversationStore db = open_conversation_store(o.db_path);
  store::SearchOptions options;
  options.limit = o.limit;
  options.match_open = "[";
  options.match_close = "]";
  for (const store::SearchHit& hit : db.search(o.query, options)) {
    fmt::print("{:>5}  {}  #{} {}: {}\n", hit.conversation_id, one_line(hit.conversation_title, 30),
               hit.message_id, store::to_string(hit.role), one_line(hit.snippet, 100));
  }
  return kExitOk;
}

int run_show(const HistoryOptions& o) {
  store::ConversationStore db = open_conversation_store(o.db_path);
  fmt::print("{}", db.export_markdown(o.conversation_id));
  return kExitOk;
}

int run_export(const HistoryOptions& o) {
  if (o.all == (o.conversation_id != 0)) {
    throw UsageError("give either a conversation ID or --all");
  }
  store::ConversationStore db = open_conversation_store(o.db_path);
  std::string text;
  if (o.format == "markdown") {
    if (o.all) throw UsageError("--format markdown exports one conversation; give its ID");
    text = db.export_markdown(o.conversation_id);
  } else {
    text = o.all ? db.export_all_json() : db.export_conversation_json(o.conversation_id);
  }
  write_output(o.output_path, text);
  return kExitOk;
}

int run_import(const HistoryOptions& o) {
  const std::string text = read_text_file(o.input_path);
  store::ConversationStore db = open_conversation_store(o.db_path);
  const auto ids = db.import_json(text);
  fmt::print(stderr, "imported {} conversation(s)\n", ids.size());
  for (int64_t id : ids) fmt::print("{}\n", id);
  return kExitOk;
}

int run_delete(const HistoryOptions& o) {
  store::ConversationStore db = open_conversation_store(o.db_path);
  db.trash_conversation(o.conversation_id);
  fmt::print(stderr, "conversation {} moved to the trash (`history restore {}` brings it back)\n",
             o.conversation_id, o.conversation_id);
  return kExitOk;
}

int run_restore(const HistoryOptions& o) {
  store::ConversationStore db = open_conversation_store(o.db_path);
  db.restore_conversation(o.conversation_id);
  return kExitOk;
}

}  // namespace

Subcommand add_history_command(CLI::App& parent) {
  auto o = std::make_shared<HistoryOptions>();
  auto action = std::make_shared<std::function<int()>>();
  CLI::App* app = parent.add_subcommand("history", "Saved conversations: list, search, export");
  add_database_option(*app, o->db_path);
  app->require_subcommand(1);

  app->add_subcommand("list", "Conversations, pinned first, newest first")->callback([o, action] {
    *action = [o] { return run_list(*o); };
  });
  auto* search = app->add_subcommand("search", "Full-text search over every message");
  search->add_option("QUERY", o->query, "Words to find")->required();
  search->add_option("--limit", o->limit, "Hits at most")->capture_default_str();
  search->callback([o, action] { *action = [o] { return run_search(*o); }; });
  auto* show = app->add_subcommand("show", "Print a conversation's active branch as Markdown");
  show->add_option("ID", o->conversation_id, "Conversation id")->required();
  show->callback([o, action] { *action = [o] { return run_show(*o); }; });
  auto* exp = app->add_subcommand("export", "Export conversations (JSON is lossless)");
  exp->add_option("ID", o->conversation_id, "Conversation id");
  exp->add_flag("--all", o->all, "Every conversation, the trash included");
  exp->add_option("--format", o->format, "json or markdown")
      ->check(CLI::IsMember({"json", "markdown"}))
      ->capture_default_str();
  exp->add_option("-o,--output", o->output_path, "File to write (default: stdout)");
  exp->callback([o, action] { *action = [o] { return run_export(*o); }; });
  auto* imp = app->add_subcommand("import", "Import a JSON export (as new conversations)");
  imp->add_option("FILE", o->input_path, "JSON file from `history export`")->required();
  imp->callback([o, action] { *action = [o] { return run_import(*o); }; });
  auto* del = app->add_subcommand("delete", "Move a conversation to the trash");
  del->add_option("ID", o->conversation_id, "Conversation id")->required();
  del->callback([o, action] { *action = [o] { return run_delete(*o); }; });
  auto* restore = app->add_subcommand("restore", "Bring a conversation back from the trash");
  restore->add_option("ID", o->conversation_id, "Conversation id")->required();
  restore->callback([o, action] { *action = [o] { return run_restore(*o); }; });

  return {app, [action] { return (*action)(); }};
}

}  // namespace mosaic::cli
