#include "ui/core/store_queries.h"

#include <QRegularExpression>
#include <QUrl>
#include <algorithm>

#include "app/store/attachment_files.h"

namespace mosaic::ui {

QString to_qstring(const std::string& text) {
  return QString::fromUtf8(text.data(), static_cast<qsizetype>(text.size()));
}

QString plain_preview(const QString& markdown) {
  QString text = markdown;
  text.replace(QRegularExpression(QStringLiteral("(```|~~~)[^\\s]*")), QStringLiteral(" "));
  text.remove(QRegularExpression(QStringLiteral("[*`$]|^#+ |\\n#+ ")));
  return text.simplified();
}

QList<ConversationRow> conversation_rows(store::ConversationStore& store) {
  QList<ConversationRow> rows;
  for (const store::ConversationSummary& s : store.list_conversations()) {
    ConversationRow row;
    row.id = s.conversation.id;
    row.title = to_qstring(s.conversation.title);
    row.updated_ms = s.conversation.updated_ms;
    row.pinned = s.conversation.pinned == store::Pinned::Yes;
    row.preview = plain_preview(to_qstring(s.last_message_preview));
    rows.append(row);
  }
  return rows;
}

QList<MessageRow> branch_rows(store::ConversationStore& store, qint64 conversation_id) {
  QList<MessageRow> rows;
  for (const store::Message& m : store.active_branch(conversation_id)) {
    MessageRow row;
    row.id = m.id;
    row.role = to_qstring(std::string(store::to_string(m.role)));
    row.content = to_qstring(m.content);
    row.reasoning = to_qstring(m.reasoning);
    row.status = to_qstring(std::string(store::to_string(m.status)));
    row.error_text = to_qstring(m.error_text);
    row.tokens_per_second = m.stats.tokens_per_second();
    row.time_to_first_token_ms = m.stats.time_to_first_token_ms;
    row.token_count = m.stats.completion_tokens;
    const store::SiblingPosition position = store.siblings(m.id);
    row.sibling_index = static_cast<int>(position.index);
    row.sibling_count = static_cast<int>(position.count());
    for (const store::Attachment& a : store.attachments_of(m.id)) {
      row.attachment_names.append(to_qstring(a.original_name));
      row.attachment_previews.append(
          a.mime_type.starts_with("image/")
              ? QUrl::fromLocalFile(
                    to_qstring(store::attachment_path(store.attachments_dir(), a.sha256).string()))
                    .toString()
              : QString());
    }
    rows.append(row);
  }
  return rows;
}

qint64 switch_sibling(store::ConversationStore& store, qint64 message_id, int delta) {
  const store::SiblingPosition position = store.siblings(message_id);
  const auto last = static_cast<long long>(position.count()) - 1;
  const auto target =
      std::clamp(static_cast<long long>(position.index) + static_cast<long long>(delta), 0LL, last);
  const int64_t sibling = position.sibling_ids[static_cast<size_t>(target)];
  store.set_active_leaf(store.latest_leaf_under(sibling));
  return store.get_message(sibling).conversation_id;
}

qint64 reveal_message(store::ConversationStore& store, qint64 message_id) {
  store.set_active_leaf(store.latest_leaf_under(message_id));
  return store.get_message(message_id).conversation_id;
}

QList<SearchRow> search_rows(store::ConversationStore& store, const QString& query, int limit) {
  QList<SearchRow> rows;
  if (query.trimmed().isEmpty()) return rows;
  store::SearchOptions options;
  options.limit = static_cast<size_t>(std::max(1, limit));
  // The snippet is shown as rich text: escape it, then mark the matches with
  // control characters that escaping leaves alone, and turn those into tags.
  options.match_open = "\x02";
  options.match_close = "\x03";
  for (const store::SearchHit& hit : store.search(query.toStdString(), options)) {
    SearchRow row;
    row.conversation_id = hit.conversation_id;
    row.message_id = hit.message_id;
    row.conversation_title = to_qstring(hit.conversation_title);
    row.role = to_qstring(std::string(store::to_string(hit.role)));
    row.snippet_html = plain_preview(to_qstring(hit.snippet))  // no raw ** or ``` marks
                           .toHtmlEscaped()
                           .replace(QChar(0x02), QStringLiteral("<b>"))
                           .replace(QChar(0x03), QStringLiteral("</b>"));
    rows.append(row);
  }
  return rows;
}

}  // namespace mosaic::ui
