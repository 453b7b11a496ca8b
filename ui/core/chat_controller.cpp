#include "ui/core/chat_controller.h"

#include <QClipboard>
#include <QDateTime>
#include <QGuiApplication>
#include <QJsonDocument>

#include "app/store/data_paths.h"
#include "ui/core/code_highlighter.h"
#include "ui/core/store_queries.h"

namespace mosaic::ui {
namespace {

constexpr int kStreamTickMs = 33;  // ~30 Hz: smooth to the eye, cheap at any token rate
constexpr int kSearchLimit = 40;

QString count_text(quint64 n) {
  if (n >= 1'000'000'000ULL) return QStringLiteral("%1 B").arg(n / 1e9, 0, 'f', 1);
  if (n >= 1'000'000ULL) return QStringLiteral("%1 M").arg(n / 1e6, 0, 'f', 1);
  if (n >= 1'000ULL) return QStringLiteral("%1 K").arg(n / 1e3, 0, 'f', 1);
  return QString::number(n);
}

QString bytes_text(quint64 n) {
  if (n >= 1'000'000'000ULL) return QStringLiteral("%1 GB").arg(n / 1e9, 0, 'f', 2);
  return QStringLiteral("%1 MB").arg(n / 1e6, 0, 'f', 1);
}

}  // namespace

ChatController::ChatController(const QString& database_path, SettingsModel& settings,
                               QObject* parent)
    : QObject(parent), settings_(settings) {
  register_ui_value_types();
  stream_timer_.setInterval(kStreamTickMs);
  connect(&stream_timer_, &QTimer::timeout, this, &ChatController::drainStream);
  // Opening the database reads (and may migrate) it: on the opener's thread,
  // so the window is up first. Work asked for meanwhile waits in pending_.
  opener_.setMaxThreadCount(1);
  const std::string path = database_path.toStdString();
  opener_.start([this, path] {
    try {
      // The default path's folder is created on first use: disk work, so here.
      const std::string database = path.empty() ? store::default_database_path().string() : path;
      // Errors of fire-and-forget writes arrive on the store thread; shown here.
      auto worker = std::make_unique<store::StoreWorker>(
          database, store::StoreOptions{}, [this](const store::StoreError& e) {
            const QString message = QString::fromUtf8(e.what());
            QMetaObject::invokeMethod(
                this, [this, message] { Q_EMIT errorOccurred(message); }, Qt::QueuedConnection);
          });
      {
        std::lock_guard lock(opened_mutex_);
        opened_store_ = std::move(worker);
      }
      QMetaObject::invokeMethod(this, &ChatController::adoptStore, Qt::QueuedConnection);
    } catch (const std::exception& e) {
      const QString message =
          tr("Cannot open the conversation database: %1").arg(QString::fromUtf8(e.what()));
      QMetaObject::invokeMethod(
          this,
          [this, message] {
            store_state_ = QStringLiteral("failed");
            pending_.clear();
            Q_EMIT storeStateChanged();
            Q_EMIT errorOccurred(message);
          },
          Qt::QueuedConnection);
    }
  });
  refreshConversations();
  refreshPresets();
}

void ChatController::adoptStore() {
  {
    std::lock_guard lock(opened_mutex_);
    store_ = std::move(opened_store_);
  }
  if (!store_) return;
  engine_ = std::make_unique<EngineWorker>(*store_, stream_buffer_);
  engine_->setPictureMaxTokens(settings_.pictureTokens());
  connect(&settings_, &SettingsModel::changed, this,
          [this] { engine_->setPictureMaxTokens(settings_.pictureTokens()); });
  connect(
      engine_.get(), &EngineWorker::loadProgress, this,
      [this](double fraction) {
        load_progress_ = fraction;
        Q_EMIT loadProgressChanged();
      },
      Qt::QueuedConnection);
  connect(engine_.get(), &EngineWorker::modelLoaded, this, &ChatController::onModelLoaded,
          Qt::QueuedConnection);
  connect(engine_.get(), &EngineWorker::modelLoadFailed, this, &ChatController::onModelLoadFailed,
          Qt::QueuedConnection);
  connect(engine_.get(), &EngineWorker::turnStarted, this, &ChatController::onTurnStarted,
          Qt::QueuedConnection);
  connect(engine_.get(), &EngineWorker::turnFinished, this, &ChatController::onTurnFinished,
          Qt::QueuedConnection);
  connect(
      engine_.get(), &EngineWorker::pictureProgress, this,
      [this](int index, int count, double fraction) {
        if (!generating_) return;  // a late report of a finished turn
        setTurnActivity(count == 1 ? tr("Looking at the picture… %1%").arg(qRound(fraction * 100))
                                   : tr("Looking at picture %1 of %2… %3%")
                                         .arg(index + 1)
                                         .arg(count)
                                         .arg(qRound(fraction * 100)));
      },
      Qt::QueuedConnection);
  store_state_ = QStringLiteral("open");
  Q_EMIT storeStateChanged();
  std::vector<std::function<void()>> pending;
  pending.swap(pending_);
  for (auto& job : pending) job();
}

ChatController::~ChatController() {
  opener_.waitForDone();  // an open in progress finishes; its queued adoption never runs
  engine_.reset();        // stops a reply (kept as incomplete) and frees the model
  store_.reset();         // runs the writes still queued, then closes the database
  std::lock_guard lock(opened_mutex_);
  opened_store_.reset();  // opened but never adopted
}

template <typename Result>
void ChatController::query(std::function<Result(store::ConversationStore&)> work,
                           std::function<void(Result)> done) {
  if (!store_) {
    if (store_state_ == QLatin1String("opening")) {
      pending_.push_back([this, work, done] { query<Result>(work, done); });
    }
    return;
  }
  store_->submit([this, work, done](store::ConversationStore& s) {
    try {
      Result result = work(s);
      QMetaObject::invokeMethod(
          this, [done, result] { done(result); }, Qt::QueuedConnection);
    } catch (const std::exception& e) {
      const QString message = QString::fromUtf8(e.what());
      QMetaObject::invokeMethod(
          this, [this, message] { Q_EMIT errorOccurred(message); }, Qt::QueuedConnection);
    }
  });
}

void ChatController::write(std::function<void(store::ConversationStore&)> work,
                           std::function<void()> done) {
  query<int>(
      [work](store::ConversationStore& s) {
        work(s);
        return 0;
      },
      [done](int) {
        if (done) done();
      });
}

QString ChatController::currentTitle() const {
  return current_id_ == 0 ? tr("New chat") : conversations_.titleOf(current_id_);
}

// ---- Model ------------------------------------------------------------------

void ChatController::loadModel(const QString& path_or_url) {
  const QUrl url(path_or_url);
  const QString path = url.isLocalFile() ? url.toLocalFile() : path_or_url;
  if (path.trimmed().isEmpty()) return;
  if (generating_) {
    Q_EMIT errorOccurred(tr("Stop the reply before loading another model"));
    return;
  }
  Q_EMIT modelAboutToChange();
  model_state_ = QStringLiteral("loading");
  load_cancel_requested_ = false;
  load_progress_ = 0;
  model_info_ = {{"path", path}};
  Q_EMIT modelChanged();
  Q_EMIT loadProgressChanged();
  if (!engine_) {  // the engine starts once the database is open
    pending_.push_back([this, path] {
      if (load_cancel_requested_) {
        onModelLoadFailed(current_load_, tr("Loading %1 was cancelled").arg(path));
      } else {
        current_load_ =
            engine_->loadModel(path, settings_.sessionParams(), settings_.visionFileFor(path));
      }
    });
    return;
  }
  current_load_ =
      engine_->loadModel(path, settings_.sessionParams(), settings_.visionFileFor(path));
}

void ChatController::chooseVisionFile(const QString& path_or_url) {
  const QString model = model_info_.value(QStringLiteral("path")).toString();
  if (model_state_ != QLatin1String("ready") || model.isEmpty()) {
    Q_EMIT errorOccurred(tr("Load the model first, then choose its vision file"));
    return;
  }
  const QUrl url(path_or_url);
  const QString path = url.isLocalFile() ? url.toLocalFile() : path_or_url;
  settings_.setVisionFileFor(model, path);  // remembered for this model
  loadModel(model);  // loads again (from the page cache) with the vision file
}

void ChatController::cancelLoad() {
  if (model_state_ != QLatin1String("loading")) return;
  load_cancel_requested_ = true;
  if (engine_) engine_->cancelLoad();
}

void ChatController::onModelLoaded(const ModelSummary& s) {
  if (s.load_serial != current_load_) return;  // an older load, already replaced on the engine
  if (load_cancel_requested_) {
    // The load finished before it saw the cancel: the user still asked for no model.
    engine_->unloadModel();
    onModelLoadFailed(s.load_serial, tr("Loading %1 was cancelled").arg(s.path));
    return;
  }
  model_state_ = QStringLiteral("ready");
  model_info_ = {
      {"path", s.path},
      {"name", s.name},
      {"architecture", s.architecture},
      {"quantization", s.quantization},
      {"paramsTotal", count_text(s.params_total)},
      {"paramsActive", count_text(s.params_active)},
      {"experts", s.experts > 0 ? tr("%1 experts, %2 active").arg(s.experts).arg(s.experts_used)
                                : tr("dense")},
      {"contextLength", s.context_length},
      {"memory", bytes_text(s.memory_bytes)},
      {"kvMemory", bytes_text(s.kv_bytes)},
      {"weightsMemory", bytes_text(s.memory_bytes - s.kv_bytes)},
      {"templateNote", s.template_note},
      {"seesPictures", s.sees_pictures},
      {"visionNote", s.vision_note},
      {"visionChosen", !settings_.visionFileFor(s.path).isEmpty()},
  };
  settings_.addRecentModel(s.path);
  Q_EMIT modelChanged();
  if (!s.template_note.isEmpty()) Q_EMIT noticeOccurred(s.template_note);
  // A vision model without its vision file: say how to fix it.
  if (!s.sees_pictures && !s.vision_note.isEmpty()) Q_EMIT noticeOccurred(s.vision_note);
}

void ChatController::onModelLoadFailed(quint64 load_serial, const QString& message) {
  if (load_serial != current_load_) return;  // an older load that a newer one stopped
  model_state_ = QStringLiteral("none");
  model_info_.clear();
  Q_EMIT modelChanged();
  if (load_cancel_requested_) {
    load_cancel_requested_ = false;
    Q_EMIT noticeOccurred(message);  // what the user asked for, not an error
  } else {
    Q_EMIT errorOccurred(message);
  }
}

// ---- Conversations ----------------------------------------------------------

void ChatController::refreshConversations() {
  query<QList<ConversationRow>>(conversation_rows, [this](QList<ConversationRow> rows) {
    conversations_.setRows(std::move(rows));
    Q_EMIT currentChanged();  // the title may have been set by the first message
    Q_EMIT conversationsLoaded();
  });
}

void ChatController::setCurrent(qint64 conversation_id) {
  if (current_id_ == conversation_id) return;
  current_id_ = conversation_id;
  settings_.setLastConversationId(conversation_id);
  Q_EMIT currentChanged();
  loadSystemPrompt();
}

void ChatController::loadSystemPrompt() {
  const qint64 id = current_id_;
  if (id == 0) return;  // a new chat keeps the prompt typed for it
  query<QString>(
      [id](store::ConversationStore& s) {
        return to_qstring(s.get_conversation(id).system_prompt);
      },
      [this, id](QString prompt) {
        if (id != current_id_ || prompt == system_prompt_) return;
        system_prompt_ = prompt;
        Q_EMIT systemPromptChanged();
      });
}

void ChatController::setSystemPrompt(const QString& text) {
  if (text == system_prompt_) return;
  system_prompt_ = text;
  Q_EMIT systemPromptChanged();
  const qint64 id = current_id_;
  if (id == 0) return;  // given to the conversation when its first message creates it
  const std::string prompt = text.toStdString();
  write([id, prompt](store::ConversationStore& s) { s.set_system_prompt(id, prompt); });
}

// ---- Presets ----------------------------------------------------------------

void ChatController::refreshPresets() {
  query<QVariantList>(
      [](store::ConversationStore& s) {
        QVariantList list;
        for (const store::Preset& p : s.list_presets()) {
          list.append(QVariantMap{{"id", qint64{p.id}},
                                  {"name", to_qstring(p.name)},
                                  {"systemPrompt", to_qstring(p.system_prompt)},
                                  {"settingsJson", to_qstring(p.settings_json)}});
        }
        return list;
      },
      [this](QVariantList list) {
        presets_ = std::move(list);
        Q_EMIT presetsChanged();
      });
}

void ChatController::savePreset(const QString& name) {
  const QString trimmed = name.trimmed();
  if (trimmed.isEmpty()) {
    Q_EMIT errorOccurred(tr("Give the preset a name"));
    return;
  }
  const std::string preset_name = trimmed.toStdString();
  const std::string prompt = system_prompt_.toStdString();
  const std::string json =
      QJsonDocument(settings_.generationJson()).toJson(QJsonDocument::Compact).toStdString();
  write(
      [preset_name, prompt, json](store::ConversationStore& s) {
        if (std::optional<store::Preset> existing = s.find_preset(preset_name)) {
          existing->system_prompt = prompt;
          existing->settings_json = json;
          s.update_preset(*existing);
        } else {
          s.create_preset(preset_name, prompt, json);
        }
      },
      [this, trimmed] {
        Q_EMIT noticeOccurred(tr("Preset “%1” saved").arg(trimmed));
        refreshPresets();
      });
}

void ChatController::applyPreset(qint64 preset_id) {
  for (const QVariant& entry : presets_) {
    const QVariantMap preset = entry.toMap();
    if (preset.value("id").toLongLong() != preset_id) continue;
    setSystemPrompt(preset.value("systemPrompt").toString());
    const QJsonDocument json =
        QJsonDocument::fromJson(preset.value("settingsJson").toString().toUtf8());
    if (json.isObject()) settings_.applyGenerationJson(json.object());
    Q_EMIT noticeOccurred(tr("Preset “%1” applied").arg(preset.value("name").toString()));
    return;
  }
}

void ChatController::deletePreset(qint64 preset_id) {
  write([preset_id](store::ConversationStore& s) { s.delete_preset(preset_id); },
        [this] { refreshPresets(); });
}

void ChatController::refreshBranch() {
  const qint64 id = current_id_;
  if (id == 0) {
    messages_.clear();
    Q_EMIT branchLoaded();
    return;
  }
  query<QList<MessageRow>>([id](store::ConversationStore& s) { return branch_rows(s, id); },
                           [this, id](QList<MessageRow> rows) {
                             if (id != current_id_) return;  // the user moved on meanwhile
                             messages_.setRows(std::move(rows));
                             if (streaming_reply_id_ != 0) {
                               messages_.setStreamingText(streaming_reply_id_, stream_reasoning_,
                                                          stream_answer_);
                             }
                             Q_EMIT branchLoaded();
                           });
}

void ChatController::newConversation() {
  setCurrent(0);
  messages_.clear();
  if (!system_prompt_.isEmpty()) {  // a new chat starts without the last chat's prompt
    system_prompt_.clear();
    Q_EMIT systemPromptChanged();
  }
}

void ChatController::selectConversation(qint64 conversation_id) {
  setCurrent(conversation_id);
  refreshBranch();
}

void ChatController::rename(qint64 conversation_id, const QString& title) {
  const QString trimmed = title.trimmed();
  if (trimmed.isEmpty()) return;
  conversations_.rename(conversation_id, trimmed);
  Q_EMIT currentChanged();
  const std::string text = trimmed.toStdString();
  write([conversation_id, text](store::ConversationStore& s) {
    s.rename_conversation(conversation_id, text);
  });
}

void ChatController::togglePin(qint64 conversation_id) {
  const int row = conversations_.indexOf(conversation_id);
  if (row < 0) return;
  const bool pinned = !conversations_.rows()[row].pinned;
  conversations_.setPinned(conversation_id, pinned);
  write([conversation_id, pinned](store::ConversationStore& s) {
    s.set_pinned(conversation_id, pinned ? store::Pinned::Yes : store::Pinned::No);
  });
}

void ChatController::deleteConversation(qint64 conversation_id) {
  if (generating_ && conversation_id == current_id_) {
    Q_EMIT errorOccurred(tr("Stop the reply before deleting this conversation"));
    return;
  }
  deleted_id_ = conversation_id;
  deleted_title_ = conversations_.titleOf(conversation_id);
  conversations_.remove(conversation_id);
  if (conversation_id == current_id_) newConversation();
  Q_EMIT undoChanged();
  write([conversation_id](store::ConversationStore& s) { s.trash_conversation(conversation_id); });
}

void ChatController::undoDelete() {
  const qint64 id = deleted_id_;
  if (id == 0) return;
  deleted_id_ = 0;
  deleted_title_.clear();
  Q_EMIT undoChanged();
  write([id](store::ConversationStore& s) { s.restore_conversation(id); },
        [this] { refreshConversations(); });
}

// ---- Turns ------------------------------------------------------------------

void ChatController::setGenerating(bool generating) {
  if (generating_ == generating) return;
  generating_ = generating;
  if (generating) {
    stream_timer_.start();
  } else {
    stream_timer_.stop();
  }
  Q_EMIT generatingChanged();
}

void ChatController::startTurn(TurnRequest request) {
  if (model_state_ != QLatin1String("ready")) {
    Q_EMIT errorOccurred(tr("Load a model first: open a GGUF file from the welcome page"));
    return;
  }
  if (generating_) return;
  request.settings = settings_.generationSettings();
  stream_buffer_.take();  // nothing left over from an earlier reply
  stream_reasoning_.clear();
  stream_answer_.clear();
  streaming_reply_id_ = 0;
  setGenerating(true);
  engine_->startTurn(request);
}

void ChatController::send(const QString& text) {
  const QString trimmed = text.trimmed();
  if (trimmed.isEmpty() && attachments_.validPaths().isEmpty()) return;
  if (attachments_.checking()) {
    Q_EMIT errorOccurred(tr("Still checking the attached files; send again in a moment"));
    return;
  }
  if (model_state_ != QLatin1String("ready")) {
    Q_EMIT errorOccurred(tr("Load a model first: open a GGUF file from the welcome page"));
    return;
  }
  if (generating_) return;
  TurnRequest request;
  request.kind = TurnKind::Send;
  request.conversation_id = current_id_;
  request.text = trimmed;
  request.attachment_paths = attachments_.validPaths();
  request.system_prompt = system_prompt_;
  attachments_.clear();
  showPendingTurn(trimmed, {});
  startTurn(request);
}

void ChatController::showPendingTurn(const QString& text, const QStringList& attachment_names) {
  // Shown at once; the stored rows replace these when the turn starts.
  QList<MessageRow> rows = messages_.rows();
  MessageRow user;
  user.role = QStringLiteral("user");
  user.content = text;
  user.status = QStringLiteral("complete");
  user.attachment_names = attachment_names;
  MessageRow reply;
  reply.id = -1;
  reply.role = QStringLiteral("assistant");
  reply.status = QStringLiteral("streaming");
  rows << user << reply;
  messages_.setRows(rows);
}

void ChatController::sendPictures(const QString& text, const QList<QByteArray>& pngs) {
  if (model_state_ != QLatin1String("ready")) {
    Q_EMIT errorOccurred(tr("Load a model first: open a GGUF file from the welcome page"));
    return;
  }
  if (generating_) {
    Q_EMIT errorOccurred(tr("Wait for the reply being written, or stop it, then ask again"));
    return;
  }
  TurnRequest request;
  request.kind = TurnKind::Send;
  request.conversation_id = current_id_;
  request.text = text;
  request.picture_pngs = pngs;
  request.system_prompt = system_prompt_;
  QStringList names;
  for (int i = 0; i < pngs.size(); ++i) names << tr("camera frame %1").arg(i + 1);
  showPendingTurn(text, names);
  startTurn(request);
}

void ChatController::createWatchConversation(const QString& instruction,
                                             std::function<void(qint64)> done) {
  const std::string title = tr("Watch: %1").arg(instruction).toStdString();
  const std::string model = model_info_.value(QStringLiteral("path")).toString().toStdString();
  const std::string first =
      tr("Watch the camera and tell me when something happens: %1").arg(instruction).toStdString();
  query<qint64>(
      [title, model, first](store::ConversationStore& s) {
        store::NewConversation fields;
        fields.title = title;
        fields.model = model;
        const int64_t id = s.create_conversation(fields).id;
        s.append_message(id, std::nullopt, store::Role::User, first);
        return static_cast<qint64>(id);
      },
      [this, done](qint64 id) {
        done(id);
        refreshConversations();
        selectConversation(id);
      });
}

void ChatController::addWatchAlert(qint64 conversation_id, const QString& text,
                                   const QByteArray& png) {
  const std::string content = text.toStdString();
  const std::string model = model_info_.value(QStringLiteral("path")).toString().toStdString();
  const std::string bytes(png.constData(), static_cast<size_t>(png.size()));
  const std::string name =
      QStringLiteral("watch-%1.png")
          .arg(QDateTime::currentDateTime().toString(QStringLiteral("yyyyMMdd-HHmmss")))
          .toStdString();
  write(
      [conversation_id, content, model, bytes, name](store::ConversationStore& s) {
        const store::Conversation c = s.get_conversation(conversation_id);
        store::NewMessage entry;
        entry.role = store::Role::Assistant;
        entry.content = content;
        entry.model = model;
        const int64_t id = s.append_message(conversation_id, c.active_leaf_message_id, entry);
        if (!bytes.empty()) {
          store::AttachmentInfo info;
          info.mime_type = "image/png";
          info.original_name = name;
          s.link_attachment(id, s.add_attachment(bytes, info).id);
        }
      },
      [this, conversation_id] {
        if (current_id_ == conversation_id) refreshBranch();
        refreshConversations();
      });
}

void ChatController::stop() {
  if (!generating_ || !engine_) return;
  engine_->stopTurn();
  Q_EMIT stopRequested();
}

void ChatController::regenerate(qint64 message_id) {
  TurnRequest request;
  request.kind = TurnKind::Regenerate;
  request.conversation_id = current_id_;
  request.message_id = message_id;
  startTurn(request);
}

void ChatController::edit(qint64 message_id, const QString& text) {
  if (text.trimmed().isEmpty()) return;
  TurnRequest request;
  request.kind = TurnKind::Edit;
  request.conversation_id = current_id_;
  request.message_id = message_id;
  request.text = text.trimmed();
  startTurn(request);
}

void ChatController::continueReply(qint64 message_id) {
  TurnRequest request;
  request.kind = TurnKind::Continue;
  request.conversation_id = current_id_;
  request.message_id = message_id;
  startTurn(request);
}

void ChatController::switchSibling(qint64 message_id, int delta) {
  if (generating_) {
    Q_EMIT errorOccurred(tr("Wait for the reply to finish before switching versions"));
    return;
  }
  query<qint64>([message_id, delta](
                    store::ConversationStore& s) { return switch_sibling(s, message_id, delta); },
                [this](qint64 conversation_id) {
                  if (conversation_id == current_id_) refreshBranch();
                });
}

void ChatController::onTurnStarted(const TurnStart& start) {
  streaming_reply_id_ = start.reply_message_id;
  stream_reasoning_ = start.base_reasoning;
  stream_answer_ = start.base_answer;
  Q_EMIT generatingChanged();  // streamingMessageId
  const bool new_conversation = current_id_ == 0;
  if (new_conversation || start.conversation_id == current_id_) {
    setCurrent(start.conversation_id);
    refreshBranch();
  }
  if (new_conversation) refreshConversations();
}

void ChatController::drainStream() {
  if (streaming_reply_id_ == 0) return;  // text waits until the reply's row is known
  const turns::SplitText piece = stream_buffer_.take();
  if (piece.reasoning.empty() && piece.answer.empty()) return;
  setTurnActivity({});
  stream_reasoning_ += to_qstring(piece.reasoning);
  stream_answer_ += to_qstring(piece.answer);
  messages_.setStreamingText(streaming_reply_id_, stream_reasoning_, stream_answer_);
}

void ChatController::setTurnActivity(const QString& text) {
  if (turn_activity_ == text) return;
  turn_activity_ = text;
  Q_EMIT turnActivityChanged();
}

void ChatController::onTurnFinished(const TurnEnd& end) {
  drainStream();
  setTurnActivity({});
  streaming_reply_id_ = 0;
  setGenerating(false);
  Q_EMIT generatingChanged();
  if (!end.notice.isEmpty()) Q_EMIT noticeOccurred(end.notice);
  if (!end.error.isEmpty()) Q_EMIT errorOccurred(end.error);
  if (current_id_ == 0 && end.conversation_id != 0) setCurrent(end.conversation_id);
  refreshBranch();
  refreshConversations();
  Q_EMIT turnFinished(end.status);
}

// ---- Search -----------------------------------------------------------------

void ChatController::search(const QString& query_text) {
  query<QList<SearchRow>>(
      [query_text](store::ConversationStore& s) {
        return search_rows(s, query_text, kSearchLimit);
      },
      [this](QList<SearchRow> rows) {
        search_results_.setRows(std::move(rows));
        Q_EMIT searchFinished();
      });
}

void ChatController::openSearchHit(qint64 conversation_id, qint64 message_id) {
  if (generating_ && conversation_id == current_id_) {
    Q_EMIT scrollToMessage(message_id);
    return;
  }
  query<qint64>([message_id](store::ConversationStore& s) { return reveal_message(s, message_id); },
                [this, message_id](qint64 id) {
                  setCurrent(id);
                  const qint64 wanted = message_id;
                  auto connection = std::make_shared<QMetaObject::Connection>();
                  *connection = connect(this, &ChatController::branchLoaded, this,
                                        [this, wanted, connection] {
                                          disconnect(*connection);
                                          Q_EMIT scrollToMessage(wanted);
                                        });
                  refreshBranch();
                });
}

// ---- Attachments and clipboard ------------------------------------------------

void ChatController::addAttachments(const QList<QUrl>& urls) { attachments_.addUrls(urls); }

bool ChatController::addFromMimeData(const QMimeData* mime) {
  if (mime == nullptr || !mime->hasUrls()) return false;
  QList<QUrl> files;
  for (const QUrl& url : mime->urls()) {
    if (url.isLocalFile()) files.append(url);
  }
  if (files.isEmpty()) return false;
  attachments_.addUrls(files);
  return true;
}

bool ChatController::pasteFiles() {
  return addFromMimeData(QGuiApplication::clipboard()->mimeData());
}

void ChatController::copyText(const QString& text) { QGuiApplication::clipboard()->setText(text); }

QString ChatController::highlightCode(const QString& code, const QString& language,
                                      const QString& theme) const {
  return highlighted_code_html(code, language,
                               theme == QLatin1String("dark") ? CodeTheme::Dark : CodeTheme::Light);
}

}  // namespace mosaic::ui
