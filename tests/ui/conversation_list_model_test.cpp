// The sidebar's list: order (pinned first, then newest), pin, rename, remove.
#include "ui/models/conversation_list_model.h"

#include <QSignalSpy>
#include <QTest>

#include "ui/core/store_queries.h"

using mosaic::ui::ConversationListModel;
using mosaic::ui::ConversationRow;

namespace {

ConversationRow row(qint64 id, qint64 updated_ms, bool pinned, const QString& title = {}) {
  ConversationRow r;
  r.id = id;
  r.updated_ms = updated_ms;
  r.pinned = pinned;
  r.title = title.isEmpty() ? QStringLiteral("chat %1").arg(id) : title;
  return r;
}

QList<qint64> ids(const ConversationListModel& model) {
  QList<qint64> out;
  for (int i = 0; i < model.rowCount(); ++i) {
    out.append(model.data(model.index(i), ConversationListModel::IdRole).toLongLong());
  }
  return out;
}

}  // namespace

class ConversationListModelTest : public QObject {
  Q_OBJECT

 private Q_SLOTS:
  void pinnedFirstThenNewest() {
    ConversationListModel model;
    model.setRows({row(1, 100, false), row(2, 300, false), row(3, 50, true), row(4, 200, true),
                   row(5, 300, false)});
    // Pinned 4 (200) and 3 (50); then unpinned by time, ties by newer id (5 before 2).
    QCOMPARE(ids(model), (QList<qint64>{4, 3, 5, 2, 1}));
    QCOMPARE(model.count(), 5);
  }

  void pinningMovesARowUpAndBack() {
    ConversationListModel model;
    model.setRows({row(1, 100, false), row(2, 200, false), row(3, 300, false)});
    model.setPinned(1, true);
    QCOMPARE(ids(model), (QList<qint64>{1, 3, 2}));
    QVERIFY(model.data(model.index(0), ConversationListModel::PinnedRole).toBool());
    model.setPinned(1, false);
    QCOMPARE(ids(model), (QList<qint64>{3, 2, 1}));
  }

  void renameChangesOnlyThatRow() {
    ConversationListModel model;
    model.setRows({row(1, 100, false, "alpha"), row(2, 200, false, "beta")});
    QSignalSpy changed(&model, &QAbstractItemModel::dataChanged);
    model.rename(1, "gamma");
    QCOMPARE(changed.count(), 1);
    QCOMPARE(model.titleOf(1), QStringLiteral("gamma"));
    QCOMPARE(model.titleOf(2), QStringLiteral("beta"));
    model.rename(99, "nobody");  // unknown ids are ignored
    QCOMPARE(changed.count(), 1);
  }

  void untitledConversationsReadNewChat() {
    ConversationListModel model;
    ConversationRow r = row(7, 1, false);
    r.title.clear();
    model.setRows({r});
    QCOMPARE(model.data(model.index(0), ConversationListModel::TitleRole).toString(),
             QStringLiteral("New chat"));
  }

  void removeDropsTheRow() {
    ConversationListModel model;
    model.setRows({row(1, 100, false), row(2, 200, false)});
    QSignalSpy count(&model, &ConversationListModel::countChanged);
    model.remove(2);
    QCOMPARE(ids(model), (QList<qint64>{1}));
    QCOMPARE(count.count(), 1);
    QCOMPARE(model.indexOf(2), -1);
  }

  void relativeTimes() {
    const QDateTime now(QDate(2025, 3, 12), QTime(15, 0));
    const qint64 now_ms = now.toMSecsSinceEpoch();
    QCOMPARE(mosaic::ui::relative_time_text(
                 QDateTime(QDate(2025, 3, 12), QTime(9, 5)).toMSecsSinceEpoch(), now_ms),
             QStringLiteral("09:05"));
    QCOMPARE(mosaic::ui::relative_time_text(
                 QDateTime(QDate(2025, 3, 11), QTime(23, 0)).toMSecsSinceEpoch(), now_ms),
             QStringLiteral("Yesterday"));
    QCOMPARE(mosaic::ui::relative_time_text(
                 QDateTime(QDate(2024, 1, 2), QTime(8, 0)).toMSecsSinceEpoch(), now_ms),
             QStringLiteral("2 Jan 2024"));
  }

  void previewIsPlainText() {
    QCOMPARE(mosaic::ui::plain_preview("# Title\nHere is an **iterative** version:\n```python\n"
                                       "def f(): pass\n```\nwith $x$"),
             QStringLiteral("Title Here is an iterative version: def f(): pass with x"));
  }
};

QTEST_GUILESS_MAIN(ConversationListModelTest)
#include "conversation_list_model_test.moc"
