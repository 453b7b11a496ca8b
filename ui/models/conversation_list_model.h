// The sidebar's conversations: pinned first, then the most recently updated.
// GUI thread only; the controller fills it with rows read on the store thread
// and applies renames and pins at once so the list reacts before the disk.
#pragma once

#include <QAbstractListModel>
#include <QList>

#include "ui/core/ui_values.h"

namespace mosaic::ui {

class ConversationListModel : public QAbstractListModel {
  Q_OBJECT
  Q_PROPERTY(int count READ count NOTIFY countChanged)

 public:
  enum RoleName {
    IdRole = Qt::UserRole + 1,
    TitleRole,
    UpdatedRole,
    UpdatedMsRole,
    PinnedRole,
    PreviewRole
  };

  explicit ConversationListModel(QObject* parent = nullptr);

  int rowCount(const QModelIndex& parent = {}) const override;
  QVariant data(const QModelIndex& index, int role) const override;
  QHash<int, QByteArray> roleNames() const override;

  int count() const { return static_cast<int>(rows_.size()); }
  // Replaces every row (sorted here, whatever order they come in).
  void setRows(QList<ConversationRow> rows);
  Q_INVOKABLE int indexOf(qint64 conversation_id) const;
  Q_INVOKABLE QString titleOf(qint64 conversation_id) const;
  void rename(qint64 conversation_id, const QString& title);
  void setPinned(qint64 conversation_id, bool pinned);
  void remove(qint64 conversation_id);
  const QList<ConversationRow>& rows() const { return rows_; }

 Q_SIGNALS:
  void countChanged();

 private:
  static void sort(QList<ConversationRow>& rows);
  void resort();

  QList<ConversationRow> rows_;
};

// "Today 14:05", "Yesterday", "Mon", "12 Mar 2025": how the list shows times.
QString relative_time_text(qint64 time_ms, qint64 now_ms);

}  // namespace mosaic::ui
