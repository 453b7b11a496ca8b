// The message tree: appending, streaming updates, branches (siblings),
// paths, the remembered active leaf and subtree deletion.
#include <string>

#include "app/store/conversation_store.h"
#include "app/store/store_rows.h"

namespace mosaic::store {
namespace {

std::string message_select(std::string_view rest) {
  return std::string("SELECT ") + rows::kMessageColumns + " FROM messages m " + std::string(rest);
}

// The ids of a message and all its descendants, as a recursive CTE named
// `subtree`; the message id is parameter ?1.
constexpr const char* kSubtreeCte =
    "WITH RECURSIVE subtree(id) AS (SELECT ?1 UNION ALL "
    "SELECT m.id FROM messages m JOIN subtree s ON m.parent_id = s.id) ";

[[noreturn]] void no_message(int64_t message_id) {
  throw StoreError(StoreErrorKind::NotFound, "no message with id " + std::to_string(message_id));
}

}  // namespace

int64_t ConversationStore::conversation_of_message(int64_t message_id) {
  Statement& find = db_.cached("SELECT conversation_id FROM messages WHERE id = ?");
  if (!find.bind_all(message_id).step()) no_message(message_id);
  int64_t conversation_id = find.int64(0);
  find.reset();
  return conversation_id;
}

std::vector<Message> ConversationStore::query_messages(std::string_view sql, int64_t parameter) {
  std::vector<Message> messages;
  Statement& query = db_.cached(std::string(sql));
  query.bind_all(parameter);
  while (query.step()) messages.push_back(rows::read_message(query));
  query.reset();
  return messages;
}

int64_t ConversationStore::append_message(int64_t conversation_id, std::optional<int64_t> parent_id,
                                          const NewMessage& message) {
  check_thread();
  return with_context(
      "appending a message to conversation " + std::to_string(conversation_id), [&] {
        Transaction transaction(db_);
        require_conversation(conversation_id);
        if (parent_id && conversation_of_message(*parent_id) != conversation_id) {
          throw StoreError(
              StoreErrorKind::InvalidArgument,
              "parent message " + std::to_string(*parent_id) + " belongs to another conversation");
        }
        int64_t now = now_ms();
        db_.cached(
               "INSERT INTO messages (conversation_id, parent_id, role, content, reasoning, "
               "status, model, created_ms, updated_ms) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)")
            .bind_all(conversation_id, parent_id, to_string(message.role), message.content,
                      message.reasoning, to_string(message.status), message.model, now, now)
            .run();
        int64_t id = db_.last_insert_id();
        db_.cached(
               "UPDATE conversations SET active_leaf_message_id = ?, updated_ms = ? WHERE id = ?")
            .bind_all(id, now, conversation_id)
            .run();
        transaction.commit();
        return id;
      });
}

int64_t ConversationStore::append_message(int64_t conversation_id, std::optional<int64_t> parent_id,
                                          Role role, std::string_view content) {
  NewMessage message;
  message.role = role;
  message.content = std::string(content);
  return append_message(conversation_id, parent_id, message);
}

int64_t ConversationStore::append_sibling(int64_t message_id, const NewMessage& message) {
  Message existing = get_message(message_id);
  return append_message(existing.conversation_id, existing.parent_id, message);
}

void ConversationStore::update_streaming(int64_t message_id, std::string_view content,
                                         std::string_view reasoning) {
  check_thread();
  with_context("saving streamed text of message " + std::to_string(message_id), [&] {
    db_.cached(
           "UPDATE messages SET content = ?, reasoning = ?, updated_ms = ? "
           "WHERE id = ? AND status = 'streaming'")
        .bind_all(content, reasoning, now_ms(), message_id)
        .run();
    if (db_.changes() == 1) return;
    Message message = get_message(message_id);  // throws NotFound when missing
    throw StoreError(StoreErrorKind::InvalidArgument,
                     "message " + std::to_string(message_id) + " is not streaming (it is " +
                         std::string(to_string(message.status)) + ")");
  });
}

void ConversationStore::resume_streaming(int64_t message_id) {
  check_thread();
  with_context("resuming message " + std::to_string(message_id), [&] {
    db_.cached(
           "UPDATE messages SET status = 'streaming', error_text = '', updated_ms = ? "
           "WHERE id = ? AND role = 'assistant' AND status IN ('incomplete', 'error')")
        .bind_all(now_ms(), message_id)
        .run();
    if (db_.changes() == 1) return;
    Message message = get_message(message_id);  // throws NotFound when missing
    throw StoreError(StoreErrorKind::InvalidArgument,
                     "message " + std::to_string(message_id) + " cannot be continued (it is a " +
                         std::string(to_string(message.role)) + " message, " +
                         std::string(to_string(message.status)) + ")");
  });
}

void ConversationStore::finish_message(int64_t message_id, MessageStatus status,
                                       const GenerationStats& stats, std::string_view error_text) {
  check_thread();
  with_context("finishing message " + std::to_string(message_id), [&] {
    if (status == MessageStatus::Streaming) {
      throw StoreError(StoreErrorKind::InvalidArgument,
                       "a message cannot be finished with status 'streaming'");
    }
    Transaction transaction(db_);
    int64_t conversation_id = conversation_of_message(message_id);
    db_.cached(
           "UPDATE messages SET status = ?, error_text = ?, prompt_tokens = ?, "
           "completion_tokens = ?, time_to_first_token_ms = ?, generation_ms = ?, updated_ms = ? "
           "WHERE id = ?")
        .bind_all(to_string(status), error_text, stats.prompt_tokens, stats.completion_tokens,
                  stats.time_to_first_token_ms, stats.generation_ms, now_ms(), message_id)
        .run();
    touch_conversation(conversation_id);
    transaction.commit();
  });
}

Message ConversationStore::get_message(int64_t message_id) {
  check_thread();
  Statement& get = db_.cached(message_select("WHERE m.id = ?"));
  if (!get.bind_all(message_id).step()) no_message(message_id);
  Message message = rows::read_message(get);
  get.reset();
  return message;
}

std::vector<Message> ConversationStore::children(int64_t parent_id) {
  check_thread();
  return query_messages(message_select("WHERE m.parent_id = ? ORDER BY m.created_ms, m.id"),
                        parent_id);
}

std::vector<Message> ConversationStore::roots(int64_t conversation_id) {
  check_thread();
  return query_messages(
      message_select(
          "WHERE m.conversation_id = ? AND m.parent_id IS NULL ORDER BY m.created_ms, m.id"),
      conversation_id);
}

SiblingPosition ConversationStore::siblings(int64_t message_id) {
  check_thread();
  Message message = get_message(message_id);
  Statement& query = db_.cached(
      "SELECT id FROM messages WHERE conversation_id = ? AND parent_id IS ? "
      "ORDER BY created_ms, id");
  query.bind_all(message.conversation_id, message.parent_id);
  SiblingPosition position;
  while (query.step()) {
    if (query.int64(0) == message_id) position.index = position.sibling_ids.size();
    position.sibling_ids.push_back(query.int64(0));
  }
  query.reset();
  return position;
}

std::vector<Message> ConversationStore::path_to(int64_t leaf_id) {
  check_thread();
  std::vector<Message> path = query_messages(
      std::string("WITH RECURSIVE up(id, depth) AS (SELECT ?, 0 UNION ALL "
                  "SELECT m.parent_id, up.depth + 1 FROM messages m JOIN up ON m.id = up.id "
                  "WHERE m.parent_id IS NOT NULL) ") +
          message_select("JOIN up ON up.id = m.id ORDER BY up.depth DESC"),
      leaf_id);
  if (path.empty()) no_message(leaf_id);
  return path;
}

std::vector<Message> ConversationStore::active_branch(int64_t conversation_id) {
  Conversation conversation = get_conversation(conversation_id);
  if (!conversation.active_leaf_message_id) return {};
  return path_to(*conversation.active_leaf_message_id);
}

void ConversationStore::set_active_leaf(int64_t message_id) {
  check_thread();
  with_context("selecting message " + std::to_string(message_id) + " as the active branch", [&] {
    int64_t conversation_id = conversation_of_message(message_id);
    db_.cached("UPDATE conversations SET active_leaf_message_id = ? WHERE id = ?")
        .bind_all(message_id, conversation_id)
        .run();
  });
}

std::optional<int64_t> ConversationStore::newest_leaf(std::string_view root_condition,
                                                      int64_t parameter) {
  // Leaves are messages without children; "newest" by creation, then id.
  Statement& query =
      db_.cached("WITH RECURSIVE subtree(id) AS (SELECT id FROM messages WHERE " +
                 std::string(root_condition) +
                 " UNION ALL SELECT m.id FROM messages m JOIN subtree s ON m.parent_id = s.id) "
                 "SELECT m.id FROM messages m JOIN subtree s ON s.id = m.id "
                 "WHERE NOT EXISTS (SELECT 1 FROM messages child WHERE child.parent_id = m.id) "
                 "ORDER BY m.created_ms DESC, m.id DESC LIMIT 1");
  query.bind_all(parameter);
  std::optional<int64_t> leaf;
  if (query.step()) leaf = query.int64(0);
  query.reset();
  return leaf;
}

int64_t ConversationStore::latest_leaf_under(int64_t message_id) {
  check_thread();
  std::optional<int64_t> leaf = newest_leaf("id = ?", message_id);
  if (!leaf) no_message(message_id);
  return *leaf;
}

void ConversationStore::delete_subtree(int64_t message_id) {
  check_thread();
  with_context("deleting message " + std::to_string(message_id) + " and its replies", [&] {
    Transaction transaction(db_);
    Message message = get_message(message_id);
    Conversation conversation = get_conversation(message.conversation_id);
    bool active_leaf_deleted = false;
    if (conversation.active_leaf_message_id) {
      Statement& contains =
          db_.cached(std::string(kSubtreeCte) + "SELECT 1 FROM subtree WHERE id = ?2");
      active_leaf_deleted =
          contains.bind_all(message_id, *conversation.active_leaf_message_id).step();
      contains.reset();
    }
    // One statement for the whole subtree: the parent_id foreign key is
    // checked at its end, when no reply is left without its parent.
    db_.cached(std::string(kSubtreeCte) + "DELETE FROM messages WHERE id IN subtree")
        .bind_all(message_id)
        .run();
    if (active_leaf_deleted) {
      std::optional<int64_t> new_leaf =
          message.parent_id
              ? newest_leaf("id = ?", *message.parent_id)
              : newest_leaf("conversation_id = ? AND parent_id IS NULL", message.conversation_id);
      db_.cached("UPDATE conversations SET active_leaf_message_id = ? WHERE id = ?")
          .bind_all(new_leaf, message.conversation_id)
          .run();
    }
    touch_conversation(message.conversation_id);
    transaction.commit();
  });
}

std::vector<Message> ConversationStore::all_messages(int64_t conversation_id) {
  check_thread();
  return query_messages(message_select("WHERE m.conversation_id = ? ORDER BY m.id"),
                        conversation_id);
}

}  // namespace mosaic::store
