// The conversation store: every conversation, its whole message tree (edits
// and regenerations are sibling branches), attachments, presets and a
// full-text index, in one SQLite file plus a content-addressed attachment
// folder beside it. Built so that conversations are never lost: versioned
// migrations with a backup first, WAL journaling, integrity check on open,
// recovery of replies cut off by a crash, and every change in a transaction.
//
// A ConversationStore belongs to the thread that opened it and throws
// StoreError(WrongThread) if used from another; the GUI talks to it through a
// StoreWorker so nothing touches the disk on the GUI thread. All failures are
// StoreError exceptions whose message names the file and the reason.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "app/store/sqlite_wrapper.h"
#include "app/store/store_types.h"

namespace mosaic::store {

struct StoreOptions {
  // Milliseconds since the Unix epoch for created_ms/updated_ms/deleted_ms.
  // Empty means the system clock; tests pass a fake one.
  std::function<int64_t()> now_ms;
};

class ConversationStore {
 public:
  // Opens (creating if needed, with its directory) the database at `path`.
  // Refuses, leaving the file untouched: a damaged file (Corrupt), a file from
  // a newer Mosaic (NewerVersion). Upgrades an older schema after copying the
  // file to "<path>.backup-v<old version>". Marks replies left `streaming` by
  // a crash as `incomplete`.
  static ConversationStore open(const std::filesystem::path& path, StoreOptions options = {});

  ConversationStore(ConversationStore&& other) noexcept = default;
  ConversationStore& operator=(ConversationStore&& other) noexcept = default;
  ConversationStore(const ConversationStore&) = delete;
  ConversationStore& operator=(const ConversationStore&) = delete;
  ~ConversationStore() = default;

  const std::filesystem::path& database_path() const { return db_.path(); }
  // <directory of the database>/attachments
  std::filesystem::path attachments_dir() const;
  // How many interrupted replies open() marked incomplete (to tell the user).
  int64_t recovered_message_count() const { return recovered_message_count_; }
  // The copy made before a schema upgrade during open(), if there was one.
  const std::optional<std::filesystem::path>& migration_backup_path() const {
    return migration_backup_path_;
  }
  // Caps the database file size (a quota; also how tests simulate a full
  // disk). Writes that would grow past it fail with StoreError(Full) and
  // change nothing. Cannot shrink below the current size.
  void limit_size_bytes(int64_t max_bytes);

  // ---- Conversations -------------------------------------------------------
  Conversation create_conversation(const NewConversation& fields = {});
  Conversation get_conversation(int64_t conversation_id);
  // Not in the trash; pinned first, then most recently updated first.
  std::vector<ConversationSummary> list_conversations();
  // In the trash; most recently deleted first.
  std::vector<ConversationSummary> list_trash();
  void rename_conversation(int64_t conversation_id, std::string_view title);
  void set_pinned(int64_t conversation_id, Pinned pinned);
  void set_system_prompt(int64_t conversation_id, std::string_view system_prompt);
  void set_settings_json(int64_t conversation_id, std::string_view settings_json);
  void set_model(int64_t conversation_id, std::string_view model);
  // Soft delete: the conversation disappears from lists and search until
  // restored or purged.
  void trash_conversation(int64_t conversation_id);
  void restore_conversation(int64_t conversation_id);
  // Deletes for good what has been in the trash for at least `older_than_ms`
  // (0: everything in the trash), then attachment files no longer used.
  // Returns the number of conversations purged.
  int64_t purge_trash(int64_t older_than_ms);

  // ---- Messages (a tree per conversation) ----------------------------------
  // Adds a message under `parent_id` (std::nullopt: a new root) and makes it
  // the conversation's active leaf. The parent must be in the same conversation.
  int64_t append_message(int64_t conversation_id, std::optional<int64_t> parent_id,
                         const NewMessage& message);
  int64_t append_message(int64_t conversation_id, std::optional<int64_t> parent_id, Role role,
                         std::string_view content);
  // An edit or a regeneration: a new message beside `message_id` (same
  // parent), which becomes the active leaf.
  int64_t append_sibling(int64_t message_id, const NewMessage& message);
  // Replaces the text of a message still `streaming`. One cached UPDATE and
  // no index work, so the turn layer can call it several times a second.
  void update_streaming(int64_t message_id, std::string_view content, std::string_view reasoning);
  // An incomplete (or failed) reply is continued: back to `streaming`, so
  // update_streaming works again and a crash is recovered as incomplete.
  void resume_streaming(int64_t message_id);
  // Ends a reply: status (not Streaming), statistics and, for errors, the text.
  void finish_message(int64_t message_id, MessageStatus status, const GenerationStats& stats,
                      std::string_view error_text = {});
  Message get_message(int64_t message_id);
  // Oldest first.
  std::vector<Message> children(int64_t parent_id);
  std::vector<Message> roots(int64_t conversation_id);
  SiblingPosition siblings(int64_t message_id);
  // The branch from its root down to `leaf_id`, root first.
  std::vector<Message> path_to(int64_t leaf_id);
  // path_to(active leaf); empty for a conversation without messages.
  std::vector<Message> active_branch(int64_t conversation_id);
  void set_active_leaf(int64_t message_id);
  // The newest leaf in the subtree of `message_id` (itself if it has no
  // children): where to land when the user switches to a sibling branch.
  int64_t latest_leaf_under(int64_t message_id);
  // Deletes the message and all its descendants. If the active leaf was among
  // them, the newest remaining leaf under the parent becomes active.
  void delete_subtree(int64_t message_id);
  // Every message of the conversation, parents before children (id order).
  std::vector<Message> all_messages(int64_t conversation_id);

  // ---- Attachments ---------------------------------------------------------
  // Stores the bytes (once per distinct content) and returns the record; adding
  // the same bytes again returns the existing record unchanged.
  Attachment add_attachment(std::string_view bytes, const AttachmentInfo& info);
  // Same, reading `file`; original_name defaults to the file's name.
  Attachment add_attachment_file(const std::filesystem::path& file, AttachmentInfo info);
  Attachment get_attachment(int64_t attachment_id);
  // Attaches after the message's existing attachments.
  void link_attachment(int64_t message_id, int64_t attachment_id);
  std::vector<Attachment> attachments_of(int64_t message_id);
  std::filesystem::path path_of(std::string_view sha256) const;
  // Deletes attachment records and files no message refers to; returns how many.
  int64_t purge_unused_attachments();

  // ---- Presets -------------------------------------------------------------
  Preset create_preset(std::string_view name, std::string_view system_prompt,
                       std::string_view settings_json = "{}");
  Preset get_preset(int64_t preset_id);
  std::optional<Preset> find_preset(std::string_view name);
  std::vector<Preset> list_presets();  // by name
  // Saves name, system_prompt and settings_json of the preset with preset.id.
  void update_preset(const Preset& preset);
  void delete_preset(int64_t preset_id);

  // ---- Search --------------------------------------------------------------
  // Messages of conversations not in the trash whose content or reasoning
  // contains every word of `query` (any text is safe), best match first.
  std::vector<SearchHit> search(std::string_view query, const SearchOptions& options = {});
  // The same with default markers ("<b>", "</b>") and at most `limit` hits.
  std::vector<SearchHit> search(std::string_view query, size_t limit);

  // ---- Export / import (conversation_export.cpp, markdown_export.cpp) ------
  // Lossless JSON: every field, every branch, attachments embedded as base64.
  std::string export_conversation_json(int64_t conversation_id);
  // All conversations, the trash included (with its deleted_ms).
  std::string export_all_json();
  // Recreates the conversations of an export under new ids and returns them.
  // Importing the same export twice gives two copies (no merging). All or
  // nothing: a bad export changes nothing.
  std::vector<int64_t> import_json(std::string_view json_text);
  // The active branch as readable Markdown (title, roles as headings,
  // reasoning in a collapsible <details>, attachments listed).
  std::string export_markdown(int64_t conversation_id);

 private:
  ConversationStore(Database db, StoreOptions options);
  void check_thread() const;
  int64_t now_ms() const;
  void require_conversation(int64_t conversation_id);
  int64_t conversation_of_message(int64_t message_id);
  void touch_conversation(int64_t conversation_id);
  std::vector<ConversationSummary> list_summaries(std::string_view where_and_order);
  std::vector<Message> query_messages(std::string_view sql, int64_t parameter);
  std::optional<int64_t> newest_leaf(std::string_view root_condition, int64_t parameter);
  Attachment find_attachment_by_sha(std::string_view sha256);

  Database db_;
  StoreOptions options_;
  std::thread::id owner_thread_;
  int64_t recovered_message_count_ = 0;
  std::optional<std::filesystem::path> migration_backup_path_;
};

}  // namespace mosaic::store
