// Lossless JSON export and import. The format ("mosaic-conversations",
// format_version 1) keeps every field and every branch; message ids are only
// meaningful inside one export (parents refer to them) and are replaced by
// new ids on import. Attachments are embedded once each, base64-encoded.
#include <map>
#include <nlohmann/json.hpp>
#include <set>

#include "app/store/attachment_files.h"
#include "app/store/base64.h"
#include "app/store/conversation_store.h"
#include "app/store/store_rows.h"

namespace mosaic::store {
namespace {

using nlohmann::json;

constexpr const char* kFormatName = "mosaic-conversations";
constexpr int kFormatVersion = 1;

json optional_to_json(const std::optional<int64_t>& value) {
  return value ? json(*value) : json(nullptr);
}

std::optional<int64_t> optional_from_json(const json& value) {
  if (value.is_null()) return std::nullopt;
  return value.get<int64_t>();
}

[[noreturn]] void bad_export(const std::string& why) {
  throw StoreError(StoreErrorKind::InvalidArgument, "the export is malformed: " + why);
}

}  // namespace

namespace {

// Builds the JSON of the given conversations; needs the store for messages
// and attachments, so it takes the member functions it uses via the store.
json conversation_to_json(ConversationStore& store, const Conversation& conversation,
                          std::map<std::string, Attachment>& attachments_used) {
  json messages = json::array();
  for (const Message& m : store.all_messages(conversation.id)) {
    json attachment_hashes = json::array();
    for (const Attachment& a : store.attachments_of(m.id)) {
      attachment_hashes.push_back(a.sha256);
      attachments_used.emplace(a.sha256, a);
    }
    messages.push_back({
        {"id", m.id},
        {"parent_id", optional_to_json(m.parent_id)},
        {"role", to_string(m.role)},
        {"content", m.content},
        {"reasoning", m.reasoning},
        {"status", to_string(m.status)},
        {"error_text", m.error_text},
        {"prompt_tokens", m.stats.prompt_tokens},
        {"completion_tokens", m.stats.completion_tokens},
        {"time_to_first_token_ms", m.stats.time_to_first_token_ms},
        {"generation_ms", m.stats.generation_ms},
        {"model", m.model},
        {"created_ms", m.created_ms},
        {"updated_ms", m.updated_ms},
        {"attachments", attachment_hashes},
    });
  }
  return {
      {"id", conversation.id},
      {"title", conversation.title},
      {"created_ms", conversation.created_ms},
      {"updated_ms", conversation.updated_ms},
      {"pinned", conversation.pinned == Pinned::Yes},
      {"model", conversation.model},
      {"system_prompt", conversation.system_prompt},
      {"settings_json", conversation.settings_json},
      {"active_leaf_message_id", optional_to_json(conversation.active_leaf_message_id)},
      {"deleted_ms", optional_to_json(conversation.deleted_ms)},
      {"messages", messages},
  };
}

std::string export_document(ConversationStore& store,
                            const std::vector<Conversation>& conversations) {
  std::map<std::string, Attachment> attachments_used;  // by hash: sorted, embedded once
  json conversation_list = json::array();
  for (const Conversation& c : conversations) {
    conversation_list.push_back(conversation_to_json(store, c, attachments_used));
  }
  json attachment_list = json::array();
  for (const auto& [sha256, a] : attachments_used) {
    attachment_list.push_back({
        {"sha256", a.sha256},
        {"mime_type", a.mime_type},
        {"original_name", a.original_name},
        {"size_bytes", a.size_bytes},
        {"extracted_text", a.extracted_text},
        {"metadata_json", a.metadata_json},
        {"created_ms", a.created_ms},
        {"data_base64", base64_encode(read_whole_file(store.path_of(a.sha256)))},
    });
  }
  json document = {
      {"format", kFormatName},
      {"format_version", kFormatVersion},
      {"conversations", conversation_list},
      {"attachments", attachment_list},
  };
  // Invalid UTF-8 in stored text is replaced rather than failing the export.
  return document.dump(2, ' ', false, json::error_handler_t::replace) + "\n";
}

}  // namespace

std::string ConversationStore::export_conversation_json(int64_t conversation_id) {
  check_thread();
  return with_context("exporting conversation " + std::to_string(conversation_id),
                      [&] { return export_document(*this, {get_conversation(conversation_id)}); });
}

std::string ConversationStore::export_all_json() {
  check_thread();
  return with_context("exporting all conversations", [&] {
    std::vector<Conversation> conversations;
    Statement& list = db_.cached(std::string("SELECT ") + rows::kConversationColumns +
                                 " FROM conversations c ORDER BY c.id");
    while (list.step()) conversations.push_back(rows::read_conversation(list));
    list.reset();
    return export_document(*this, conversations);
  });
}

std::vector<int64_t> ConversationStore::import_json(std::string_view json_text) {
  check_thread();
  return with_context("importing conversations", [&] {
    json document;
    try {
      document = json::parse(json_text);
    } catch (const json::exception& error) {
      bad_export(std::string("not valid JSON: ") + error.what());
    }
    try {
      if (!document.is_object() || document.value("format", "") != kFormatName) {
        bad_export(std::string("it is not a Mosaic conversation export (\"format\" is not \"") +
                   kFormatName + "\")");
      }
      int version = document.at("format_version").get<int>();
      if (version > kFormatVersion) {
        bad_export("it was written by a newer Mosaic (format_version " + std::to_string(version) +
                   ")");
      }
      Transaction transaction(db_);

      std::map<std::string, int64_t> attachment_ids;  // sha256 -> id here
      for (const json& a : document.value("attachments", json::array())) {
        std::string sha256 = a.at("sha256").get<std::string>();
        std::string bytes = base64_decode(a.at("data_base64").get<std::string>());
        if (sha256_hex(bytes) != sha256) {
          bad_export("attachment " + sha256 + " does not match its SHA-256");
        }
        std::filesystem::path file = path_of(sha256);
        std::error_code error;
        if (std::filesystem::file_size(file, error) != bytes.size() || error) {
          write_file_atomically(file, bytes);
        }
        // An attachment already here (same bytes) keeps its record.
        db_.cached(
               "INSERT INTO attachments (sha256, mime_type, original_name, size_bytes, "
               "extracted_text, metadata_json, created_ms) VALUES (?, ?, ?, ?, ?, ?, ?) "
               "ON CONFLICT (sha256) DO NOTHING")
            .bind_all(sha256, a.at("mime_type").get<std::string>(),
                      a.at("original_name").get<std::string>(), static_cast<int64_t>(bytes.size()),
                      a.at("extracted_text").get<std::string>(),
                      a.at("metadata_json").get<std::string>(), a.at("created_ms").get<int64_t>())
            .run();
        attachment_ids[sha256] = find_attachment_by_sha(sha256).id;
      }

      std::vector<int64_t> new_conversation_ids;
      for (const json& c : document.at("conversations")) {
        db_.cached(
               "INSERT INTO conversations (title, created_ms, updated_ms, pinned, model, "
               "system_prompt, settings_json, deleted_ms) VALUES (?, ?, ?, ?, ?, ?, ?, ?)")
            .bind_all(c.at("title").get<std::string>(), c.at("created_ms").get<int64_t>(),
                      c.at("updated_ms").get<int64_t>(), c.at("pinned").get<bool>() ? 1 : 0,
                      c.at("model").get<std::string>(), c.at("system_prompt").get<std::string>(),
                      c.at("settings_json").get<std::string>(),
                      optional_from_json(c.at("deleted_ms")))
            .run();
        int64_t conversation_id = db_.last_insert_id();
        new_conversation_ids.push_back(conversation_id);

        std::map<int64_t, int64_t> new_message_ids;  // id in the export -> id here
        for (const json& m : c.at("messages")) {
          int64_t old_id = m.at("id").get<int64_t>();
          std::optional<int64_t> parent = optional_from_json(m.at("parent_id"));
          std::optional<int64_t> new_parent;
          if (parent) {
            auto found = new_message_ids.find(*parent);
            if (found == new_message_ids.end()) {
              bad_export("message " + std::to_string(old_id) + " refers to parent " +
                         std::to_string(*parent) + ", which does not come before it");
            }
            new_parent = found->second;
          }
          MessageStatus status = status_from_string(m.at("status").get<std::string>());
          // A reply exported mid-stream was cut off there; it will never resume.
          if (status == MessageStatus::Streaming) status = MessageStatus::Incomplete;
          db_.cached(
                 "INSERT INTO messages (conversation_id, parent_id, role, content, reasoning, "
                 "status, error_text, prompt_tokens, completion_tokens, time_to_first_token_ms, "
                 "generation_ms, model, created_ms, updated_ms) "
                 "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")
              .bind_all(conversation_id, new_parent,
                        to_string(role_from_string(m.at("role").get<std::string>())),
                        m.at("content").get<std::string>(), m.at("reasoning").get<std::string>(),
                        to_string(status), m.at("error_text").get<std::string>(),
                        m.at("prompt_tokens").get<int64_t>(),
                        m.at("completion_tokens").get<int64_t>(),
                        m.at("time_to_first_token_ms").get<int64_t>(),
                        m.at("generation_ms").get<int64_t>(), m.at("model").get<std::string>(),
                        m.at("created_ms").get<int64_t>(), m.at("updated_ms").get<int64_t>())
              .run();
          int64_t new_id = db_.last_insert_id();
          if (!new_message_ids.emplace(old_id, new_id).second) {
            bad_export("message id " + std::to_string(old_id) + " appears twice");
          }
          int64_t position = 0;
          for (const json& hash : m.at("attachments")) {
            auto found = attachment_ids.find(hash.get<std::string>());
            if (found == attachment_ids.end()) {
              bad_export("message " + std::to_string(old_id) + " uses attachment " +
                         hash.get<std::string>() + ", which is not in the export");
            }
            db_.cached(
                   "INSERT INTO message_attachments (message_id, attachment_id, position) "
                   "VALUES (?, ?, ?)")
                .bind_all(new_id, found->second, position++)
                .run();
          }
        }
        std::optional<int64_t> leaf = optional_from_json(c.at("active_leaf_message_id"));
        if (leaf) {
          auto found = new_message_ids.find(*leaf);
          if (found == new_message_ids.end()) {
            bad_export("the active message " + std::to_string(*leaf) + " of conversation '" +
                       c.at("title").get<std::string>() + "' is not among its messages");
          }
          db_.cached("UPDATE conversations SET active_leaf_message_id = ? WHERE id = ?")
              .bind_all(found->second, conversation_id)
              .run();
        }
      }
      transaction.commit();
      return new_conversation_ids;
    } catch (const json::exception& error) {
      bad_export(error.what());
    }
  });
}

}  // namespace mosaic::store
