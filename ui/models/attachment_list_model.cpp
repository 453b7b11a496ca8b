#include "ui/models/attachment_list_model.h"

#include <QFile>
#include <QFileInfo>
#include <QMimeDatabase>

namespace mosaic::ui {
namespace {

AttachmentRow check_file(AttachmentRow row, qint64 max_size_bytes) {
  const QFileInfo info(row.path);
  row.checking = false;
  if (!info.exists()) {
    row.error = QObject::tr("%1 does not exist").arg(row.name);
  } else if (info.isDir()) {
    row.error = QObject::tr("%1 is a folder, not a file").arg(row.name);
  } else if (!info.isFile()) {
    row.error = QObject::tr("%1 is not a regular file").arg(row.name);
  } else if (!info.isReadable()) {
    row.error = QObject::tr("%1 cannot be read (permission denied)").arg(row.name);
  } else {
    row.size_bytes = info.size();
    row.mime_type = QMimeDatabase().mimeTypeForFile(info).name();
    if (row.size_bytes > max_size_bytes) {
      row.error = QObject::tr("%1 is too big (%2, at most %3)")
                      .arg(row.name, human_size(row.size_bytes), human_size(max_size_bytes));
    }
  }
  return row;
}

}  // namespace

QString human_size(qint64 bytes) {
  if (bytes < 1000) return QStringLiteral("%1 B").arg(bytes);
  const char* units[] = {"KB", "MB", "GB", "TB"};
  double value = static_cast<double>(bytes);
  int unit = -1;
  while (value >= 1000 && unit < 3) {
    value /= 1000;
    ++unit;
  }
  return QStringLiteral("%1 %2").arg(value, 0, 'f', 1).arg(QLatin1String(units[unit]));
}

AttachmentListModel::AttachmentListModel(qint64 max_size_bytes, QObject* parent)
    : QAbstractListModel(parent), max_size_bytes_(max_size_bytes) {
  checker_.setMaxThreadCount(1);
}

AttachmentListModel::~AttachmentListModel() { checker_.waitForDone(); }

int AttachmentListModel::rowCount(const QModelIndex& parent) const {
  return parent.isValid() ? 0 : count();
}

QVariant AttachmentListModel::data(const QModelIndex& index, int role) const {
  if (!index.isValid() || index.row() >= rows_.size()) return {};
  const AttachmentRow& row = rows_[index.row()];
  switch (role) {
    case Qt::DisplayRole:
    case NameRole:
      return row.name;
    case PathRole:
      return row.path;
    case SizeRole:
      return row.checking || (!row.error.isEmpty() && row.size_bytes == 0)
                 ? QString()
                 : human_size(row.size_bytes);
    case SizeBytesRole:
      return row.size_bytes;
    case MimeRole:
      return row.mime_type;
    case ErrorRole:
      return row.error;
    case CheckingRole:
      return row.checking;
    default:
      return {};
  }
}

QHash<int, QByteArray> AttachmentListModel::roleNames() const {
  return {{NameRole, "name"},           {PathRole, "path"}, {SizeRole, "size"},
          {SizeBytesRole, "sizeBytes"}, {MimeRole, "mime"}, {ErrorRole, "error"},
          {CheckingRole, "checking"}};
}

bool AttachmentListModel::checking() const {
  for (const AttachmentRow& row : rows_) {
    if (row.checking) return true;
  }
  return false;
}

void AttachmentListModel::addUrls(const QList<QUrl>& urls) {
  for (const QUrl& url : urls) {
    if (url.isLocalFile() || url.scheme().isEmpty()) {
      add(url.isLocalFile() ? url.toLocalFile() : url.toString(), {});
    } else {
      add(url.toString(), tr("%1 is not a local file").arg(url.toString()));
    }
  }
}

void AttachmentListModel::addPaths(const QStringList& paths) {
  for (const QString& path : paths) add(path, {});
}

void AttachmentListModel::add(const QString& path, const QString& error_before_check) {
  AttachmentRow row;
  row.ticket = next_ticket_++;
  row.path = path;
  row.name = QFileInfo(path).fileName().isEmpty() ? path : QFileInfo(path).fileName();
  row.error = error_before_check;
  row.checking = error_before_check.isEmpty();
  beginInsertRows({}, count(), count());
  rows_.append(row);
  endInsertRows();
  Q_EMIT countChanged();
  if (!row.checking) return;
  const qint64 limit = max_size_bytes_;
  // `this` outlives the job: the destructor waits for the pool.
  checker_.start([this, row, limit] {
    const AttachmentRow checked = check_file(row, limit);
    QMetaObject::invokeMethod(
        this, [this, checked] { applyCheck(checked); }, Qt::QueuedConnection);
  });
}

void AttachmentListModel::applyCheck(const AttachmentRow& checked) {
  for (int i = 0; i < rows_.size(); ++i) {
    if (rows_[i].ticket != checked.ticket) continue;  // removed meanwhile: dropped
    rows_[i] = checked;
    Q_EMIT dataChanged(index(i), index(i));
    Q_EMIT countChanged();  // `checking` may have changed
    return;
  }
}

void AttachmentListModel::remove(int row) {
  if (row < 0 || row >= count()) return;
  beginRemoveRows({}, row, row);
  rows_.removeAt(row);
  endRemoveRows();
  Q_EMIT countChanged();
}

void AttachmentListModel::clear() {
  if (rows_.isEmpty()) return;
  beginResetModel();
  rows_.clear();
  endResetModel();
  Q_EMIT countChanged();
}

QStringList AttachmentListModel::validPaths() const {
  QStringList paths;
  for (const AttachmentRow& row : rows_) {
    if (!row.checking && row.error.isEmpty()) paths.append(row.path);
  }
  return paths;
}

}  // namespace mosaic::ui
