// The camera panel end to end under Xvfb: the real ChatController and
// CameraController, the app's QML, a generated vision model (qwen3vlmoe with
// its mmproj beside it) and videos made by ffmpeg standing in for a camera.
// Checks the camera-less state, the preview, "ask about what you see" into
// the chat (the frame stored with the message, the model seeing it), watch
// mode with a stand-in questioner (alerts become notifications and chat
// entries), watch mode on the real model, and that a model change stops it.
// Saves screenshots of the panel.
#include <QDir>
#include <QFile>
#include <QGuiApplication>
#include <QQmlApplicationEngine>
#include <QQmlContext>
#include <QQuickItem>
#include <QQuickStyle>
#include <QQuickWindow>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>
#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <memory>

#include "app/store/conversation_store.h"
#include "engine/synthetic/synthetic_mmproj.h"
#include "engine/synthetic/synthetic_model.h"
#include "ui/core/camera_controller.h"
#include "ui/core/camera_image_provider.h"
#include "ui/core/chat_controller.h"

namespace store = mosaic::store;
using mosaic::ui::CameraController;
using mosaic::ui::ChatController;
using mosaic::ui::SettingsModel;

namespace {

bool ffmpeg(const QString& args) {
  const QString command = "ffmpeg -y -loglevel error " + args + " >/dev/null 2>&1";
  return std::system(command.toUtf8().constData()) == 0;
}

// Answers every question with an event, so the alert path can be checked
// without depending on a random model's words.
class AlwaysAlerts : public mosaic::watch::FrameQuestioner {
 public:
  explicit AlwaysAlerts(std::atomic<int>& asked) : asked_(asked) {}
  mosaic::watch::FrameAnswer ask(const mosaic::watch::FrameQuestion& question,
                                 const std::function<bool()>&) override {
    ++asked_;
    if (question.frames.empty()) throw std::runtime_error("no frames");
    return {"EVENT: the scene changed"};
  }

 private:
  std::atomic<int>& asked_;
};

}  // namespace

class CameraPanelTest : public QObject {
  Q_OBJECT

 private:
  QTemporaryDir dir_;
  QString db_path_, model_path_, text_model_path_, video_path_;
  bool have_ffmpeg_ = false;
  std::atomic<int> stand_in_questions_{0};
  bool use_stand_in_ = true;
  std::unique_ptr<SettingsModel> settings_;
  std::unique_ptr<ChatController> chat_;
  std::unique_ptr<CameraController> camera_;
  std::unique_ptr<QQmlApplicationEngine> engine_;
  QQuickWindow* window_ = nullptr;

  void screenshot(const QString& name) {
    QTest::qWait(200);
    const QImage image = window_->grabWindow();
    QVERIFY(!image.isNull());
    QDir().mkpath(MOSAIC_UI_SCREENSHOT_DIR);
    const QString path = QStringLiteral(MOSAIC_UI_SCREENSHOT_DIR "/%1.png").arg(name);
    QVERIFY2(image.save(path), qPrintable(path));
    std::printf("screenshot: %s\n", qPrintable(path));
  }

  QObject* child(const char* name) {
    QList<QQuickItem*> pending{window_->contentItem()};
    while (!pending.isEmpty()) {
      QQuickItem* item = pending.takeFirst();
      if (item->objectName() == QLatin1String(name) && item->isVisible()) return item;
      pending.append(item->childItems());
    }
    return nullptr;
  }

  std::vector<store::Message> messages_of(qint64 conversation_id) {
    auto db = store::ConversationStore::open(db_path_.toStdString());
    return db.path_to(*db.get_conversation(conversation_id).active_leaf_message_id);
  }

 private Q_SLOTS:
  void initTestCase() {
    QVERIFY(dir_.isValid());
    qputenv("XDG_DATA_HOME", (dir_.path() + "/data").toUtf8());
    qputenv("XDG_CONFIG_HOME", (dir_.path() + "/config").toUtf8());
    db_path_ = dir_.path() + "/data/mosaic/mosaic.db";
    QDir().mkpath(dir_.path() + "/data/mosaic");
    QDir().mkpath(dir_.path() + "/models");

    mosaic::synthetic::ModelSpec spec = mosaic::synthetic::tiny_vision_spec(64, 2);
    spec.n_ctx_train = 2048;
    model_path_ = dir_.path() + "/models/tiny-vl.gguf";
    mosaic::synthetic::write_model(spec, model_path_.toStdString());
    mosaic::synthetic::MmprojSpec mm;
    mm.projection_dim = 64;
    mosaic::synthetic::write_synthetic_mmproj(
        (dir_.path() + "/models/mmproj-tiny-vl.gguf").toStdString(), mm);
    mosaic::synthetic::ModelSpec text = spec;
    text.architecture = "qwen3moe";
    text_model_path_ = dir_.path() + "/text.gguf";
    mosaic::synthetic::write_model(text, text_model_path_.toStdString());

    // Navy for 2 s, then a test pattern: a scene change the watcher samples.
    video_path_ = dir_.path() + "/scene.mp4";
    have_ffmpeg_ = ffmpeg(
        "-f lavfi -i color=c=navy:size=160x120:rate=10:d=2 -f lavfi -i "
        "testsrc2=size=160x120:rate=10:d=2 -filter_complex \"[0:v][1:v]concat=n=2:v=1\" " +
        video_path_);

    settings_ = std::make_unique<SettingsModel>(SettingsModel::defaultFilePath());
    settings_->setTemperature(0);
    settings_->setMaxReplyTokens(6);
    settings_->setContextLength(2048);
    settings_->setThreads(2);
    settings_->setWindowGeometry(QRect(0, 0, 1300, 860));
    chat_ = std::make_unique<ChatController>(db_path_, *settings_);
    camera_ = std::make_unique<CameraController>(
        *chat_,
        [this](const mosaic::ui::EngineWorker::VisionHandles& handles)
            -> std::shared_ptr<mosaic::watch::FrameQuestioner> {
          if (use_stand_in_) return std::make_shared<AlwaysAlerts>(stand_in_questions_);
          return mosaic::ui::make_model_frame_questioner(handles);
        });
    engine_ = std::make_unique<QQmlApplicationEngine>();
    engine_->rootContext()->setContextProperty("chat", chat_.get());
    engine_->rootContext()->setContextProperty("camera", camera_.get());
    engine_->addImageProvider("camera", new mosaic::ui::CameraImageProvider(camera_->preview()));
    engine_->load(QUrl::fromLocalFile(MOSAIC_UI_QML_DIR "/Main.qml"));
    QVERIFY(!engine_->rootObjects().isEmpty());
    window_ = qobject_cast<QQuickWindow*>(engine_->rootObjects().first());
    QVERIFY(window_);
    QVERIFY(QTest::qWaitForWindowExposed(window_));
    QTRY_COMPARE(chat_->storeState(), QStringLiteral("open"));
  }

  void missingCameraSaysSoInThePanel() {
    window_->setProperty("showCamera", true);
    QTRY_VERIFY(child("cameraPanel"));
    camera_->startCamera(97);
    QTRY_COMPARE(camera_->sourceState(), QStringLiteral("no-camera"));
    QVERIFY2(camera_->statusText().contains("/dev/video97"), qPrintable(camera_->statusText()));
    auto* state = child("cameraState");
    QVERIFY(state);
    QVERIFY2(state->property("text").toString().contains("No camera is available"),
             qPrintable(state->property("text").toString()));
    screenshot("camera-missing");
    // Nothing to ask about, and no watch without a picture.
    QSignalSpy errors(camera_.get(), &CameraController::errorOccurred);
    camera_->startWatch("tell me when someone enters", 1, 1);
    QCOMPARE(errors.count(), 1);
    QVERIFY(!camera_->watching());
  }

  void videoFileStandsInForTheCamera() {
    if (!have_ffmpeg_) QSKIP("ffmpeg makes the test video (CI has it)");
    camera_->useVideoFile(QUrl::fromLocalFile(video_path_).toString());
    QTRY_COMPARE(camera_->sourceState(), QStringLiteral("live"));
    QCOMPARE(camera_->sourceName(), QStringLiteral("scene.mp4"));
    const int first = camera_->frameSerial();
    QTRY_VERIFY(camera_->frameSerial() > first + 3);  // the preview moves
    const QImage frame = camera_->preview()->get();
    QCOMPARE(frame.size(), QSize(160, 120));
  }

  void askNeedsAVisionModelThenSendsTheFrame() {
    if (!have_ffmpeg_) QSKIP("ffmpeg makes the test video (CI has it)");
    // A text model cannot see: the ask goes nowhere and says why.
    chat_->loadModel(text_model_path_);
    QTRY_COMPARE_WITH_TIMEOUT(chat_->modelState(), QStringLiteral("ready"), 30000);
    QCOMPARE(chat_->modelInfo().value("seesPictures").toBool(), false);

    chat_->loadModel(model_path_);
    QTRY_COMPARE_WITH_TIMEOUT(chat_->modelState(), QStringLiteral("ready"), 30000);
    QVERIFY2(chat_->modelInfo().value("seesPictures").toBool(),
             qPrintable(chat_->modelInfo().value("visionNote").toString()));
    QVERIFY(chat_->modelInfo().value("visionNote").toString().contains("mmproj-tiny-vl.gguf"));

    QSignalSpy finished(chat_.get(), &ChatController::turnFinished);
    camera_->askAboutWhatYouSee("What colour is the picture?", 1);
    QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, 60000);
    QVERIFY2(finished.first().first().toString() != "error", "the turn failed");
    const qint64 conversation = chat_->currentConversationId();
    QVERIFY(conversation != 0);
    const auto branch = messages_of(conversation);
    QCOMPARE(branch.size(), size_t{2});
    QVERIFY(QString::fromStdString(branch[0].content).contains("What colour is the picture?"));
    auto db = store::ConversationStore::open(db_path_.toStdString());
    const auto attached = db.attachments_of(branch[0].id);
    QCOMPARE(attached.size(), size_t{1});
    QCOMPARE(QString::fromStdString(attached[0].mime_type), QStringLiteral("image/png"));
    // The model was given the picture: the reply's prompt holds its rows.
    QVERIFY(branch[1].stats.prompt_tokens > 20);
    // The chat shows the frame as a thumbnail, not just its file name.
    QTRY_VERIFY(child("attachmentThumbnail"));
  }

  // A vision file kept elsewhere: chosen once, remembered for the model; a
  // file that does not belong is refused with the reason, the model stays.
  void visionFileChosenElsewhereIsRemembered() {
    const QString lone_dir = dir_.path() + "/lone";
    QDir().mkpath(lone_dir);
    const QString lone = lone_dir + "/tiny-vl.gguf";
    QVERIFY(QFile::copy(model_path_, lone));
    const QString vision = dir_.path() + "/vision-for-tiny.gguf";
    QVERIFY(QFile::copy(dir_.path() + "/models/mmproj-tiny-vl.gguf", vision));
    chat_->loadModel(lone);
    QTRY_COMPARE_WITH_TIMEOUT(chat_->modelState(), QStringLiteral("ready"), 30000);
    QCOMPARE(chat_->modelInfo().value("seesPictures").toBool(), false);
    QVERIFY(chat_->modelInfo().value("visionNote").toString().contains("no vision (mmproj) file"));

    chat_->chooseVisionFile(QUrl::fromLocalFile(vision).toString());
    QTRY_COMPARE_WITH_TIMEOUT(chat_->modelState(), QStringLiteral("ready"), 30000);
    QTRY_VERIFY2(chat_->modelInfo().value("seesPictures").toBool(),
                 qPrintable(chat_->modelInfo().value("visionNote").toString()));
    QCOMPARE(settings_->visionFileFor(lone), vision);
    QVERIFY(chat_->modelInfo().value("visionChosen").toBool());
    QObject* picker = window_->findChild<QObject*>("modelPicker");
    QVERIFY(picker);
    QMetaObject::invokeMethod(picker, "open");
    QTRY_VERIFY(picker->property("opened").toBool());
    screenshot("model-with-chosen-vision-file");
    QMetaObject::invokeMethod(picker, "close");
    chat_->loadModel(lone);  // next time: the remembered file
    QTRY_COMPARE_WITH_TIMEOUT(chat_->modelState(), QStringLiteral("ready"), 30000);
    QTRY_VERIFY(chat_->modelInfo().value("seesPictures").toBool());

    chat_->chooseVisionFile(text_model_path_);  // not a vision file at all
    QTRY_COMPARE_WITH_TIMEOUT(chat_->modelState(), QStringLiteral("ready"), 30000);
    QTRY_VERIFY(chat_->modelInfo().value("visionNote").toString().contains("cannot be used"));
    QCOMPARE(chat_->modelInfo().value("seesPictures").toBool(), false);
    chat_->chooseVisionFile("");  // back to looking beside the model
    QTRY_COMPARE_WITH_TIMEOUT(chat_->modelState(), QStringLiteral("ready"), 30000);
    QVERIFY(settings_->visionFileFor(lone).isEmpty());

    chat_->loadModel(model_path_);  // the paired one, for the tests that follow
    QTRY_COMPARE_WITH_TIMEOUT(chat_->modelState(), QStringLiteral("ready"), 30000);
    QTRY_VERIFY(chat_->modelInfo().value("seesPictures").toBool());
  }

  void watchAlertsBecomeNotificationsAndChatEntries() {
    if (!have_ffmpeg_) QSKIP("ffmpeg makes the test video (CI has it)");
    QTRY_COMPARE(camera_->sourceState(), QStringLiteral("live"));
    use_stand_in_ = true;
    QSignalSpy alerts(camera_.get(), &CameraController::alertRaised);
    camera_->startWatch("tell me when the scene changes", 1, 1);
    QVERIFY(camera_->watching());
    QTRY_VERIFY_WITH_TIMEOUT(alerts.count() >= 2, 20000);
    QCOMPARE(alerts.first().first().toString(), QStringLiteral("the scene changed"));
    QVERIFY(camera_->alerts().size() >= 2);
    const QVariantMap stats = camera_->watchStats();
    QVERIFY(stats.value("asked").toULongLong() >= 2);
    QVERIFY(stats.value("sampled").toULongLong() >=
            stats.value("asked").toULongLong());  // sampled = asked + dropped (+ waiting)
    QVERIFY(stats.value("lastLatencyMs").toLongLong() >= 0);
    QTRY_VERIFY(child("watchStats"));
    screenshot("camera-watching");

    camera_->stopWatch();
    QTRY_VERIFY(!camera_->watching());
    // The watch conversation: the instruction, then one entry per alert with its frame.
    const qint64 watch_conversation = chat_->currentConversationId();
    QTRY_VERIFY(messages_of(watch_conversation).size() >= 2);
    const auto entries = messages_of(watch_conversation);
    QVERIFY(QString::fromStdString(entries[0].content).contains("tell me when the scene changes"));
    QCOMPARE(entries[1].role, store::Role::Assistant);
    QVERIFY(QString::fromStdString(entries[1].content).contains("the scene changed"));
    auto db = store::ConversationStore::open(db_path_.toStdString());
    QCOMPARE(db.attachments_of(entries[1].id).size(), size_t{1});
    QVERIFY(
        QString::fromStdString(db.get_conversation(watch_conversation).title).startsWith("Watch:"));
  }

  void watchRunsOnTheModelAndAModelChangeStopsIt() {
    if (!have_ffmpeg_) QSKIP("ffmpeg makes the test video (CI has it)");
    use_stand_in_ = false;
    camera_->startWatch("describe changes", 1, 1);
    QVERIFY(camera_->watching());
    QTRY_VERIFY_WITH_TIMEOUT(camera_->watchStats().value("answers").toULongLong() >= 1, 60000);
    QVERIFY(!camera_->lastAnswer().isEmpty());
    QSignalSpy notices(camera_.get(), &CameraController::noticeOccurred);
    chat_->loadModel(model_path_);
    QTRY_VERIFY(!camera_->watching());
    QCOMPARE(notices.count(), 1);
    QTRY_COMPARE_WITH_TIMEOUT(chat_->modelState(), QStringLiteral("ready"), 30000);
    camera_->stopSource();
    QCOMPARE(camera_->sourceState(), QStringLiteral("off"));
  }

  void cleanupTestCase() {
    engine_.reset();
    camera_.reset();
    chat_.reset();
  }
};

int main(int argc, char** argv) {
  if (qEnvironmentVariableIsEmpty("DISPLAY") && qEnvironmentVariableIsEmpty("WAYLAND_DISPLAY")) {
    std::printf("no display: the camera panel test runs under xvfb-run\n");
    return 77;
  }
  QGuiApplication app(argc, argv);
  QQuickStyle::setStyle(QStringLiteral("Basic"));
  mosaic::ui::register_ui_value_types();
  CameraPanelTest test;
  return QTest::qExec(&test, argc, argv);
}

#include "camera_panel_test.moc"
