// The message tree: edits and regenerations as siblings, paths, the active
// leaf (remembered across reopen), streaming and subtree deletion.
#include <gtest/gtest.h>

#include "app/store/conversation_store.h"
#include "tests/store/store_test_support.h"

namespace mosaic::store {
namespace {

using testing::StoreTest;

std::vector<int64_t> ids_of(const std::vector<Message>& messages) {
  std::vector<int64_t> ids;
  for (const Message& m : messages) ids.push_back(m.id);
  return ids;
}

NewMessage assistant(std::string content) {
  NewMessage m;
  m.role = Role::Assistant;
  m.content = std::move(content);
  return m;
}

NewMessage user(std::string content) {
  NewMessage m;
  m.role = Role::User;
  m.content = std::move(content);
  return m;
}

class MessageTreeTest : public StoreTest {};

TEST_F(MessageTreeTest, EditAndRegenerateFormSiblingsWithPositions) {
  ConversationStore store = open_store();
  int64_t c = store.create_conversation({.title = "tree"}).id;
  int64_t u1 = store.append_message(c, std::nullopt, Role::User, "question");
  clock_.advance_ms(10);
  int64_t a1 = store.append_message(c, u1, Role::Assistant, "answer one");
  clock_.advance_ms(10);
  int64_t a2 = store.append_sibling(a1, assistant("answer two"));  // regenerate
  clock_.advance_ms(10);
  int64_t u1b = store.append_sibling(u1, user("question, edited"));  // edit
  clock_.advance_ms(10);
  int64_t a3 = store.append_message(c, u1b, Role::Assistant, "answer to the edit");

  SiblingPosition regen = store.siblings(a2);
  EXPECT_EQ(regen.sibling_ids, (std::vector<int64_t>{a1, a2}));
  EXPECT_EQ(regen.index, 1u);
  EXPECT_EQ(regen.count(), 2u);
  EXPECT_EQ(store.siblings(a1).index, 0u);
  SiblingPosition roots = store.siblings(u1b);
  EXPECT_EQ(roots.sibling_ids, (std::vector<int64_t>{u1, u1b}));
  EXPECT_EQ(roots.index, 1u);
  EXPECT_EQ(store.siblings(a3).count(), 1u);

  EXPECT_EQ(ids_of(store.children(u1)), (std::vector<int64_t>{a1, a2}));
  EXPECT_EQ(ids_of(store.roots(c)), (std::vector<int64_t>{u1, u1b}));
  EXPECT_EQ(ids_of(store.path_to(a2)), (std::vector<int64_t>{u1, a2}));
  EXPECT_EQ(ids_of(store.path_to(a3)), (std::vector<int64_t>{u1b, a3}));
  // The last append is the active leaf.
  EXPECT_EQ(ids_of(store.active_branch(c)), (std::vector<int64_t>{u1b, a3}));
  EXPECT_EQ(store.get_message(a2).parent_id, u1);
  EXPECT_EQ(store.get_message(u1b).parent_id, std::nullopt);
}

TEST_F(MessageTreeTest, ActiveLeafIsRememberedAcrossReopen) {
  int64_t c = 0, a1 = 0, u1 = 0;
  {
    ConversationStore store = open_store();
    c = store.create_conversation({.title = "remember"}).id;
    u1 = store.append_message(c, std::nullopt, Role::User, "q");
    a1 = store.append_message(c, u1, Role::Assistant, "first");
    store.append_sibling(a1, assistant("second"));
    store.set_active_leaf(a1);
  }
  ConversationStore store = open_store();
  EXPECT_EQ(store.get_conversation(c).active_leaf_message_id, a1);
  EXPECT_EQ(ids_of(store.active_branch(c)), (std::vector<int64_t>{u1, a1}));
}

TEST_F(MessageTreeTest, LatestLeafUnderFindsNewestDescendant) {
  ConversationStore store = open_store();
  int64_t c = store.create_conversation().id;
  int64_t u1 = store.append_message(c, std::nullopt, Role::User, "q");
  clock_.advance_ms(1);
  int64_t a1 = store.append_message(c, u1, Role::Assistant, "a1");
  clock_.advance_ms(1);
  int64_t u2 = store.append_message(c, a1, Role::User, "q2");
  clock_.advance_ms(1);
  int64_t a2 = store.append_message(c, u2, Role::Assistant, "a2");
  clock_.advance_ms(1);
  int64_t b1 = store.append_sibling(a1, assistant("b1"));  // newer than a2, but a leaf too
  clock_.advance_ms(1);
  int64_t a2b = store.append_sibling(a2, assistant("a2 again"));  // newest leaf under a1

  EXPECT_EQ(store.latest_leaf_under(a1), a2b);
  EXPECT_EQ(store.latest_leaf_under(u1), a2b);
  EXPECT_EQ(store.latest_leaf_under(b1), b1);  // a leaf is its own latest leaf
  EXPECT_EQ(store.latest_leaf_under(a2), a2);
  EXPECT_THROW(store.latest_leaf_under(999999), StoreError);
}

TEST_F(MessageTreeTest, AppendChecksConversationAndParent) {
  ConversationStore store = open_store();
  int64_t c1 = store.create_conversation().id;
  int64_t c2 = store.create_conversation().id;
  int64_t m1 = store.append_message(c1, std::nullopt, Role::User, "in c1");
  try {
    store.append_message(c2, m1, Role::Assistant, "wrong tree");
    FAIL() << "a parent from another conversation was accepted";
  } catch (const StoreError& error) {
    EXPECT_EQ(error.kind(), StoreErrorKind::InvalidArgument);
    EXPECT_NE(std::string(error.what()).find("another conversation"), std::string::npos);
  }
  try {
    store.append_message(4242, std::nullopt, Role::User, "nowhere");
    FAIL() << "a missing conversation was accepted";
  } catch (const StoreError& error) {
    EXPECT_EQ(error.kind(), StoreErrorKind::NotFound);
    EXPECT_NE(std::string(error.what()).find("4242"), std::string::npos);
  }
  EXPECT_EQ(store.all_messages(c2).size(), 0u);  // nothing half-written
}

TEST_F(MessageTreeTest, StreamingThenFinishStoresTextAndStats) {
  ConversationStore store = open_store();
  int64_t c = store.create_conversation().id;
  int64_t u = store.append_message(c, std::nullopt, Role::User, "q");
  NewMessage reply = assistant("");
  reply.status = MessageStatus::Streaming;
  reply.model = "tiny.gguf";
  int64_t a = store.append_message(c, u, reply);
  store.update_streaming(a, "Hel", "thinking");
  store.update_streaming(a, "Hello", "thinking more");
  clock_.advance_ms(500);
  store.finish_message(a, MessageStatus::Complete,
                       {.prompt_tokens = 12,
                        .completion_tokens = 50,
                        .time_to_first_token_ms = 80,
                        .generation_ms = 2000});
  Message m = store.get_message(a);
  EXPECT_EQ(m.content, "Hello");
  EXPECT_EQ(m.reasoning, "thinking more");
  EXPECT_EQ(m.status, MessageStatus::Complete);
  EXPECT_EQ(m.model, "tiny.gguf");
  EXPECT_EQ(m.stats.prompt_tokens, 12);
  EXPECT_EQ(m.stats.time_to_first_token_ms, 80);
  EXPECT_DOUBLE_EQ(m.stats.tokens_per_second(), 25.0);  // 50 tokens in 2 s
  EXPECT_EQ(m.updated_ms, clock_.now_ms());
  EXPECT_EQ(store.get_conversation(c).updated_ms, clock_.now_ms());

  // A finished message is no longer streaming: late updates are refused.
  EXPECT_THROW(store.update_streaming(a, "late", ""), StoreError);
  EXPECT_EQ(store.get_message(a).content, "Hello");
  EXPECT_THROW(store.finish_message(a, MessageStatus::Streaming, {}), StoreError);

  int64_t e = store.append_message(c, u, reply);
  store.finish_message(e, MessageStatus::Error, {}, "out of memory");
  EXPECT_EQ(store.get_message(e).status, MessageStatus::Error);
  EXPECT_EQ(store.get_message(e).error_text, "out of memory");
}

TEST_F(MessageTreeTest, DeleteSubtreeRemovesDescendantsAndMovesActiveLeaf) {
  ConversationStore store = open_store();
  int64_t c = store.create_conversation().id;
  int64_t u1 = store.append_message(c, std::nullopt, Role::User, "q");
  clock_.advance_ms(1);
  int64_t a1 = store.append_message(c, u1, Role::Assistant, "a1");
  clock_.advance_ms(1);
  int64_t a2 = store.append_sibling(a1, assistant("a2"));
  clock_.advance_ms(1);
  int64_t u2 = store.append_message(c, a2, Role::User, "q2");
  clock_.advance_ms(1);
  int64_t a3 = store.append_message(c, u2, Role::Assistant, "a3");
  ASSERT_EQ(store.get_conversation(c).active_leaf_message_id, a3);

  store.delete_subtree(a2);
  for (int64_t gone : {a2, u2, a3}) EXPECT_THROW(store.get_message(gone), StoreError) << gone;
  EXPECT_EQ(ids_of(store.all_messages(c)), (std::vector<int64_t>{u1, a1}));
  // The active leaf was deleted: the newest leaf under the parent takes over.
  EXPECT_EQ(store.get_conversation(c).active_leaf_message_id, a1);

  store.delete_subtree(u1);
  EXPECT_TRUE(store.all_messages(c).empty());
  EXPECT_EQ(store.get_conversation(c).active_leaf_message_id, std::nullopt);
  EXPECT_TRUE(store.active_branch(c).empty());
}

TEST_F(MessageTreeTest, DeepChainsDeleteWithoutRecursionLimits) {
  // SQLite's cascades stop at 1000 levels; a long chat is deeper than that.
  ConversationStore store = open_store();
  int64_t c = store.create_conversation().id;
  std::optional<int64_t> parent;
  int64_t root = 0;
  for (int i = 0; i < 1200; ++i) {
    parent = store.append_message(c, parent, i % 2 ? Role::Assistant : Role::User, "m");
    if (i == 0) root = *parent;
  }
  EXPECT_EQ(store.path_to(*parent).size(), 1200u);
  store.delete_subtree(root);
  EXPECT_TRUE(store.all_messages(c).empty());
}

}  // namespace
}  // namespace mosaic::store
