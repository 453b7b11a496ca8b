// JSON export/import round trip (every field, every branch, attachments) and
// the shape of the Markdown export.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "app/store/conversation_store.h"
#include "tests/store/store_test_support.h"

namespace mosaic::store {
namespace {

using nlohmann::json;
using testing::StoreTest;

// Replaces database ids by positions so two exports of the same content
// compare equal: message ids by their index in the conversation's list.
json without_ids(json document) {
  for (json& c : document["conversations"]) {
    std::map<int64_t, int64_t> position;
    for (json& m : c["messages"]) {
      int64_t index = static_cast<int64_t>(position.size());
      position[m["id"].get<int64_t>()] = index;
    }
    auto remap = [&](json& value) {
      if (!value.is_null()) value = position.at(value.get<int64_t>());
    };
    for (json& m : c["messages"]) {
      remap(m["id"]);
      remap(m["parent_id"]);
    }
    remap(c["active_leaf_message_id"]);
    c.erase("id");
  }
  return document;
}

class ExportImportTest : public StoreTest {
 protected:
  // A conversation using every field: branches, reasoning, statuses, stats,
  // attachments (one shared), plus a pinned one and one in the trash.
  void fill(ConversationStore& store) {
    int64_t c = store
                    .create_conversation({.title = "Rich",
                                          .model = "/m/qwen3-30b-a3b.gguf",
                                          .system_prompt = "You are terse.",
                                          .settings_json = R"({"temperature":0.7})"})
                    .id;
    clock_.advance_ms(100);
    int64_t u = store.append_message(c, std::nullopt, Role::User, "Summarize this ✓ \"quoted\"");
    Attachment doc = store.add_attachment(std::string("%PDF\0binary\xff", 12),
                                          {.mime_type = "application/pdf",
                                           .original_name = "paper.pdf",
                                           .extracted_text = "Abstract...",
                                           .metadata_json = R"({"pages":3})"});
    Attachment image =
        store.add_attachment("PNGDATA", {.mime_type = "image/png", .original_name = "fig.png"});
    store.link_attachment(u, doc.id);
    store.link_attachment(u, image.id);
    clock_.advance_ms(100);
    NewMessage reply{.role = Role::Assistant, .status = MessageStatus::Streaming, .model = "qwen"};
    int64_t a1 = store.append_message(c, u, reply);
    store.update_streaming(a1, "It says X.", "Let me think.\nStep 1.");
    store.finish_message(a1, MessageStatus::Complete,
                         {.prompt_tokens = 100,
                          .completion_tokens = 20,
                          .time_to_first_token_ms = 50,
                          .generation_ms = 400});
    clock_.advance_ms(100);
    int64_t a2 = store.append_sibling(a1, reply);
    store.finish_message(a2, MessageStatus::Error, {}, "context full");
    clock_.advance_ms(100);
    int64_t u2 = store.append_message(c, a1, Role::User, "More?");
    store.append_message(c, u2, Role::Tool, "{\"result\": 42}");
    store.set_active_leaf(a1);
    store.set_pinned(c, Pinned::Yes);

    int64_t other = store.create_conversation({.title = "Other"}).id;
    int64_t m = store.append_message(other, std::nullopt, Role::User, "shares the figure");
    store.link_attachment(m, image.id);
    int64_t trashed = store.create_conversation({.title = "In the trash"}).id;
    store.append_message(trashed, std::nullopt, Role::System, "sys");
    store.trash_conversation(trashed);
  }
};

TEST_F(ExportImportTest, RoundTripIsLossless) {
  std::string first;
  {
    ConversationStore store = open_store();
    fill(store);
    first = store.export_all_json();
  }
  json parsed = json::parse(first);
  ASSERT_EQ(parsed["conversations"].size(), 3u);
  ASSERT_EQ(parsed["conversations"][0]["messages"].size(), 5u);
  ASSERT_EQ(parsed["attachments"].size(), 2u);  // the shared one embedded once

  testing::TempDir other_dir;
  ConversationStore fresh = ConversationStore::open(other_dir.path() / "other.db");
  std::vector<int64_t> imported = fresh.import_json(first);
  ASSERT_EQ(imported.size(), 3u);
  std::string second = fresh.export_all_json();
  EXPECT_EQ(without_ids(json::parse(second)), without_ids(parsed));

  // The imported data is really there, attachment bytes included.
  Conversation rich = fresh.get_conversation(imported[0]);
  EXPECT_EQ(rich.title, "Rich");
  EXPECT_EQ(rich.pinned, Pinned::Yes);
  std::vector<Message> branch = fresh.active_branch(rich.id);
  ASSERT_EQ(branch.size(), 2u);
  EXPECT_EQ(branch[1].reasoning, "Let me think.\nStep 1.");
  EXPECT_EQ(fresh.siblings(branch[1].id).count(), 2u);
  std::vector<Attachment> files = fresh.attachments_of(branch[0].id);
  ASSERT_EQ(files.size(), 2u);
  EXPECT_EQ(files[0].original_name, "paper.pdf");
  EXPECT_EQ(testing::file_bytes(fresh.path_of(files[0].sha256)),
            std::string("%PDF\0binary\xff", 12));
  EXPECT_TRUE(fresh.get_conversation(imported[2]).deleted_ms.has_value());
  EXPECT_EQ(fresh.search("Summarize").size(), 1u);
}

TEST_F(ExportImportTest, ImportingTwiceGivesTwoCopies) {
  ConversationStore store = open_store();
  fill(store);
  int64_t rich = store.list_conversations()[0].conversation.id;
  std::string one = store.export_conversation_json(rich);
  std::vector<int64_t> a = store.import_json(one);
  std::vector<int64_t> b = store.import_json(one);
  ASSERT_EQ(a.size(), 1u);
  ASSERT_EQ(b.size(), 1u);
  EXPECT_NE(a[0], b[0]);
  EXPECT_NE(a[0], rich);
  EXPECT_EQ(store.all_messages(a[0]).size(), 5u);
  EXPECT_EQ(store.all_messages(b[0]).size(), 5u);
  EXPECT_EQ(store.list_conversations().size(), 4u);  // Rich x3 + Other
}

TEST_F(ExportImportTest, BadExportsAreRejectedWholeWithAReason) {
  ConversationStore store = open_store();
  fill(store);
  int64_t rich = store.list_conversations()[0].conversation.id;
  json good = json::parse(store.export_conversation_json(rich));
  size_t before = store.list_conversations().size();

  json orphan = good;
  orphan["conversations"][0]["messages"][1]["parent_id"] = 987654;
  json bad_hash = good;
  bad_hash["attachments"][0]["data_base64"] = "QUJD";  // "ABC", not the hashed bytes
  json bad_role = good;
  bad_role["conversations"][0]["messages"][0]["role"] = "wizard";
  json missing_field = good;
  missing_field["conversations"][0].erase("title");
  json wrong_type = good;
  wrong_type["conversations"][0]["created_ms"] = "yesterday";

  std::vector<std::pair<std::string, std::string>> cases = {
      {"{not json", "not valid JSON"},
      {R"({"format":"something else"})", "not a Mosaic conversation export"},
      {orphan.dump(), "987654"},
      {bad_hash.dump(), "does not match"},
      {bad_role.dump(), "wizard"},
      {missing_field.dump(), "title"},
      {wrong_type.dump(), "conversation 1: \"created_ms\" must be an integer"},
  };
  for (const auto& [text, reason] : cases) {
    try {
      store.import_json(text);
      ADD_FAILURE() << "accepted: " << reason;
    } catch (const StoreError& error) {
      EXPECT_EQ(error.kind(), StoreErrorKind::InvalidArgument) << error.what();
      EXPECT_NE(std::string(error.what()).find(reason), std::string::npos) << error.what();
    }
    EXPECT_EQ(store.list_conversations().size(), before) << "partial import for " << reason;
  }
}

TEST_F(ExportImportTest, MarkdownShowsTheActiveBranchReadably) {
  ConversationStore store = open_store();
  fill(store);
  int64_t rich = store.list_conversations()[0].conversation.id;
  std::string md = store.export_markdown(rich);

  EXPECT_EQ(md.rfind("# Rich\n", 0), 0u) << md;
  size_t system = md.find("## System prompt\n\nYou are terse.");
  size_t user = md.find("## User\n\nSummarize this");
  size_t attachments = md.find("- paper.pdf (application/pdf, 12 B)\n- fig.png (image/png, 7 B)");
  size_t assistant = md.find("## Assistant\n\n<details>\n<summary>Reasoning</summary>");
  size_t reasoning = md.find("Let me think.\nStep 1.\n\n</details>");
  size_t answer = md.find("It says X.");
  for (size_t position : {system, user, attachments, assistant, reasoning, answer}) {
    ASSERT_NE(position, std::string::npos) << md;
  }
  EXPECT_LT(system, user);
  EXPECT_LT(user, attachments);
  EXPECT_LT(attachments, assistant);
  EXPECT_LT(reasoning, answer);
  // Only the active branch: the failed sibling and the later turn are not shown.
  EXPECT_EQ(md.find("context full"), std::string::npos);
  EXPECT_EQ(md.find("More?"), std::string::npos);
  EXPECT_EQ(md.find("## Tool"), std::string::npos);
}

}  // namespace
}  // namespace mosaic::store
