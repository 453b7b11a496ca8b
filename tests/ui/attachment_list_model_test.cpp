// Attachment chips: files checked off the GUI thread, errors shown per file.
#include "ui/models/attachment_list_model.h"

#include <QDir>
#include <QFile>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>
#include <QUrl>

using mosaic::ui::AttachmentListModel;

namespace {

QString write_file(const QString& path, const QByteArray& bytes) {
  QFile file(path);
  if (!file.open(QIODevice::WriteOnly)) qFatal("cannot write %s", qPrintable(path));
  file.write(bytes);
  return path;
}

}  // namespace

class AttachmentListModelTest : public QObject {
  Q_OBJECT

 private Q_SLOTS:
  void checksEachFile() {
    QTemporaryDir dir;
    const QString text = write_file(dir.path() + "/notes.txt", "hello world\n");
    const QString big = write_file(dir.path() + "/big.txt", QByteArray(64, 'x'));
    QDir(dir.path()).mkdir("folder");
    AttachmentListModel model(/*max_size_bytes=*/32);
    model.addUrls({QUrl::fromLocalFile(text), QUrl::fromLocalFile(dir.path() + "/missing.txt"),
                   QUrl::fromLocalFile(dir.path() + "/folder"), QUrl::fromLocalFile(big),
                   QUrl("https://example.com/a.txt")});
    QCOMPARE(model.count(), 5);
    QTRY_VERIFY_WITH_TIMEOUT(!model.checking(), 5000);
    const auto& rows = model.rows();
    QCOMPARE(rows[0].error, QString());
    QCOMPARE(rows[0].size_bytes, 12);
    QCOMPARE(rows[0].mime_type, QStringLiteral("text/plain"));
    QCOMPARE(rows[0].name, QStringLiteral("notes.txt"));
    QVERIFY2(rows[1].error.contains("missing.txt") && rows[1].error.contains("does not exist"),
             qPrintable(rows[1].error));
    QVERIFY2(rows[2].error.contains("folder"), qPrintable(rows[2].error));
    QVERIFY2(rows[3].error.contains("too big"), qPrintable(rows[3].error));
    QVERIFY2(rows[4].error.contains("not a local file"), qPrintable(rows[4].error));
    QCOMPARE(model.validPaths(), QStringList{text});
    QCOMPARE(model.data(model.index(0), AttachmentListModel::SizeRole).toString(),
             QStringLiteral("12 B"));
  }

  void removeAndClear() {
    QTemporaryDir dir;
    const QString a = write_file(dir.path() + "/a.md", "# a");
    const QString b = write_file(dir.path() + "/b.md", "# b");
    AttachmentListModel model;
    model.addPaths({a, b});
    model.remove(0);  // possibly before its check came back: the result is dropped
    QTRY_VERIFY_WITH_TIMEOUT(!model.checking(), 5000);
    QCOMPARE(model.validPaths(), QStringList{b});
    model.remove(7);  // out of range: ignored
    QCOMPARE(model.count(), 1);
    model.clear();
    QCOMPARE(model.count(), 0);
  }

  void humanSizes() {
    QCOMPARE(mosaic::ui::human_size(999), QStringLiteral("999 B"));
    QCOMPARE(mosaic::ui::human_size(12345), QStringLiteral("12.3 KB"));
    QCOMPARE(mosaic::ui::human_size(18'600'000'000LL), QStringLiteral("18.6 GB"));
  }
};

QTEST_GUILESS_MAIN(AttachmentListModelTest)
#include "attachment_list_model_test.moc"
