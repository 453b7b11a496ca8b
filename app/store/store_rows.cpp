#include "app/store/store_rows.h"

namespace mosaic::store::rows {

Conversation read_conversation(const Statement& row, int first_column) {
  int i = first_column;
  Conversation c;
  c.id = row.int64(i++);
  c.title = row.text(i++);
  c.created_ms = row.int64(i++);
  c.updated_ms = row.int64(i++);
  c.pinned = row.int64(i++) != 0 ? Pinned::Yes : Pinned::No;
  c.model = row.text(i++);
  c.system_prompt = row.text(i++);
  c.settings_json = row.text(i++);
  c.active_leaf_message_id = row.optional_int64(i++);
  c.deleted_ms = row.optional_int64(i++);
  return c;
}

Message read_message(const Statement& row, int first_column) {
  int i = first_column;
  Message m;
  m.id = row.int64(i++);
  m.conversation_id = row.int64(i++);
  m.parent_id = row.optional_int64(i++);
  m.role = role_from_string(row.text(i++));
  m.content = row.text(i++);
  m.reasoning = row.text(i++);
  m.status = status_from_string(row.text(i++));
  m.error_text = row.text(i++);
  m.stats.prompt_tokens = row.int64(i++);
  m.stats.completion_tokens = row.int64(i++);
  m.stats.time_to_first_token_ms = row.int64(i++);
  m.stats.generation_ms = row.int64(i++);
  m.model = row.text(i++);
  m.created_ms = row.int64(i++);
  m.updated_ms = row.int64(i++);
  return m;
}

Attachment read_attachment(const Statement& row, int first_column) {
  int i = first_column;
  Attachment a;
  a.id = row.int64(i++);
  a.sha256 = row.text(i++);
  a.mime_type = row.text(i++);
  a.original_name = row.text(i++);
  a.size_bytes = row.int64(i++);
  a.extracted_text = row.text(i++);
  a.metadata_json = row.text(i++);
  a.created_ms = row.int64(i++);
  return a;
}

Preset read_preset(const Statement& row, int first_column) {
  int i = first_column;
  Preset p;
  p.id = row.int64(i++);
  p.name = row.text(i++);
  p.system_prompt = row.text(i++);
  p.settings_json = row.text(i++);
  p.created_ms = row.int64(i++);
  p.updated_ms = row.int64(i++);
  return p;
}

}  // namespace mosaic::store::rows
