// Opening the store (checks, migration, crash recovery), the thread check,
// conversations and presets. Messages, attachments, search and export live
// in their own conversation_store_*.cpp / *_export.cpp files.
#include "app/store/conversation_store.h"

#include <chrono>
#include <sstream>
#include <system_error>

#include "app/store/schema_migrations.h"
#include "app/store/store_rows.h"

namespace mosaic::store {
namespace {

namespace fs = std::filesystem;

constexpr int kBusyTimeoutMs = 5000;
constexpr int kPreviewChars = 120;

[[noreturn]] void refuse(const fs::path& path, StoreErrorKind kind, const std::string& why) {
  throw StoreError(kind, "cannot open conversation database '" + path.string() + "': " + why +
                             ". The file was left untouched.");
}

// Refuses files that are damaged, from a newer Mosaic, or some other
// program's SQLite database, before anything is written to them.
int checked_schema_version(Database& db, const fs::path& path, bool file_has_content) {
  int version = 0;
  int64_t table_count = 0;
  try {
    version = static_cast<int>(db.query_int64("PRAGMA user_version"));
    table_count = db.query_int64("SELECT count(*) FROM sqlite_schema");
  } catch (const StoreError& error) {
    if (error.kind() != StoreErrorKind::Corrupt) throw;
    refuse(path, StoreErrorKind::Corrupt,
           std::string("it is damaged or not a SQLite database (") + error.what() + ")");
  }
  if (version > latest_schema_version()) {
    refuse(path, StoreErrorKind::NewerVersion,
           "it was written by a newer version of Mosaic (schema version " +
               std::to_string(version) + ", this version knows up to " +
               std::to_string(latest_schema_version()) + "); update Mosaic to open it");
  }
  if (version == 0 && table_count > 0) {
    refuse(path, StoreErrorKind::InvalidArgument,
           "it is a SQLite database of some other program, not a Mosaic conversation database");
  }
  if (!file_has_content) return version;
  std::string problems;
  try {
    Statement check = db.prepare("PRAGMA quick_check(5)");
    while (check.step()) {
      std::string line = check.text(0);
      if (line == "ok") continue;
      problems += problems.empty() ? line : "; " + line;
    }
  } catch (const StoreError& error) {
    if (error.kind() != StoreErrorKind::Corrupt) throw;
    problems = error.what();
  }
  if (!problems.empty()) {
    refuse(path, StoreErrorKind::Corrupt,
           "the integrity check found damage (" + problems +
               "); restore a backup (a '.backup-v*' file beside it, or your own)");
  }
  return version;
}

fs::path unused_backup_path(const fs::path& path, int version) {
  fs::path candidate = path.string() + ".backup-v" + std::to_string(version);
  for (int n = 2; fs::exists(candidate); ++n) {
    candidate = path.string() + ".backup-v" + std::to_string(version) + "-" + std::to_string(n);
  }
  return candidate;
}

std::string preview_of(std::string text, int64_t full_length_chars) {
  std::string out;
  bool in_space = false;
  for (char c : text) {
    bool space = c == ' ' || c == '\n' || c == '\t' || c == '\r';
    if (space) {
      in_space = !out.empty();
      continue;
    }
    if (in_space) out += ' ';
    in_space = false;
    out += c;
  }
  if (full_length_chars > kPreviewChars) out += "…";
  return out;
}

}  // namespace

ConversationStore::ConversationStore(Database db, StoreOptions options)
    : db_(std::move(db)), options_(std::move(options)), owner_thread_(std::this_thread::get_id()) {}

ConversationStore ConversationStore::open(const fs::path& path, StoreOptions options) {
  if (path.has_parent_path()) {
    std::error_code error;
    fs::create_directories(path.parent_path(), error);
    if (error) {
      throw StoreError(StoreErrorKind::Io,
                       "cannot create directory '" + path.parent_path().string() +
                           "' for the conversation database: " + error.message());
    }
  }
  std::error_code size_error;
  bool has_content = fs::exists(path) && fs::file_size(path, size_error) > 0;

  Database db = Database::open(path, OpenMode::ReadWriteCreate);
  db.exec("PRAGMA busy_timeout = " + std::to_string(kBusyTimeoutMs));
  int version = checked_schema_version(db, path, has_content);

  std::optional<fs::path> backup;
  with_context("opening conversation database '" + path.string() + "'", [&] {
    {
      Statement journal = db.prepare("PRAGMA journal_mode = WAL");
      if (!journal.step() || journal.text(0) != "wal") {
        throw StoreError(StoreErrorKind::Sqlite, "could not switch to the WAL journal");
      }
    }  // finalized here: an unfinished statement would block the COMMITs below
    // NORMAL is durable in WAL mode except for the last commits before a
    // power cut; the file itself can never be corrupted by it.
    db.exec("PRAGMA synchronous = NORMAL; PRAGMA foreign_keys = ON;");
    if (version < latest_schema_version()) {
      if (version >= 1) {
        backup = unused_backup_path(path, version);
        backup_database(db, *backup);
      }
      apply_migrations(db, latest_schema_version());
    }
  });

  ConversationStore store(std::move(db), std::move(options));
  store.migration_backup_path_ = backup;
  // A reply still `streaming` means the app stopped while writing it: keep
  // what arrived and mark it so the user sees it was cut off.
  with_context("recovering interrupted replies in '" + path.string() + "'", [&] {
    Statement recover = store.db_.prepare(
        "UPDATE messages SET status = 'incomplete', updated_ms = ? WHERE status = 'streaming'");
    recover.bind_all(store.now_ms()).run();
    store.recovered_message_count_ = store.db_.changes();
  });
  return store;
}

void ConversationStore::check_thread() const {
  if (std::this_thread::get_id() == owner_thread_) return;
  std::ostringstream message;
  message << "the conversation store '" << db_.path().string() << "' was opened on thread "
          << owner_thread_ << " and used from thread " << std::this_thread::get_id()
          << "; use it only from the thread that opened it (StoreWorker runs jobs there)";
  throw StoreError(StoreErrorKind::WrongThread, message.str());
}

int64_t ConversationStore::now_ms() const {
  if (options_.now_ms) return options_.now_ms();
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

fs::path ConversationStore::attachments_dir() const {
  return db_.path().parent_path() / "attachments";
}

void ConversationStore::limit_size_bytes(int64_t max_bytes) {
  check_thread();
  int64_t page_size = db_.query_int64("PRAGMA page_size");
  int64_t pages = std::max<int64_t>(1, (max_bytes + page_size - 1) / page_size);
  db_.exec("PRAGMA max_page_count = " + std::to_string(pages));
}

// ---- Conversations ----------------------------------------------------------

void ConversationStore::require_conversation(int64_t conversation_id) {
  Statement& find = db_.cached("SELECT 1 FROM conversations WHERE id = ?");
  if (!find.bind_all(conversation_id).step()) {
    throw StoreError(StoreErrorKind::NotFound,
                     "no conversation with id " + std::to_string(conversation_id));
  }
  find.reset();
}

void ConversationStore::touch_conversation(int64_t conversation_id) {
  db_.cached("UPDATE conversations SET updated_ms = ? WHERE id = ?")
      .bind_all(now_ms(), conversation_id)
      .run();
}

Conversation ConversationStore::create_conversation(const NewConversation& fields) {
  check_thread();
  return with_context("creating a conversation", [&] {
    int64_t now = now_ms();
    db_.cached(
           "INSERT INTO conversations (title, created_ms, updated_ms, model, system_prompt, "
           "settings_json) VALUES (?, ?, ?, ?, ?, ?)")
        .bind_all(fields.title, now, now, fields.model, fields.system_prompt,
                  fields.settings_json.empty() ? std::string("{}") : fields.settings_json)
        .run();
    return get_conversation(db_.last_insert_id());
  });
}

Conversation ConversationStore::get_conversation(int64_t conversation_id) {
  check_thread();
  Statement& get = db_.cached(std::string("SELECT ") + rows::kConversationColumns +
                              " FROM conversations c WHERE c.id = ?");
  if (!get.bind_all(conversation_id).step()) {
    throw StoreError(StoreErrorKind::NotFound,
                     "no conversation with id " + std::to_string(conversation_id));
  }
  Conversation conversation = rows::read_conversation(get);
  get.reset();
  return conversation;
}

std::vector<ConversationSummary> ConversationStore::list_summaries(
    std::string_view where_and_order) {
  // The preview is the active leaf (what the user saw last), else the newest message.
  std::string sql = std::string("SELECT ") + rows::kConversationColumns +
                    ", (SELECT count(*) FROM messages m WHERE m.conversation_id = c.id),"
                    " p.content, p.length"
                    " FROM conversations c LEFT JOIN ("
                    "   SELECT m.conversation_id AS cid, substr(m.content, 1, " +
                    std::to_string(kPreviewChars) +
                    ") AS content, length(m.content) AS length, m.id AS mid FROM messages m"
                    " ) p ON p.mid = coalesce(c.active_leaf_message_id, (SELECT m.id FROM "
                    "   messages m WHERE m.conversation_id = c.id"
                    "   ORDER BY m.created_ms DESC, m.id DESC LIMIT 1)) " +
                    std::string(where_and_order);
  std::vector<ConversationSummary> list;
  Statement& query = db_.cached(sql);
  while (query.step()) {
    ConversationSummary summary;
    summary.conversation = rows::read_conversation(query);
    summary.message_count = query.int64(rows::kConversationColumnCount);
    summary.last_message_preview = preview_of(query.text(rows::kConversationColumnCount + 1),
                                              query.int64(rows::kConversationColumnCount + 2));
    list.push_back(std::move(summary));
  }
  query.reset();
  return list;
}

std::vector<ConversationSummary> ConversationStore::list_conversations() {
  check_thread();
  return with_context("listing conversations", [&] {
    return list_summaries(
        "WHERE c.deleted_ms IS NULL ORDER BY c.pinned DESC, c.updated_ms DESC, c.id DESC");
  });
}

std::vector<ConversationSummary> ConversationStore::list_trash() {
  check_thread();
  return with_context("listing the trash", [&] {
    return list_summaries("WHERE c.deleted_ms IS NOT NULL ORDER BY c.deleted_ms DESC, c.id DESC");
  });
}

namespace {

// Runs an UPDATE of one conversation and reports a missing id.
void update_one(Database& db, const std::string& sql, int64_t conversation_id,
                const std::function<void(Statement&)>& bind_values) {
  Statement& update = db.cached(sql);
  bind_values(update);
  update.run();
  if (db.changes() == 0) {
    throw StoreError(StoreErrorKind::NotFound,
                     "no conversation with id " + std::to_string(conversation_id));
  }
}

}  // namespace

void ConversationStore::rename_conversation(int64_t conversation_id, std::string_view title) {
  check_thread();
  with_context("renaming conversation " + std::to_string(conversation_id), [&] {
    update_one(db_, "UPDATE conversations SET title = ?, updated_ms = ? WHERE id = ?",
               conversation_id,
               [&](Statement& s) { s.bind_all(title, now_ms(), conversation_id); });
  });
}

void ConversationStore::set_pinned(int64_t conversation_id, Pinned pinned) {
  check_thread();
  // Pinning does not count as an update: it must not reorder the list by itself.
  with_context("pinning conversation " + std::to_string(conversation_id), [&] {
    update_one(db_, "UPDATE conversations SET pinned = ? WHERE id = ?", conversation_id,
               [&](Statement& s) { s.bind_all(pinned == Pinned::Yes ? 1 : 0, conversation_id); });
  });
}

void ConversationStore::set_system_prompt(int64_t conversation_id, std::string_view system_prompt) {
  check_thread();
  with_context("setting the system prompt of conversation " + std::to_string(conversation_id), [&] {
    update_one(db_, "UPDATE conversations SET system_prompt = ?, updated_ms = ? WHERE id = ?",
               conversation_id,
               [&](Statement& s) { s.bind_all(system_prompt, now_ms(), conversation_id); });
  });
}

void ConversationStore::set_settings_json(int64_t conversation_id, std::string_view settings_json) {
  check_thread();
  with_context("saving settings of conversation " + std::to_string(conversation_id), [&] {
    update_one(db_, "UPDATE conversations SET settings_json = ?, updated_ms = ? WHERE id = ?",
               conversation_id,
               [&](Statement& s) { s.bind_all(settings_json, now_ms(), conversation_id); });
  });
}

void ConversationStore::set_model(int64_t conversation_id, std::string_view model) {
  check_thread();
  with_context("setting the model of conversation " + std::to_string(conversation_id), [&] {
    update_one(db_, "UPDATE conversations SET model = ?, updated_ms = ? WHERE id = ?",
               conversation_id,
               [&](Statement& s) { s.bind_all(model, now_ms(), conversation_id); });
  });
}

void ConversationStore::trash_conversation(int64_t conversation_id) {
  check_thread();
  with_context("moving conversation " + std::to_string(conversation_id) + " to the trash", [&] {
    update_one(db_, "UPDATE conversations SET deleted_ms = coalesce(deleted_ms, ?) WHERE id = ?",
               conversation_id, [&](Statement& s) { s.bind_all(now_ms(), conversation_id); });
  });
}

void ConversationStore::restore_conversation(int64_t conversation_id) {
  check_thread();
  with_context("restoring conversation " + std::to_string(conversation_id), [&] {
    update_one(db_, "UPDATE conversations SET deleted_ms = NULL WHERE id = ?", conversation_id,
               [&](Statement& s) { s.bind_all(conversation_id); });
  });
}

int64_t ConversationStore::purge_trash(int64_t older_than_ms) {
  check_thread();
  int64_t purged = with_context("emptying the trash", [&] {
    Transaction transaction(db_);
    db_.cached("DELETE FROM conversations WHERE deleted_ms IS NOT NULL AND deleted_ms <= ?")
        .bind_all(now_ms() - older_than_ms)
        .run();
    int64_t count = db_.changes();
    transaction.commit();
    return count;
  });
  if (purged > 0) purge_unused_attachments();
  return purged;
}

// ---- Presets ----------------------------------------------------------------

Preset ConversationStore::create_preset(std::string_view name, std::string_view system_prompt,
                                        std::string_view settings_json) {
  check_thread();
  return with_context("creating preset '" + std::string(name) + "'", [&] {
    if (name.empty()) {
      throw StoreError(StoreErrorKind::InvalidArgument, "a preset needs a name");
    }
    if (find_preset(name)) {
      throw StoreError(StoreErrorKind::InvalidArgument,
                       "a preset named '" + std::string(name) + "' already exists");
    }
    int64_t now = now_ms();
    db_.cached(
           "INSERT INTO presets (name, system_prompt, settings_json, created_ms, updated_ms) "
           "VALUES (?, ?, ?, ?, ?)")
        .bind_all(name, system_prompt, settings_json, now, now)
        .run();
    return get_preset(db_.last_insert_id());
  });
}

Preset ConversationStore::get_preset(int64_t preset_id) {
  check_thread();
  Statement& get =
      db_.cached(std::string("SELECT ") + rows::kPresetColumns + " FROM presets WHERE id = ?");
  if (!get.bind_all(preset_id).step()) {
    throw StoreError(StoreErrorKind::NotFound, "no preset with id " + std::to_string(preset_id));
  }
  Preset preset = rows::read_preset(get);
  get.reset();
  return preset;
}

std::optional<Preset> ConversationStore::find_preset(std::string_view name) {
  check_thread();
  Statement& find =
      db_.cached(std::string("SELECT ") + rows::kPresetColumns + " FROM presets WHERE name = ?");
  if (!find.bind_all(name).step()) return std::nullopt;
  Preset preset = rows::read_preset(find);
  find.reset();
  return preset;
}

std::vector<Preset> ConversationStore::list_presets() {
  check_thread();
  std::vector<Preset> presets;
  Statement& list = db_.cached(std::string("SELECT ") + rows::kPresetColumns +
                               " FROM presets ORDER BY name COLLATE NOCASE, id");
  while (list.step()) presets.push_back(rows::read_preset(list));
  list.reset();
  return presets;
}

void ConversationStore::update_preset(const Preset& preset) {
  check_thread();
  with_context("saving preset '" + preset.name + "'", [&] {
    std::optional<Preset> same_name = find_preset(preset.name);
    if (same_name && same_name->id != preset.id) {
      throw StoreError(StoreErrorKind::InvalidArgument,
                       "a preset named '" + preset.name + "' already exists");
    }
    db_.cached(
           "UPDATE presets SET name = ?, system_prompt = ?, settings_json = ?, updated_ms = ? "
           "WHERE id = ?")
        .bind_all(preset.name, preset.system_prompt, preset.settings_json, now_ms(), preset.id)
        .run();
    if (db_.changes() == 0) {
      throw StoreError(StoreErrorKind::NotFound, "no preset with id " + std::to_string(preset.id));
    }
  });
}

void ConversationStore::delete_preset(int64_t preset_id) {
  check_thread();
  with_context("deleting preset " + std::to_string(preset_id), [&] {
    db_.cached("DELETE FROM presets WHERE id = ?").bind_all(preset_id).run();
    if (db_.changes() == 0) {
      throw StoreError(StoreErrorKind::NotFound, "no preset with id " + std::to_string(preset_id));
    }
  });
}

}  // namespace mosaic::store
