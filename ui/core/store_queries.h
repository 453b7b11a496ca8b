// Reads of the conversation store shaped for the view models. They run on
// the store's thread (inside a StoreWorker job) and return plain values.
#pragma once

#include <QList>
#include <QString>

#include "app/store/conversation_store.h"
#include "ui/core/ui_values.h"

namespace mosaic::ui {

QList<ConversationRow> conversation_rows(store::ConversationStore& store);

// A message's Markdown as one line of plain text for the sidebar preview:
// fences, emphasis, code and math markers and heading marks removed.
QString plain_preview(const QString& markdown);

// The conversation's active branch, root first, with each message's place
// among its siblings (the versions made by edits and regenerations).
QList<MessageRow> branch_rows(store::ConversationStore& store, qint64 conversation_id);

// Moves the conversation's active branch to the sibling `delta` places away
// from `message_id` (clamped to the existing siblings), landing on the newest
// leaf under it. Returns the conversation id.
qint64 switch_sibling(store::ConversationStore& store, qint64 message_id, int delta);

// Makes `message_id` part of the active branch (for a search hit on another
// branch): the newest leaf under it becomes active. Returns the conversation id.
qint64 reveal_message(store::ConversationStore& store, qint64 message_id);

QList<SearchRow> search_rows(store::ConversationStore& store, const QString& query, int limit);

QString to_qstring(const std::string& text);

}  // namespace mosaic::ui
