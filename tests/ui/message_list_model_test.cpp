// The chat view's branch: rows and roles, streaming text, code blocks, and
// versions (`< 2/3 >`) read from a real store and switched there.
#include "ui/models/message_list_model.h"

#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

#include "app/store/conversation_store.h"
#include "ui/core/store_queries.h"

using mosaic::ui::MessageListModel;
using mosaic::ui::MessageRow;
namespace store = mosaic::store;

namespace {

MessageRow row(qint64 id, const QString& role, const QString& content) {
  MessageRow r;
  r.id = id;
  r.role = role;
  r.content = content;
  r.status = QStringLiteral("complete");
  return r;
}

QStringList contents(const QList<MessageRow>& rows) {
  QStringList out;
  for (const MessageRow& r : rows) out.append(r.content);
  return out;
}

}  // namespace

class MessageListModelTest : public QObject {
  Q_OBJECT

 private Q_SLOTS:
  void rolesExposeTheRow() {
    MessageListModel model;
    MessageRow r = row(5, "assistant", "hi");
    r.reasoning = "thinking";
    r.tokens_per_second = 12.5;
    r.time_to_first_token_ms = 340;
    r.token_count = 42;
    r.sibling_index = 1;
    r.sibling_count = 3;
    model.setRows({row(4, "user", "hello"), r});
    const QModelIndex i = model.index(1);
    QCOMPARE(model.data(i, MessageListModel::ReasoningRole).toString(), QStringLiteral("thinking"));
    QCOMPARE(model.data(i, MessageListModel::TokensPerSecondRole).toDouble(), 12.5);
    QCOMPARE(model.data(i, MessageListModel::TimeToFirstTokenRole).toLongLong(), 340);
    QCOMPARE(model.data(i, MessageListModel::TokenCountRole).toLongLong(), 42);
    QCOMPARE(model.data(i, MessageListModel::SiblingIndexRole).toInt(), 1);
    QCOMPARE(model.data(i, MessageListModel::SiblingCountRole).toInt(), 3);
    QCOMPARE(model.data(i, MessageListModel::StreamingRole).toBool(), false);
    QCOMPARE(model.lastIdOfRole("user"), 4);
    QCOMPARE(model.lastIdOfRole("assistant"), 5);
    QCOMPARE(model.lastIdOfRole("system"), 0);
  }

  void streamingTextReplacesTheWholeText() {
    MessageListModel model;
    model.setRows({row(1, "user", "q"), row(2, "assistant", "")});
    QSignalSpy changed(&model, &QAbstractItemModel::dataChanged);
    QVERIFY(model.setStreamingText(2, "", "Hel"));
    QVERIFY(model.setStreamingText(2, "", "Hello"));
    QCOMPARE(model.contentOf(2), QStringLiteral("Hello"));  // not "HelHello"
    QCOMPARE(model.contentOf(1), QStringLiteral("q"));
    QVERIFY(model.data(model.index(1), MessageListModel::StreamingRole).toBool());
    QCOMPARE(changed.count(), 2);
    QVERIFY(!model.setStreamingText(99, "", "x"));  // not shown: nothing to update
  }

  void fencedCodeBlocks() {
    const QString markdown =
        "Intro\n```python\nprint(1)\nprint(2)\n```\ntext\n~~~\nraw\n~~~\n```\nunclosed";
    QCOMPARE(mosaic::ui::fenced_code_blocks(markdown),
             (QStringList{"print(1)\nprint(2)", "raw", "unclosed"}));
    QCOMPARE(mosaic::ui::fenced_code_blocks("no code here"), QStringList{});
  }

  void markdownSegments() {
    const QVariantList segments = mosaic::ui::markdown_segments(
        "Intro **bold**\n\n```python\nprint(1)\n```\nAfter\n```\nopen");
    QCOMPARE(segments.size(), 4);
    const auto at = [&](int i, const char* key) {
      return segments[i].toMap().value(QLatin1String(key)).toString();
    };
    QCOMPARE(at(0, "kind"), QStringLiteral("text"));
    QCOMPARE(at(0, "text"), QStringLiteral("Intro **bold**"));
    QCOMPARE(at(1, "kind"), QStringLiteral("code"));
    QCOMPARE(at(1, "language"), QStringLiteral("python"));
    QCOMPARE(at(1, "text"), QStringLiteral("print(1)"));
    QCOMPARE(at(2, "text"), QStringLiteral("After"));
    QCOMPARE(at(3, "kind"), QStringLiteral("code"));
    QCOMPARE(at(3, "text"), QStringLiteral("open"));
    QVERIFY(mosaic::ui::markdown_segments("").isEmpty());
  }

  void branchRowsCarryVersionsAndSwitch() {
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    auto db = store::ConversationStore::open((dir.path() + "/t.db").toStdString());
    const int64_t conversation = db.create_conversation({.title = "t"}).id;
    const int64_t question = db.append_message(conversation, std::nullopt, store::Role::User, "q");
    const int64_t first = db.append_message(conversation, question, store::Role::Assistant, "a1");
    store::NewMessage second_reply{.role = store::Role::Assistant, .content = "a2"};
    const int64_t second = db.append_sibling(first, second_reply);
    const int64_t follow_up = db.append_message(conversation, second, store::Role::User, "more");

    QList<MessageRow> rows = mosaic::ui::branch_rows(db, conversation);
    QCOMPARE(contents(rows), (QStringList{"q", "a2", "more"}));
    QCOMPARE(rows[1].sibling_index, 1);
    QCOMPARE(rows[1].sibling_count, 2);
    QCOMPARE(rows[0].sibling_count, 1);
    QCOMPARE(rows[1].role, QStringLiteral("assistant"));

    // Back to the first reply: its branch has no follow-up.
    QCOMPARE(mosaic::ui::switch_sibling(db, second, -1), conversation);
    rows = mosaic::ui::branch_rows(db, conversation);
    QCOMPARE(contents(rows), (QStringList{"q", "a1"}));
    QCOMPARE(rows[1].sibling_index, 0);

    // Past the end is clamped to the last version, which lands on its newest leaf.
    mosaic::ui::switch_sibling(db, first, 5);
    rows = mosaic::ui::branch_rows(db, conversation);
    QCOMPARE(contents(rows), (QStringList{"q", "a2", "more"}));
    QCOMPARE(rows.last().id, follow_up);

    // A search hit on another branch is revealed.
    mosaic::ui::reveal_message(db, first);
    QCOMPARE(contents(mosaic::ui::branch_rows(db, conversation)), (QStringList{"q", "a1"}));
  }

  void searchSnippetsAreEscapedAndMarked() {
    QTemporaryDir dir;
    auto db = store::ConversationStore::open((dir.path() + "/s.db").toStdString());
    const int64_t conversation = db.create_conversation({.title = "Code"}).id;
    db.append_message(conversation, std::nullopt, store::Role::User, "is a < b in fibonacci?");
    const QList<mosaic::ui::SearchRow> hits = mosaic::ui::search_rows(db, "fibonacci", 10);
    QCOMPARE(hits.size(), 1);
    QCOMPARE(hits[0].conversation_id, conversation);
    QCOMPARE(hits[0].conversation_title, QStringLiteral("Code"));
    QVERIFY2(hits[0].snippet_html.contains("<b>fibonacci</b>"), qPrintable(hits[0].snippet_html));
    QVERIFY2(hits[0].snippet_html.contains("a &lt; b"), qPrintable(hits[0].snippet_html));
    QVERIFY(mosaic::ui::search_rows(db, "   ", 10).isEmpty());
  }
};

QTEST_GUILESS_MAIN(MessageListModelTest)
#include "message_list_model_test.moc"
