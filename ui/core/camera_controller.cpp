#include "ui/core/camera_controller.h"

#include <QBuffer>
#include <QDateTime>
#include <QFileInfo>
#include <QUrl>

#include "app/watch/ask_about_frames.h"
#include "app/watch/watch_mode.h"
#include "media/capture/camera_source.h"
#include "media/capture/video_file_source.h"
#include "media/core/media_error.h"
#include "ui/core/chat_controller.h"

namespace mosaic::ui {
namespace {

QImage to_qimage(const media::RgbFrame& frame) {
  if (frame.width <= 0 || frame.height <= 0 ||
      frame.pixels.size() < static_cast<size_t>(frame.width) * frame.height * 3) {
    return {};
  }
  return QImage(frame.pixels.data(), frame.width, frame.height, frame.width * 3,
                QImage::Format_RGB888)
      .copy();  // the frame's buffer goes away with the frame
}

QByteArray png_of(const QImage& image) {
  QByteArray bytes;
  QBuffer buffer(&bytes);
  buffer.open(QIODevice::WriteOnly);
  image.save(&buffer, "PNG");
  return bytes;
}

QString state_name(media::CaptureState state) {
  switch (state) {
    case media::CaptureState::Running:
      return QStringLiteral("live");
    case media::CaptureState::Finished:
      return QStringLiteral("ended");
    case media::CaptureState::NoDevice:
      return QStringLiteral("no-camera");
    case media::CaptureState::Failed:
      return QStringLiteral("failed");
    case media::CaptureState::Reconnecting:
      return QStringLiteral("reconnecting");
    case media::CaptureState::Stopped:
      break;
  }
  return QStringLiteral("off");
}

QVariantMap stats_map(const watch::WatchStats& s) {
  return {
      {"framesSeen", static_cast<qulonglong>(s.frames_seen)},
      {"sampled", static_cast<qulonglong>(s.frames_sampled)},
      {"dropped", static_cast<qulonglong>(s.samples_dropped)},
      {"asked", static_cast<qulonglong>(s.questions_asked)},
      {"answers", static_cast<qulonglong>(s.answers)},
      {"alerts", static_cast<qulonglong>(s.alerts)},
      {"errors", static_cast<qulonglong>(s.errors)},
      {"lastLatencyMs", static_cast<qlonglong>(s.last_latency_ms)},
      {"meanLatencyMs", s.recent_mean_latency_ms},
      {"framesPerSecond", s.frames_per_second},
      {"samplesPerMinute", s.samples_per_second * 60.0},
      {"questionsPerMinute", s.questions_per_minute},
  };
}

}  // namespace

CameraController::CameraController(ChatController& chat, QuestionerFactory questioners,
                                   QObject* parent)
    : QObject(parent), chat_(chat), questioners_(std::move(questioners)) {
  if (!questioners_) questioners_ = make_model_frame_questioner;
  preview_timer_.setInterval(100);
  connect(&preview_timer_, &QTimer::timeout, this, &CameraController::pollPreview);
  // A new model replaces the one watch mode asks: stop before it loads, so
  // two models never sit in memory at once.
  connect(&chat_, &ChatController::modelAboutToChange, this, [this] {
    if (watching_) {
      stopWatch();
      Q_EMIT noticeOccurred(tr("Watch mode stopped: the model is being replaced"));
    }
  });
}

CameraController::~CameraController() {
  jobs_.post([this] {
    stopWatchOnJobThread(QString());
    if (source_) source_->stop();
  });
  jobs_.drain();
}

void CameraController::setSource(const QString& state, const QString& name, const QString& status) {
  source_state_ = state;
  source_name_ = name;
  status_text_ = status;
  Q_EMIT sourceChanged();
}

void CameraController::refreshCameras() {
  jobs_.post([this] {
    QStringList names;
    for (const media::CameraInfo& c : media::list_cameras()) {
      names << (c.name.empty()
                    ? QString::fromStdString(c.device_path)
                    : QStringLiteral("%1 (%2)").arg(QString::fromStdString(c.name),
                                                    QString::fromStdString(c.device_path)));
    }
    QMetaObject::invokeMethod(
        this,
        [this, names] {
          cameras_ = names;
          Q_EMIT camerasChanged();
        },
        Qt::QueuedConnection);
  });
}

void CameraController::openSource(std::function<std::unique_ptr<media::FrameSource>()> make,
                                  QString name) {
  setSource(QStringLiteral("starting"), name, tr("Opening %1…").arg(name));
  jobs_.post([this, make = std::move(make), name] {
    stopWatchOnJobThread(QString());
    if (source_) {
      {
        std::lock_guard lock(source_mutex_);
        live_source_ = nullptr;
      }
      source_->stop();
      source_.reset();
    }
    QString state, status;
    try {
      std::unique_ptr<media::FrameSource> source = make();
      source->start();
      source_ = std::move(source);
      std::lock_guard lock(source_mutex_);
      live_source_ = source_.get();
      last_preview_pts_us_ = -1;
      state = QStringLiteral("live");
    } catch (const media::MediaError& e) {
      state = e.kind() == media::MediaErrorKind::NoDevice ? QStringLiteral("no-camera")
                                                          : QStringLiteral("failed");
      status = QString::fromUtf8(e.what());
    } catch (const std::exception& e) {
      state = QStringLiteral("failed");
      status = QString::fromUtf8(e.what());
    }
    QMetaObject::invokeMethod(
        this,
        [this, state, name, status] {
          setSource(state, name, status);
          if (state == QLatin1String("live")) preview_timer_.start();
        },
        Qt::QueuedConnection);
  });
}

void CameraController::startCamera(int index) {
  media::CameraOptions options;
  options.device_index = index;
  openSource([options] { return std::make_unique<media::CameraSource>(options); },
             tr("Camera %1").arg(index));
}

void CameraController::useVideoFile(const QString& path_or_url) {
  const QUrl url(path_or_url);
  const QString path = url.isLocalFile() ? url.toLocalFile() : path_or_url;
  media::VideoFileSourceOptions options;
  options.at_end = media::FileEnd::Loop;  // a camera does not end
  openSource(
      [path, options] {
        return std::make_unique<media::VideoFileSource>(path.toStdString(), options);
      },
      QFileInfo(path).fileName());
}

void CameraController::stopSource() {
  preview_timer_.stop();
  setSource(QStringLiteral("off"), QString(), QString());
  jobs_.post([this] {
    stopWatchOnJobThread(QString());
    if (!source_) return;
    {
      std::lock_guard lock(source_mutex_);
      live_source_ = nullptr;
    }
    source_->stop();
    source_.reset();
  });
  preview_->set({});
  ++frame_serial_;
  Q_EMIT frameSerialChanged();
}

void CameraController::pollPreview() {
  std::optional<media::RgbFrame> frame;
  media::CaptureState state = media::CaptureState::Stopped;
  std::string message;
  {
    std::lock_guard lock(source_mutex_);
    if (live_source_ == nullptr) return;
    frame = live_source_->latest_frame();  // a copy under the source's lock
    state = live_source_->state();
    if (state != media::CaptureState::Running) message = live_source_->status_message();
  }
  const QString name = state_name(state);
  if (name != source_state_ && source_state_ != QLatin1String("off")) {
    setSource(name, source_name_, QString::fromStdString(message));
  }
  if (!frame || frame->pts_us == last_preview_pts_us_) return;
  last_preview_pts_us_ = frame->pts_us;
  preview_->set(to_qimage(*frame));
  ++frame_serial_;
  Q_EMIT frameSerialChanged();
}

void CameraController::askAboutWhatYouSee(const QString& question, int frame_count) {
  const QString text = question.trimmed();
  if (text.isEmpty()) return;
  if (asking_) return;
  asking_ = true;
  Q_EMIT askingChanged();
  jobs_.post([this, text, frame_count] {
    std::optional<watch::FrameQuestion> q;
    if (watch_) {
      q = watch_->ask_about_what_you_see(text.toStdString(), static_cast<size_t>(frame_count));
    } else if (source_) {
      q = watch::question_about_frames({}, source_->latest_frame(), text.toStdString(), 1);
    }
    QList<QByteArray> pngs;
    if (q) {
      for (const media::RgbFrame& f : q->frames) pngs << png_of(to_qimage(f));
    }
    const QString message = q ? QString::fromStdString(q->text) : QString();
    QMetaObject::invokeMethod(
        this,
        [this, message, pngs] {
          asking_ = false;
          Q_EMIT askingChanged();
          if (pngs.isEmpty()) {
            Q_EMIT errorOccurred(
                tr("There is no picture to ask about yet: start a camera or a video first"));
            return;
          }
          chat_.sendPictures(message, pngs);
        },
        Qt::QueuedConnection);
  });
}

void CameraController::startWatch(const QString& instruction, int interval_s,
                                  int frames_per_question) {
  const QString text = instruction.trimmed();
  if (text.isEmpty()) {
    Q_EMIT errorOccurred(tr("Say what to watch for, for example “tell me when someone enters”"));
    return;
  }
  if (watching_) return;
  if (source_state_ != QLatin1String("live")) {
    Q_EMIT errorOccurred(tr("Start a camera or a video first"));
    return;
  }
  watching_ = true;
  watch_instruction_ = text;
  watch_stats_.clear();
  last_answer_.clear();
  Q_EMIT watchChanged();
  Q_EMIT watchStatsChanged();
  watch_conversation_id_ = 0;
  chat_.createWatchConversation(text, [this](qint64 id) { watch_conversation_id_ = id; });
  const EngineWorker::VisionHandles handles = chat_.visionHandles();
  jobs_.post([this, text, interval_s, frames_per_question, handles] {
    QString failure;
    try {
      if (!source_) throw std::runtime_error("the camera stopped");
      questioner_ = questioners_(handles);
      watch::WatchOptions options;
      options.instruction = text.toStdString();
      options.interval_ms = std::max(1, interval_s) * 1000LL;
      options.frames_per_question = static_cast<size_t>(
          std::clamp<int>(frames_per_question, 1, static_cast<int>(watch::kMaxFramesPerQuestion)));
      options.source_control = watch::SourceControl::Shared;  // the preview shows it too
      media::FrameSource* source = source_.get();
      watch_ = std::make_unique<watch::WatchMode>(
          *source, *questioner_, options, [this, source](const watch::WatchEvent& event) {
            // On a watch thread: copy what the GUI needs, hand it over as values.
            QImage frame;
            if (event.kind == watch::WatchEventKind::Alert) {
              if (auto latest = source->latest_frame()) frame = to_qimage(*latest);
            }
            QMetaObject::invokeMethod(
                this, [this, event, frame] { onWatchEvent(event, frame); }, Qt::QueuedConnection);
          });
      watch_->start();
    } catch (const std::exception& e) {
      failure = QString::fromUtf8(e.what());
      watch_.reset();
      questioner_.reset();
    }
    if (!failure.isEmpty()) {
      QMetaObject::invokeMethod(
          this,
          [this, failure] {
            watching_ = false;
            Q_EMIT watchChanged();
            Q_EMIT errorOccurred(tr("Watch mode cannot start: %1").arg(failure));
          },
          Qt::QueuedConnection);
    }
  });
}

void CameraController::stopWatch() {
  jobs_.post([this] { stopWatchOnJobThread(QString()); });
}

void CameraController::stopWatchOnJobThread(const QString& why) {
  if (watch_) watch_->stop();  // delivers Stopped (queued to the GUI thread)
  watch_.reset();
  questioner_.reset();  // lets go of the model
  Q_UNUSED(why);
}

void CameraController::onWatchEvent(const watch::WatchEvent& event, const QImage& frame) {
  watch_stats_ = stats_map(event.stats);
  switch (event.kind) {
    case watch::WatchEventKind::Answered:
      last_answer_ = QString::fromStdString(event.text);
      break;
    case watch::WatchEventKind::Alert: {
      const QString time = QDateTime::currentDateTime().toString(QStringLiteral("HH:mm:ss"));
      const QString text = QString::fromStdString(event.text);
      alerts_.prepend(QVariantMap{{"time", time}, {"text", text}});
      while (alerts_.size() > 50) alerts_.removeLast();
      Q_EMIT alertsChanged();
      Q_EMIT alertRaised(text);
      if (watch_conversation_id_ != 0) {
        const qint64 conversation = watch_conversation_id_;
        const QString entry = tr("**%1** — %2").arg(time, text);
        jobs_.post([this, conversation, entry, frame] {
          const QByteArray png = frame.isNull() ? QByteArray() : png_of(frame);
          QMetaObject::invokeMethod(
              this,
              [this, conversation, entry, png] { chat_.addWatchAlert(conversation, entry, png); },
              Qt::QueuedConnection);
        });
      }
      break;
    }
    case watch::WatchEventKind::Error:
      Q_EMIT errorOccurred(tr("Watch mode: %1").arg(QString::fromStdString(event.text)));
      break;
    case watch::WatchEventKind::SourceLost:
      Q_EMIT noticeOccurred(
          tr("Watch mode lost the picture: %1").arg(QString::fromStdString(event.text)));
      break;
    case watch::WatchEventKind::Stopped:
      if (watching_) {
        watching_ = false;
        Q_EMIT watchChanged();
      }
      break;
    default:
      break;
  }
  Q_EMIT watchStatsChanged();
}

}  // namespace mosaic::ui
