#include "ui/models/message_list_model.h"

#include "ui/core/math_text.h"

namespace mosaic::ui {

MessageListModel::MessageListModel(QObject* parent) : QAbstractListModel(parent) {}

int MessageListModel::rowCount(const QModelIndex& parent) const {
  return parent.isValid() ? 0 : count();
}

QVariant MessageListModel::data(const QModelIndex& index, int role) const {
  if (!index.isValid() || index.row() >= rows_.size()) return {};
  const MessageRow& row = rows_[index.row()];
  switch (role) {
    case IdRole:
      return row.id;
    case RoleRole:
      return row.role;
    case Qt::DisplayRole:
    case ContentRole:
      return row.content;
    case ReasoningRole:
      return row.reasoning;
    case StatusRole:
      return row.status;
    case ErrorTextRole:
      return row.error_text;
    case TokensPerSecondRole:
      return row.tokens_per_second;
    case TimeToFirstTokenRole:
      return row.time_to_first_token_ms;
    case TokenCountRole:
      return row.token_count;
    case SiblingIndexRole:
      return row.sibling_index;
    case SiblingCountRole:
      return row.sibling_count;
    case StreamingRole:
      return row.status == QLatin1String("streaming");
    case CodeBlocksRole:
      return fenced_code_blocks(row.content);
    case SegmentsRole:
      return markdown_segments(row.content);
    case AttachmentNamesRole:
      return row.attachment_names;
    case AttachmentPreviewsRole:
      return row.attachment_previews;
    default:
      return {};
  }
}

QHash<int, QByteArray> MessageListModel::roleNames() const {
  return {{IdRole, "messageId"},
          {RoleRole, "role"},
          {ContentRole, "content"},
          {ReasoningRole, "reasoning"},
          {StatusRole, "status"},
          {ErrorTextRole, "errorText"},
          {TokensPerSecondRole, "tokensPerSecond"},
          {TimeToFirstTokenRole, "timeToFirstTokenMs"},
          {TokenCountRole, "tokenCount"},
          {SiblingIndexRole, "siblingIndex"},
          {SiblingCountRole, "siblingCount"},
          {StreamingRole, "streaming"},
          {CodeBlocksRole, "codeBlocks"},
          {SegmentsRole, "segments"},
          {AttachmentNamesRole, "attachmentNames"},
          {AttachmentPreviewsRole, "attachmentPreviews"}};
}

void MessageListModel::setRows(QList<MessageRow> rows) {
  const bool count_changes = rows.size() != rows_.size();
  beginResetModel();
  rows_ = std::move(rows);
  endResetModel();
  if (count_changes) Q_EMIT countChanged();
}

bool MessageListModel::setStreamingText(qint64 message_id, const QString& reasoning,
                                        const QString& answer) {
  const int i = indexOf(message_id);
  if (i < 0) return false;
  MessageRow& row = rows_[i];
  if (row.reasoning == reasoning && row.content == answer) return true;
  row.reasoning = reasoning;
  row.content = answer;
  row.status = QStringLiteral("streaming");
  Q_EMIT dataChanged(
      index(i), index(i),
      {ContentRole, ReasoningRole, StatusRole, StreamingRole, CodeBlocksRole, SegmentsRole});
  return true;
}

int MessageListModel::indexOf(qint64 message_id) const {
  for (int i = 0; i < rows_.size(); ++i) {
    if (rows_[i].id == message_id) return i;
  }
  return -1;
}

qint64 MessageListModel::lastIdOfRole(const QString& role) const {
  for (auto it = rows_.crbegin(); it != rows_.crend(); ++it) {
    if (it->role == role) return it->id;
  }
  return 0;
}

QString MessageListModel::contentOf(qint64 message_id) const {
  const int i = indexOf(message_id);
  return i < 0 ? QString() : rows_[i].content;
}

QStringList fenced_code_blocks(const QString& markdown) {
  QStringList blocks;
  QString fence;  // the opening fence while inside a block
  QStringList body;
  for (const QString& line : markdown.split(QLatin1Char('\n'))) {
    const QString trimmed = line.trimmed();
    if (fence.isEmpty()) {
      if (trimmed.startsWith(QLatin1String("```")) || trimmed.startsWith(QLatin1String("~~~"))) {
        fence = trimmed.left(3);
        body.clear();
      }
    } else if (trimmed.startsWith(fence) && trimmed.mid(3).trimmed().isEmpty()) {
      blocks.append(body.join(QLatin1Char('\n')));
      fence.clear();
    } else {
      body.append(line);
    }
  }
  if (!fence.isEmpty()) blocks.append(body.join(QLatin1Char('\n')));
  return blocks;
}

QVariantList markdown_segments(const QString& markdown) {
  QVariantList segments;
  QStringList prose;
  QStringList code;
  QStringList math;
  QString fence;  // the opening fence while inside a code block
  QString language;
  QString math_close;  // "$$" or "\\]" while inside a display formula
  const auto flush_prose = [&] {
    const QString text = prose.join(QLatin1Char('\n')).trimmed();
    if (!text.isEmpty()) {
      segments.append(QVariantMap{{"kind", "text"}, {"text", markdown_with_inline_math(text)}});
    }
    prose.clear();
  };
  const auto add_math = [&](const QString& latex) {
    segments.append(
        QVariantMap{{"kind", "math"}, {"text", latex}, {"html", latex_to_html(latex.trimmed())}});
  };
  for (const QString& line : markdown.split(QLatin1Char('\n'))) {
    const QString trimmed = line.trimmed();
    if (!math_close.isEmpty()) {
      const qsizetype end = trimmed.indexOf(math_close);
      if (end < 0) {
        math.append(line);
      } else {
        math.append(trimmed.left(end));
        add_math(math.join(QLatin1Char('\n')));
        math_close.clear();
      }
    } else if (fence.isEmpty()) {
      if (trimmed.startsWith(QLatin1String("```")) || trimmed.startsWith(QLatin1String("~~~"))) {
        flush_prose();
        fence = trimmed.left(3);
        language = trimmed.mid(3).trimmed();
        code.clear();
      } else if (trimmed.startsWith(QLatin1String("$$")) ||
                 trimmed.startsWith(QLatin1String("\\["))) {
        flush_prose();
        const QString close =
            trimmed.startsWith(QLatin1String("$$")) ? QStringLiteral("$$") : QStringLiteral("\\]");
        const QString rest = trimmed.mid(2);
        const qsizetype end = rest.indexOf(close);
        if (end >= 0) {
          add_math(rest.left(end));  // one line: $$ x^2 $$
        } else {
          math = QStringList{rest};
          math_close = close;
        }
      } else {
        prose.append(line);
      }
    } else if (trimmed.startsWith(fence) && trimmed.mid(3).trimmed().isEmpty()) {
      segments.append(QVariantMap{
          {"kind", "code"}, {"text", code.join(QLatin1Char('\n'))}, {"language", language}});
      fence.clear();
    } else {
      code.append(line);
    }
  }
  if (!fence.isEmpty()) {  // still streaming (or never closed): show what there is
    segments.append(QVariantMap{
        {"kind", "code"}, {"text", code.join(QLatin1Char('\n'))}, {"language", language}});
  }
  if (!math_close.isEmpty()) add_math(math.join(QLatin1Char('\n')));
  flush_prose();
  return segments;
}

}  // namespace mosaic::ui
