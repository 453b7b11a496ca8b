// Full-text search: ranking, snippets, trash exclusion, index kept in sync,
// and user text that would be FTS5 syntax.
#include <gtest/gtest.h>
#include <sqlite3.h>

#include "app/store/conversation_store.h"
#include "tests/store/store_test_support.h"

namespace mosaic::store {
namespace {

using testing::StoreTest;

std::vector<int64_t> hit_ids(const std::vector<SearchHit>& hits) {
  std::vector<int64_t> ids;
  for (const SearchHit& h : hits) ids.push_back(h.message_id);
  return ids;
}

class SearchTest : public StoreTest {};

TEST_F(SearchTest, RanksDenserMatchesFirstWithSnippetsAndTitles) {
  ConversationStore store = open_store();
  int64_t physics = store.create_conversation({.title = "Physics"}).id;
  int64_t other = store.create_conversation({.title = "Other"}).id;
  // bm25: the same term, more often, in a shorter text scores better.
  int64_t sparse = store.append_message(
      other, std::nullopt, Role::User,
      "a long message about gardens, cooking, travel, music and once quantum things, "
      "then more words about weather, trains, books and films to make it long");
  int64_t dense = store.append_message(physics, std::nullopt, Role::Assistant,
                                       "quantum fields and quantum states: quantum");
  store.append_message(other, sparse, Role::Assistant, "nothing relevant here");

  std::vector<SearchHit> hits = store.search("quantum");
  EXPECT_EQ(hit_ids(hits), (std::vector<int64_t>{dense, sparse}));
  ASSERT_EQ(hits.size(), 2u);
  EXPECT_EQ(hits[0].conversation_id, physics);
  EXPECT_EQ(hits[0].conversation_title, "Physics");
  EXPECT_EQ(hits[0].role, Role::Assistant);
  EXPECT_LT(hits[0].score, hits[1].score);
  EXPECT_NE(hits[0].snippet.find("<b>quantum</b>"), std::string::npos) << hits[0].snippet;

  SearchOptions control_markers;
  control_markers.match_open = "\x02";
  control_markers.match_close = "\x03";
  control_markers.snippet_tokens = 4;
  std::vector<SearchHit> marked = store.search("quantum", control_markers);
  ASSERT_EQ(marked.size(), 2u);
  EXPECT_NE(marked[1].snippet.find("\x02quantum\x03"), std::string::npos) << marked[1].snippet;
  EXPECT_NE(marked[1].snippet.find("…"), std::string::npos) << "a cut snippet is marked";

  EXPECT_EQ(hit_ids(store.search("quantum", 1)), (std::vector<int64_t>{dense}));
}

TEST_F(SearchTest, AllWordsMustMatchAndContentOutranksReasoning) {
  ConversationStore store = open_store();
  int64_t c = store.create_conversation({.title = "t"}).id;
  NewMessage in_reasoning{
      .role = Role::Assistant, .content = "final text", .reasoning = "zebra crossing"};
  int64_t r = store.append_message(c, std::nullopt, in_reasoning);
  int64_t t = store.append_message(c, std::nullopt, Role::User, "zebra crossing");
  store.append_message(c, std::nullopt, Role::User, "zebra alone");
  EXPECT_EQ(hit_ids(store.search("zebra crossing")), (std::vector<int64_t>{t, r}));
  EXPECT_EQ(hit_ids(store.search("CROSSING")), (std::vector<int64_t>{t, r}));  // case-folded
}

TEST_F(SearchTest, TrashedConversationsAreExcludedUntilRestored) {
  ConversationStore store = open_store();
  int64_t c = store.create_conversation({.title = "t"}).id;
  int64_t m = store.append_message(c, std::nullopt, Role::User, "platypus");
  store.trash_conversation(c);
  EXPECT_TRUE(store.search("platypus").empty());
  store.restore_conversation(c);
  EXPECT_EQ(hit_ids(store.search("platypus")), (std::vector<int64_t>{m}));
}

TEST_F(SearchTest, IndexFollowsStreamingEditsAndDeletes) {
  ConversationStore store = open_store();
  int64_t c = store.create_conversation({.title = "t"}).id;
  int64_t u = store.append_message(c, std::nullopt, Role::User, "q");
  NewMessage streaming{.role = Role::Assistant, .status = MessageStatus::Streaming};
  int64_t a = store.append_message(c, u, streaming);
  store.update_streaming(a, "draft aardvark", "");
  EXPECT_TRUE(store.search("aardvark").empty()) << "not indexed while streaming";
  store.update_streaming(a, "final wombat", "pondering");
  store.finish_message(a, MessageStatus::Complete, {});
  EXPECT_TRUE(store.search("aardvark").empty());
  EXPECT_EQ(hit_ids(store.search("wombat")), (std::vector<int64_t>{a}));
  EXPECT_EQ(hit_ids(store.search("pondering")), (std::vector<int64_t>{a}));
  store.delete_subtree(u);
  EXPECT_TRUE(store.search("wombat").empty());
}

TEST_F(SearchTest, IndexPassesFts5IntegrityCheck) {
  {
    ConversationStore store = open_store();
    int64_t c = store.create_conversation().id;
    int64_t u = store.append_message(c, std::nullopt, Role::User, "alpha beta");
    NewMessage streaming{.role = Role::Assistant, .status = MessageStatus::Streaming};
    int64_t a = store.append_message(c, u, streaming);
    store.update_streaming(a, "gamma", "delta");
    store.finish_message(a, MessageStatus::Incomplete, {});
    int64_t b = store.append_message(c, u, Role::Assistant, "epsilon");
    store.delete_subtree(b);
    int64_t left = store.append_message(c, u, streaming);
    store.update_streaming(left, "zeta", "");
  }
  // The reply left streaming above is outside the index (by design) until the
  // next open marks it incomplete, which indexes it; after that, index and
  // table must agree exactly.
  EXPECT_EQ(open_store().recovered_message_count(), 1);
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(db_path().c_str(), &db), SQLITE_OK);
  // rank = 1 also compares the index with the messages table it is built from.
  int rc =
      sqlite3_exec(db, "INSERT INTO messages_fts(messages_fts, rank) VALUES('integrity-check', 1)",
                   nullptr, nullptr, nullptr);
  EXPECT_EQ(rc, SQLITE_OK) << sqlite3_errmsg(db);
  sqlite3_close(db);
}

TEST_F(SearchTest, HostileQueryTextNeverFails) {
  ConversationStore store = open_store();
  int64_t c = store.create_conversation({.title = "t"}).id;
  int64_t m = store.append_message(c, std::nullopt, Role::User, "cats AND dogs (near) the * star");
  const char* hostile[] = {"\"",
                           "AND(",
                           "NEAR(a b",
                           "content:cats",
                           "*",
                           "^cats",
                           "cats OR",
                           "'; DROP TABLE messages; --",
                           "\"unbalanced",
                           "(((",
                           "-cats",
                           "cats NOT",
                           "a\"b\"c",
                           "\x01\x02",
                           "{content}: x",
                           ""};
  for (const char* query : hostile) {
    EXPECT_NO_THROW(store.search(query)) << query;
  }
  // Operators typed by the user are searched as plain words.
  EXPECT_EQ(hit_ids(store.search("AND(")), (std::vector<int64_t>{m}));
  EXPECT_EQ(hit_ids(store.search("(near)")), (std::vector<int64_t>{m}));
  EXPECT_EQ(hit_ids(store.search("\"dogs\"")), (std::vector<int64_t>{m}));
  EXPECT_TRUE(store.search("content:cats").empty());  // "content cats" as a phrase: no such phrase
  EXPECT_EQ(store.all_messages(c).size(), 1u);
}

TEST_F(SearchTest, DiacriticsAreIgnored) {
  ConversationStore store = open_store();
  int64_t c = store.create_conversation().id;
  int64_t m = store.append_message(c, std::nullopt, Role::User, "un café à Genève");
  EXPECT_EQ(hit_ids(store.search("cafe geneve")), (std::vector<int64_t>{m}));
}

}  // namespace
}  // namespace mosaic::store
