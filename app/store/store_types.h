// Plain value types the conversation store hands out. No pointers escape the
// store: everything is copied out of SQLite, ids are the database row ids.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace mosaic::store {

enum class Role { System, User, Assistant, Tool };
enum class MessageStatus { Streaming, Complete, Incomplete, Error };
enum class Pinned { No, Yes };

// Names as stored in the database and in JSON exports ("user", "streaming").
std::string_view to_string(Role role);
std::string_view to_string(MessageStatus status);
// Throw StoreError(InvalidArgument) naming the unknown text.
Role role_from_string(std::string_view text);
MessageStatus status_from_string(std::string_view text);

// Members carry explicit initializers so designated initializers
// ({.title = "x"}) compile without -Wmissing-field-initializers noise.
struct Conversation {
  int64_t id = 0;
  std::string title{};
  int64_t created_ms = 0;
  int64_t updated_ms = 0;
  Pinned pinned = Pinned::No;
  std::string model{};  // GGUF path or model name the conversation uses
  std::string system_prompt{};
  std::string settings_json{};                      // sampling settings etc., opaque to the store
  std::optional<int64_t> active_leaf_message_id{};  // the branch shown last
  std::optional<int64_t> deleted_ms{};              // set while in the trash
};

// One row of the conversation list.
struct ConversationSummary {
  Conversation conversation;
  int64_t message_count = 0;
  std::string last_message_preview{};  // start of the active leaf (or newest) message
};

struct NewConversation {
  std::string title{};
  std::string model{};
  std::string system_prompt{};
  std::string settings_json = "{}";
};

struct GenerationStats {
  int64_t prompt_tokens = 0;
  int64_t completion_tokens = 0;
  int64_t time_to_first_token_ms = 0;
  int64_t generation_ms = 0;
  // Decode speed; 0 when nothing was timed.
  double tokens_per_second() const {
    return generation_ms > 0 ? completion_tokens * 1000.0 / static_cast<double>(generation_ms)
                             : 0.0;
  }
};

struct Message {
  int64_t id = 0;
  int64_t conversation_id = 0;
  std::optional<int64_t> parent_id{};  // empty for the first message of a branch tree
  Role role = Role::User;
  std::string content{};
  std::string reasoning{};  // the model's thinking, shown collapsed
  MessageStatus status = MessageStatus::Complete;
  std::string error_text{};
  GenerationStats stats{};
  std::string model{};
  int64_t created_ms = 0;
  int64_t updated_ms = 0;
};

struct NewMessage {
  Role role = Role::User;
  std::string content{};
  std::string reasoning{};
  MessageStatus status = MessageStatus::Complete;
  std::string model{};
};

// Where a message sits among the children of its parent: "index+1 of count".
struct SiblingPosition {
  std::vector<int64_t> sibling_ids{};  // oldest first, the message itself included
  size_t index = 0;                    // zero-based position of the message
  size_t count() const { return sibling_ids.size(); }
};

struct AttachmentInfo {
  std::string mime_type{};
  std::string original_name{};
  std::string extracted_text{};  // text pulled out of a document, for the prompt
  std::string metadata_json = "{}";
};

struct Attachment {
  int64_t id = 0;
  std::string sha256{};  // lowercase hex; also the file name on disk
  std::string mime_type{};
  std::string original_name{};
  int64_t size_bytes = 0;
  std::string extracted_text{};
  std::string metadata_json{};
  int64_t created_ms = 0;
};

struct Preset {
  int64_t id = 0;
  std::string name{};
  std::string system_prompt{};
  std::string settings_json{};
  int64_t created_ms = 0;
  int64_t updated_ms = 0;
};

struct SearchOptions {
  size_t limit = 50;
  // Put around each matched term in the snippet; "<b>"/"</b>" for HTML,
  // "\x02"/"\x03" for a widget that styles the ranges itself.
  std::string match_open = "<b>";
  std::string match_close = "</b>";
  std::string ellipsis = "…";
  int snippet_tokens = 12;  // approximate snippet length, in words
};

struct SearchHit {
  int64_t conversation_id = 0;
  std::string conversation_title{};
  int64_t message_id = 0;
  Role role = Role::User;
  std::string snippet{};
  double score = 0;  // bm25; smaller is a better match
};

}  // namespace mosaic::store
