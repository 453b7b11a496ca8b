// Turns a file the user attaches into a stored attachment: the bytes go into
// the content-addressed store, and documents (PDF, DOCX, ODT, text in any
// encoding) get their text extracted, with page markers for PDFs so answers
// can cite pages. Pictures are stored as they are, for vision models.
#pragma once

#include <cstddef>
#include <filesystem>
#include <string>

#include "app/store/conversation_store.h"

namespace mosaic::turns {

enum class ScannedPages { Skip, Ocr };

struct AttachmentImportOptions {
  ScannedPages scanned_pages = ScannedPages::Ocr;
  size_t max_text_bytes = 2 * 1024 * 1024;  // longer text is cut (and the note says so)
};

struct ImportedAttachment {
  store::Attachment attachment;
  // For the user: what the model will and will not see of this file.
  std::string note;
};

// Throws media::MediaError (missing, unreadable, corrupt, unsupported file,
// naming it) or store::StoreError; nothing is stored then.
ImportedAttachment import_attachment(store::ConversationStore& store,
                                     const std::filesystem::path& file,
                                     const AttachmentImportOptions& options = {});

// The MIME type by file extension ("application/octet-stream" when unknown).
std::string mime_type_for(const std::filesystem::path& file);

}  // namespace mosaic::turns
