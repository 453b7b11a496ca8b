// The camera panel's controller: a live source (a camera, or a video file
// standing in for one), its preview, "ask about what you see" and watch
// mode. Created in main() beside the ChatController and handed to QML as
// `camera`.
//
// Threads: opening and stopping sources, building questions, encoding
// frames as PNG and starting or stopping watch mode run on a job thread
// ("mosaic-camera"); capture runs on the source's own thread; watch mode on
// its two. The GUI thread only copies the newest frame for the preview (a
// 10 Hz timer) and receives events as values through queued calls.
#pragma once

#include <QImage>
#include <QObject>
#include <QString>
#include <QStringList>
#include <QTimer>
#include <QVariantList>
#include <functional>
#include <memory>
#include <mutex>

#include "app/watch/frame_questioner.h"
#include "app/watch/watch_event.h"
#include "media/capture/frame_source.h"
#include "ui/core/engine_worker.h"
#include "ui/core/job_thread.h"

namespace mosaic::watch {
class WatchMode;
}

namespace mosaic::ui {

class ChatController;

// The newest preview picture, shared with the QML image provider (which
// the QML engine owns and may outlive or predate the controller).
class PreviewFrame {
 public:
  void set(QImage image) {
    std::lock_guard lock(mutex_);
    image_ = std::move(image);
  }
  QImage get() const {
    std::lock_guard lock(mutex_);
    return image_;
  }

 private:
  mutable std::mutex mutex_;
  QImage image_;
};

// Makes the questioner watch mode asks, from the loaded model's handles;
// the default one (make_model_frame_questioner) runs the vision model on a
// session of its own. Called on the job thread; throws std::runtime_error
// with a message for the user when it cannot.
using QuestionerFactory =
    std::function<std::shared_ptr<watch::FrameQuestioner>(const EngineWorker::VisionHandles&)>;

// The default factory. Keeps the model and the encoder alive while it lives.
std::shared_ptr<watch::FrameQuestioner> make_model_frame_questioner(
    const EngineWorker::VisionHandles& handles);

class CameraController : public QObject {
  Q_OBJECT
  // off, starting, live, no-camera, reconnecting, ended, failed
  Q_PROPERTY(QString sourceState READ sourceState NOTIFY sourceChanged)
  Q_PROPERTY(QString sourceName READ sourceName NOTIFY sourceChanged)
  Q_PROPERTY(QString statusText READ statusText NOTIFY sourceChanged)
  Q_PROPERTY(QStringList cameras READ cameras NOTIFY camerasChanged)
  // Bumped for each new preview picture: QML reloads "image://camera/<serial>".
  Q_PROPERTY(int frameSerial READ frameSerial NOTIFY frameSerialChanged)
  Q_PROPERTY(bool asking READ asking NOTIFY askingChanged)
  Q_PROPERTY(bool watching READ watching NOTIFY watchChanged)
  Q_PROPERTY(QString watchInstruction READ watchInstruction NOTIFY watchChanged)
  // Watch statistics, as the last event carried them.
  Q_PROPERTY(QVariantMap watchStats READ watchStats NOTIFY watchStatsChanged)
  Q_PROPERTY(QString lastAnswer READ lastAnswer NOTIFY watchStatsChanged)
  // Newest first: maps with "time" (HH:mm:ss) and "text".
  Q_PROPERTY(QVariantList alerts READ alerts NOTIFY alertsChanged)

 public:
  // `chat` must outlive this object. `questioners` empty: the loaded model.
  CameraController(ChatController& chat, QuestionerFactory questioners = {},
                   QObject* parent = nullptr);
  ~CameraController() override;

  std::shared_ptr<PreviewFrame> preview() const { return preview_; }

  QString sourceState() const { return source_state_; }
  QString sourceName() const { return source_name_; }
  QString statusText() const { return status_text_; }
  QStringList cameras() const { return cameras_; }
  int frameSerial() const { return frame_serial_; }
  bool asking() const { return asking_; }
  bool watching() const { return watching_; }
  QString watchInstruction() const { return watch_instruction_; }
  QVariantMap watchStats() const { return watch_stats_; }
  QString lastAnswer() const { return last_answer_; }
  QVariantList alerts() const { return alerts_; }

  // Lists /dev/video* (off the GUI thread); camerasChanged follows.
  Q_INVOKABLE void refreshCameras();
  // Opens camera N (/dev/videoN). A missing camera gives sourceState "no-camera".
  Q_INVOKABLE void startCamera(int index);
  // A video file (path or file:// URL) as the camera, looping.
  Q_INVOKABLE void useVideoFile(const QString& path_or_url);
  // Stops watch mode and the source.
  Q_INVOKABLE void stopSource();

  // Sends the latest sampled frames (1..4; the newest picture when not
  // watching) with `question` into the current chat.
  Q_INVOKABLE void askAboutWhatYouSee(const QString& question, int frame_count);

  // Starts watch mode on the live source: a sample every interval_s seconds
  // plus scene changes; alerts become notifications and entries in a
  // "Watch: …" conversation.
  Q_INVOKABLE void startWatch(const QString& instruction, int interval_s, int frames_per_question);
  Q_INVOKABLE void stopWatch();

  // Runs the job thread's queue to the end (tests, shutdown).
  void waitForJobs() { jobs_.drain(); }

 Q_SIGNALS:
  void sourceChanged();
  void camerasChanged();
  void frameSerialChanged();
  void askingChanged();
  void watchChanged();
  void watchStatsChanged();
  void alertsChanged();
  // Something happened: for a notification (the window flashes, a banner shows).
  void alertRaised(const QString& text);
  void errorOccurred(const QString& message);
  void noticeOccurred(const QString& message);

 private:
  void openSource(std::function<std::unique_ptr<media::FrameSource>()> make, QString name);
  void setSource(const QString& state, const QString& name, const QString& status);
  void pollPreview();
  void onWatchEvent(const watch::WatchEvent& event, const QImage& frame);
  void stopWatchOnJobThread(const QString& why);

  ChatController& chat_;
  QuestionerFactory questioners_;
  std::shared_ptr<PreviewFrame> preview_ = std::make_shared<PreviewFrame>();

  // Job thread only (and the destructor, after the job thread is drained).
  std::unique_ptr<media::FrameSource> source_;
  std::shared_ptr<watch::FrameQuestioner> questioner_;
  std::unique_ptr<watch::WatchMode> watch_;
  // The source for the preview timer, swapped under the mutex.
  std::mutex source_mutex_;
  media::FrameSource* live_source_ = nullptr;
  int64_t last_preview_pts_us_ = -1;

  QString source_state_ = QStringLiteral("off");
  QString source_name_;
  QString status_text_;
  QStringList cameras_;
  int frame_serial_ = 0;
  bool asking_ = false;
  bool watching_ = false;
  QString watch_instruction_;
  qint64 watch_conversation_id_ = 0;
  QVariantMap watch_stats_;
  QString last_answer_;
  QVariantList alerts_;
  QTimer preview_timer_;
  JobThread jobs_{"mosaic-camera"};  // last: joined first, before what its jobs use
};

}  // namespace mosaic::ui
