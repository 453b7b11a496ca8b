// Attachments: content-addressed files, deduplication, atomic writes,
// ordering per message and cleanup of files no longer used.
#include <gtest/gtest.h>

#include "app/store/attachment_files.h"
#include "app/store/conversation_store.h"
#include "tests/store/store_test_support.h"

namespace mosaic::store {
namespace {

using testing::StoreTest;

// Files in `dir` whose names mark them as unfinished temporary files.
int temp_files_in(const std::filesystem::path& dir) {
  int count = 0;
  if (!std::filesystem::exists(dir)) return 0;
  for (const auto& entry : std::filesystem::recursive_directory_iterator(dir)) {
    if (entry.path().filename().string().find(".tmp-") != std::string::npos) ++count;
  }
  return count;
}

class AttachmentsTest : public StoreTest {};

TEST_F(AttachmentsTest, BytesAreStoredUnderTheirHash) {
  ConversationStore store = open_store();
  Attachment a = store.add_attachment("abc", {.mime_type = "text/plain", .original_name = "a.txt"});
  // SHA-256("abc") from FIPS 180-2.
  const std::string kAbc = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";
  EXPECT_EQ(a.sha256, kAbc);
  EXPECT_EQ(a.size_bytes, 3);
  EXPECT_EQ(a.mime_type, "text/plain");
  EXPECT_EQ(a.original_name, "a.txt");
  std::filesystem::path expected = db_path().parent_path() / "attachments" / "ba" / kAbc;
  EXPECT_EQ(store.path_of(kAbc), expected);
  EXPECT_EQ(testing::file_bytes(expected), "abc");
  EXPECT_EQ(temp_files_in(store.attachments_dir()), 0);
  EXPECT_THROW(store.path_of("../../etc/passwd"), StoreError);
}

TEST_F(AttachmentsTest, SameBytesAreStoredOnce) {
  ConversationStore store = open_store();
  std::string bytes(5000, 'q');
  Attachment first =
      store.add_attachment(bytes, {.mime_type = "text/plain", .original_name = "one"});
  Attachment second = store.add_attachment(bytes, {.mime_type = "text/x", .original_name = "two"});
  EXPECT_EQ(second.id, first.id);
  EXPECT_EQ(second.original_name, "one");  // the existing record is kept
  int files = 0;
  for (const auto& entry : std::filesystem::recursive_directory_iterator(store.attachments_dir())) {
    if (entry.is_regular_file()) ++files;
  }
  EXPECT_EQ(files, 1);
  Attachment other = store.add_attachment("different", {});
  EXPECT_NE(other.id, first.id);
}

TEST_F(AttachmentsTest, DamagedFileIsRewrittenWhenTheBytesComeAgain) {
  ConversationStore store = open_store();
  Attachment a = store.add_attachment("full content", {});
  testing::write_bytes(store.path_of(a.sha256), "full");  // truncated by something outside
  store.add_attachment("full content", {});
  EXPECT_EQ(testing::file_bytes(store.path_of(a.sha256)), "full content");
}

TEST_F(AttachmentsTest, AtomicWriteReplacesWholeFilesAndLeavesNoTemporaries) {
  std::filesystem::path target = dir_.path() / "deep" / "er" / "file.bin";
  write_file_atomically(target, "first version");
  EXPECT_EQ(testing::file_bytes(target), "first version");
  write_file_atomically(target, "v2");
  EXPECT_EQ(testing::file_bytes(target), "v2");
  EXPECT_EQ(temp_files_in(dir_.path()), 0);
  // A directory where the file should go: a clear error, nothing left behind.
  std::filesystem::create_directories(dir_.path() / "blocked");
  try {
    write_file_atomically(dir_.path() / "blocked", "x");
    FAIL() << "renaming over a directory succeeded";
  } catch (const StoreError& error) {
    EXPECT_EQ(error.kind(), StoreErrorKind::Io);
    EXPECT_NE(std::string(error.what()).find("blocked"), std::string::npos);
  }
  EXPECT_EQ(temp_files_in(dir_.path()), 0);
}

TEST_F(AttachmentsTest, FilesLinkToMessagesInOrder) {
  ConversationStore store = open_store();
  std::filesystem::path file = dir_.path() / "notes.md";
  testing::write_bytes(file, "# notes");
  Attachment from_file = store.add_attachment_file(file, {.mime_type = "text/markdown"});
  EXPECT_EQ(from_file.original_name, "notes.md");
  Attachment image =
      store.add_attachment("\x89PNG", {.mime_type = "image/png", .original_name = "p.png"});

  int64_t c = store.create_conversation().id;
  int64_t m = store.append_message(c, std::nullopt, Role::User, "see attached");
  store.link_attachment(m, image.id);
  store.link_attachment(m, from_file.id);
  std::vector<Attachment> list = store.attachments_of(m);
  ASSERT_EQ(list.size(), 2u);
  EXPECT_EQ(list[0].id, image.id);
  EXPECT_EQ(list[1].id, from_file.id);

  EXPECT_THROW(store.link_attachment(m, 9999), StoreError);
  EXPECT_THROW(store.link_attachment(9999, image.id), StoreError);
  try {
    store.add_attachment_file(dir_.path() / "missing.pdf", {});
    FAIL() << "a missing file was attached";
  } catch (const StoreError& error) {
    EXPECT_EQ(error.kind(), StoreErrorKind::Io);
    EXPECT_NE(std::string(error.what()).find("missing.pdf"), std::string::npos);
  }
}

TEST_F(AttachmentsTest, PurgeRemovesOnlyUnusedFiles) {
  ConversationStore store = open_store();
  Attachment shared = store.add_attachment("shared", {});
  Attachment solo = store.add_attachment("solo", {});
  int64_t c1 = store.create_conversation().id;
  int64_t c2 = store.create_conversation().id;
  int64_t m1 = store.append_message(c1, std::nullopt, Role::User, "1");
  int64_t m2 = store.append_message(c2, std::nullopt, Role::User, "2");
  store.link_attachment(m1, shared.id);
  store.link_attachment(m1, solo.id);
  store.link_attachment(m2, shared.id);

  store.trash_conversation(c1);
  EXPECT_EQ(store.purge_trash(0), 1);
  EXPECT_FALSE(std::filesystem::exists(store.path_of(solo.sha256)));
  EXPECT_THROW(store.get_attachment(solo.id), StoreError);
  EXPECT_TRUE(std::filesystem::exists(store.path_of(shared.sha256)));
  EXPECT_EQ(store.attachments_of(m2).size(), 1u);
}

}  // namespace
}  // namespace mosaic::store
