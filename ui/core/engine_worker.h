// The engine's thread: owns the loaded model, its ChatEngine (one session)
// and a TurnRunner that reaches the store through the StoreWorker. Requests
// arrive as values in a queue and run one at a time; results go back as
// signals carrying values, delivered queued on the GUI thread. Reply text
// goes into a StreamBuffer the GUI drains at its own pace. Stopping a reply
// and cancelling a load are atomic flags polled by the engine's callbacks.
#pragma once

#include <QObject>
#include <QString>
#include <QStringList>
#include <atomic>
#include <condition_variable>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <thread>

#include "app/core/picture_budget.h"
#include "app/store/store_worker.h"
#include "app/turns/chat_engine.h"
#include "ui/core/stream_buffer.h"
#include "ui/core/ui_values.h"

namespace mosaic::ui {

enum class TurnKind { Send, Edit, Regenerate, Continue };

struct TurnRequest {
  TurnKind kind = TurnKind::Send;
  qint64 conversation_id = 0;      // Send: 0 starts a new conversation
  qint64 message_id = 0;           // Edit/Regenerate/Continue: the message acted on
  QString text;                    // Send/Edit
  QStringList attachment_paths;    // Send/Edit: checked files to attach to the user message
  QList<QByteArray> picture_pngs;  // Send: camera frames (PNG) to attach, oldest first
  QString system_prompt;           // Send with conversation_id 0: the new conversation's
  turns::GenerationSettings settings;
};

class EngineWorker : public QObject {
  Q_OBJECT

 public:
  // `store` and `buffer` must outlive the worker.
  EngineWorker(store::StoreWorker& store, StreamBuffer& buffer, QObject* parent = nullptr);
  // Stops a running reply or load, lets the thread finish and frees the model.
  ~EngineWorker() override;

  // Frees the current model, then loads `path` with a session of `params`,
  // and pairs it with `vision_path` (an mmproj file; empty: the one beside
  // the model, if any; a file that does not belong is reported in the
  // summary's vision note and the one beside is tried instead).
  // Returns the load's serial number, which its result signal carries; a
  // newer load or cancelLoad() stops an older one.
  quint64 loadModel(const QString& path, const mosaic_session_params& params,
                    const QString& vision_path = {});
  void cancelLoad() { cancelled_load_ = latest_load_.load(); }
  // Frees the loaded model (a load the user cancelled after it had finished).
  void unloadModel();
  void startTurn(const TurnRequest& request);
  void stopTurn() { stop_turn_ = true; }
  // Tokens one picture may take at most (0: the vision file's limit), for
  // the chat and the camera alike, from the next picture encoded on; kept
  // for later loads. Queued behind a running turn.
  void setPictureMaxTokens(int max_tokens);

  // The loaded model and its vision encoder, shared, for work beside the
  // chat (the camera's watch mode runs its own session on the same model).
  // Both null when no model is loaded; encoder null for a model without
  // vision. Thread-safe. Holding them keeps the model in memory: the
  // holder must let go when modelLoaded / unloading says the model changed.
  struct VisionHandles {
    std::shared_ptr<const mosaic_model> model;
    std::shared_ptr<void> encoder;  // vision_prompt::ImageEncoder (opaque to Qt code)
  };
  VisionHandles visionHandles() const;

 Q_SIGNALS:
  void loadProgress(double fraction);
  // Encoding picture `index` of `count` for the reply being prepared.
  void pictureProgress(int index, int count, double fraction);
  void modelLoaded(const mosaic::ui::ModelSummary& summary);
  void modelLoadFailed(quint64 load_serial, const QString& message);
  void turnStarted(const mosaic::ui::TurnStart& start);
  void turnFinished(const mosaic::ui::TurnEnd& end);

 private:
  struct Loaded;  // model, engine, store access and runner: worker thread only

  void post(std::function<void()> job);
  void run();
  void doLoad(const QString& path, const mosaic_session_params& params, const QString& vision_path,
              quint64 serial);
  bool loadCancelled(quint64 serial) const {
    return cancelled_load_.load() >= serial || latest_load_.load() != serial;
  }
  void doTurn(const TurnRequest& request);

  store::StoreWorker& store_;
  StreamBuffer& buffer_;
  // Serial numbers rather than a flag, so that a cancel can never leak into
  // the next load (the flag could be reset before the old load read it).
  std::atomic<quint64> latest_load_{0};
  std::atomic<quint64> cancelled_load_{0};
  std::atomic<bool> stop_turn_{false};
  std::mutex mutex_;
  std::condition_variable wake_;
  std::deque<std::function<void()>> jobs_;
  bool quitting_ = false;
  std::unique_ptr<Loaded> loaded_;
  int picture_max_tokens_ = app::kDefaultPictureTokens;  // worker thread only
  mutable std::mutex handles_mutex_;
  VisionHandles handles_;  // copies of loaded_'s, for other threads
  std::thread thread_;     // last: starts after everything it uses exists
};

}  // namespace mosaic::ui
