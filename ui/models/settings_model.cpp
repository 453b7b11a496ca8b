#include "ui/models/settings_model.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QRect>
#include <QSaveFile>
#include <QStandardPaths>
#include <algorithm>

#include "app/core/picture_budget.h"

namespace mosaic::ui {
namespace {

constexpr int kSaveDelayMs = 300;  // several changes in a row (a slider) become one write
constexpr int kMaxRecentModels = 8;

QJsonObject defaults() {
  return QJsonObject{
      {"temperature", 0.7},
      {"topK", 40},
      {"topP", 0.95},
      {"minP", 0.05},
      {"repeatPenalty", 1.0},
      {"seed", 0},
      {"contextLength", 0},
      {"threads", 0},
      {"pictureTokens", app::kDefaultPictureTokens},
      {"maxReplyTokens", 2048},
      {"thinking", "default"},
      {"theme", "system"},
      {"fontSize", 14},
      {"windowX", -1},
      {"windowY", -1},
      {"windowWidth", 1180},
      {"windowHeight", 780},
      {"lastConversationId", 0},
      {"recentModels", QJsonArray()},
      {"visionFiles", QJsonObject()},
  };
}

double clamped(double value, double low, double high) { return std::clamp(value, low, high); }
int clamped(int value, int low, int high) { return std::clamp(value, low, high); }

// The file's contents or why they cannot be used; runs on any thread.
struct SettingsFileRead {
  QJsonObject stored;
  QString error;
};

SettingsFileRead read_settings_file(const QString& path) {
  SettingsFileRead read;
  QFile file(path);
  if (!file.exists()) return read;
  if (!file.open(QIODevice::ReadOnly)) {
    read.error = QObject::tr("Cannot read settings file %1: %2; using defaults")
                     .arg(path, file.errorString());
    return read;
  }
  QJsonParseError error;
  const QJsonDocument document = QJsonDocument::fromJson(file.readAll(), &error);
  if (error.error != QJsonParseError::NoError || !document.isObject()) {
    read.error =
        QObject::tr("Settings file %1 is not valid JSON (%2); using defaults")
            .arg(path, error.error != QJsonParseError::NoError ? error.errorString()
                                                               : QObject::tr("not an object"));
    return read;
  }
  read.stored = document.object();
  return read;
}

}  // namespace

SettingsModel::SettingsModel(QString file_path, SettingsLoading loading, QObject* parent)
    : QObject(parent), file_path_(std::move(file_path)), values_(defaults()) {
  writer_.setMaxThreadCount(1);  // reads and writes keep their order
  save_timer_.setSingleShot(true);
  save_timer_.setInterval(kSaveDelayMs);
  connect(&save_timer_, &QTimer::timeout, this, &SettingsModel::writeNow);
  if (loading == SettingsLoading::Blocking) {
    const SettingsFileRead read = read_settings_file(file_path_);
    apply(read.stored, read.error);
    return;
  }
  const QString path = file_path_;
  // `this` outlives the job: the destructor waits for the pool (flush()).
  writer_.start([this, path] {
    const SettingsFileRead read = read_settings_file(path);
    QMetaObject::invokeMethod(
        this, [this, read] { apply(read.stored, read.error); }, Qt::QueuedConnection);
  });
}

SettingsModel::~SettingsModel() { flush(); }

QString SettingsModel::defaultFilePath() {
  QString base = qEnvironmentVariable("XDG_CONFIG_HOME");
  if (base.isEmpty() || QDir::isRelativePath(base)) base = QDir::homePath() + "/.config";
  return base + "/mosaic/settings.json";
}

void SettingsModel::apply(const QJsonObject& stored, const QString& error) {
  load_error_ = error;
  const QJsonObject fallback = defaults();
  for (auto it = fallback.begin(); it != fallback.end(); ++it) {
    // A value the user changed while the file was being read wins over the file.
    if (set_before_load_.contains(it.key())) continue;
    const QJsonValue v = stored.value(it.key());
    if (v.type() == it.value().type()) values_[it.key()] = v;  // wrong types keep the default
  }
  const bool unsaved_changes = !set_before_load_.isEmpty();
  // Through the setters once, so hand-edited values get clamped too.
  setTemperature(temperature());
  setTopK(topK());
  setTopP(topP());
  setMinP(minP());
  setRepeatPenalty(repeatPenalty());
  setContextLength(contextLength());
  setThreads(threads());
  setPictureTokens(pictureTokens());
  setMaxReplyTokens(maxReplyTokens());
  setThinking(thinking());
  setTheme(theme());
  setFontSize(fontSize());
  loaded_ = true;
  set_before_load_.clear();
  if (unsaved_changes) {
    save_timer_.start();
  } else {
    save_timer_.stop();  // loading is not a change worth writing
  }
  Q_EMIT changed();
  Q_EMIT loadedChanged();
  pruneMissingRecentModels();
}

void SettingsModel::pruneMissingRecentModels() {
  const QStringList paths = recentModels();
  if (paths.isEmpty()) return;
  // Existence checks touch the disk (maybe a sleeping one): on the pool.
  writer_.start([this, paths] {
    QStringList missing;
    for (const QString& path : paths) {
      if (!QFileInfo(path).isFile()) missing.append(path);
    }
    if (missing.isEmpty()) return;
    QMetaObject::invokeMethod(
        this,
        [this, missing] {
          QStringList recent = recentModels();
          for (const QString& path : missing) recent.removeAll(path);
          set("recentModels", recent);
          Q_EMIT missingModelsRemoved(missing);
        },
        Qt::QueuedConnection);
  });
}

QVariant SettingsModel::value(const char* key) const {
  return values_.value(QLatin1String(key)).toVariant();
}

void SettingsModel::set(const char* key, const QVariant& value) {
  if (!loaded_) set_before_load_.insert(QLatin1String(key));
  const QJsonValue json = QJsonValue::fromVariant(value);
  if (values_.value(QLatin1String(key)) == json) return;
  values_[QLatin1String(key)] = json;
  Q_EMIT changed();
  save_timer_.start();
}

double SettingsModel::temperature() const { return value("temperature").toDouble(); }
int SettingsModel::topK() const { return value("topK").toInt(); }
double SettingsModel::topP() const { return value("topP").toDouble(); }
double SettingsModel::minP() const { return value("minP").toDouble(); }
double SettingsModel::repeatPenalty() const { return value("repeatPenalty").toDouble(); }
int SettingsModel::seed() const { return value("seed").toInt(); }
int SettingsModel::contextLength() const { return value("contextLength").toInt(); }
int SettingsModel::threads() const { return value("threads").toInt(); }
int SettingsModel::pictureTokens() const { return value("pictureTokens").toInt(); }
int SettingsModel::maxReplyTokens() const { return value("maxReplyTokens").toInt(); }
QString SettingsModel::thinking() const { return value("thinking").toString(); }
QString SettingsModel::theme() const { return value("theme").toString(); }
int SettingsModel::fontSize() const { return value("fontSize").toInt(); }
qint64 SettingsModel::lastConversationId() const {
  return value("lastConversationId").toLongLong();
}
QRect SettingsModel::windowGeometry() const {
  return QRect(value("windowX").toInt(), value("windowY").toInt(), value("windowWidth").toInt(),
               value("windowHeight").toInt());
}
QStringList SettingsModel::recentModels() const { return value("recentModels").toStringList(); }

void SettingsModel::setTemperature(double v) { set("temperature", clamped(v, 0.0, 5.0)); }
void SettingsModel::setTopK(int v) { set("topK", clamped(v, 0, 1000)); }
void SettingsModel::setTopP(double v) { set("topP", clamped(v, 0.0, 1.0)); }
void SettingsModel::setMinP(double v) { set("minP", clamped(v, 0.0, 1.0)); }
void SettingsModel::setRepeatPenalty(double v) { set("repeatPenalty", clamped(v, 1.0, 2.0)); }
void SettingsModel::setSeed(int v) { set("seed", std::max(v, 0)); }
void SettingsModel::setContextLength(int v) { set("contextLength", clamped(v, 0, 1 << 20)); }
void SettingsModel::setThreads(int v) { set("threads", clamped(v, 0, 512)); }
// Below 16 tokens a picture is a smudge; above 16384 no vision file goes.
void SettingsModel::setPictureTokens(int v) {
  set("pictureTokens", v <= 0 ? 0 : clamped(v, 16, 16384));
}
void SettingsModel::setMaxReplyTokens(int v) { set("maxReplyTokens", clamped(v, 1, 1 << 17)); }
void SettingsModel::setThinking(const QString& v) {
  const QStringList allowed{"default", "on", "off"};
  set("thinking", allowed.contains(v) ? v : QStringLiteral("default"));
}
void SettingsModel::setTheme(const QString& v) {
  const QStringList allowed{"system", "light", "dark"};
  set("theme", allowed.contains(v) ? v : QStringLiteral("system"));
}
void SettingsModel::setFontSize(int v) { set("fontSize", clamped(v, 9, 32)); }
void SettingsModel::setLastConversationId(qint64 v) { set("lastConversationId", v); }
void SettingsModel::setWindowGeometry(const QRect& r) {
  set("windowX", r.x());
  set("windowY", r.y());
  set("windowWidth", clamped(r.width(), 480, 16384));
  set("windowHeight", clamped(r.height(), 360, 16384));
}

QString SettingsModel::visionFileFor(const QString& model_path) const {
  return value("visionFiles").toMap().value(model_path).toString();
}

void SettingsModel::setVisionFileFor(const QString& model_path, const QString& vision_path) {
  QVariantMap files = value("visionFiles").toMap();
  if (vision_path.isEmpty()) {
    files.remove(model_path);
  } else {
    files.insert(model_path, vision_path);
  }
  set("visionFiles", files);
}

void SettingsModel::addRecentModel(const QString& path) {
  QStringList recent = recentModels();
  recent.removeAll(path);
  recent.prepend(path);
  while (recent.size() > kMaxRecentModels) recent.removeLast();
  set("recentModels", recent);
}

namespace {
constexpr const char* kGenerationKeys[] = {"temperature",   "topK", "topP",           "minP",
                                           "repeatPenalty", "seed", "maxReplyTokens", "thinking"};
}  // namespace

QJsonObject SettingsModel::generationJson() const {
  QJsonObject json;
  for (const char* key : kGenerationKeys)
    json[QLatin1String(key)] = values_.value(QLatin1String(key));
  return json;
}

void SettingsModel::applyGenerationJson(const QJsonObject& json) {
  const QJsonObject fallback = defaults();
  for (const char* key : kGenerationKeys) {
    const QJsonValue v = json.value(QLatin1String(key));
    if (v.type() == fallback.value(QLatin1String(key)).type()) set(key, v.toVariant());
  }
  // Through the setters, so values from a hand-edited preset get clamped.
  setTemperature(temperature());
  setTopK(topK());
  setTopP(topP());
  setMinP(minP());
  setRepeatPenalty(repeatPenalty());
  setMaxReplyTokens(maxReplyTokens());
  setThinking(thinking());
}

void SettingsModel::resetToDefaults() {
  const QJsonObject fallback = defaults();
  // Appearance and window state are not "generation settings": keep them.
  for (const char* key :
       {"temperature", "topK", "topP", "minP", "repeatPenalty", "seed", "contextLength", "threads",
        "pictureTokens", "maxReplyTokens", "thinking"}) {
    set(key, fallback.value(QLatin1String(key)).toVariant());
  }
}

turns::GenerationSettings SettingsModel::generationSettings() const {
  turns::GenerationSettings s;
  s.sampler.temperature = static_cast<float>(temperature());
  s.sampler.top_k = topK();
  s.sampler.top_p = static_cast<float>(topP());
  s.sampler.min_p = static_cast<float>(minP());
  s.sampler.repeat_penalty = static_cast<float>(repeatPenalty());
  s.sampler.seed = static_cast<uint64_t>(seed());
  s.max_reply_tokens = maxReplyTokens();
  const QString mode = thinking();
  s.thinking = mode == "on"    ? tmpl::ThinkingMode::Enabled
               : mode == "off" ? tmpl::ThinkingMode::Disabled
                               : tmpl::ThinkingMode::ModelDefault;
  return s;
}

mosaic_session_params SettingsModel::sessionParams() const {
  mosaic_session_params p = mosaic_session_default_params();
  p.n_ctx = contextLength();
  p.n_threads = threads();
  return p;
}

void SettingsModel::writeNow() {
  save_timer_.stop();
  if (!loaded_) return;  // would overwrite the file with defaults; apply() saves later
  const QByteArray bytes = QJsonDocument(values_).toJson(QJsonDocument::Indented);
  const QString path = file_path_;
  // `this` outlives the job: the destructor waits for the pool (flush()).
  writer_.start([this, bytes, path] {
    QDir().mkpath(QFileInfo(path).absolutePath());
    QSaveFile file(path);  // atomic: a crash never leaves half a file
    QString error;
    if (!file.open(QIODevice::WriteOnly) || file.write(bytes) != bytes.size() || !file.commit()) {
      error = tr("Cannot save settings to %1: %2").arg(path, file.errorString());
    }
    if (!error.isEmpty()) {
      QMetaObject::invokeMethod(
          this, [this, error] { Q_EMIT saveFailed(error); }, Qt::QueuedConnection);
    }
  });
}

void SettingsModel::flush() {
  if (save_timer_.isActive()) writeNow();
  writer_.waitForDone();
}

}  // namespace mosaic::ui
