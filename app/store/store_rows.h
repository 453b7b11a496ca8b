// Internal to the store: the column lists and row readers shared by the
// store's source files, so every query reads a row the same way.
#pragma once

#include <string>

#include "app/store/sqlite_wrapper.h"
#include "app/store/store_types.h"

namespace mosaic::store::rows {

// Columns of conversations, prefixed with the table alias "c.".
inline constexpr const char* kConversationColumns =
    "c.id, c.title, c.created_ms, c.updated_ms, c.pinned, c.model, c.system_prompt, "
    "c.settings_json, c.active_leaf_message_id, c.deleted_ms";
inline constexpr int kConversationColumnCount = 10;

// Columns of messages, prefixed with the table alias "m.".
inline constexpr const char* kMessageColumns =
    "m.id, m.conversation_id, m.parent_id, m.role, m.content, m.reasoning, m.status, "
    "m.error_text, m.prompt_tokens, m.completion_tokens, m.time_to_first_token_ms, "
    "m.generation_ms, m.model, m.created_ms, m.updated_ms";

// Columns of attachments, prefixed with the table alias "a.".
inline constexpr const char* kAttachmentColumns =
    "a.id, a.sha256, a.mime_type, a.original_name, a.size_bytes, a.extracted_text, "
    "a.metadata_json, a.created_ms";

inline constexpr const char* kPresetColumns =
    "id, name, system_prompt, settings_json, created_ms, updated_ms";

Conversation read_conversation(const Statement& row, int first_column = 0);
Message read_message(const Statement& row, int first_column = 0);
Attachment read_attachment(const Statement& row, int first_column = 0);
Preset read_preset(const Statement& row, int first_column = 0);

}  // namespace mosaic::store::rows
