// A damaged file, a full disk and a crash mid-reply: refused or recovered,
// never making things worse.
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <random>

#include "app/store/conversation_store.h"
#include "tests/store/store_test_support.h"

namespace mosaic::store {
namespace {

using testing::StoreTest;

std::string random_bytes(size_t count, uint32_t seed) {
  std::mt19937 generator(seed);
  std::string bytes(count, '\0');
  for (char& c : bytes) c = static_cast<char>(generator() & 0xff);
  return bytes;
}

void expect_refused_as_corrupt(const std::filesystem::path& path) {
  std::string before = testing::file_bytes(path);
  try {
    ConversationStore::open(path);
    FAIL() << "a damaged database was opened";
  } catch (const StoreError& error) {
    EXPECT_EQ(error.kind(), StoreErrorKind::Corrupt) << error.what();
    std::string message = error.what();
    EXPECT_NE(message.find(path.string()), std::string::npos) << message;
    EXPECT_NE(message.find("untouched"), std::string::npos) << message;
  }
  ASSERT_TRUE(std::filesystem::exists(path));
  EXPECT_EQ(testing::file_bytes(path), before) << "the damaged file was modified";
}

class DamagedFileTest : public StoreTest {};

TEST_F(DamagedFileTest, GarbageFileIsRefusedAndKept) {
  std::filesystem::create_directories(db_path().parent_path());
  testing::write_bytes(db_path(), random_bytes(16384, 1));
  expect_refused_as_corrupt(db_path());
}

TEST_F(DamagedFileTest, DamagedPagesInARealDatabaseAreRefusedAndKept) {
  {
    ConversationStore store = open_store();
    int64_t c = store.create_conversation({.title = "precious"}).id;
    std::optional<int64_t> parent;
    for (int i = 0; i < 60; ++i) {
      parent = store.append_message(c, parent, Role::User, std::string(1000, 'a' + i % 26));
    }
  }  // closing the last connection checkpoints the WAL into the main file
  std::filesystem::path copy = dir_.path() / "copy.db";
  std::filesystem::copy_file(db_path(), copy);
  std::string bytes = testing::file_bytes(copy);
  ASSERT_GT(bytes.size(), 16u * 4096u);
  // Keep the 100-byte header (so it still looks like SQLite), wreck the pages.
  std::string garbage = random_bytes(bytes.size() - 4096, 2);
  bytes.replace(4096, garbage.size(), garbage);
  testing::write_bytes(copy, bytes);
  expect_refused_as_corrupt(copy);
  // The original is fine.
  EXPECT_EQ(open_store().list_conversations().size(), 1u);
}

TEST_F(DamagedFileTest, FullDiskFailsCleanlyAndLosesNothing) {
  ConversationStore store = open_store();
  int64_t c = store.create_conversation({.title = "kept"}).id;
  int64_t first =
      store.append_message(c, std::nullopt, Role::User, "stored before the disk filled");
  store.limit_size_bytes(static_cast<int64_t>(std::filesystem::file_size(db_path())) + 8192);
  try {
    store.append_message(c, first, Role::Assistant, std::string(2'000'000, 'z'));
    FAIL() << "a write larger than the space left succeeded";
  } catch (const StoreError& error) {
    EXPECT_EQ(error.kind(), StoreErrorKind::Full) << error.what();
    std::string message = error.what();
    EXPECT_NE(message.find("appending a message"), std::string::npos) << message;
    EXPECT_NE(message.find("full"), std::string::npos) << message;
  }
  // Nothing half-written, nothing lost, the store still works.
  EXPECT_EQ(store.all_messages(c).size(), 1u);
  EXPECT_EQ(store.get_conversation(c).active_leaf_message_id, first);
  store.rename_conversation(c, "still writable");

  ConversationStore reopened = ConversationStore::open(db_path());
  std::vector<Message> messages = reopened.all_messages(c);
  ASSERT_EQ(messages.size(), 1u);
  EXPECT_EQ(messages[0].content, "stored before the disk filled");
  EXPECT_EQ(reopened.get_conversation(c).title, "still writable");
}

TEST_F(DamagedFileTest, ReplyLeftStreamingByACrashBecomesIncomplete) {
  std::filesystem::create_directories(db_path().parent_path());
  pid_t child = fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    // The "app": writes a partial reply and dies without closing anything.
    try {
      ConversationStore store = ConversationStore::open(db_path());
      int64_t c = store.create_conversation({.title = "crash"}).id;
      int64_t u = store.append_message(c, std::nullopt, Role::User, "tell me a story");
      NewMessage reply{.role = Role::Assistant, .status = MessageStatus::Streaming};
      int64_t a = store.append_message(c, u, reply);
      store.update_streaming(a, "Once upon a time", "");
      _exit(0);
    } catch (...) {
      _exit(1);
    }
  }
  int status = 0;
  ASSERT_EQ(waitpid(child, &status, 0), child);
  ASSERT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
  ASSERT_TRUE(std::filesystem::exists(db_path().string() + "-wal")) << "the child closed cleanly";

  ConversationStore store = open_store();
  EXPECT_EQ(store.recovered_message_count(), 1);
  std::vector<ConversationSummary> list = store.list_conversations();
  ASSERT_EQ(list.size(), 1u);
  std::vector<Message> branch = store.active_branch(list[0].conversation.id);
  ASSERT_EQ(branch.size(), 2u);
  EXPECT_EQ(branch[1].status, MessageStatus::Incomplete);
  EXPECT_EQ(branch[1].content, "Once upon a time");
  EXPECT_EQ(store.search("upon").size(), 1u);  // indexed once no longer streaming

  ConversationStore again = ConversationStore::open(dir_.path() / "data" / "mosaic.db");
  EXPECT_EQ(again.recovered_message_count(), 0);
}

}  // namespace
}  // namespace mosaic::store
