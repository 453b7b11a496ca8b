// Conversation list order and summaries, the trash (undo, purge), presets,
// setters and the default database location.
#include <gtest/gtest.h>
#include <stdlib.h>

#include "app/store/conversation_store.h"
#include "app/store/data_paths.h"
#include "tests/store/store_test_support.h"

namespace mosaic::store {
namespace {

using testing::StoreTest;

std::vector<std::string> titles(const std::vector<ConversationSummary>& list) {
  std::vector<std::string> out;
  for (const ConversationSummary& s : list) out.push_back(s.conversation.title);
  return out;
}

class ConversationListTest : public StoreTest {};

TEST_F(ConversationListTest, PinnedFirstThenMostRecentlyUpdated) {
  ConversationStore store = open_store();
  int64_t a = store.create_conversation({.title = "a"}).id;
  clock_.advance_ms(1000);
  int64_t b = store.create_conversation({.title = "b"}).id;
  clock_.advance_ms(1000);
  int64_t c = store.create_conversation({.title = "c"}).id;
  EXPECT_EQ(titles(store.list_conversations()), (std::vector<std::string>{"c", "b", "a"}));

  clock_.advance_ms(1000);
  store.append_message(a, std::nullopt, Role::User, "new activity in a");
  EXPECT_EQ(titles(store.list_conversations()), (std::vector<std::string>{"a", "c", "b"}));

  clock_.advance_ms(1000);
  store.set_pinned(b, Pinned::Yes);
  EXPECT_EQ(titles(store.list_conversations()), (std::vector<std::string>{"b", "a", "c"}));
  // Pinning alone is not an update.
  EXPECT_LT(store.get_conversation(b).updated_ms, clock_.now_ms());

  store.set_pinned(b, Pinned::No);
  clock_.advance_ms(1000);
  store.rename_conversation(c, "c renamed");
  EXPECT_EQ(titles(store.list_conversations()), (std::vector<std::string>{"c renamed", "a", "b"}));
}

TEST_F(ConversationListTest, SummaryCountsMessagesAndPreviewsActiveLeaf) {
  ConversationStore store = open_store();
  int64_t c = store.create_conversation({.title = "summary"}).id;
  int64_t u = store.append_message(c, std::nullopt, Role::User, "question");
  int64_t a1 = store.append_message(c, u, Role::Assistant, "first\n\n  answer");
  clock_.advance_ms(5);
  store.append_message(c, u, Role::Assistant, std::string(300, 'x'));
  store.set_active_leaf(a1);

  std::vector<ConversationSummary> list = store.list_conversations();
  ASSERT_EQ(list.size(), 1u);
  EXPECT_EQ(list[0].message_count, 3);
  EXPECT_EQ(list[0].last_message_preview, "first answer");  // whitespace collapsed

  store.set_active_leaf(store.children(u).back().id);
  EXPECT_EQ(store.list_conversations()[0].last_message_preview, std::string(120, 'x') + "…");

  store.create_conversation({.title = "empty"});
  list = store.list_conversations();
  ASSERT_EQ(list.size(), 2u);
  EXPECT_EQ(list[0].message_count, 0);
  EXPECT_EQ(list[0].last_message_preview, "");
}

TEST_F(ConversationListTest, TrashRestoreAndPurge) {
  ConversationStore store = open_store();
  int64_t keep = store.create_conversation({.title = "keep"}).id;
  int64_t old_one = store.create_conversation({.title = "old"}).id;
  int64_t recent = store.create_conversation({.title = "recent"}).id;
  int64_t old_message = store.append_message(old_one, std::nullopt, Role::User, "bye");

  store.trash_conversation(old_one);
  EXPECT_EQ(titles(store.list_conversations()), (std::vector<std::string>{"recent", "keep"}));
  EXPECT_EQ(titles(store.list_trash()), (std::vector<std::string>{"old"}));
  EXPECT_EQ(store.get_conversation(old_one).deleted_ms, clock_.now_ms());

  store.restore_conversation(old_one);  // undo
  EXPECT_EQ(store.list_conversations().size(), 3u);
  EXPECT_TRUE(store.list_trash().empty());
  EXPECT_EQ(store.get_conversation(old_one).deleted_ms, std::nullopt);

  constexpr int64_t kDayMs = 24 * 3600 * 1000;
  store.trash_conversation(old_one);
  clock_.advance_ms(10 * kDayMs);
  store.trash_conversation(recent);
  clock_.advance_ms(1 * kDayMs);

  EXPECT_EQ(store.purge_trash(7 * kDayMs), 1);  // only the one trashed 11 days ago
  EXPECT_THROW(store.get_conversation(old_one), StoreError);
  EXPECT_THROW(store.get_message(old_message), StoreError);
  EXPECT_EQ(titles(store.list_trash()), (std::vector<std::string>{"recent"}));
  EXPECT_EQ(titles(store.list_conversations()), (std::vector<std::string>{"keep"}));

  EXPECT_EQ(store.purge_trash(0), 1);  // 0: everything in the trash
  EXPECT_TRUE(store.list_trash().empty());
  EXPECT_EQ(store.get_conversation(keep).title, "keep");
}

TEST_F(ConversationListTest, SettersSaveFieldsAndReportMissingIds) {
  ConversationStore store = open_store();
  int64_t c = store.create_conversation({.title = "s"}).id;
  store.set_system_prompt(c, "be brief");
  store.set_settings_json(c, R"({"temperature":0.2})");
  store.set_model(c, "/models/qwen.gguf");
  Conversation got = store.get_conversation(c);
  EXPECT_EQ(got.system_prompt, "be brief");
  EXPECT_EQ(got.settings_json, R"({"temperature":0.2})");
  EXPECT_EQ(got.model, "/models/qwen.gguf");
  try {
    store.rename_conversation(777, "x");
    FAIL() << "renaming a missing conversation succeeded";
  } catch (const StoreError& error) {
    EXPECT_EQ(error.kind(), StoreErrorKind::NotFound);
    EXPECT_NE(std::string(error.what()).find("777"), std::string::npos);
  }
  EXPECT_THROW(store.trash_conversation(777), StoreError);
  EXPECT_THROW(store.set_pinned(777, Pinned::Yes), StoreError);
}

TEST_F(ConversationListTest, PresetsCrud) {
  ConversationStore store = open_store();
  Preset coder = store.create_preset("Coder", "You write C++.", R"({"temperature":0.1})");
  clock_.advance_ms(3);
  Preset poet = store.create_preset("poet", "Rhyme.");
  EXPECT_THROW(store.create_preset("Coder", "again"), StoreError);
  EXPECT_THROW(store.create_preset("", "nameless"), StoreError);

  std::vector<Preset> list = store.list_presets();
  ASSERT_EQ(list.size(), 2u);
  EXPECT_EQ(list[0].name, "Coder");
  EXPECT_EQ(list[1].name, "poet");
  EXPECT_EQ(list[0].settings_json, R"({"temperature":0.1})");

  poet.name = "Poet";
  poet.system_prompt = "Rhyme, always.";
  clock_.advance_ms(3);
  store.update_preset(poet);
  Preset saved = store.get_preset(poet.id);
  EXPECT_EQ(saved.system_prompt, "Rhyme, always.");
  EXPECT_EQ(saved.updated_ms, clock_.now_ms());
  EXPECT_EQ(store.find_preset("Poet")->id, poet.id);
  EXPECT_FALSE(store.find_preset("poet"));

  poet.name = "Coder";  // would collide
  EXPECT_THROW(store.update_preset(poet), StoreError);

  store.delete_preset(coder.id);
  EXPECT_THROW(store.get_preset(coder.id), StoreError);
  EXPECT_THROW(store.delete_preset(coder.id), StoreError);
  EXPECT_EQ(store.list_presets().size(), 1u);
}

TEST(DefaultDatabasePath, FollowsXdgDataHomeThenHome) {
  testing::TempDir dir;
  std::string saved_xdg = getenv("XDG_DATA_HOME") ? getenv("XDG_DATA_HOME") : "";
  std::string saved_home = getenv("HOME") ? getenv("HOME") : "";

  setenv("XDG_DATA_HOME", (dir.path() / "xdg").c_str(), 1);
  EXPECT_EQ(default_database_path(), dir.path() / "xdg" / "mosaic" / "mosaic.db");
  EXPECT_TRUE(std::filesystem::is_directory(dir.path() / "xdg" / "mosaic"));

  setenv("XDG_DATA_HOME", "relative/not/allowed", 1);
  setenv("HOME", (dir.path() / "home").c_str(), 1);
  EXPECT_EQ(default_database_path(),
            dir.path() / "home" / ".local" / "share" / "mosaic" / "mosaic.db");

  if (saved_xdg.empty()) {
    unsetenv("XDG_DATA_HOME");
  } else {
    setenv("XDG_DATA_HOME", saved_xdg.c_str(), 1);
  }
  setenv("HOME", saved_home.c_str(), 1);
}

}  // namespace
}  // namespace mosaic::store
