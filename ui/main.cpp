// mosaic: the desktop app. Checks for a display, builds the settings and the
// controller, hands the controller to QML and shows the main window. Nothing
// here touches the disk: the settings file and the database are read on
// worker threads and arrive after the first frame. `mosaic MODEL.gguf` loads a model at start;
// `--first-frame-benchmark` prints the time to the first frame and quits.
#include <QElapsedTimer>
#include <QGuiApplication>
#include <QIcon>
#include <QQmlApplicationEngine>
#include <QQmlContext>
#include <QQuickStyle>
#include <QQuickWindow>
#include <QTimer>
#include <cstdio>

#include "ui/core/chat_controller.h"
#ifdef MOSAIC_HAVE_CAMERA
#include "ui/core/camera_controller.h"
#include "ui/core/camera_image_provider.h"
#endif
#include "ui/core/display_check.h"

int main(int argc, char* argv[]) {
  QElapsedTimer since_start;
  since_start.start();
  if (!mosaic::ui::display_available(argc, argv)) {
    std::fprintf(stderr, "%s\n", mosaic::ui::kNoDisplayMessage);
    return 2;
  }
  // DISPLAY may name a server that is not there: Qt's fatal error becomes ours.
  mosaic::ui::set_fatal_display_handler(mosaic::ui::FatalDisplayHandler::Install);
  QGuiApplication app(argc, argv);
  mosaic::ui::set_fatal_display_handler(mosaic::ui::FatalDisplayHandler::Remove);
  QGuiApplication::setApplicationName(QStringLiteral("Mosaic"));
  QGuiApplication::setOrganizationName(QStringLiteral("Mosaic"));
  QGuiApplication::setWindowIcon(QIcon(QStringLiteral(":/Mosaic/resources/mosaic.svg")));
  QQuickStyle::setStyle(QStringLiteral("Basic"));  // styled by our own palette, same everywhere

  const QStringList args = QGuiApplication::arguments();
  const bool benchmark = args.contains(QStringLiteral("--first-frame-benchmark"));
  QString model_path;
  for (const QString& arg : args.mid(1)) {
    if (!arg.startsWith(QLatin1String("--"))) model_path = arg;
  }

  mosaic::ui::SettingsModel settings(mosaic::ui::SettingsModel::defaultFilePath(),
                                     mosaic::ui::SettingsLoading::Background);
  QObject::connect(&settings, &mosaic::ui::SettingsModel::loadedChanged, &settings, [&settings] {
    if (!settings.loadError().isEmpty())
      std::fprintf(stderr, "%s\n", qPrintable(settings.loadError()));
  });
  // Returns at once; the database opens on its own thread (errors are shown in the window).
  mosaic::ui::ChatController controller(QString(), settings);  // the default database
  QObject::connect(
      &controller, &mosaic::ui::ChatController::errorOccurred, &controller,
      [](const QString& message) { std::fprintf(stderr, "mosaic: %s\n", qPrintable(message)); });

#ifdef MOSAIC_HAVE_CAMERA
  mosaic::ui::CameraController camera(controller);
#endif
  QQmlApplicationEngine engine;
  engine.rootContext()->setContextProperty(QStringLiteral("chat"), &controller);
#ifdef MOSAIC_HAVE_CAMERA
  engine.rootContext()->setContextProperty(QStringLiteral("camera"), &camera);
  engine.addImageProvider(QStringLiteral("camera"),
                          new mosaic::ui::CameraImageProvider(camera.preview()));  // engine owns it
#else
  engine.rootContext()->setContextProperty(QStringLiteral("camera"), nullptr);
#endif
  engine.load(QUrl(QStringLiteral("qrc:/Mosaic/qml/Main.qml")));
  if (engine.rootObjects().isEmpty()) return 1;

  if (benchmark) {
    auto* window = qobject_cast<QQuickWindow*>(engine.rootObjects().first());
    // Single-shot: a second frame may be swapped before quit() is processed.
    QObject::connect(window, &QQuickWindow::frameSwapped, &app, [&since_start] {
      static bool printed = false;
      if (printed) return;
      printed = true;
      std::printf("time to first frame: %lld ms\n", static_cast<long long>(since_start.elapsed()));
      std::fflush(stdout);
      QTimer::singleShot(0, qApp, &QGuiApplication::quit);
    });
  }
  if (!model_path.isEmpty()) controller.loadModel(model_path);
  const int code = QGuiApplication::exec();
  settings.flush();
  return code;
}
