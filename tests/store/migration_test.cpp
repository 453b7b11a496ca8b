// Schema versions: upgrading a version-1 database with data in it, the
// backup made first, and refusal of databases this build must not touch.
#include <gtest/gtest.h>
#include <sqlite3.h>

#include "app/store/conversation_store.h"
#include "app/store/schema_migrations.h"
#include "app/store/sqlite_wrapper.h"
#include "tests/store/store_test_support.h"

namespace mosaic::store {
namespace {

using testing::StoreTest;

int64_t user_version_of(const std::filesystem::path& path) {
  Database db = Database::open(path, OpenMode::ReadOnly);
  return db.query_int64("PRAGMA user_version");
}

class MigrationTest : public StoreTest {};

TEST_F(MigrationTest, Version1DatabaseWithDataIsUpgraded) {
  ASSERT_GE(latest_schema_version(), 2);
  std::filesystem::create_directories(db_path().parent_path());
  {
    // A database as the first release wrote it: only migration 1, plain SQL.
    Database db = Database::open(db_path(), OpenMode::ReadWriteCreate);
    db.exec("PRAGMA foreign_keys = ON");
    apply_migrations(db, 1);
    db.exec(R"sql(
      INSERT INTO conversations (id, title, created_ms, updated_ms, pinned, model, system_prompt,
                                 settings_json)
        VALUES (7, 'from v1', 1000, 2000, 1, 'old.gguf', 'be kind', '{"top_k":40}');
      INSERT INTO messages (id, conversation_id, parent_id, role, content, reasoning, status,
                            created_ms, updated_ms)
        VALUES (1, 7, NULL, 'user', 'hello ocelot', '', 'complete', 1000, 1000),
               (2, 7, 1, 'assistant', 'hi there', 'greeting', 'complete', 1500, 1500),
               (3, 7, 1, 'assistant', 'cut off', '', 'streaming', 1600, 1600);
      UPDATE conversations SET active_leaf_message_id = 2 WHERE id = 7;
    )sql");
  }
  ASSERT_EQ(user_version_of(db_path()), 1);

  ConversationStore store = open_store();
  EXPECT_EQ(user_version_of(db_path()), latest_schema_version());

  Conversation c = store.get_conversation(7);
  EXPECT_EQ(c.title, "from v1");
  EXPECT_EQ(c.pinned, Pinned::Yes);
  EXPECT_EQ(c.model, "old.gguf");
  EXPECT_EQ(c.system_prompt, "be kind");
  EXPECT_EQ(c.settings_json, R"({"top_k":40})");
  EXPECT_EQ(c.deleted_ms, std::nullopt);  // column added by a later migration
  std::vector<Message> branch = store.active_branch(7);
  ASSERT_EQ(branch.size(), 2u);
  EXPECT_EQ(branch[1].content, "hi there");
  EXPECT_EQ(branch[1].reasoning, "greeting");
  EXPECT_EQ(store.get_message(3).status, MessageStatus::Incomplete);  // crash recovery ran too

  // Features of later versions work on the old data.
  ASSERT_EQ(store.search("ocelot").size(), 1u);
  EXPECT_EQ(store.search("ocelot")[0].message_id, 1);
  store.trash_conversation(7);
  EXPECT_EQ(store.list_trash().size(), 1u);
  store.create_preset("p", "s");

  // The untouched version-1 copy was kept beside the database.
  ASSERT_TRUE(store.migration_backup_path().has_value());
  EXPECT_EQ(*store.migration_backup_path(), db_path().string() + ".backup-v1");
  EXPECT_EQ(user_version_of(*store.migration_backup_path()), 1);
  Database backup = Database::open(*store.migration_backup_path(), OpenMode::ReadOnly);
  EXPECT_EQ(backup.query_int64("SELECT count(*) FROM messages"), 3);
}

TEST_F(MigrationTest, FreshDatabaseNeedsNoBackupAndReopensWithout) {
  { ConversationStore store = open_store(); }
  ConversationStore store = open_store();
  EXPECT_FALSE(store.migration_backup_path().has_value());
  EXPECT_FALSE(std::filesystem::exists(db_path().string() + ".backup-v0"));
  EXPECT_EQ(user_version_of(db_path()), latest_schema_version());
}

TEST_F(MigrationTest, NewerDatabaseIsRefusedAndLeftUntouched) {
  {
    ConversationStore store = open_store();
    store.create_conversation({.title = "future"});
  }
  {
    Database db = Database::open(db_path(), OpenMode::ReadWrite);
    db.exec("PRAGMA user_version = " + std::to_string(latest_schema_version() + 1));
  }
  std::string before = testing::file_bytes(db_path());
  try {
    ConversationStore::open(db_path());
    FAIL() << "a database from a newer version was opened";
  } catch (const StoreError& error) {
    EXPECT_EQ(error.kind(), StoreErrorKind::NewerVersion);
    std::string message = error.what();
    EXPECT_NE(message.find(db_path().string()), std::string::npos) << message;
    EXPECT_NE(message.find("newer version"), std::string::npos) << message;
  }
  EXPECT_EQ(testing::file_bytes(db_path()), before);
  EXPECT_FALSE(std::filesystem::exists(db_path().string() + ".backup-v" +
                                       std::to_string(latest_schema_version() + 1)));
}

TEST_F(MigrationTest, OtherProgramsDatabaseIsRefused) {
  std::filesystem::create_directories(db_path().parent_path());
  {
    Database db = Database::open(db_path(), OpenMode::ReadWriteCreate);
    db.exec("CREATE TABLE notes (body TEXT); INSERT INTO notes VALUES ('mine');");
  }
  std::string before = testing::file_bytes(db_path());
  try {
    ConversationStore::open(db_path());
    FAIL() << "some other program's database was taken over";
  } catch (const StoreError& error) {
    EXPECT_NE(std::string(error.what()).find("some other program"), std::string::npos);
  }
  EXPECT_EQ(testing::file_bytes(db_path()), before);
}

}  // namespace
}  // namespace mosaic::store
