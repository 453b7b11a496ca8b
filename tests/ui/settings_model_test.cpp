// Settings: saved off the GUI thread and read back; clamping; damaged files.
#include "ui/models/settings_model.h"

#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QTest>

using mosaic::ui::SettingsModel;

class SettingsModelTest : public QObject {
  Q_OBJECT

 private Q_SLOTS:
  void roundTrip() {
    QTemporaryDir dir;
    const QString path = dir.path() + "/nested/settings.json";
    {
      SettingsModel settings(path);
      QVERIFY(settings.loadError().isEmpty());
      settings.setTemperature(0.3);
      settings.setTopK(17);
      settings.setTopP(0.8);
      settings.setMinP(0.1);
      settings.setRepeatPenalty(1.2);
      settings.setSeed(1234);
      settings.setContextLength(8192);
      settings.setThreads(6);
      settings.setMaxReplyTokens(300);
      settings.setThinking("off");
      settings.setTheme("dark");
      settings.setFontSize(17);
      settings.setWindowGeometry(QRect(10, 20, 1000, 700));
      settings.setLastConversationId(42);
      settings.addRecentModel("/models/a.gguf");
      settings.addRecentModel("/models/b.gguf");
      settings.addRecentModel("/models/a.gguf");  // moves to the front, not duplicated
      settings.flush();
    }
    SettingsModel reread(path);
    QVERIFY2(reread.loadError().isEmpty(), qPrintable(reread.loadError()));
    QCOMPARE(reread.temperature(), 0.3);
    QCOMPARE(reread.topK(), 17);
    QCOMPARE(reread.topP(), 0.8);
    QCOMPARE(reread.minP(), 0.1);
    QCOMPARE(reread.repeatPenalty(), 1.2);
    QCOMPARE(reread.seed(), 1234);
    QCOMPARE(reread.contextLength(), 8192);
    QCOMPARE(reread.threads(), 6);
    QCOMPARE(reread.maxReplyTokens(), 300);
    QCOMPARE(reread.thinking(), QStringLiteral("off"));
    QCOMPARE(reread.theme(), QStringLiteral("dark"));
    QCOMPARE(reread.fontSize(), 17);
    QCOMPARE(reread.windowGeometry(), QRect(10, 20, 1000, 700));
    QCOMPARE(reread.lastConversationId(), 42);
    QCOMPARE(reread.recentModels(), (QStringList{"/models/a.gguf", "/models/b.gguf"}));

    const auto generation = reread.generationSettings();
    QCOMPARE(generation.sampler.top_k, 17);
    QCOMPARE(generation.sampler.seed, 1234u);
    QCOMPARE(generation.max_reply_tokens, 300);
    QVERIFY(generation.thinking == mosaic::tmpl::ThinkingMode::Disabled);
    QCOMPARE(reread.sessionParams().n_ctx, 8192);
    QCOMPARE(reread.sessionParams().n_threads, 6);
  }

  void changesAreWrittenWithoutAnExplicitFlush() {
    QTemporaryDir dir;
    const QString path = dir.path() + "/settings.json";
    SettingsModel settings(path);
    settings.setTopK(3);
    QTRY_VERIFY_WITH_TIMEOUT(QFile::exists(path), 5000);
    QTRY_VERIFY_WITH_TIMEOUT(SettingsModel(path).topK() == 3, 5000);
  }

  void outOfRangeValuesAreClamped() {
    QTemporaryDir dir;
    SettingsModel settings(dir.path() + "/settings.json");
    settings.setTemperature(-1);
    QCOMPARE(settings.temperature(), 0.0);
    settings.setTopP(7);
    QCOMPARE(settings.topP(), 1.0);
    settings.setFontSize(200);
    QCOMPARE(settings.fontSize(), 32);
    settings.setTheme("purple");
    QCOMPARE(settings.theme(), QStringLiteral("system"));
    settings.setThinking("maybe");
    QCOMPARE(settings.thinking(), QStringLiteral("default"));
  }

  void damagedFileGivesDefaultsAndNamesTheFile() {
    QTemporaryDir dir;
    const QString path = dir.path() + "/settings.json";
    QFile file(path);
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.write("{ \"topK\": 5, ");
    file.close();
    SettingsModel settings(path);
    QVERIFY(settings.loadError().contains(path));
    QCOMPARE(settings.topK(), SettingsModel(dir.path() + "/absent.json").topK());
  }

  void wrongTypesAndHandEditedValues() {
    QTemporaryDir dir;
    const QString path = dir.path() + "/settings.json";
    QFile file(path);
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.write(
        QJsonDocument(QJsonObject{{"topK", "many"}, {"temperature", 9.0}, {"seed", 7}}).toJson());
    file.close();
    SettingsModel settings(path);
    QVERIFY(settings.loadError().isEmpty());
    QCOMPARE(settings.topK(), SettingsModel(dir.path() + "/absent.json").topK());  // default kept
    QCOMPARE(settings.temperature(), 5.0);                                         // clamped
    QCOMPARE(settings.seed(), 7);
  }
};

QTEST_GUILESS_MAIN(SettingsModelTest)
#include "settings_model_test.moc"
