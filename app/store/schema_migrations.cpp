#include "app/store/schema_migrations.h"

#include <sqlite3.h>

#include <array>
#include <string>

namespace mosaic::store {
namespace {

struct Migration {
  int version;
  const char* description;
  const char* sql;
};

// Version 1: the first schema. FROZEN: do not edit, add a migration instead.
constexpr const char* kSchemaV1 = R"sql(
CREATE TABLE conversations (
  id INTEGER PRIMARY KEY,
  title TEXT NOT NULL DEFAULT '',
  created_ms INTEGER NOT NULL,
  updated_ms INTEGER NOT NULL,
  pinned INTEGER NOT NULL DEFAULT 0 CHECK (pinned IN (0, 1)),
  model TEXT NOT NULL DEFAULT '',
  system_prompt TEXT NOT NULL DEFAULT '',
  settings_json TEXT NOT NULL DEFAULT '{}',
  active_leaf_message_id INTEGER REFERENCES messages(id) ON DELETE SET NULL
);

-- parent_id has no ON DELETE CASCADE on purpose: SQLite runs cascades
-- recursively and gives up at 1000 levels, which a long chat exceeds. The
-- store deletes whole subtrees in one statement instead (checked at its end),
-- and a stray delete of a single parent fails rather than orphaning replies.
CREATE TABLE messages (
  id INTEGER PRIMARY KEY,
  conversation_id INTEGER NOT NULL REFERENCES conversations(id) ON DELETE CASCADE,
  parent_id INTEGER REFERENCES messages(id),
  role TEXT NOT NULL CHECK (role IN ('system', 'user', 'assistant', 'tool')),
  content TEXT NOT NULL DEFAULT '',
  reasoning TEXT NOT NULL DEFAULT '',
  status TEXT NOT NULL DEFAULT 'complete'
    CHECK (status IN ('streaming', 'complete', 'incomplete', 'error')),
  error_text TEXT NOT NULL DEFAULT '',
  prompt_tokens INTEGER NOT NULL DEFAULT 0,
  completion_tokens INTEGER NOT NULL DEFAULT 0,
  time_to_first_token_ms INTEGER NOT NULL DEFAULT 0,
  generation_ms INTEGER NOT NULL DEFAULT 0,
  model TEXT NOT NULL DEFAULT '',
  created_ms INTEGER NOT NULL,
  updated_ms INTEGER NOT NULL
);
CREATE INDEX messages_by_conversation ON messages(conversation_id, created_ms);
CREATE INDEX messages_by_parent ON messages(parent_id, created_ms);
CREATE INDEX messages_streaming ON messages(status) WHERE status = 'streaming';

CREATE TABLE attachments (
  id INTEGER PRIMARY KEY,
  sha256 TEXT NOT NULL UNIQUE,
  mime_type TEXT NOT NULL DEFAULT '',
  original_name TEXT NOT NULL DEFAULT '',
  size_bytes INTEGER NOT NULL,
  extracted_text TEXT NOT NULL DEFAULT '',
  metadata_json TEXT NOT NULL DEFAULT '{}',
  created_ms INTEGER NOT NULL
);

CREATE TABLE message_attachments (
  message_id INTEGER NOT NULL REFERENCES messages(id) ON DELETE CASCADE,
  attachment_id INTEGER NOT NULL REFERENCES attachments(id),
  position INTEGER NOT NULL,
  PRIMARY KEY (message_id, position)
);
CREATE INDEX message_attachments_by_attachment ON message_attachments(attachment_id);
)sql";

// Version 2: the trash (soft delete with undo) and presets. FROZEN.
constexpr const char* kSchemaV2 = R"sql(
ALTER TABLE conversations ADD COLUMN deleted_ms INTEGER;
CREATE INDEX conversations_by_deleted ON conversations(deleted_ms);

CREATE TABLE presets (
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL UNIQUE,
  system_prompt TEXT NOT NULL DEFAULT '',
  settings_json TEXT NOT NULL DEFAULT '{}',
  created_ms INTEGER NOT NULL,
  updated_ms INTEGER NOT NULL
);
)sql";

// Version 3: full-text search. FROZEN.
// An external-content FTS5 index over messages kept in sync by triggers.
// Messages still streaming are left out of the index: the turn layer
// rewrites them many times a second and re-indexing each time would cost far
// more than the write itself; they are indexed once their status changes.
constexpr const char* kSchemaV3 = R"sql(
CREATE VIRTUAL TABLE messages_fts USING fts5(
  content, reasoning,
  content = 'messages', content_rowid = 'id',
  tokenize = 'unicode61 remove_diacritics 2'
);

CREATE TRIGGER messages_fts_insert AFTER INSERT ON messages
WHEN new.status <> 'streaming' BEGIN
  INSERT INTO messages_fts(rowid, content, reasoning)
    VALUES (new.id, new.content, new.reasoning);
END;

CREATE TRIGGER messages_fts_delete AFTER DELETE ON messages
WHEN old.status <> 'streaming' BEGIN
  INSERT INTO messages_fts(messages_fts, rowid, content, reasoning)
    VALUES ('delete', old.id, old.content, old.reasoning);
END;

CREATE TRIGGER messages_fts_update AFTER UPDATE OF content, reasoning, status ON messages BEGIN
  INSERT INTO messages_fts(messages_fts, rowid, content, reasoning)
    SELECT 'delete', old.id, old.content, old.reasoning WHERE old.status <> 'streaming';
  INSERT INTO messages_fts(rowid, content, reasoning)
    SELECT new.id, new.content, new.reasoning WHERE new.status <> 'streaming';
END;

INSERT INTO messages_fts(rowid, content, reasoning)
  SELECT id, content, reasoning FROM messages WHERE status <> 'streaming';
)sql";

constexpr std::array<Migration, 3> kMigrations{{
    {1, "conversations, message tree, attachments", kSchemaV1},
    {2, "trash and presets", kSchemaV2},
    {3, "full-text search", kSchemaV3},
}};

}  // namespace

int latest_schema_version() { return kMigrations.back().version; }

void apply_migrations(Database& db, int target_version) {
  int current = static_cast<int>(db.query_int64("PRAGMA user_version"));
  for (const Migration& migration : kMigrations) {
    if (migration.version <= current || migration.version > target_version) continue;
    with_context("migrating '" + db.path().string() + "' to schema version " +
                     std::to_string(migration.version) + " (" + migration.description + ")",
                 [&] {
                   Transaction transaction(db);
                   db.exec(migration.sql);
                   db.exec("PRAGMA user_version = " + std::to_string(migration.version));
                   transaction.commit();
                 });
  }
}

void backup_database(Database& db, const std::filesystem::path& destination) {
  Database target = Database::open(destination, OpenMode::ReadWriteCreate);
  sqlite3_backup* backup = sqlite3_backup_init(target.handle(), "main", db.handle(), "main");
  if (!backup) {
    throw_sqlite_error(target.handle(), sqlite3_errcode(target.handle()),
                       "starting a backup of '" + db.path().string() + "'");
  }
  int rc = sqlite3_backup_step(backup, -1);  // -1: everything in one step
  sqlite3_backup_finish(backup);
  if (rc != SQLITE_DONE) {
    throw_sqlite_error(target.handle(), rc, "backing up '" + db.path().string() + "'");
  }
}

}  // namespace mosaic::store
