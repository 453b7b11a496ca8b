// The app end to end under a real display (Xvfb): the controller, the app's
// own QML, a generated model and a fresh data folder. Types a message, waits
// for the streamed reply, checks the database, switches conversations,
// searches, attaches a dropped file, and saves screenshots of the welcome
// page, a chat with code and reasoning, and the settings.
#include <QClipboard>
#include <QDir>
#include <QGuiApplication>
#include <QMimeData>
#include <QQmlApplicationEngine>
#include <QQmlContext>
#include <QQuickItem>
#include <QQuickStyle>
#include <QQuickWindow>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>
#include <cstdio>
#include <memory>

#include "app/store/conversation_store.h"
#include "engine/synthetic/synthetic_model.h"
#include "ui/core/chat_controller.h"

namespace store = mosaic::store;
using mosaic::ui::ChatController;
using mosaic::ui::SettingsModel;

class EndToEndTest : public QObject {
  Q_OBJECT

 private:
  QTemporaryDir dir_;
  QString db_path_;
  QString model_path_;
  qint64 seeded_id_ = 0;
  std::unique_ptr<SettingsModel> settings_;
  std::unique_ptr<ChatController> chat_;
  std::unique_ptr<QQmlApplicationEngine> engine_;
  QQuickWindow* window_ = nullptr;

  void screenshot(const QString& name) {
    QTest::qWait(150);  // let bindings and the scene settle
    const QImage image = window_->grabWindow();
    QVERIFY(!image.isNull());
    QDir().mkpath(MOSAIC_UI_SCREENSHOT_DIR);
    const QString path = QStringLiteral(MOSAIC_UI_SCREENSHOT_DIR "/%1.png").arg(name);
    QVERIFY2(image.save(path), qPrintable(path));
    std::printf("screenshot: %s\n", qPrintable(path));
  }

  // Key events and shortcuts reach only the focus window; without a window
  // manager (Xvfb) activation is not automatic, so ask before typing.
  bool activate() {
    window_->requestActivate();
    return QTest::qWaitForWindowActive(window_);
  }

  // The visible item named `name` in the visual tree (views keep hidden and
  // not yet destroyed delegates around, so the first match may be stale).
  QQuickItem* visibleItem(const char* name) {
    QList<QQuickItem*> pending{window_->contentItem()};
    while (!pending.isEmpty()) {
      QQuickItem* item = pending.takeFirst();
      if (!item->isVisible()) continue;
      if (item->objectName() == QLatin1String(name)) return item;
      pending.append(item->childItems());
    }
    return nullptr;
  }

  // By objectName, through the visual tree too (view delegates have no QObject parent there).
  QObject* child(const char* name) {
    if (QObject* found = window_->findChild<QObject*>(QLatin1String(name))) return found;
    QList<QQuickItem*> pending{window_->contentItem()};
    while (!pending.isEmpty()) {
      QQuickItem* item = pending.takeFirst();
      if (item->objectName() == QLatin1String(name)) return item;
      if (QObject* found = item->findChild<QObject*>(QLatin1String(name))) return found;
      pending.append(item->childItems());
    }
    return nullptr;
  }

 private Q_SLOTS:
  void initTestCase() {
    QVERIFY(dir_.isValid());
    qputenv("XDG_DATA_HOME", (dir_.path() + "/data").toUtf8());
    qputenv("XDG_CONFIG_HOME", (dir_.path() + "/config").toUtf8());
    db_path_ = dir_.path() + "/data/mosaic/mosaic.db";
    QDir().mkpath(dir_.path() + "/data/mosaic");

    mosaic::synthetic::ModelSpec spec;
    spec.n_vocab = 600;
    spec.n_embd = 64;
    spec.n_head = 2;
    spec.n_head_kv = 1;
    spec.head_dim = 32;
    spec.n_expert = 4;
    spec.n_ff_expert = 64;
    spec.n_ctx_train = 512;
    model_path_ = dir_.path() + "/tiny.gguf";
    mosaic::synthetic::write_model(spec, model_path_.toStdString());

    // A conversation with reasoning and a code block, as a real one would be stored.
    auto db = store::ConversationStore::open(db_path_.toStdString());
    seeded_id_ = db.create_conversation({.title = "Fibonacci in Python"}).id;
    const int64_t q = db.append_message(seeded_id_, std::nullopt, store::Role::User,
                                        "Write a fibonacci function in Python.");
    store::NewMessage reply;
    reply.role = store::Role::Assistant;
    reply.reasoning = "The user wants an iterative version; it avoids recursion limits.";
    reply.content =
        "Here is an **iterative** version:\n\n```python\ndef fib(n):\n    a, b = 0, 1\n"
        "    for _ in range(n):\n        a, b = b, a + b\n    return a\n```\n\n"
        "It runs in *O(n)* time. The closed form is $F_n = \\frac{\\varphi^n - "
        "\\psi^n}{\\sqrt{5}}$, with\n\n$$\\varphi = \\frac{1 + \\sqrt{5}}{2} \\approx 1.618$$";
    const int64_t r = db.append_message(seeded_id_, q, reply);
    db.finish_message(r, store::MessageStatus::Complete,
                      {.prompt_tokens = 20,
                       .completion_tokens = 48,
                       .time_to_first_token_ms = 210,
                       .generation_ms = 1600});
  }

  void startsOnTheWelcomePage() {
    settings_ = std::make_unique<SettingsModel>(SettingsModel::defaultFilePath());
    settings_->setTemperature(0);  // greedy: a reproducible reply
    settings_->setMaxReplyTokens(12);
    settings_->setContextLength(512);
    settings_->setThreads(2);
    settings_->setWindowGeometry(QRect(0, 0, 1200, 800));
    chat_ = std::make_unique<ChatController>(db_path_, *settings_);
    engine_ = std::make_unique<QQmlApplicationEngine>();
    engine_->rootContext()->setContextProperty("chat", chat_.get());
    engine_->load(QUrl::fromLocalFile(MOSAIC_UI_QML_DIR "/Main.qml"));
    QVERIFY(!engine_->rootObjects().isEmpty());
    window_ = qobject_cast<QQuickWindow*>(engine_->rootObjects().first());
    QVERIFY(window_);
    QVERIFY(QTest::qWaitForWindowExposed(window_));
    QTRY_COMPARE(chat_->conversationModel().count(), 1);  // the seeded one, read off-thread
    QCOMPARE(chat_->modelState(), QStringLiteral("none"));
    QVERIFY(child("openModelButton"));
    screenshot("welcome");
  }

  void cancelledLoadLeavesNoModel() {
    QSignalSpy notices(chat_.get(), &ChatController::noticeOccurred);
    chat_->loadModel(model_path_);
    QCOMPARE(chat_->modelState(), QStringLiteral("loading"));
    // The welcome page shows the progress bar and its Cancel button; click it.
    QQuickItem* cancel = visibleItem("cancelLoadButton");
    QVERIFY(cancel);
    const QPointF centre = cancel->mapToScene(QPointF(cancel->width() / 2, cancel->height() / 2));
    QTest::mouseClick(window_, Qt::LeftButton, Qt::NoModifier, centre.toPoint());
    // However far the load got, the user asked for no model: none, with a message.
    QTRY_COMPARE(chat_->modelState(), QStringLiteral("none"));
    QTRY_COMPARE(notices.count(), 1);
    QVERIFY2(notices.first().first().toString().contains("cancelled"),
             qPrintable(notices.first().first().toString()));
    QVERIFY(chat_->modelInfo().isEmpty());
    QVERIFY(visibleItem("openModelButton"));
  }

  void loadsTheModel() {
    chat_->loadModel(QUrl::fromLocalFile(model_path_).toString());
    QCOMPARE(chat_->modelState(), QStringLiteral("loading"));
    QTRY_COMPARE_WITH_TIMEOUT(chat_->modelState(), QStringLiteral("ready"), 30000);
    QCOMPARE(chat_->modelInfo().value("architecture").toString(), QStringLiteral("qwen3moe"));
    QCOMPARE(settings_->recentModels().value(0), model_path_);
    QVERIFY(chat_->modelInfo().value("kvMemory").toString().endsWith("MB"));
  }

  void typedMessageStreamsAReplyIntoTheDatabase() {
    auto* input = qobject_cast<QQuickItem*>(child("messageInput"));
    QVERIFY(input);
    QVERIFY(activate());
    input->forceActiveFocus();
    for (const char c : std::string("Hello there"))
      QTest::keyClick(window_, c);  // no QWindow keyClicks in 6.4
    QSignalSpy finished(chat_.get(), &ChatController::turnFinished);
    QTest::keyClick(window_, Qt::Key_Return);
    // Twelve tokens of the tiny model may be written while the key is handled.
    QVERIFY(chat_->generating() || finished.count() == 1);
    QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, 60000);
    // A random-weight model seldom ends by itself: the reply stops at the
    // token limit and is kept as incomplete. Either way it is not an error.
    const QString status = finished.first().first().toString();
    QVERIFY2(status == "complete" || status == "incomplete", qPrintable(status));
    // The branch is read again from the store after the turn (with the stats).
    QTRY_VERIFY(chat_->messageModel().rows().value(1).status != "streaming");
    QCOMPARE(chat_->messageModel().count(), 2);
    const auto rows = chat_->messageModel().rows();
    QCOMPARE(rows[0].content, QStringLiteral("Hello there"));
    QVERIFY(rows[1].token_count > 0);
    QVERIFY(chat_->currentConversationId() != seeded_id_);
    QVERIFY(input->property("text").toString().isEmpty());  // the input was cleared

    // What the view shows is what the store holds (read through its own connection).
    auto db = store::ConversationStore::open(db_path_.toStdString());
    const auto branch = db.active_branch(chat_->currentConversationId());
    QCOMPARE(branch.size(), size_t{2});
    QCOMPARE(QString::fromStdString(branch[0].content), QStringLiteral("Hello there"));
    QCOMPARE(QString::fromStdString(branch[1].content), rows[1].content);
    QCOMPARE(QString::fromUtf8(std::string(store::to_string(branch[1].status)).c_str()), status);
    QCOMPARE(QString::fromStdString(db.get_conversation(branch[0].conversation_id).title),
             QStringLiteral("Hello there"));
    QTRY_COMPARE(chat_->conversationModel().count(), 2);
  }

  void regenerateAddsAVersion() {
    const qint64 reply = chat_->messageModel().lastIdOfRole("assistant");
    QSignalSpy finished(chat_.get(), &ChatController::turnFinished);
    chat_->regenerate(reply);
    QVERIFY(finished.wait(60000));
    // Done when the branch read after the turn arrives: two versions, not streaming.
    QTRY_VERIFY(chat_->messageModel().rows().value(1).sibling_count == 2 &&
                chat_->messageModel().rows().value(1).status != "streaming");
    QCOMPARE(chat_->messageModel().rows()[1].sibling_index, 1);
    QVERIFY(chat_->messageModel().rows()[1].id != reply);
    chat_->switchSibling(chat_->messageModel().rows()[1].id, -1);
    QTRY_COMPARE(chat_->messageModel().rows().value(1).id, reply);
    QCOMPARE(chat_->messageModel().rows()[1].sibling_index, 0);
  }

  void switchesToTheSeededConversation() {
    QSignalSpy loaded(chat_.get(), &ChatController::branchLoaded);
    chat_->selectConversation(seeded_id_);
    QVERIFY(loaded.wait(5000));
    QCOMPARE(chat_->messageModel().count(), 2);
    QVERIFY(chat_->messageModel().rows()[1].content.contains("```python"));
    QCOMPARE(chat_->currentTitle(), QStringLiteral("Fibonacci in Python"));
    // The seeded reply is the only one with reasoning; it starts collapsed.
    QTRY_VERIFY(visibleItem("reasoningToggle") != nullptr);
    QVERIFY(visibleItem("reasoningText") == nullptr);
    QQuickItem* toggle = visibleItem("reasoningToggle");
    QVERIFY(activate());
    toggle->forceActiveFocus(Qt::TabFocusReason);
    QTest::keyClick(window_, Qt::Key_Space);  // keyboard: Space opens it
    QTRY_VERIFY(visibleItem("reasoningText") != nullptr);
    QTest::keyClick(window_, Qt::Key_Return);  // and Enter closes it again
    QTRY_VERIFY(visibleItem("reasoningText") == nullptr);
    const QPointF centre = toggle->mapToScene(QPointF(toggle->width() / 2, toggle->height() / 2));
    QTest::mouseClick(window_, Qt::LeftButton, Qt::NoModifier, centre.toPoint());  // and a click
    QTRY_VERIFY(visibleItem("reasoningText") != nullptr);
    qobject_cast<QQuickItem*>(child("messageInput"))->forceActiveFocus();  // no focus ring
    child("toast")->setProperty("opacity", 0);  // the earlier "load cancelled" notice
    QTest::qWait(300);                          // its fade-out
    screenshot("chat-code-reasoning");
  }

  void searchFindsAndOpensAMessage() {
    auto* field = child("searchField");
    QVERIFY(field);
    field->setProperty("text", "iterative");  // the field searches after a short pause
    QSignalSpy found(chat_.get(), &ChatController::searchFinished);
    QVERIFY(found.wait(5000));
    QCOMPARE(chat_->searchModel().count(), 1);
    const auto hit = chat_->searchModel().rows().first();
    QCOMPARE(hit.conversation_id, seeded_id_);
    QVERIFY(hit.snippet_html.contains("<b>iterative</b>"));
    screenshot("search");
    chat_->newConversation();
    QSignalSpy scrolled(chat_.get(), &ChatController::scrollToMessage);
    chat_->openSearchHit(hit.conversation_id, hit.message_id);
    QVERIFY(scrolled.wait(5000));
    QCOMPARE(scrolled.first().first().toLongLong(), hit.message_id);
    QCOMPARE(chat_->currentConversationId(), seeded_id_);
    field->setProperty("text", "");
  }

  void keyboardShortcuts() {
    // The seeded conversation is open (from the search hit).
    QTRY_COMPARE(chat_->messageModel().count(), 2);
    QVERIFY(activate());
    auto* input = qobject_cast<QQuickItem*>(child("messageInput"));
    input->forceActiveFocus();

    // Ctrl+Shift+C copies the last reply.
    QGuiApplication::clipboard()->clear();
    QTest::keyClick(window_, Qt::Key_C, Qt::ControlModifier | Qt::ShiftModifier);
    QTRY_COMPARE(QGuiApplication::clipboard()->text(), chat_->messageModel().rows()[1].content);

    // Up in the empty input edits the last user message; Esc cancels the edit.
    input->setProperty("text", "");
    QTest::keyClick(window_, Qt::Key_Up);
    QTRY_VERIFY(visibleItem("editArea") != nullptr);
    QVERIFY(visibleItem("editArea")->hasActiveFocus());
    QCOMPARE(visibleItem("editArea")->property("text").toString(),
             QStringLiteral("Write a fibonacci function in Python."));
    QTest::keyClick(window_, Qt::Key_Escape);
    QTRY_VERIFY(visibleItem("editArea") == nullptr);

    // Ctrl+F focuses the search field.
    QTest::keyClick(window_, Qt::Key_F, Qt::ControlModifier);
    QTRY_VERIFY(qobject_cast<QQuickItem*>(child("searchField"))->hasActiveFocus());

    // Ctrl+K opens the model picker, with the loaded model's facts.
    QObject* picker = child("modelPicker");
    QVERIFY(picker);
    QTest::keyClick(window_, Qt::Key_K, Qt::ControlModifier);
    QTRY_VERIFY(picker->property("opened").toBool());
    QVERIFY(visibleItem("modelInfoPanel"));
    screenshot("model-info");
    QTest::keyClick(window_, Qt::Key_Escape);
    QTRY_VERIFY(!picker->property("visible").toBool());

    // Ctrl+N starts a new chat.
    QTest::keyClick(window_, Qt::Key_N, Qt::ControlModifier);
    QTRY_COMPARE(chat_->currentConversationId(), qint64{0});
    QCOMPARE(chat_->messageModel().count(), 0);

    // Esc stops a reply that would otherwise run to 400 tokens.
    settings_->setMaxReplyTokens(400);
    QVERIFY(activate());
    input->forceActiveFocus();
    for (const char c : std::string("Count")) QTest::keyClick(window_, c);
    QSignalSpy finished(chat_.get(), &ChatController::turnFinished);
    QSignalSpy stopped(chat_.get(), &ChatController::stopRequested);
    QTest::keyClick(window_, Qt::Key_Return);
    QVERIFY(chat_->generating());
    QTest::keyClick(window_, Qt::Key_Escape);
    QCOMPARE(stopped.count(), 1);  // Esc reached the controller while it was generating
    // The stopped turn may end while the key event is still being handled. The
    // tiny model may also have written all 400 tokens before the stop: either
    // way the reply is kept as incomplete, with a Continue button.
    QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, 60000);
    QCOMPARE(finished.first().first().toString(), QStringLiteral("incomplete"));
    QTRY_VERIFY(chat_->messageModel().rows().value(1).status == "incomplete");
    QVERIFY(chat_->messageModel().rows()[1].token_count <= 400);
    settings_->setMaxReplyTokens(12);
  }

  // A drag from a file manager and a paste, as Qt delivers them to the window.
  void droppedAndPastedFilesBecomeChips() {
    const QString notes = dir_.path() + "/notes.txt";
    QFile file(notes);
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.write("meeting notes");
    file.close();
    const QString picture = dir_.path() + "/picture.png";
    QImage image(64, 48, QImage::Format_RGB32);
    image.fill(QColor("#5b6cf0"));
    QVERIFY(image.save(picture));
    const QString missing = dir_.path() + "/gone.txt";

    QVERIFY(activate());
    QMimeData mime;
    mime.setUrls({QUrl::fromLocalFile(notes), QUrl::fromLocalFile(picture)});
    const QPoint at(window_->width() / 2, window_->height() / 2);
    QDragEnterEvent enter(at, Qt::CopyAction, &mime, Qt::LeftButton, Qt::NoModifier);
    QGuiApplication::sendEvent(window_, &enter);
    QVERIFY(enter.isAccepted());
    QDragMoveEvent move(at + QPoint(5, 5), Qt::CopyAction, &mime, Qt::LeftButton, Qt::NoModifier);
    QGuiApplication::sendEvent(window_, &move);
    QTRY_VERIFY(visibleItem("dropOverlay") != nullptr);  // "Drop files to attach them"
    QDropEvent drop(QPointF(at + QPoint(5, 5)), Qt::CopyAction, &mime, Qt::LeftButton,
                    Qt::NoModifier);
    QGuiApplication::sendEvent(window_, &drop);
    QVERIFY(drop.isAccepted());
    QTRY_VERIFY(visibleItem("dropOverlay") == nullptr);
    QTRY_COMPARE(chat_->attachmentModel().count(), 2);
    QTRY_VERIFY(!chat_->attachmentModel().checking());
    QCOMPARE(chat_->attachmentModel().validPaths(), (QStringList{notes, picture}));
    QTRY_VERIFY(visibleItem("attachmentThumbnail") != nullptr);  // the image as a thumbnail

    // Ctrl+V in the input with copied files attaches them; a missing one says why.
    auto* clip_mime = new QMimeData;  // the clipboard takes ownership
    clip_mime->setUrls({QUrl::fromLocalFile(missing)});
    QGuiApplication::clipboard()->setMimeData(clip_mime);
    auto* input = qobject_cast<QQuickItem*>(child("messageInput"));
    input->forceActiveFocus();
    QTest::keyClick(window_, Qt::Key_V, Qt::ControlModifier);
    QTRY_COMPARE(chat_->attachmentModel().count(), 3);
    QTRY_VERIFY(!chat_->attachmentModel().checking());
    QCOMPARE(chat_->attachmentModel().rows().last().error,
             QStringLiteral("gone.txt does not exist"));
    QCOMPARE(chat_->attachmentModel().validPaths().size(), 2);  // the bad one is not sent
    QVERIFY(input->property("text").toString().isEmpty());      // not pasted as text
    screenshot("attachment-chips");

    // Plain text on the clipboard is pasted as text, not attached.
    QGuiApplication::clipboard()->setText("pasted words");
    QTest::keyClick(window_, Qt::Key_V, Qt::ControlModifier);
    QTRY_COMPARE(input->property("text").toString(), QStringLiteral("pasted words"));
    QCOMPARE(chat_->attachmentModel().count(), 3);
    input->setProperty("text", "");
    chat_->attachmentModel().clear();
  }

  void systemPromptAndPresets() {
    QSignalSpy loaded(chat_.get(), &ChatController::branchLoaded);
    chat_->selectConversation(seeded_id_);
    QVERIFY(loaded.wait(5000));
    window_->setProperty("showSettings", true);
    auto* field = qobject_cast<QQuickItem*>(visibleItem("systemPromptField"));
    QVERIFY(field);
    field->forceActiveFocus();
    field->setProperty("text", "Answer in one sentence.");
    field->setFocus(false);  // editingFinished: the chat's prompt is saved
    QTRY_COMPARE(chat_->systemPrompt(), QStringLiteral("Answer in one sentence."));
    QTRY_COMPARE(QString::fromStdString(store::ConversationStore::open(db_path_.toStdString())
                                            .get_conversation(seeded_id_)
                                            .system_prompt),
                 QStringLiteral("Answer in one sentence."));

    settings_->setTopK(7);
    QSignalSpy presets(chat_.get(), &ChatController::presetsChanged);
    chat_->savePreset("Terse");
    QVERIFY(presets.wait(5000));
    QCOMPARE(chat_->presets().size(), 1);
    const QVariantMap preset = chat_->presets().first().toMap();
    QCOMPARE(preset.value("name").toString(), QStringLiteral("Terse"));
    QCOMPARE(preset.value("systemPrompt").toString(), QStringLiteral("Answer in one sentence."));

    // A new chat starts without a prompt; the preset gives it the prompt and top-k.
    chat_->newConversation();
    QCOMPARE(chat_->systemPrompt(), QString());
    settings_->setTopK(40);
    chat_->applyPreset(preset.value("id").toLongLong());
    QCOMPARE(chat_->systemPrompt(), QStringLiteral("Answer in one sentence."));
    QCOMPARE(settings_->topK(), 7);
    QTRY_COMPARE(field->property("text").toString(), QStringLiteral("Answer in one sentence."));
  }

  void settingsAndDarkTheme() {
    window_->setProperty("showSettings", true);
    screenshot("settings");
    // Picture detail: the default budget is shown by name, a change in the
    // settings shows at once, and a hand-edited value by its number.
    auto* detail = visibleItem("pictureDetailCombo");
    QVERIFY(detail);
    QCOMPARE(detail->property("displayText").toString(), QStringLiteral("Standard (1024 tokens)"));
    settings_->setPictureTokens(256);
    QTRY_COMPARE(detail->property("displayText").toString(), QStringLiteral("Fast (256 tokens)"));
    settings_->setPictureTokens(700);
    QTRY_COMPARE(detail->property("displayText").toString(), QStringLiteral("700 tokens"));
    settings_->setPictureTokens(1024);
    QQuickItem* flick = detail->parentItem();
    while (flick && !flick->inherits("QQuickFlickable")) flick = flick->parentItem();
    QVERIFY(flick);
    auto* content = flick->property("contentItem").value<QQuickItem*>();
    QVERIFY(content);
    flick->setProperty("contentY", std::max(0.0, detail->mapToItem(content, {0, 0}).y() - 300));
    screenshot("settings-model-and-pictures");
    flick->setProperty("contentY", 0);
    window_->setProperty("showSettings", false);
    settings_->setTheme("dark");
    screenshot("chat-dark");
    settings_->setTheme("light");
  }

  void cleanupTestCase() {
    engine_.reset();
    chat_.reset();
    settings_.reset();
  }
};

int main(int argc, char** argv) {
  if (qEnvironmentVariableIsEmpty("DISPLAY") && qEnvironmentVariableIsEmpty("WAYLAND_DISPLAY") &&
      qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM")) {
    std::printf("SKIP: no display (run under xvfb-run, or set QT_QPA_PLATFORM)\n");
    return 77;
  }
  QGuiApplication app(argc, argv);
  QQuickStyle::setStyle(QStringLiteral("Basic"));
  EndToEndTest test;
  return QTest::qExec(&test, argc, argv);
}

#include "end_to_end_test.moc"
