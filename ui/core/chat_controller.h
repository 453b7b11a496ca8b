// What QML talks to: the models it shows and the operations it calls.
// Created in main() and handed to QML as a context property (no singleton).
// Owns the store's thread (StoreWorker) and the engine's thread
// (EngineWorker); every store read and every engine request goes to those
// threads and comes back as a queued call carrying values, so the GUI thread
// never waits for the model, the database or the disk. Only this object (on
// the GUI thread) changes the list models.
#pragma once

#include <QMimeData>
#include <QObject>
#include <QThreadPool>
#include <QTimer>
#include <QUrl>
#include <QVariantMap>
#include <functional>
#include <memory>
#include <mutex>
#include <vector>

#include "app/store/store_worker.h"
#include "ui/core/engine_worker.h"
#include "ui/core/stream_buffer.h"
#include "ui/models/attachment_list_model.h"
#include "ui/models/conversation_list_model.h"
#include "ui/models/message_list_model.h"
#include "ui/models/search_results_model.h"
#include "ui/models/settings_model.h"

namespace mosaic::ui {

class ChatController : public QObject {
  Q_OBJECT
  Q_PROPERTY(QObject* conversations READ conversations CONSTANT)
  Q_PROPERTY(QObject* messages READ messages CONSTANT)
  Q_PROPERTY(QObject* settings READ settings CONSTANT)
  Q_PROPERTY(QObject* attachments READ attachments CONSTANT)
  Q_PROPERTY(QObject* searchResults READ searchResults CONSTANT)
  Q_PROPERTY(qint64 currentConversationId READ currentConversationId NOTIFY currentChanged)
  Q_PROPERTY(QString currentTitle READ currentTitle NOTIFY currentChanged)
  Q_PROPERTY(QString modelState READ modelState NOTIFY modelChanged)  // none, loading, ready
  Q_PROPERTY(double loadProgress READ loadProgress NOTIFY loadProgressChanged)
  Q_PROPERTY(QVariantMap modelInfo READ modelInfo NOTIFY modelChanged)
  Q_PROPERTY(bool generating READ generating NOTIFY generatingChanged)
  Q_PROPERTY(qint64 streamingMessageId READ streamingMessageId NOTIFY generatingChanged)
  // What the model is doing before the reply's first words ("Looking at
  // picture 1 of 2…"); empty otherwise.
  Q_PROPERTY(QString turnActivity READ turnActivity NOTIFY turnActivityChanged)
  Q_PROPERTY(bool canUndoDelete READ canUndoDelete NOTIFY undoChanged)
  Q_PROPERTY(QString deletedTitle READ deletedTitle NOTIFY undoChanged)
  // "opening" until the database is open (off the GUI thread), then "open" or "failed".
  Q_PROPERTY(QString storeState READ storeState NOTIFY storeStateChanged)
  // The current chat's system prompt (for a new chat: the one it will get).
  Q_PROPERTY(
      QString systemPrompt READ systemPrompt WRITE setSystemPrompt NOTIFY systemPromptChanged)
  // Saved presets, by name: maps with "id", "name" and "systemPrompt".
  Q_PROPERTY(QVariantList presets READ presets NOTIFY presetsChanged)

 public:
  // Opens the database at `database_path` (empty: the default one,
  // store::default_database_path()) off the GUI thread and returns at
  // once; what is asked before it is open runs when it is. A database that
  // cannot be opened gives storeState "failed" and an errorOccurred naming
  // the file and the reason.
  ChatController(const QString& database_path, SettingsModel& settings, QObject* parent = nullptr);
  ~ChatController() override;

  QObject* conversations() { return &conversations_; }
  QObject* messages() { return &messages_; }
  QObject* settings() { return &settings_; }
  QObject* attachments() { return &attachments_; }
  QObject* searchResults() { return &search_results_; }
  ConversationListModel& conversationModel() { return conversations_; }
  MessageListModel& messageModel() { return messages_; }
  AttachmentListModel& attachmentModel() { return attachments_; }
  SearchResultsModel& searchModel() { return search_results_; }

  qint64 currentConversationId() const { return current_id_; }
  QString currentTitle() const;
  QString modelState() const { return model_state_; }
  double loadProgress() const { return load_progress_; }
  QVariantMap modelInfo() const { return model_info_; }
  bool generating() const { return generating_; }
  qint64 streamingMessageId() const { return streaming_reply_id_; }
  QString turnActivity() const { return turn_activity_; }
  // The loaded model and its vision encoder, for the camera's watch mode
  // (empty before the database opens or without a model).
  EngineWorker::VisionHandles visionHandles() const {
    return engine_ ? engine_->visionHandles() : EngineWorker::VisionHandles{};
  }
  bool canUndoDelete() const { return deleted_id_ != 0; }
  QString deletedTitle() const { return deleted_title_; }
  QString storeState() const { return store_state_; }
  QString systemPrompt() const { return system_prompt_; }
  void setSystemPrompt(const QString& text);
  QVariantList presets() const { return presets_; }

  // ---- Presets (system prompt and sampling settings, saved by name) ----
  // Saves the current system prompt and sampling settings as `name`
  // (replacing a preset of that name).
  Q_INVOKABLE void savePreset(const QString& name);
  // Sets the current chat's system prompt and the sampling settings from the preset.
  Q_INVOKABLE void applyPreset(qint64 preset_id);
  Q_INVOKABLE void deletePreset(qint64 preset_id);

  // ---- Model ----
  // A path or a file:// URL.
  Q_INVOKABLE void loadModel(const QString& path_or_url);
  Q_INVOKABLE void cancelLoad();
  // Pairs the loaded model with a vision (mmproj) file kept elsewhere than
  // beside it (path or file:// URL; "" goes back to looking beside it),
  // remembers the choice for this model and loads the model again with it.
  Q_INVOKABLE void chooseVisionFile(const QString& path_or_url);

  // ---- Conversations ----
  Q_INVOKABLE void newConversation();
  Q_INVOKABLE void selectConversation(qint64 conversation_id);
  Q_INVOKABLE void rename(qint64 conversation_id, const QString& title);
  Q_INVOKABLE void togglePin(qint64 conversation_id);
  // Moves the conversation to the trash; undoDelete() brings it back.
  Q_INVOKABLE void deleteConversation(qint64 conversation_id);
  Q_INVOKABLE void undoDelete();
  Q_INVOKABLE void refreshConversations();

  // ---- Turns ----
  Q_INVOKABLE void send(const QString& text);
  Q_INVOKABLE void stop();
  Q_INVOKABLE void regenerate(qint64 message_id);
  Q_INVOKABLE void edit(qint64 message_id, const QString& text);
  Q_INVOKABLE void continueReply(qint64 message_id);
  Q_INVOKABLE void switchSibling(qint64 message_id, int delta);

  // ---- Camera ----
  // Sends `text` with pictures (PNG bytes, oldest first) into the current
  // chat as a user message with them attached, and streams the reply.
  void sendPictures(const QString& text, const QList<QByteArray>& pngs);
  // A conversation for watch mode's entries, "Watch: <instruction>", made
  // current; `done` gets its id.
  void createWatchConversation(const QString& instruction, std::function<void(qint64)> done);
  // A watch alert as an assistant entry of that conversation (with the frame
  // attached when png is not empty).
  void addWatchAlert(qint64 conversation_id, const QString& text, const QByteArray& png);

  // ---- Search ----
  Q_INVOKABLE void search(const QString& query);
  // Opens the hit's conversation with the message on the shown branch, then
  // emits scrollToMessage.
  Q_INVOKABLE void openSearchHit(qint64 conversation_id, qint64 message_id);

  // ---- Attachments and clipboard ----
  Q_INVOKABLE void addAttachments(const QList<QUrl>& urls);
  // Files of a drop or a paste; false when the data holds no file URLs.
  bool addFromMimeData(const QMimeData* mime);
  // Ctrl+V in the input: attaches copied files; false leaves the paste to the text field.
  Q_INVOKABLE bool pasteFiles();
  Q_INVOKABLE void copyText(const QString& text);

  // ---- Formatting for the views ----
  // A code block as syntax-coloured rich text; `theme` is "light" or "dark".
  Q_INVOKABLE QString highlightCode(const QString& code, const QString& language,
                                    const QString& theme) const;

 Q_SIGNALS:
  void currentChanged();
  void modelChanged();
  void loadProgressChanged();
  void generatingChanged();
  void turnActivityChanged();
  // A model load is about to replace the loaded model (watch mode lets go of it).
  void modelAboutToChange();
  void undoChanged();
  void storeStateChanged();
  void systemPromptChanged();
  void presetsChanged();
  void branchLoaded();
  void conversationsLoaded();
  void searchFinished();
  void turnFinished(const QString& status);
  // Stop was asked for while a reply was being written (button or Esc).
  void stopRequested();
  void scrollToMessage(qint64 message_id);
  // Something the user should read (a failed load, a failed turn, a store error).
  void errorOccurred(const QString& message);
  void noticeOccurred(const QString& message);

 private:
  // Runs `work` on the store's thread and `done` with its result here.
  template <typename Result>
  void query(std::function<Result(store::ConversationStore&)> work,
             std::function<void(Result)> done);
  void write(std::function<void(store::ConversationStore&)> work, std::function<void()> done = {});
  void adoptStore();
  void refreshPresets();
  void loadSystemPrompt();
  void refreshBranch();
  void setCurrent(qint64 conversation_id);
  void setGenerating(bool generating);
  void startTurn(TurnRequest request);
  // The user's message and an empty streaming reply, shown before the store has them.
  void showPendingTurn(const QString& text, const QStringList& attachment_names);
  void drainStream();
  void onModelLoaded(const ModelSummary& summary);
  void onModelLoadFailed(quint64 load_serial, const QString& message);
  void onTurnStarted(const TurnStart& start);
  void onTurnFinished(const TurnEnd& end);
  void setTurnActivity(const QString& text);

  SettingsModel& settings_;
  ConversationListModel conversations_;
  MessageListModel messages_;
  AttachmentListModel attachments_;
  SearchResultsModel search_results_;
  qint64 current_id_ = 0;
  QString model_state_ = QStringLiteral("none");
  double load_progress_ = 0;
  bool load_cancel_requested_ = false;
  quint64 current_load_ = 0;  // the engine's serial of the newest load
  QVariantMap model_info_;
  bool generating_ = false;
  qint64 streaming_reply_id_ = 0;
  QString turn_activity_;
  QString stream_reasoning_;
  QString stream_answer_;
  QTimer stream_timer_;
  qint64 deleted_id_ = 0;
  QString deleted_title_;
  StreamBuffer stream_buffer_;
  QString store_state_ = QStringLiteral("opening");
  QString system_prompt_;
  QVariantList presets_;
  std::vector<std::function<void()>> pending_;  // asked for before the store was open
  std::mutex opened_mutex_;
  std::unique_ptr<store::StoreWorker> opened_store_;  // handed from the opener's thread
  QThreadPool opener_;
  // Declared last: destroyed first (engine before store), so their threads
  // stop before anything they post to goes away.
  std::unique_ptr<store::StoreWorker> store_;
  std::unique_ptr<EngineWorker> engine_;
};

}  // namespace mosaic::ui
