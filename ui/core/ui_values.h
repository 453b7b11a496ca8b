// Plain values that cross from the worker threads to the GUI thread in queued
// signals. They are copies: nothing here points into worker-owned objects.
#pragma once

#include <QList>
#include <QMetaType>
#include <QString>
#include <QStringList>

namespace mosaic::ui {

// One row of the conversation list.
struct ConversationRow {
  qint64 id = 0;
  QString title;
  qint64 updated_ms = 0;
  bool pinned = false;
  QString preview;
};

// One message of the branch shown in the chat view.
struct MessageRow {
  qint64 id = 0;
  QString role;  // "user", "assistant", "system", "tool"
  QString content;
  QString reasoning;
  QString status;  // "streaming", "complete", "incomplete", "error"
  QString error_text;
  double tokens_per_second = 0;
  qint64 time_to_first_token_ms = 0;
  qint64 token_count = 0;
  int sibling_index = 0;  // zero-based place among the versions of this message
  int sibling_count = 1;
  QStringList attachment_names;
  // Per attachment: a file:// URL of the stored picture (shown as a
  // thumbnail, loaded off the GUI thread), or "" for other files.
  QStringList attachment_previews;
};

struct SearchRow {
  qint64 conversation_id = 0;
  qint64 message_id = 0;
  QString conversation_title;
  QString role;
  QString snippet_html;  // matched words in <b>
};

// What the model picker and the header show about the loaded model.
struct ModelSummary {
  QString path;
  quint64 load_serial = 0;  // which load this is (EngineWorker::loadModel's result)
  QString name;
  QString architecture;
  QString quantization;
  quint64 params_total = 0;
  quint64 params_active = 0;
  int experts = 0;
  int experts_used = 0;
  int context_length = 0;
  quint64 kv_bytes = 0;        // the KV cache of the session's context
  quint64 memory_bytes = 0;    // weights plus the KV cache
  QString template_note;       // set when the model's chat template could not be used
  bool sees_pictures = false;  // a vision model paired with its mmproj file
  QString vision_note;         // which vision file, or why pictures are not seen
};

// The start of a reply: ids as soon as the rows exist, and what the reply
// already held (a continued reply keeps its partial text).
struct TurnStart {
  qint64 conversation_id = 0;
  qint64 user_message_id = 0;
  qint64 reply_message_id = 0;
  QString base_reasoning;
  QString base_answer;
};

struct TurnEnd {
  qint64 conversation_id = 0;
  qint64 reply_message_id = 0;
  QString status;  // as stored
  QString error;   // non-empty when the turn failed
  QString notice;  // the context rule's message, if any
};

// Registers the types above for queued connections; call once in main()
// (and in tests) before any worker starts.
void register_ui_value_types();

}  // namespace mosaic::ui

Q_DECLARE_METATYPE(mosaic::ui::ConversationRow)
Q_DECLARE_METATYPE(mosaic::ui::MessageRow)
Q_DECLARE_METATYPE(mosaic::ui::SearchRow)
Q_DECLARE_METATYPE(mosaic::ui::ModelSummary)
Q_DECLARE_METATYPE(mosaic::ui::TurnStart)
Q_DECLARE_METATYPE(mosaic::ui::TurnEnd)
