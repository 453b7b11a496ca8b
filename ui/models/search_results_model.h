// Hits of a full-text search over every conversation, each with a snippet
// (matches in bold) and the ids to jump to. GUI thread only.
#pragma once

#include <QAbstractListModel>
#include <QList>

#include "ui/core/ui_values.h"

namespace mosaic::ui {

class SearchResultsModel : public QAbstractListModel {
  Q_OBJECT
  Q_PROPERTY(int count READ count NOTIFY countChanged)

 public:
  enum RoleName {
    ConversationIdRole = Qt::UserRole + 1,
    MessageIdRole,
    TitleRole,
    RoleRole,
    SnippetRole
  };

  explicit SearchResultsModel(QObject* parent = nullptr);

  int rowCount(const QModelIndex& parent = {}) const override;
  QVariant data(const QModelIndex& index, int role) const override;
  QHash<int, QByteArray> roleNames() const override;

  int count() const { return static_cast<int>(rows_.size()); }
  void setRows(QList<SearchRow> rows);
  const QList<SearchRow>& rows() const { return rows_; }

 Q_SIGNALS:
  void countChanged();

 private:
  QList<SearchRow> rows_;
};

}  // namespace mosaic::ui
