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

[[noreturn]] void bad_export(const std::string& why) {
  throw StoreError(StoreErrorKind::InvalidArgument, "the export is malformed: " + why);
}

// Reads the fields of one object of an export, naming the object and field
// in every complaint ("conversation 2, message 5: \"created_ms\" must be an integer").
class Fields {
 public:
  Fields(const json& object, std::string where) : object_(object), where_(std::move(where)) {
    if (!object_.is_object()) bad_export(where_ + " is not a JSON object");
  }
  const json& get(const char* key) const {
    auto found = object_.find(key);
    if (found == object_.end()) bad_export(where_ + ": \"" + key + "\" is missing");
    return *found;
  }
  std::string text(const char* key) const {
    const json& value = get(key);
    if (!value.is_string()) wrong_type(key, "a string");
    return value.get<std::string>();
  }
  int64_t integer(const char* key) const {
    const json& value = get(key);
    if (!value.is_number_integer()) wrong_type(key, "an integer");
    return value.get<int64_t>();
  }
  std::optional<int64_t> optional_integer(const char* key) const {
    if (get(key).is_null()) return std::nullopt;
    return integer(key);
  }
  bool flag(const char* key) const {
    const json& value = get(key);
    if (!value.is_boolean()) wrong_type(key, "true or false");
    return value.get<bool>();
  }
  const json& array(const char* key) const {
    const json& value = get(key);
    if (!value.is_array()) wrong_type(key, "an array");
    return value;
  }
  const std::string& where() const { return where_; }

 private:
  [[noreturn]] void wrong_type(const char* key, const char* expected) const {
    bad_export(where_ + ": \"" + key + "\" must be " + expected);
  }
  const json& object_;
  std::string where_;
};

}  // namespace

namespace {

// One conversation with all its messages (id order, so parents come first);
// collects the attachments it uses so the document embeds each one once.
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
      Fields df(document, "the export");
      int64_t version = df.integer("format_version");
      if (version > kFormatVersion) {
        bad_export("it was written by a newer Mosaic (format_version " + std::to_string(version) +
                   ")");
      }
      Transaction transaction(db_);

      std::map<std::string, int64_t> attachment_ids;  // sha256 -> id here
      int attachment_index = 0;
      for (const json& a : df.array("attachments")) {
        Fields af(a, "attachment " + std::to_string(++attachment_index));
        std::string sha256 = af.text("sha256");
        std::string bytes = base64_decode(af.text("data_base64"));
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
            .bind_all(sha256, af.text("mime_type"), af.text("original_name"),
                      static_cast<int64_t>(bytes.size()), af.text("extracted_text"),
                      af.text("metadata_json"), af.integer("created_ms"))
            .run();
        attachment_ids[sha256] = find_attachment_by_sha(sha256).id;
      }

      std::vector<int64_t> new_conversation_ids;
      int conversation_index = 0;
      for (const json& c : df.array("conversations")) {
        Fields cf(c, "conversation " + std::to_string(++conversation_index));
        db_.cached(
               "INSERT INTO conversations (title, created_ms, updated_ms, pinned, model, "
               "system_prompt, settings_json, deleted_ms) VALUES (?, ?, ?, ?, ?, ?, ?, ?)")
            .bind_all(cf.text("title"), cf.integer("created_ms"), cf.integer("updated_ms"),
                      cf.flag("pinned") ? 1 : 0, cf.text("model"), cf.text("system_prompt"),
                      cf.text("settings_json"), cf.optional_integer("deleted_ms"))
            .run();
        int64_t conversation_id = db_.last_insert_id();
        new_conversation_ids.push_back(conversation_id);

        std::map<int64_t, int64_t> new_message_ids;  // id in the export -> id here
        int message_index = 0;
        for (const json& m : cf.array("messages")) {
          Fields mf(m, cf.where() + ", message " + std::to_string(++message_index));
          int64_t old_id = mf.integer("id");
          std::optional<int64_t> parent = mf.optional_integer("parent_id");
          std::optional<int64_t> new_parent;
          if (parent) {
            auto found = new_message_ids.find(*parent);
            if (found == new_message_ids.end()) {
              bad_export("message " + std::to_string(old_id) + " refers to parent " +
                         std::to_string(*parent) + ", which does not come before it");
            }
            new_parent = found->second;
          }
          MessageStatus status = status_from_string(mf.text("status"));
          // A reply exported mid-stream was cut off there; it will never resume.
          if (status == MessageStatus::Streaming) status = MessageStatus::Incomplete;
          db_.cached(
                 "INSERT INTO messages (conversation_id, parent_id, role, content, reasoning, "
                 "status, error_text, prompt_tokens, completion_tokens, time_to_first_token_ms, "
                 "generation_ms, model, created_ms, updated_ms) "
                 "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")
              .bind_all(conversation_id, new_parent, to_string(role_from_string(mf.text("role"))),
                        mf.text("content"), mf.text("reasoning"), to_string(status),
                        mf.text("error_text"), mf.integer("prompt_tokens"),
                        mf.integer("completion_tokens"), mf.integer("time_to_first_token_ms"),
                        mf.integer("generation_ms"), mf.text("model"), mf.integer("created_ms"),
                        mf.integer("updated_ms"))
              .run();
          int64_t new_id = db_.last_insert_id();
          if (!new_message_ids.emplace(old_id, new_id).second) {
            bad_export("message id " + std::to_string(old_id) + " appears twice");
          }
          int64_t position = 0;
          for (const json& hash : mf.array("attachments")) {
            if (!hash.is_string()) bad_export(mf.where() + ": attachment hashes must be strings");
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
        std::optional<int64_t> leaf = cf.optional_integer("active_leaf_message_id");
        if (leaf) {
          auto found = new_message_ids.find(*leaf);
          if (found == new_message_ids.end()) {
            bad_export("the active message " + std::to_string(*leaf) + " of conversation '" +
                       cf.text("title") + "' is not among its messages");
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
