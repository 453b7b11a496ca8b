// Attachments: records in SQLite, bytes in content-addressed files beside it.
#include <system_error>

#include "app/store/attachment_files.h"
#include "app/store/conversation_store.h"
#include "app/store/store_rows.h"

namespace mosaic::store {

std::filesystem::path ConversationStore::path_of(std::string_view sha256) const {
  return attachment_path(attachments_dir(), sha256);
}

Attachment ConversationStore::find_attachment_by_sha(std::string_view sha256) {
  Statement& find = db_.cached(std::string("SELECT ") + rows::kAttachmentColumns +
                               " FROM attachments a WHERE a.sha256 = ?");
  if (!find.bind_all(sha256).step()) {
    throw StoreError(StoreErrorKind::NotFound, "no attachment with SHA-256 " + std::string(sha256));
  }
  Attachment attachment = rows::read_attachment(find);
  find.reset();
  return attachment;
}

Attachment ConversationStore::add_attachment(std::string_view bytes, const AttachmentInfo& info) {
  check_thread();
  return with_context("storing attachment '" + info.original_name + "'", [&] {
    std::string sha256 = sha256_hex(bytes);
    std::filesystem::path file = path_of(sha256);
    // The file goes first: a record must never point at a missing file. A
    // file without a record (the insert failed) is simply reused next time.
    std::error_code error;
    bool present = std::filesystem::file_size(file, error) == bytes.size() && !error;
    if (!present) write_file_atomically(file, bytes);
    db_.cached(
           "INSERT INTO attachments (sha256, mime_type, original_name, size_bytes, "
           "extracted_text, metadata_json, created_ms) VALUES (?, ?, ?, ?, ?, ?, ?) "
           "ON CONFLICT (sha256) DO NOTHING")
        .bind_all(sha256, info.mime_type, info.original_name, static_cast<int64_t>(bytes.size()),
                  info.extracted_text, info.metadata_json.empty() ? "{}" : info.metadata_json,
                  now_ms())
        .run();
    return find_attachment_by_sha(sha256);
  });
}

Attachment ConversationStore::add_attachment_file(const std::filesystem::path& file,
                                                  AttachmentInfo info) {
  check_thread();
  if (info.original_name.empty()) info.original_name = file.filename().string();
  std::string bytes = read_whole_file(file);
  return add_attachment(bytes, info);
}

Attachment ConversationStore::get_attachment(int64_t attachment_id) {
  check_thread();
  Statement& get = db_.cached(std::string("SELECT ") + rows::kAttachmentColumns +
                              " FROM attachments a WHERE a.id = ?");
  if (!get.bind_all(attachment_id).step()) {
    throw StoreError(StoreErrorKind::NotFound,
                     "no attachment with id " + std::to_string(attachment_id));
  }
  Attachment attachment = rows::read_attachment(get);
  get.reset();
  return attachment;
}

void ConversationStore::link_attachment(int64_t message_id, int64_t attachment_id) {
  check_thread();
  with_context("attaching attachment " + std::to_string(attachment_id) + " to message " +
                   std::to_string(message_id),
               [&] {
                 Transaction transaction(db_);
                 conversation_of_message(message_id);  // NotFound for a bad message id
                 get_attachment(attachment_id);        // and for a bad attachment id
                 db_.cached(
                        "INSERT INTO message_attachments (message_id, attachment_id, position) "
                        "SELECT ?1, ?2, coalesce(max(position) + 1, 0) "
                        "FROM message_attachments WHERE message_id = ?1")
                     .bind_all(message_id, attachment_id)
                     .run();
                 transaction.commit();
               });
}

std::vector<Attachment> ConversationStore::attachments_of(int64_t message_id) {
  check_thread();
  std::vector<Attachment> attachments;
  Statement& query = db_.cached(std::string("SELECT ") + rows::kAttachmentColumns +
                                " FROM message_attachments ma JOIN attachments a "
                                "ON a.id = ma.attachment_id WHERE ma.message_id = ? "
                                "ORDER BY ma.position");
  query.bind_all(message_id);
  while (query.step()) attachments.push_back(rows::read_attachment(query));
  query.reset();
  return attachments;
}

int64_t ConversationStore::purge_unused_attachments() {
  check_thread();
  std::vector<std::string> unused;
  with_context("deleting unused attachments", [&] {
    Transaction transaction(db_);
    Statement& query = db_.cached(
        "SELECT sha256 FROM attachments a WHERE NOT EXISTS "
        "(SELECT 1 FROM message_attachments ma WHERE ma.attachment_id = a.id)");
    while (query.step()) unused.push_back(query.text(0));
    query.reset();
    db_.cached(
           "DELETE FROM attachments WHERE NOT EXISTS "
           "(SELECT 1 FROM message_attachments ma WHERE ma.attachment_id = attachments.id)")
        .run();
    transaction.commit();
  });
  // Files go only after the records are gone for good; a file left behind
  // (removal failed) costs disk space but never breaks a record.
  for (const std::string& sha256 : unused) {
    std::error_code ignored;
    std::filesystem::remove(path_of(sha256), ignored);
  }
  return static_cast<int64_t>(unused.size());
}

}  // namespace mosaic::store
