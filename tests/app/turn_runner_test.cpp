// Assistant turns end to end on a generated model and a real SQLite file:
// what is stored while and after a reply streams, branches from edits and
// regenerations, stop and continue, KV reuse across turns, the context rule.
#include "app/turns/turn_runner.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <string>
#include <vector>

#include "app/store/conversation_store.h"
#include "app/store/store_error.h"
#include "app/turns/chat_engine.h"
#include "engine/synthetic/synthetic_model.h"

namespace mosaic::turns {
namespace {

namespace fs = std::filesystem;

class TurnTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new fs::path(fs::temp_directory_path() / ("mosaic-turns-" + std::to_string(getpid())));
    fs::create_directories(*dir_);
    synthetic::ModelSpec spec;
    spec.n_vocab = 600;
    spec.n_embd = 64;
    spec.n_layer = 2;
    spec.n_head = 2;
    spec.n_head_kv = 1;
    spec.head_dim = 32;
    spec.n_expert = 4;
    spec.n_expert_used = 2;
    spec.n_ff_expert = 64;
    spec.n_ctx_train = 512;
    spec.seed = 11;
    const std::string path = (*dir_ / "tiny.gguf").string();
    synthetic::write_model(spec, path);
    model_ = app::load_model(path).release();
  }
  static void TearDownTestSuite() {
    mosaic_model_free(model_);
    fs::remove_all(*dir_);
    delete dir_;
  }

  void SetUp() override {
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    db_path_ = *dir_ / (std::string(info->name()) + ".db");
    store_.emplace(store::ConversationStore::open(db_path_));
    access_.emplace(*store_);
    settings_.sampler.temperature = 0;  // greedy: replies are reproducible
    settings_.max_reply_tokens = 12;
  }

  static mosaic_session_params session_params(int32_t n_ctx = 512) {
    mosaic_session_params p = mosaic_session_default_params();
    p.n_ctx = n_ctx;
    p.n_threads = 2;
    return p;
  }

  int64_t new_conversation(const std::string& system_prompt = "") {
    store::NewConversation fields;
    fields.system_prompt = system_prompt;
    return store_->create_conversation(fields).id;
  }

  static inline fs::path* dir_ = nullptr;
  static inline mosaic_model* model_ = nullptr;
  fs::path db_path_;
  std::optional<store::ConversationStore> store_;
  std::optional<DirectStoreAccess> access_;
  GenerationSettings settings_;
};

TEST_F(TurnTest, ReplyIsStoredWithStatsAndTitle) {
  ChatEngine engine(model_, session_params());
  TurnRunner runner(*access_, engine, "tiny.gguf");
  const int64_t conversation = new_conversation("Be brief.");
  const TurnOutcome out = runner.send(conversation, "Hello there\nsecond line", settings_, {});
  ASSERT_NE(out.status, store::MessageStatus::Error) << out.error;

  const store::Message reply = store_->get_message(out.reply_message_id);
  EXPECT_EQ(reply.role, store::Role::Assistant);
  EXPECT_EQ(reply.content, out.result.answer);
  EXPECT_EQ(reply.reasoning, out.result.reasoning);
  EXPECT_EQ(reply.parent_id, out.user_message_id);
  EXPECT_EQ(reply.model, "tiny.gguf");
  EXPECT_GT(reply.stats.prompt_tokens, 0);
  EXPECT_EQ(reply.stats.completion_tokens, out.result.completion_tokens);
  // 12 tokens without an end token: cut by the limit, so it can be continued.
  if (out.result.finish == TurnFinish::MaxTokens) {
    EXPECT_EQ(reply.status, store::MessageStatus::Incomplete);
  }
  EXPECT_EQ(store_->get_conversation(conversation).title, "Hello there");
  EXPECT_EQ(store_->get_conversation(conversation).active_leaf_message_id, out.reply_message_id);
}

TEST_F(TurnTest, PartialReplyIsSavedWhileStreaming) {
  ChatEngine engine(model_, session_params());
  TurnRunner runner(*access_, engine, "tiny.gguf", /*write_interval_ms=*/0);
  const int64_t conversation = new_conversation();
  std::string streamed;
  int checks = 0;
  TurnEvents events;
  int64_t reply_id = 0;
  events.on_started = [&](int64_t, int64_t reply) { reply_id = reply; };
  events.on_text = [&](const SplitText& piece) {
    streamed += piece.answer;
    // The store already holds the reply up to the previous piece at least.
    const store::Message stored = store_->get_message(reply_id);
    EXPECT_EQ(stored.status, store::MessageStatus::Streaming);
    EXPECT_TRUE(streamed.starts_with(stored.content)) << stored.content;
    ++checks;
  };
  const TurnOutcome out = runner.send(conversation, "Tell me a story", settings_, events);
  EXPECT_GT(checks, 3);
  EXPECT_EQ(store_->get_message(out.reply_message_id).content, streamed);
}

TEST_F(TurnTest, KvReuseGivesTheSameReplyAsAFreshSession) {
  ChatEngine reused(model_, session_params());
  std::vector<PromptMessage> branch = {{Role::System, "You are terse.", "", {}},
                                       {Role::User, "First question", "", {}}};
  const TurnResult first = reused.respond(branch, settings_, {});
  branch.push_back({Role::Assistant, first.answer, "", {}});
  branch.push_back({Role::User, "Second question", "", {}});
  const TurnResult second = reused.respond(branch, settings_, {});
  EXPECT_GT(second.reused_prompt_tokens, 10);
  EXPECT_LT(second.reused_prompt_tokens, second.prompt_tokens);

  ChatEngine fresh(model_, session_params());
  const TurnResult expected = fresh.respond(branch, settings_, {});
  EXPECT_EQ(expected.reused_prompt_tokens, 0);
  EXPECT_EQ(second.answer, expected.answer);
  EXPECT_EQ(second.prompt_tokens, expected.prompt_tokens);
}

TEST_F(TurnTest, RegenerateAndEditMakeSiblingsAndKeepOldBranches) {
  ChatEngine engine(model_, session_params());
  TurnRunner runner(*access_, engine, "tiny.gguf");
  const int64_t conversation = new_conversation();
  const TurnOutcome a = runner.send(conversation, "Question one", settings_, {});
  const TurnOutcome b = runner.send(conversation, "Question two", settings_, {});

  settings_.sampler.temperature = 1.0f;
  const TurnOutcome regen = runner.regenerate(b.reply_message_id, settings_, {});
  EXPECT_EQ(regen.user_message_id, b.user_message_id);
  const store::SiblingPosition replies = store_->siblings(regen.reply_message_id);
  EXPECT_EQ(replies.count(), 2u);
  EXPECT_EQ(replies.index, 1u);
  // Another regeneration with the same settings is a different reply: the
  // seed moves on with the reply's place among its siblings.
  const TurnOutcome regen2 = runner.regenerate(b.reply_message_id, settings_, {});
  EXPECT_EQ(store_->siblings(regen2.reply_message_id).index, 2u);
  EXPECT_NE(regen2.result.answer, regen.result.answer);

  const TurnOutcome edited =
      runner.edit(b.user_message_id, "Question two, rephrased", settings_, {});
  EXPECT_NE(edited.user_message_id, b.user_message_id);
  EXPECT_EQ(store_->siblings(edited.user_message_id).count(), 2u);
  // The active branch follows the edit; the old messages are all still there.
  const auto branch = store_->active_branch(conversation);
  ASSERT_EQ(branch.size(), 4u);
  EXPECT_EQ(branch[1].id, a.reply_message_id);
  EXPECT_EQ(branch[2].content, "Question two, rephrased");
  EXPECT_EQ(store_->get_message(b.reply_message_id).content, b.result.answer);
  EXPECT_EQ(store_->all_messages(conversation).size(), 8u);
}

TEST_F(TurnTest, StoppedReplyIsIncompleteAndContinuesInPlace) {
  ChatEngine engine(model_, session_params());
  TurnRunner runner(*access_, engine, "tiny.gguf");
  const int64_t conversation = new_conversation();
  int pieces = 0;
  TurnEvents stop_early;
  stop_early.on_text = [&](const SplitText&) { ++pieces; };
  stop_early.should_stop = [&] { return pieces >= 3; };
  settings_.max_reply_tokens = 40;
  const TurnOutcome stopped =
      runner.send(conversation, "Write a long answer", settings_, stop_early);
  EXPECT_EQ(stopped.result.finish, TurnFinish::Stopped);
  const store::Message partial = store_->get_message(stopped.reply_message_id);
  EXPECT_EQ(partial.status, store::MessageStatus::Incomplete);
  EXPECT_FALSE(partial.content.empty());

  const TurnOutcome resumed = runner.continue_reply(stopped.reply_message_id, settings_, {});
  EXPECT_EQ(resumed.reply_message_id, stopped.reply_message_id);
  const store::Message whole = store_->get_message(stopped.reply_message_id);
  EXPECT_TRUE(whole.content.starts_with(partial.content));
  EXPECT_GT(whole.content.size(), partial.content.size());
  EXPECT_NE(whole.status, store::MessageStatus::Streaming);
  EXPECT_EQ(store_->all_messages(conversation).size(), 2u);  // no new message
}

TEST_F(TurnTest, ContinuingReasoningKeepsItSeparate) {
  ChatEngine engine(model_, session_params());
  TurnRunner runner(*access_, engine, "tiny.gguf");
  const int64_t conversation = new_conversation();
  const int64_t user = store_->append_message(conversation, std::nullopt, store::Role::User, "Hi");
  store::NewMessage cut;
  cut.role = store::Role::Assistant;
  cut.reasoning = "The user greets me.";
  cut.status = store::MessageStatus::Incomplete;
  const int64_t reply = store_->append_message(conversation, user, cut);
  const TurnOutcome out = runner.continue_reply(reply, settings_, {});
  ASSERT_NE(out.status, store::MessageStatus::Error) << out.error;
  const store::Message stored = store_->get_message(reply);
  EXPECT_TRUE(stored.reasoning.starts_with("The user greets me.")) << stored.reasoning;
  EXPECT_GT(stored.reasoning.size() + stored.content.size(), cut.reasoning.size());
}

TEST_F(TurnTest, LongConversationDropsOldTurnsAndSaysSo) {
  ChatEngine engine(model_, session_params(/*n_ctx=*/160));
  TurnRunner runner(*access_, engine, "tiny.gguf");
  const int64_t conversation = new_conversation();
  settings_.reply_reserve_tokens = 16;
  settings_.max_reply_tokens = 8;
  std::string notice;
  TurnEvents events;
  events.on_notice = [&](const std::string& n) { notice = n; };
  for (int i = 0; i < 6 && notice.empty(); ++i) {
    const TurnOutcome out =
        runner.send(conversation, "Message number " + std::to_string(i) + " with some words",
                    settings_, events);
    ASSERT_NE(out.status, store::MessageStatus::Error) << out.error;
  }
  EXPECT_NE(notice.find("oldest message"), std::string::npos) << notice;
}

TEST_F(TurnTest, MessageTooLongForTheContextIsAStoredError) {
  ChatEngine engine(model_, session_params(/*n_ctx=*/64));
  TurnRunner runner(*access_, engine, "tiny.gguf");
  const int64_t conversation = new_conversation();
  const TurnOutcome out = runner.send(conversation, std::string(2000, 'x'), settings_, {});
  EXPECT_EQ(out.status, store::MessageStatus::Error);
  EXPECT_NE(out.error.find("context"), std::string::npos) << out.error;
  const store::Message reply = store_->get_message(out.reply_message_id);
  EXPECT_EQ(reply.status, store::MessageStatus::Error);
  EXPECT_EQ(reply.error_text, out.error);
  // The user's message is kept, so nothing typed is lost.
  EXPECT_EQ(store_->get_message(out.user_message_id).content.size(), 2000u);
}

// The store as a full disk leaves it: streaming writes fail after a few.
class FillingUpStore final : public StoreAccess {
 public:
  FillingUpStore(store::ConversationStore& s, int writes_that_fit)
      : direct_(s), left_(writes_that_fit) {}
  void run_and_wait(const StoreTask& task) override { direct_.run_and_wait(task); }
  void run_later(StoreTask task) override {
    if (left_-- <= 0)
      throw store::StoreError(store::StoreErrorKind::Full, "database or disk is full");
    direct_.run_later(std::move(task));
  }

 private:
  DirectStoreAccess direct_;
  int left_;
};

TEST_F(TurnTest, FullDiskStopsTheReplyAndLosesNothingSaved) {
  ChatEngine engine(model_, session_params());
  FillingUpStore filling(*store_, 3);
  TurnRunner runner(filling, engine, "tiny.gguf", /*write_interval_ms=*/0);
  const int64_t conversation = new_conversation();
  settings_.max_reply_tokens = 40;
  int pieces = 0;
  TurnEvents events;
  events.on_text = [&](const SplitText&) { ++pieces; };
  const TurnOutcome out = runner.send(conversation, "Tell me more", settings_, events);
  EXPECT_EQ(out.status, store::MessageStatus::Error);
  EXPECT_NE(out.error.find("could not be saved"), std::string::npos) << out.error;
  EXPECT_NE(out.error.find("disk is full"), std::string::npos) << out.error;
  // It stopped right after the first write that failed, not 40 tokens later.
  EXPECT_EQ(pieces, 4);
  const store::Message reply = store_->get_message(out.reply_message_id);
  EXPECT_EQ(reply.status, store::MessageStatus::Error);
  EXPECT_EQ(store_->get_message(out.user_message_id).content, "Tell me more");
}

TEST_F(TurnTest, AttachedDocumentTextJoinsThePrompt) {
  ChatEngine engine(model_, session_params());
  TurnRunner runner(*access_, engine, "tiny.gguf");
  store::AttachmentInfo info;
  info.mime_type = "text/plain";
  info.original_name = "notes.txt";
  info.extracted_text = "The meeting moved to Thursday at ten in room four.";
  const store::Attachment doc = store_->add_attachment(info.extracted_text, info);

  const TurnOutcome plain = runner.send(new_conversation(), "Summarize", settings_, {});
  const TurnOutcome with_doc =
      runner.send(new_conversation(), "Summarize", {doc.id}, settings_, {});
  ASSERT_NE(with_doc.status, store::MessageStatus::Error) << with_doc.error;
  ASSERT_EQ(store_->attachments_of(with_doc.user_message_id).size(), 1u);
  // The file name line and the document's words are in the prompt.
  const std::vector<PromptMessage> expected = {
      {Role::User, "Summarize\n\n[Attached file: notes.txt]\n" + info.extracted_text, "", {}}};
  const std::string rendered = engine.chat_template().render(
      expected, tmpl::ThinkingMode::ModelDefault, GenerationPrompt::Add);
  const size_t expected_tokens =
      app::tokenize(model_, rendered, MOSAIC_TOKENIZE_PARSE_SPECIAL).size();
  EXPECT_EQ(with_doc.result.prompt_tokens, static_cast<int64_t>(expected_tokens));
  EXPECT_GT(with_doc.result.prompt_tokens, plain.result.prompt_tokens);
}

TEST_F(TurnTest, ModelTemplateIsUsedAndChatMLCanBeChosen) {
  ChatEngine from_model(model_, session_params());
  EXPECT_EQ(from_model.chat_template().source(), TemplateSource::Model);
  EXPECT_EQ(from_model.chat_template().reasoning_markers().open, "<think>");
  const std::string off = from_model.chat_template().render(
      {{Role::User, "Hi", "", {}}}, tmpl::ThinkingMode::Disabled, GenerationPrompt::Add);
  EXPECT_EQ(off, "<|im_start|>user\nHi<|im_end|>\n<|im_start|>assistant\n<think>\n\n</think>\n\n");
  ChatEngine chatml(model_, session_params(), TemplatePreference::ChatML);
  EXPECT_EQ(chatml.chat_template().source(), TemplateSource::ChatMLFallback);
  EXPECT_EQ(chatml.chat_template().render({{Role::User, "Hi", "", {}}},
                                          tmpl::ThinkingMode::Disabled, GenerationPrompt::Add),
            "<|im_start|>user\nHi<|im_end|>\n<|im_start|>assistant\n");
}

}  // namespace
}  // namespace mosaic::turns
