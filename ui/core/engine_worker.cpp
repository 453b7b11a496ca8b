#include "ui/core/engine_worker.h"

#include <QDateTime>
#include <QFileInfo>
#include <QMimeDatabase>
#include <optional>

#include "app/turns/store_access.h"
#include "app/turns/turn_runner.h"
#include "ui/core/store_queries.h"
#ifdef MOSAIC_HAVE_MEDIA
#include "app/turns/attachment_import.h"
#include "media/core/media_error.h"
#endif
#ifdef MOSAIC_HAVE_VISION
#include "app/vision/attachment_pictures.h"
#include "app/vision/vision_file_finder.h"
#endif

namespace mosaic::ui {
namespace {

// Stores an attached file and returns its id. Documents get their text
// extracted by the same importer `mosaic-cli chat /attach` uses (PDF, DOCX,
// ODT, text in any encoding); a file it cannot read is still stored, as it
// is, without text.
int64_t import_file(store::ConversationStore& s, const QString& path) {
#ifdef MOSAIC_HAVE_MEDIA
  try {
    return turns::import_attachment(s, path.toStdString()).attachment.id;
  } catch (const media::MediaError&) {
    // Unsupported or unreadable as a document: kept without text below.
  }
#endif
  store::AttachmentInfo info;
  info.mime_type = QMimeDatabase().mimeTypeForFile(path).name().toStdString();
  info.original_name = QFileInfo(path).fileName().toStdString();
  return s.add_attachment_file(path.toStdString(), info).id;
}

}  // namespace

struct EngineWorker::Loaded {
  Loaded(app::ModelPtr m, const mosaic_session_params& params, store::StoreWorker& store,
         const std::string& model_path)
      : model(m.release(), mosaic_model_free),
        engine(model.get(), params),
        access(store),
        runner(access, engine, model_path),
        model_path(model_path) {}
  std::shared_ptr<mosaic_model> model;  // shared with the camera's watch mode
  std::shared_ptr<void> encoder;        // the vision encoder, when the model sees pictures
  turns::ChatEngine engine;
  turns::WorkerStoreAccess access;
  turns::TurnRunner runner;
  std::string model_path;
};

EngineWorker::EngineWorker(store::StoreWorker& store, StreamBuffer& buffer, QObject* parent)
    : QObject(parent), store_(store), buffer_(buffer), thread_([this] { run(); }) {}

EngineWorker::~EngineWorker() {
  {
    std::lock_guard lock(mutex_);
    quitting_ = true;
    jobs_.clear();  // queued requests are dropped; the running one is asked to stop
  }
  stop_turn_ = true;
  cancelled_load_ = latest_load_.load();
  wake_.notify_one();
  thread_.join();
}

void EngineWorker::post(std::function<void()> job) {
  {
    std::lock_guard lock(mutex_);
    jobs_.push_back(std::move(job));
  }
  wake_.notify_one();
}

void EngineWorker::run() {
  for (;;) {
    std::function<void()> job;
    {
      std::unique_lock lock(mutex_);
      wake_.wait(lock, [this] { return quitting_ || !jobs_.empty(); });
      if (quitting_) break;
      job = std::move(jobs_.front());
      jobs_.pop_front();
    }
    job();
  }
  loaded_.reset();  // the model is freed on the thread that used it
}

quint64 EngineWorker::loadModel(const QString& path, const mosaic_session_params& params,
                                const QString& vision_path) {
  const quint64 serial = ++latest_load_;
  post([this, path, params, vision_path, serial] { doLoad(path, params, vision_path, serial); });
  return serial;
}

void EngineWorker::unloadModel() {
  post([this] {
    {
      std::lock_guard lock(handles_mutex_);
      handles_ = {};
    }
    loaded_.reset();
  });
}

EngineWorker::VisionHandles EngineWorker::visionHandles() const {
  std::lock_guard lock(handles_mutex_);
  return handles_;
}

void EngineWorker::startTurn(const TurnRequest& request) {
  stop_turn_ = false;
  post([this, request] { doTurn(request); });
}

void EngineWorker::doLoad(const QString& path, const mosaic_session_params& params,
                          const QString& vision_path, quint64 serial) {
  {
    std::lock_guard lock(handles_mutex_);
    handles_ = {};
  }
  loaded_.reset();  // two models at once may not fit in memory
  double last_reported = -1;
  try {
    app::ModelPtr model = app::load_model(path.toStdString(), [&](float fraction) {
      if (fraction - last_reported >= 0.01 || fraction >= 1.0f) {
        last_reported = fraction;
        Q_EMIT loadProgress(fraction);
      }
      return !loadCancelled(serial);
    });
    auto loaded = std::make_unique<Loaded>(std::move(model), params, store_, path.toStdString());
    // A cancel that came after the last progress callback still wins.
    if (loadCancelled(serial)) throw app::EngineError(MOSAIC_ERR_CANCELLED, "cancelled");
    const mosaic_model_info info = app::model_info(loaded->model.get());
    ModelSummary summary;
    summary.path = path;
    summary.load_serial = serial;
    summary.name = QString::fromUtf8(info.name);
    if (summary.name.isEmpty()) summary.name = QFileInfo(path).completeBaseName();
    summary.architecture = QString::fromUtf8(info.architecture);
    summary.quantization = QString::fromUtf8(info.quantization);
    summary.params_total = info.n_params_total;
    summary.params_active = info.n_params_active;
    summary.experts = info.n_expert;
    summary.experts_used = info.n_expert_used;
    summary.context_length = loaded->engine.context_length();
    summary.kv_bytes = info.kv_bytes_per_token * static_cast<uint64_t>(summary.context_length);
    summary.memory_bytes = info.file_bytes + summary.kv_bytes;
    summary.template_note = to_qstring(loaded->engine.chat_template().problem());
#ifdef MOSAIC_HAVE_VISION
    // The vision file the user chose for this model, else the one beside it.
    vision_prompt::VisionPairing vision;
    QString chosen_problem;
    if (!vision_path.isEmpty()) {
      try {
        vision = vision_prompt::pair_vision_file(loaded->model.get(), path.toStdString(),
                                                 vision_path.toStdString(), params.n_threads);
      } catch (const std::exception& e) {
        chosen_problem =
            tr("The chosen vision file cannot be used: %1. ").arg(QString::fromUtf8(e.what()));
      }
    }
    if (!vision.encoder) {
      vision = vision_prompt::pair_vision_file(loaded->model.get(), path.toStdString(), {},
                                               params.n_threads);
    }
    summary.vision_note = chosen_problem + to_qstring(vision.note);
    if (vision.encoder) {
      vision.encoder->set_max_tokens(picture_max_tokens_);
      summary.sees_pictures = true;
      loaded->engine.set_picture_source(
          std::make_shared<vision_prompt::AttachmentPictures>(vision.encoder));
      loaded->encoder = vision.encoder;
    }
#endif
    {
      std::lock_guard lock(handles_mutex_);
      handles_ = {loaded->model, loaded->encoder};
    }
    loaded_ = std::move(loaded);
    Q_EMIT modelLoaded(summary);
  } catch (const app::EngineError& e) {
    Q_EMIT modelLoadFailed(serial, e.status() == MOSAIC_ERR_CANCELLED
                                       ? tr("Loading %1 was cancelled").arg(path)
                                       : QString::fromUtf8(e.what()));
  } catch (const std::exception& e) {
    Q_EMIT modelLoadFailed(serial, tr("Cannot load %1: %2").arg(path, QString::fromUtf8(e.what())));
  }
}

void EngineWorker::setPictureMaxTokens(int max_tokens) {
  post([this, max_tokens] {
    picture_max_tokens_ = std::max(0, max_tokens);
#ifdef MOSAIC_HAVE_VISION
    if (loaded_ && loaded_->encoder) {
      static_cast<vision_prompt::ImageEncoder*>(loaded_->encoder.get())
          ->set_max_tokens(picture_max_tokens_);
    }
#endif
  });
}

void EngineWorker::doTurn(const TurnRequest& request) {
  TurnEnd end;
  end.conversation_id = request.conversation_id;
  if (!loaded_) {
    end.status = QStringLiteral("error");
    end.error = tr("No model is loaded: open a GGUF model file first");
    Q_EMIT turnFinished(end);
    return;
  }
  turns::WorkerStoreAccess& access = loaded_->access;
  try {
    qint64 conversation_id = request.conversation_id;
    if (request.kind == TurnKind::Send && conversation_id == 0) {
      access.run_and_wait([&](store::ConversationStore& s) {
        store::NewConversation fields;
        fields.model = loaded_->model_path;
        fields.system_prompt = request.system_prompt.toStdString();
        conversation_id = s.create_conversation(fields).id;
      });
    }
    end.conversation_id = conversation_id;
    const bool new_user_message = request.kind == TurnKind::Send || request.kind == TurnKind::Edit;

    turns::TurnEvents events;
    events.on_started = [&](int64_t user_id, int64_t reply_id) {
      TurnStart start;
      const QString stamp =
          QDateTime::currentDateTime().toString(QStringLiteral("yyyyMMdd-HHmmss"));
      access.run_and_wait([&](store::ConversationStore& s) {
        // Attached before the prompt is built, so the model sees the files' text.
        if (new_user_message) {
          for (const QString& path : request.attachment_paths) {
            s.link_attachment(user_id, import_file(s, path));
          }
          for (int i = 0; i < request.picture_pngs.size(); ++i) {
            const QByteArray& png = request.picture_pngs[i];
            store::AttachmentInfo info;
            info.mime_type = "image/png";
            info.original_name =
                QStringLiteral("camera-%1-%2.png").arg(stamp).arg(i + 1).toStdString();
            s.link_attachment(
                user_id,
                s.add_attachment(std::string_view(png.constData(), static_cast<size_t>(png.size())),
                                 info)
                    .id);
          }
        }
        const store::Message reply = s.get_message(reply_id);
        start.conversation_id = reply.conversation_id;
        start.base_reasoning = to_qstring(reply.reasoning);
        start.base_answer = to_qstring(reply.content);
      });
      start.user_message_id = user_id;
      start.reply_message_id = reply_id;
      end.reply_message_id = reply_id;
      Q_EMIT turnStarted(start);
    };
    events.on_text = [this](const turns::SplitText& piece) { buffer_.append(piece); };
    events.should_stop = [this] { return stop_turn_.load(); };
    events.on_prompt_progress = [this](float) { return !stop_turn_.load(); };
    double last_picture_report = -1;
    events.on_picture_progress = [&](int index, int count, float fraction) {
      const double overall = (index + static_cast<double>(fraction)) / count;
      if (overall - last_picture_report >= 0.02 || fraction == 0.0f) {
        last_picture_report = overall;
        Q_EMIT pictureProgress(index, count, fraction);
      }
      return !stop_turn_.load();
    };
    events.on_notice = [&end](const std::string& notice) { end.notice = to_qstring(notice); };

    const std::string text = request.text.toStdString();
    turns::TurnOutcome outcome;
    switch (request.kind) {
      case TurnKind::Send:
        outcome = loaded_->runner.send(conversation_id, text, request.settings, events);
        break;
      case TurnKind::Edit:
        outcome = loaded_->runner.edit(request.message_id, text, request.settings, events);
        break;
      case TurnKind::Regenerate:
        outcome = loaded_->runner.regenerate(request.message_id, request.settings, events);
        break;
      case TurnKind::Continue:
        outcome = loaded_->runner.continue_reply(request.message_id, request.settings, events);
        break;
    }
    end.reply_message_id = outcome.reply_message_id;
    end.status = to_qstring(std::string(store::to_string(outcome.status)));
    end.error = to_qstring(outcome.error);
  } catch (const std::exception& e) {
    end.status = QStringLiteral("error");
    end.error = QString::fromUtf8(e.what());
  }
  Q_EMIT turnFinished(end);
}

}  // namespace mosaic::ui
