// mosaic: the desktop app. Builds the settings and the controller (which
// start the store and engine threads), hands the controller to QML and shows
// the main window. `mosaic MODEL.gguf` loads a model at start;
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

#include "app/store/data_paths.h"
#include "app/store/store_error.h"
#include "ui/core/chat_controller.h"

int main(int argc, char* argv[]) {
  QElapsedTimer since_start;
  since_start.start();
  QGuiApplication app(argc, argv);
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

  mosaic::ui::SettingsModel settings(mosaic::ui::SettingsModel::defaultFilePath());
  if (!settings.loadError().isEmpty())
    std::fprintf(stderr, "%s\n", qPrintable(settings.loadError()));
  std::unique_ptr<mosaic::ui::ChatController> controller;
  try {
    controller = std::make_unique<mosaic::ui::ChatController>(
        QString::fromStdString(mosaic::store::default_database_path().string()), settings);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "mosaic: cannot open the conversation database: %s\n", e.what());
    return 1;
  }

  QQmlApplicationEngine engine;
  engine.rootContext()->setContextProperty(QStringLiteral("chat"), controller.get());
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
  if (!model_path.isEmpty()) controller->loadModel(model_path);
  const int code = QGuiApplication::exec();
  settings.flush();
  return code;
}
