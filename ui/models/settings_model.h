// The user's settings: sampling, context, threads, thinking, appearance, and
// what the window restores (geometry, last conversation, recent models).
// Persisted as JSON in $XDG_CONFIG_HOME/mosaic/settings.json. The app reads
// the file on a private one-thread pool (SettingsLoading::Background: the
// window shows defaults until `loaded`); every change is written later,
// debounced, on the same pool, so the GUI thread never waits for the disk.
// Recent models whose file is gone are dropped after loading (checked on the
// pool too). Values out of range are clamped, unknown keys ignored, a damaged
// file gives the defaults and a loadError naming the file and the reason.
#pragma once

#include <QJsonObject>
#include <QObject>
#include <QRect>
#include <QSet>
#include <QStringList>
#include <QThreadPool>
#include <QTimer>

#include "app/turns/chat_engine.h"

namespace mosaic::ui {

// Blocking reads the file in the constructor (tests, tools); Background
// reads it on the pool and applies it later on the object's thread.
enum class SettingsLoading { Blocking, Background };

class SettingsModel : public QObject {
  Q_OBJECT
  Q_PROPERTY(double temperature READ temperature WRITE setTemperature NOTIFY changed)
  Q_PROPERTY(int topK READ topK WRITE setTopK NOTIFY changed)
  Q_PROPERTY(double topP READ topP WRITE setTopP NOTIFY changed)
  Q_PROPERTY(double minP READ minP WRITE setMinP NOTIFY changed)
  Q_PROPERTY(double repeatPenalty READ repeatPenalty WRITE setRepeatPenalty NOTIFY changed)
  Q_PROPERTY(int seed READ seed WRITE setSeed NOTIFY changed)
  Q_PROPERTY(int contextLength READ contextLength WRITE setContextLength NOTIFY changed)
  Q_PROPERTY(int threads READ threads WRITE setThreads NOTIFY changed)
  Q_PROPERTY(int pictureTokens READ pictureTokens WRITE setPictureTokens NOTIFY changed)
  Q_PROPERTY(int maxReplyTokens READ maxReplyTokens WRITE setMaxReplyTokens NOTIFY changed)
  Q_PROPERTY(QString thinking READ thinking WRITE setThinking NOTIFY changed)
  Q_PROPERTY(QString theme READ theme WRITE setTheme NOTIFY changed)
  Q_PROPERTY(int fontSize READ fontSize WRITE setFontSize NOTIFY changed)
  Q_PROPERTY(QRect windowGeometry READ windowGeometry WRITE setWindowGeometry NOTIFY changed)
  Q_PROPERTY(
      qint64 lastConversationId READ lastConversationId WRITE setLastConversationId NOTIFY changed)
  Q_PROPERTY(QStringList recentModels READ recentModels NOTIFY changed)
  Q_PROPERTY(QString loadError READ loadError NOTIFY changed)
  Q_PROPERTY(bool loaded READ loaded NOTIFY loadedChanged)
  Q_PROPERTY(QString filePath READ filePath CONSTANT)

 public:
  // Reads `file_path` if it exists (a missing file means defaults).
  explicit SettingsModel(QString file_path, SettingsLoading loading = SettingsLoading::Blocking,
                         QObject* parent = nullptr);
  ~SettingsModel() override;

  // $XDG_CONFIG_HOME/mosaic/settings.json (~/.config when unset or relative).
  static QString defaultFilePath();

  double temperature() const;
  int topK() const;
  double topP() const;
  double minP() const;
  double repeatPenalty() const;
  int seed() const;
  int contextLength() const;  // 0: the model's default
  int threads() const;        // 0: one per physical core
  int pictureTokens() const;  // per picture at most; 0: the vision file's limit
  int maxReplyTokens() const;
  QString thinking() const;  // "default", "on", "off"
  QString theme() const;     // "system", "light", "dark"
  int fontSize() const;
  QRect windowGeometry() const;
  qint64 lastConversationId() const;
  QStringList recentModels() const;
  QString loadError() const { return load_error_; }
  bool loaded() const { return loaded_; }
  QString filePath() const { return file_path_; }

  void setTemperature(double value);
  void setTopK(int value);
  void setTopP(double value);
  void setMinP(double value);
  void setRepeatPenalty(double value);
  void setSeed(int value);
  void setContextLength(int value);
  void setThreads(int value);
  void setPictureTokens(int value);
  void setMaxReplyTokens(int value);
  void setThinking(const QString& value);
  void setTheme(const QString& value);
  void setFontSize(int value);
  void setWindowGeometry(const QRect& value);
  void setLastConversationId(qint64 value);
  // Puts `path` first in the recent models (at most 8 kept).
  Q_INVOKABLE void addRecentModel(const QString& path);
  // The vision (mmproj) file the user chose for a model; "" when none was
  // chosen (the one beside the model is looked for). Setting "" forgets it.
  QString visionFileFor(const QString& model_path) const;
  void setVisionFileFor(const QString& model_path, const QString& vision_path);
  Q_INVOKABLE void resetToDefaults();
  // Drops the recent models whose file no longer exists (checked off this
  // thread; missingModelsRemoved reports them). Runs after every load.
  Q_INVOKABLE void pruneMissingRecentModels();

  // The sampling settings (what a preset saves) as JSON, and applying such
  // JSON back through the setters (clamped; unknown or mistyped keys ignored).
  QJsonObject generationJson() const;
  void applyGenerationJson(const QJsonObject& json);

  // What a turn uses, from the current values.
  turns::GenerationSettings generationSettings() const;
  mosaic_session_params sessionParams() const;

  // Writes any pending change now and waits until it is on disk (shutdown, tests).
  void flush();

 Q_SIGNALS:
  void changed();
  // A write failed; the message names the file and the reason.
  void saveFailed(const QString& message);
  void loadedChanged();
  void missingModelsRemoved(const QStringList& paths);

 private:
  QVariant value(const char* key) const;
  void set(const char* key, const QVariant& value);
  void apply(const QJsonObject& stored, const QString& error);
  void writeNow();

  QString file_path_;
  QJsonObject values_;
  QString load_error_;
  bool loaded_ = false;
  QSet<QString> set_before_load_;
  QTimer save_timer_;
  QThreadPool writer_;
};

}  // namespace mosaic::ui
