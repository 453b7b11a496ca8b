// The messages of the active branch, root first, as the chat view shows them:
// text, collapsible reasoning, status, statistics and the `< 2/3 >` place of
// each message among its versions. GUI thread only. While a reply streams the
// controller sets its whole text on each tick (not deltas), so a branch
// reloaded mid-stream can never show text twice.
#pragma once

#include <QAbstractListModel>
#include <QList>
#include <QVariantList>

#include "ui/core/ui_values.h"

namespace mosaic::ui {

class MessageListModel : public QAbstractListModel {
  Q_OBJECT
  Q_PROPERTY(int count READ count NOTIFY countChanged)

 public:
  enum RoleName {
    IdRole = Qt::UserRole + 1,
    RoleRole,
    ContentRole,
    ReasoningRole,
    StatusRole,
    ErrorTextRole,
    TokensPerSecondRole,
    TimeToFirstTokenRole,
    TokenCountRole,
    SiblingIndexRole,
    SiblingCountRole,
    StreamingRole,
    CodeBlocksRole,
    SegmentsRole,
    AttachmentNamesRole,
    AttachmentPreviewsRole,
  };

  explicit MessageListModel(QObject* parent = nullptr);

  int rowCount(const QModelIndex& parent = {}) const override;
  QVariant data(const QModelIndex& index, int role) const override;
  QHash<int, QByteArray> roleNames() const override;

  int count() const { return static_cast<int>(rows_.size()); }
  void setRows(QList<MessageRow> rows);
  void clear() { setRows({}); }
  // The text of a streaming reply so far; false when the message is not shown.
  bool setStreamingText(qint64 message_id, const QString& reasoning, const QString& answer);
  Q_INVOKABLE int indexOf(qint64 message_id) const;
  // The newest message of `role` on the branch, 0 when there is none.
  Q_INVOKABLE qint64 lastIdOfRole(const QString& role) const;
  Q_INVOKABLE QString contentOf(qint64 message_id) const;
  const QList<MessageRow>& rows() const { return rows_; }

 Q_SIGNALS:
  void countChanged();

 private:
  QList<MessageRow> rows_;
};

// The bodies of the fenced code blocks (``` or ~~~) of a Markdown text, in
// order, without the fences; an unclosed block runs to the end.
QStringList fenced_code_blocks(const QString& markdown);

// The text cut into Markdown prose, fenced code and display math ($$...$$ or
// \[...\] starting a line), in order, each a map with "kind" ("text", "code"
// or "math") and "text"; code adds "language" (the info string, possibly
// empty), math adds "html" (latex_to_html). Prose has its inline math already
// turned into HTML spans. The view styles code and math as their own blocks.
QVariantList markdown_segments(const QString& markdown);

}  // namespace mosaic::ui
