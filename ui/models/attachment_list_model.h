// Files the user is about to send, shown as removable chips under the input.
// Each file is checked on a worker thread (exists, is a regular readable file,
// not too big, its MIME type) and the result posted back; a chip shows the
// error instead of failing the send. GUI thread only.
#pragma once

#include <QAbstractListModel>
#include <QList>
#include <QThreadPool>
#include <QUrl>

namespace mosaic::ui {

struct AttachmentRow {
  quint64 ticket = 0;  // matches a check's result to its row after removals
  QString path;
  QString name;
  qint64 size_bytes = 0;
  QString mime_type;
  QString error;  // why the file cannot be attached; empty when it can
  bool checking = true;
};

class AttachmentListModel : public QAbstractListModel {
  Q_OBJECT
  Q_PROPERTY(int count READ count NOTIFY countChanged)
  Q_PROPERTY(bool checking READ checking NOTIFY countChanged)

 public:
  enum RoleName {
    NameRole = Qt::UserRole + 1,
    PathRole,
    SizeRole,
    SizeBytesRole,
    MimeRole,
    ErrorRole,
    CheckingRole
  };

  explicit AttachmentListModel(qint64 max_size_bytes = 64LL * 1024 * 1024,
                               QObject* parent = nullptr);
  ~AttachmentListModel() override;

  int rowCount(const QModelIndex& parent = {}) const override;
  QVariant data(const QModelIndex& index, int role) const override;
  QHash<int, QByteArray> roleNames() const override;

  int count() const { return static_cast<int>(rows_.size()); }
  bool checking() const;
  // Local files (file:// URLs or plain paths); other URLs get an error chip.
  Q_INVOKABLE void addUrls(const QList<QUrl>& urls);
  Q_INVOKABLE void addPaths(const QStringList& paths);
  Q_INVOKABLE void remove(int row);
  Q_INVOKABLE void clear();
  // Paths of the checked files without errors, in the order added.
  QStringList validPaths() const;
  const QList<AttachmentRow>& rows() const { return rows_; }

 Q_SIGNALS:
  void countChanged();

 private:
  void add(const QString& path, const QString& error_before_check);
  void applyCheck(const AttachmentRow& checked);

  qint64 max_size_bytes_;
  quint64 next_ticket_ = 1;
  QList<AttachmentRow> rows_;
  QThreadPool checker_;
};

// "512 B", "12.3 KB", "4.0 MB", "18.6 GB" (powers of 1000, like file managers).
QString human_size(qint64 bytes);

}  // namespace mosaic::ui

Q_DECLARE_METATYPE(mosaic::ui::AttachmentRow)
