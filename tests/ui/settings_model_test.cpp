// Settings: saved off the GUI thread and read back; clamping; damaged files.
#include "ui/models/settings_model.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

using mosaic::ui::SettingsModel;

class SettingsModelTest : public QObject {
  Q_OBJECT

 private Q_SLOTS:
  void roundTrip() {
    QTemporaryDir dir;
    const QString path = dir.path() + "/nested/settings.json";
    const QString a = dir.path() + "/a.gguf";
    const QString b = dir.path() + "/b.gguf";
    for (const QString& model : {a, b}) {  // existing files: missing ones are pruned on load
      QFile f(model);
      QVERIFY(f.open(QIODevice::WriteOnly));
    }
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
      QCOMPARE(settings.pictureTokens(), 1024);  // the default
      settings.setPictureTokens(256);
      settings.setMaxReplyTokens(300);
      settings.setThinking("off");
      settings.setTheme("dark");
      settings.setFontSize(17);
      settings.setWindowGeometry(QRect(10, 20, 1000, 700));
      settings.setLastConversationId(42);
      settings.addRecentModel(a);
      settings.addRecentModel(b);
      settings.addRecentModel(a);  // moves to the front, not duplicated
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
    QCOMPARE(reread.pictureTokens(), 256);
    QCOMPARE(reread.maxReplyTokens(), 300);
    QCOMPARE(reread.thinking(), QStringLiteral("off"));
    QCOMPARE(reread.theme(), QStringLiteral("dark"));
    QCOMPARE(reread.fontSize(), 17);
    QCOMPARE(reread.windowGeometry(), QRect(10, 20, 1000, 700));
    QCOMPARE(reread.lastConversationId(), 42);
    QCOMPARE(reread.recentModels(), (QStringList{a, b}));

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
    settings.setPictureTokens(3);
    QCOMPARE(settings.pictureTokens(), 16);
    settings.setPictureTokens(1 << 30);
    QCOMPARE(settings.pictureTokens(), 16384);
    settings.setPictureTokens(-4);  // "the vision file's limit"
    QCOMPARE(settings.pictureTokens(), 0);
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

  void backgroundLoadArrivesLaterAndKeepsEarlierChanges() {
    QTemporaryDir dir;
    const QString path = dir.path() + "/settings.json";
    QFile file(path);
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.write(QJsonDocument(QJsonObject{{"topK", 11}, {"seed", 99}}).toJson());
    file.close();
    SettingsModel settings(path, mosaic::ui::SettingsLoading::Background);
    QVERIFY(!settings.loaded());  // the constructor did not read the file
    QCOMPARE(settings.topK(), 40);
    settings.setSeed(5);  // changed by the user before the file arrived
    QTRY_VERIFY(settings.loaded());
    QCOMPARE(settings.topK(), 11);
    QCOMPARE(settings.seed(), 5);  // the user's change wins
    settings.flush();
    QCOMPARE(SettingsModel(path).seed(), 5);  // and was saved
    QCOMPARE(SettingsModel(path).topK(), 11);
  }

  void recentModelsWhoseFileIsGoneAreRemoved() {
    QTemporaryDir dir;
    const QString path = dir.path() + "/settings.json";
    const QString kept = dir.path() + "/kept.gguf";
    const QString gone = dir.path() + "/gone.gguf";
    QFile model(kept);
    QVERIFY(model.open(QIODevice::WriteOnly));
    model.close();
    QFile file(path);
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.write(QJsonDocument(QJsonObject{{"recentModels", QJsonArray{gone, kept}}}).toJson());
    file.close();
    SettingsModel settings(path, mosaic::ui::SettingsLoading::Background);
    QSignalSpy removed(&settings, &SettingsModel::missingModelsRemoved);
    QTRY_VERIFY(settings.loaded());
    QTRY_COMPARE(removed.count(), 1);
    QCOMPARE(removed.first().first().toStringList(), QStringList{gone});
    QCOMPARE(settings.recentModels(), QStringList{kept});
  }
};

QTEST_GUILESS_MAIN(SettingsModelTest)
#include "settings_model_test.moc"
