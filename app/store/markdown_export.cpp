// A conversation's active branch as Markdown, for reading or sharing.
#include <cstdio>
#include <ctime>
#include <string>

#include "app/store/conversation_store.h"

namespace mosaic::store {
namespace {

std::string utc_time(int64_t time_ms) {
  std::time_t seconds = static_cast<std::time_t>(time_ms / 1000);
  std::tm parts{};
  gmtime_r(&seconds, &parts);
  char text[32];
  std::strftime(text, sizeof text, "%Y-%m-%d %H:%M UTC", &parts);
  return text;
}

const char* heading_of(Role role) {
  switch (role) {
    case Role::System:
      return "System";
    case Role::User:
      return "User";
    case Role::Assistant:
      return "Assistant";
    case Role::Tool:
      return "Tool";
  }
  return "Message";
}

std::string size_text(int64_t bytes) {
  if (bytes < 1024) return std::to_string(bytes) + " B";
  char text[32];
  if (bytes < 1024 * 1024) {
    std::snprintf(text, sizeof text, "%.1f KiB", static_cast<double>(bytes) / 1024.0);
  } else {
    std::snprintf(text, sizeof text, "%.1f MiB", static_cast<double>(bytes) / (1024.0 * 1024.0));
  }
  return text;
}

void append_message_markdown(std::string& out, const Message& m,
                             const std::vector<Attachment>& attachments) {
  out += "## ";
  out += heading_of(m.role);
  out += "\n\n";
  if (!m.reasoning.empty()) {
    // <details> folds the thinking away in renderers that support it (GitHub, most editors).
    out += "<details>\n<summary>Reasoning</summary>\n\n";
    out += m.reasoning;
    out += "\n\n</details>\n\n";
  }
  if (!m.content.empty()) {
    out += m.content;
    out += "\n\n";
  }
  if (!attachments.empty()) {
    out += "Attachments:\n\n";
    for (const Attachment& a : attachments) {
      out += "- ";
      out += a.original_name;
      out += " (";
      out += a.mime_type;
      out += ", ";
      out += size_text(a.size_bytes);
      out += ")\n";
    }
    out += "\n";
  }
  if (m.status == MessageStatus::Incomplete) {
    out += "*(reply incomplete: generation was interrupted)*\n\n";
  } else if (m.status == MessageStatus::Error) {
    out += "*(error: ";
    out += m.error_text;
    out += ")*\n\n";
  }
}

}  // namespace

std::string ConversationStore::export_markdown(int64_t conversation_id) {
  check_thread();
  return with_context(
      "exporting conversation " + std::to_string(conversation_id) + " as Markdown", [&] {
        Conversation conversation = get_conversation(conversation_id);
        std::string out = "# ";
        out += conversation.title.empty() ? "Untitled conversation" : conversation.title;
        out += "\n\n*";
        out += utc_time(conversation.created_ms);
        if (!conversation.model.empty()) {
          out += " · ";
          out += conversation.model;
        }
        out += "*\n\n";
        if (!conversation.system_prompt.empty()) {
          out += "## System prompt\n\n";
          out += conversation.system_prompt;
          out += "\n\n";
        }
        for (const Message& m : active_branch(conversation_id)) {
          append_message_markdown(out, m, attachments_of(m.id));
        }
        return out;
      });
}

}  // namespace mosaic::store
