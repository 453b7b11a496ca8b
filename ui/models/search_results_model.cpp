#include "ui/models/search_results_model.h"

namespace mosaic::ui {

SearchResultsModel::SearchResultsModel(QObject* parent) : QAbstractListModel(parent) {}

int SearchResultsModel::rowCount(const QModelIndex& parent) const {
  return parent.isValid() ? 0 : count();
}

QVariant SearchResultsModel::data(const QModelIndex& index, int role) const {
  if (!index.isValid() || index.row() >= rows_.size()) return {};
  const SearchRow& row = rows_[index.row()];
  switch (role) {
    case ConversationIdRole:
      return row.conversation_id;
    case MessageIdRole:
      return row.message_id;
    case TitleRole:
      return row.conversation_title;
    case RoleRole:
      return row.role;
    case Qt::DisplayRole:
    case SnippetRole:
      return row.snippet_html;
    default:
      return {};
  }
}

QHash<int, QByteArray> SearchResultsModel::roleNames() const {
  return {{ConversationIdRole, "conversationId"},
          {MessageIdRole, "messageId"},
          {TitleRole, "title"},
          {RoleRole, "role"},
          {SnippetRole, "snippet"}};
}

void SearchResultsModel::setRows(QList<SearchRow> rows) {
  const bool count_changes = rows.size() != rows_.size();
  beginResetModel();
  rows_ = std::move(rows);
  endResetModel();
  if (count_changes) Q_EMIT countChanged();
}

}  // namespace mosaic::ui
