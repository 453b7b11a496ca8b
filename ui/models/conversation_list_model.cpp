#include "ui/models/conversation_list_model.h"

#include <QDateTime>
#include <algorithm>

namespace mosaic::ui {

ConversationListModel::ConversationListModel(QObject* parent) : QAbstractListModel(parent) {}

int ConversationListModel::rowCount(const QModelIndex& parent) const {
  return parent.isValid() ? 0 : count();
}

QVariant ConversationListModel::data(const QModelIndex& index, int role) const {
  if (!index.isValid() || index.row() >= rows_.size()) return {};
  const ConversationRow& row = rows_[index.row()];
  switch (role) {
    case IdRole:
      return row.id;
    case Qt::DisplayRole:
    case TitleRole:
      return row.title.isEmpty() ? tr("New chat") : row.title;
    case UpdatedRole:
      return relative_time_text(row.updated_ms, QDateTime::currentMSecsSinceEpoch());
    case UpdatedMsRole:
      return row.updated_ms;
    case PinnedRole:
      return row.pinned;
    case PreviewRole:
      return row.preview;
    default:
      return {};
  }
}

QHash<int, QByteArray> ConversationListModel::roleNames() const {
  return {{IdRole, "conversationId"},   {TitleRole, "title"},   {UpdatedRole, "updated"},
          {UpdatedMsRole, "updatedMs"}, {PinnedRole, "pinned"}, {PreviewRole, "preview"}};
}

void ConversationListModel::sort(QList<ConversationRow>& rows) {
  // Ties (same pin, same time) fall back to the newer id so the order is stable.
  std::sort(rows.begin(), rows.end(), [](const ConversationRow& a, const ConversationRow& b) {
    if (a.pinned != b.pinned) return a.pinned;
    if (a.updated_ms != b.updated_ms) return a.updated_ms > b.updated_ms;
    return a.id > b.id;
  });
}

void ConversationListModel::setRows(QList<ConversationRow> rows) {
  sort(rows);
  const bool count_changes = rows.size() != rows_.size();
  beginResetModel();
  rows_ = std::move(rows);
  endResetModel();
  if (count_changes) Q_EMIT countChanged();
}

int ConversationListModel::indexOf(qint64 conversation_id) const {
  for (int i = 0; i < rows_.size(); ++i) {
    if (rows_[i].id == conversation_id) return i;
  }
  return -1;
}

QString ConversationListModel::titleOf(qint64 conversation_id) const {
  const int i = indexOf(conversation_id);
  return i < 0 ? QString() : data(index(i), TitleRole).toString();
}

void ConversationListModel::resort() {
  QList<ConversationRow> rows = rows_;
  sort(rows);
  beginResetModel();
  rows_ = std::move(rows);
  endResetModel();
}

void ConversationListModel::rename(qint64 conversation_id, const QString& title) {
  const int i = indexOf(conversation_id);
  if (i < 0) return;
  rows_[i].title = title;
  Q_EMIT dataChanged(index(i), index(i), {TitleRole, Qt::DisplayRole});
}

void ConversationListModel::setPinned(qint64 conversation_id, bool pinned) {
  const int i = indexOf(conversation_id);
  if (i < 0 || rows_[i].pinned == pinned) return;
  rows_[i].pinned = pinned;
  resort();
}

void ConversationListModel::remove(qint64 conversation_id) {
  const int i = indexOf(conversation_id);
  if (i < 0) return;
  beginRemoveRows({}, i, i);
  rows_.removeAt(i);
  endRemoveRows();
  Q_EMIT countChanged();
}

QString relative_time_text(qint64 time_ms, qint64 now_ms) {
  const QDateTime time = QDateTime::fromMSecsSinceEpoch(time_ms);
  const QDate today = QDateTime::fromMSecsSinceEpoch(now_ms).date();
  const QDate day = time.date();
  if (day == today) return time.toString(QStringLiteral("HH:mm"));
  if (day == today.addDays(-1)) return QObject::tr("Yesterday");
  if (day.daysTo(today) < 7 && day < today) return time.toString(QStringLiteral("ddd"));
  return time.toString(QStringLiteral("d MMM yyyy"));
}

}  // namespace mosaic::ui
