// Pictures in saved chats: stored attachments become image chunks of the
// prompt (through a PictureSource), the KV-cache reuse spans pictures, and
// the failure cases keep the conversation. A generated qwen3vlmoe model and a
// stand-in picture source (random rows per picture, counted encodes) check
// the turn layer; the real source over an mmproj file is tested in
// vision_prompt_test.cpp.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <map>
#include <random>
#include <string>
#include <vector>

#include "app/core/media_marker.h"
#include "app/store/conversation_store.h"
#include "app/turns/chat_engine.h"
#include "app/turns/prompt_layout.h"
#include "app/turns/turn_runner.h"
#include "engine/synthetic/synthetic_model.h"

namespace mosaic::turns {
namespace {

namespace fs = std::filesystem;

constexpr int64_t kEmbd = 64;
constexpr int64_t kDeepstack = 1;

// Pictures by MIME type: an image is one picture of 3x2 tokens, a video two
// 2x2 frames; rows are random but fixed per picture.
class StandInPictures : public PictureSource {
 public:
  std::vector<PromptPicture> pictures_in(const store::Attachment& a, const fs::path&) override {
    std::vector<PromptPicture> out;
    if (a.mime_type.starts_with("image/")) {
      out.push_back({a.sha256 + "#0", "", a.original_name, grid_w, grid_h});
    } else if (a.mime_type.starts_with("video/")) {
      out.push_back({a.sha256 + "#0", "<0.0 seconds>", a.original_name, 2, 2});
      out.push_back({a.sha256 + "#1", "<2.0 seconds>", a.original_name, 2, 2});
    }
    return out;
  }

  std::shared_ptr<const mosaic_image_embedding> encode(
      const PromptPicture& picture, const std::function<bool(float)>& progress) override {
    if (progress && !progress(0.5f)) return nullptr;
    if (picture.source_name == broken_name) throw std::runtime_error("the file is damaged");
    ++encodes;
    auto rows = std::make_shared<Rows>();
    const int32_t width = static_cast<int32_t>(kEmbd * (1 + kDeepstack));
    rows->data.resize(static_cast<size_t>(picture.grid_w) * picture.grid_h * width);
    std::mt19937 rng(static_cast<uint32_t>(std::hash<std::string>{}(picture.identity)));
    std::uniform_real_distribution<float> dist(-0.5f, 0.5f);
    for (float& v : rows->data) v = dist(rng);
    rows->embedding = {picture.grid_w * picture.grid_h,
                       picture.grid_w,
                       picture.grid_h,
                       static_cast<int32_t>(kEmbd),
                       static_cast<int32_t>(kDeepstack),
                       width,
                       rows->data.data()};
    return {rows, &rows->embedding};
  }

  int encodes = 0;
  int32_t grid_w = 3, grid_h = 2;
  std::string broken_name;

 private:
  struct Rows {
    std::vector<float> data;
    mosaic_image_embedding embedding{};
  };
};

class ChatPicturesTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ =
        new fs::path(fs::temp_directory_path() / ("mosaic-pictures-" + std::to_string(getpid())));
    fs::create_directories(*dir_);
    synthetic::ModelSpec spec = synthetic::tiny_vision_spec(kEmbd, kDeepstack);
    spec.n_ctx_train = 512;
    spec.seed = 23;
    const std::string path = (*dir_ / "vl.gguf").string();
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
    store_.emplace(store::ConversationStore::open(*dir_ / (std::string(info->name()) + ".db")));
    access_.emplace(*store_);
    settings_.sampler.temperature = 0;  // greedy: replies are reproducible
    settings_.max_reply_tokens = 10;
    pictures_ = std::make_shared<StandInPictures>();
  }

  static mosaic_session_params session_params(int32_t n_ctx = 512) {
    mosaic_session_params p = mosaic_session_default_params();
    p.n_ctx = n_ctx;
    p.n_threads = 2;
    return p;
  }

  std::unique_ptr<ChatEngine> vision_engine(int32_t n_ctx = 512) {
    auto engine = std::make_unique<ChatEngine>(model_, session_params(n_ctx));
    engine->set_picture_source(pictures_);
    return engine;
  }

  store::Attachment attach(const std::string& bytes, const std::string& mime,
                           const std::string& name) {
    store::AttachmentInfo info;
    info.mime_type = mime;
    info.original_name = name;
    return store_->add_attachment(bytes, info);
  }

  int64_t new_conversation() { return store_->create_conversation({}).id; }

  static inline fs::path* dir_ = nullptr;
  static inline mosaic_model* model_ = nullptr;
  std::optional<store::ConversationStore> store_;
  std::optional<DirectStoreAccess> access_;
  GenerationSettings settings_;
  std::shared_ptr<StandInPictures> pictures_;
};

// The reply equals what a session fed the same text and rows directly (text
// chunks around an image chunk, greedy) writes: the picture really is in the
// prompt, where the marker puts it.
TEST_F(ChatPicturesTest, PictureReachesTheModelAsADirectFeedDoes) {
  auto engine = vision_engine();
  TurnRunner runner(*access_, *engine, "vl.gguf");
  const store::Attachment cat = attach("cat pixels", "image/png", "cat.png");
  const TurnOutcome out = runner.send(new_conversation(), "What is this?", {cat.id}, settings_, {});
  ASSERT_NE(out.status, store::MessageStatus::Error) << out.error;
  EXPECT_EQ(out.result.prompt_pictures, 1);
  EXPECT_EQ(out.result.encoded_pictures, 1);

  PromptMessage user{Role::User, std::string(app::kMediaMarker) + "\nWhat is this?", "", {}};
  user.pictures = pictures_->pictures_in(cat, {});
  const std::string text =
      engine->chat_template().render({user}, settings_.thinking, GenerationPrompt::Add);
  const std::vector<std::string_view> pieces = app::split_at_media_markers(text);
  ASSERT_EQ(pieces.size(), 2u);
  const auto rows = pictures_->encode(user.pictures[0], {});
  mosaic_chunk chunks[3] = {};
  chunks[0] = {MOSAIC_CHUNK_TEXT, pieces[0].data(), pieces[0].size(), nullptr, nullptr, 0};
  chunks[1] = {MOSAIC_CHUNK_IMAGE, nullptr, 0, rows.get(), nullptr, 0};
  chunks[2] = {MOSAIC_CHUNK_TEXT, pieces[1].data(), pieces[1].size(), nullptr, nullptr, 0};
  app::SessionPtr direct = app::new_session(model_, session_params());
  ASSERT_EQ(mosaic_session_feed_chunks(direct.get(), chunks, 3, nullptr, nullptr), MOSAIC_OK);
  EXPECT_EQ(mosaic_session_n_past(direct.get()), out.result.prompt_tokens);
  ASSERT_EQ(mosaic_session_set_sampler(direct.get(), &settings_.sampler), MOSAIC_OK);
  std::string raw;
  const auto collect = [](mosaic_token, const char* piece, size_t len, void* user) {
    static_cast<std::string*>(user)->append(piece, len);
    return 0;
  };
  mosaic_stop_reason reason{};
  ASSERT_EQ(
      mosaic_session_generate(direct.get(), settings_.max_reply_tokens, collect, &raw, &reason),
      MOSAIC_OK);
  ASSERT_EQ(raw.find("think>"), std::string::npos) << "pick another seed: " << raw;
  EXPECT_EQ(out.result.reasoning + out.result.answer, raw);

  // Without the picture the prompt is shorter by its rows and wrappers.
  const TurnOutcome plain = runner.send(new_conversation(), "What is this?", settings_, {});
  EXPECT_EQ(out.result.prompt_tokens - plain.result.prompt_tokens, 3 * 2 + 2 + 1);  // + its "\n"
}

// A follow-up question reuses the cached picture (no encode, long reuse)
// and answers as a fresh session that encodes it again does.
TEST_F(ChatPicturesTest, FollowUpReusesThePictureAndAnswersAsAFreshSession) {
  auto engine = vision_engine();
  TurnRunner runner(*access_, *engine, "vl.gguf");
  const store::Attachment cat = attach("cat pixels", "image/png", "cat.png");
  const int64_t conversation = new_conversation();
  const TurnOutcome first = runner.send(conversation, "What is this?", {cat.id}, settings_, {});
  ASSERT_NE(first.status, store::MessageStatus::Error) << first.error;
  const TurnOutcome second = runner.send(conversation, "And its colour?", settings_, {});
  ASSERT_NE(second.status, store::MessageStatus::Error) << second.error;
  EXPECT_EQ(second.result.prompt_pictures, 1);
  EXPECT_EQ(second.result.encoded_pictures, 0);
  EXPECT_EQ(pictures_->encodes, 1);
  EXPECT_GT(second.result.reused_prompt_tokens, first.result.prompt_tokens - 2);

  auto fresh_engine = vision_engine();
  TurnRunner fresh(*access_, *fresh_engine, "vl.gguf");
  const TurnOutcome again = fresh.regenerate(second.reply_message_id, settings_, {});
  ASSERT_NE(again.status, store::MessageStatus::Error) << again.error;
  EXPECT_EQ(again.result.reused_prompt_tokens, 0);
  EXPECT_EQ(again.result.encoded_pictures, 1);
  EXPECT_EQ(again.result.answer, second.result.answer);
  EXPECT_EQ(again.result.prompt_tokens, second.result.prompt_tokens);
}

// Editing the text keeps the picture (it is linked to the new branch) and,
// since the picture comes first, its cached rows; another picture is fed.
TEST_F(ChatPicturesTest, EditKeepsThePictureAndAnotherPictureIsFedAgain) {
  auto engine = vision_engine();
  TurnRunner runner(*access_, *engine, "vl.gguf");
  const store::Attachment cat = attach("cat pixels", "image/png", "cat.png");
  const store::Attachment dog = attach("dog pixels", "image/png", "dog.png");
  const TurnOutcome first =
      runner.send(new_conversation(), "What is this?", {cat.id}, settings_, {});
  ASSERT_NE(first.status, store::MessageStatus::Error) << first.error;
  const TurnOutcome edited = runner.edit(first.user_message_id, "Describe it.", settings_, {});
  ASSERT_NE(edited.status, store::MessageStatus::Error) << edited.error;
  ASSERT_EQ(store_->attachments_of(edited.user_message_id).size(), 1u);
  EXPECT_EQ(edited.result.prompt_pictures, 1);
  EXPECT_EQ(edited.result.encoded_pictures, 0);
  EXPECT_GE(edited.result.reused_prompt_tokens, 3 * 2 + 2);

  const TurnOutcome other =
      runner.send(new_conversation(), "What is this?", {dog.id}, settings_, {});
  ASSERT_NE(other.status, store::MessageStatus::Error) << other.error;
  EXPECT_EQ(other.result.encoded_pictures, 1);
  // The text before the picture is shared; the picture is not.
  EXPECT_LT(other.result.reused_prompt_tokens, first.result.prompt_tokens - 3 * 2);
}

TEST_F(ChatPicturesTest, VideoGivesLabelledFramesInOrder) {
  auto engine = vision_engine();
  TurnRunner runner(*access_, *engine, "vl.gguf");
  const store::Attachment clip = attach("video bytes", "video/mp4", "clip.mp4");
  const TurnOutcome out =
      runner.send(new_conversation(), "What happens?", {clip.id}, settings_, {});
  ASSERT_NE(out.status, store::MessageStatus::Error) << out.error;
  EXPECT_EQ(out.result.prompt_pictures, 2);
  EXPECT_EQ(out.result.encoded_pictures, 2);
}

// Text can never claim a picture: a typed marker stays text.
TEST_F(ChatPicturesTest, TypedMarkerIsText) {
  auto engine = vision_engine();
  TurnRunner runner(*access_, *engine, "vl.gguf");
  const std::string typed = "what does " + std::string(app::kMediaMarker) + " mean?";
  const TurnOutcome out = runner.send(new_conversation(), typed, settings_, {});
  ASSERT_NE(out.status, store::MessageStatus::Error) << out.error;
  EXPECT_EQ(out.result.prompt_pictures, 0);
  EXPECT_EQ(store_->get_message(out.user_message_id).content, typed);  // stored as typed
  EXPECT_EQ(app::without_media_markers(typed).find(app::kMediaMarker), std::string::npos);
}

// Without a picture source the picture is named, not sent, and the reply works.
TEST_F(ChatPicturesTest, ModelWithoutVisionGetsTheNameOnly) {
  ChatEngine engine(model_, session_params());
  TurnRunner runner(*access_, engine, "vl.gguf");
  const store::Attachment cat = attach("cat pixels", "image/png", "cat.png");
  const TurnOutcome out = runner.send(new_conversation(), "What is this?", {cat.id}, settings_, {});
  ASSERT_NE(out.status, store::MessageStatus::Error) << out.error;
  EXPECT_EQ(out.result.prompt_pictures, 0);
  const std::vector<PromptMessage> expected = {
      {Role::User,
       "What is this?\n\n[Attached picture: cat.png (not shown: this model cannot see pictures)]",
       ""}};
  const std::string rendered =
      engine.chat_template().render(expected, settings_.thinking, GenerationPrompt::Add);
  EXPECT_EQ(
      out.result.prompt_tokens,
      static_cast<int64_t>(app::tokenize(model_, rendered, MOSAIC_TOKENIZE_PARSE_SPECIAL).size()));
  // And a prompt that has pictures is refused by an engine that cannot see.
  PromptMessage with_picture{Role::User, std::string(app::kMediaMarker) + "hi", "", {}};
  with_picture.pictures.push_back({"x#0", "", "cat.png", 2, 2});
  EXPECT_THROW(engine.respond({with_picture}, settings_, {}), TurnError);
}

// Stopping during the encode leaves an incomplete reply and an untouched
// session; continuing it encodes and answers.
TEST_F(ChatPicturesTest, CancelWhileLookingThenContinue) {
  auto engine = vision_engine();
  TurnRunner runner(*access_, *engine, "vl.gguf");
  const store::Attachment cat = attach("cat pixels", "image/png", "cat.png");
  TurnEvents stop;
  int progress_calls = 0;
  stop.on_picture_progress = [&](int index, int count, float) {
    EXPECT_EQ(index, 0);
    EXPECT_EQ(count, 1);
    ++progress_calls;
    return false;
  };
  const TurnOutcome out =
      runner.send(new_conversation(), "What is this?", {cat.id}, settings_, stop);
  EXPECT_EQ(progress_calls, 1);
  EXPECT_EQ(out.status, store::MessageStatus::Incomplete);
  EXPECT_EQ(out.result.finish, TurnFinish::Stopped);
  EXPECT_EQ(pictures_->encodes, 0);
  const TurnOutcome resumed = runner.continue_reply(out.reply_message_id, settings_, {});
  ASSERT_NE(resumed.status, store::MessageStatus::Error) << resumed.error;
  EXPECT_EQ(resumed.result.encoded_pictures, 1);
  EXPECT_FALSE(resumed.result.answer.empty() && resumed.result.reasoning.empty());
}

TEST_F(ChatPicturesTest, UnreadablePictureIsAStoredErrorAndLosesNothing) {
  auto engine = vision_engine();
  TurnRunner runner(*access_, *engine, "vl.gguf");
  const store::Attachment cat = attach("cat pixels", "image/png", "cat.png");
  pictures_->broken_name = "cat.png";
  const int64_t conversation = new_conversation();
  const TurnOutcome out = runner.send(conversation, "What is this?", {cat.id}, settings_, {});
  ASSERT_EQ(out.status, store::MessageStatus::Error);
  EXPECT_NE(out.error.find("cat.png"), std::string::npos) << out.error;
  EXPECT_NE(out.error.find("damaged"), std::string::npos) << out.error;
  EXPECT_EQ(store_->get_message(out.user_message_id).content, "What is this?");
  // Once the file reads again, a new reply works in the same session.
  pictures_->broken_name.clear();
  const TurnOutcome retry = runner.regenerate(out.reply_message_id, settings_, {});
  ASSERT_NE(retry.status, store::MessageStatus::Error) << retry.error;
  EXPECT_EQ(retry.result.encoded_pictures, 1);
}

TEST_F(ChatPicturesTest, PictureLargerThanTheContextIsAClearError) {
  auto engine = vision_engine(/*n_ctx=*/64);
  TurnRunner runner(*access_, *engine, "vl.gguf");
  pictures_->grid_w = 12;
  pictures_->grid_h = 8;  // 96 rows
  const store::Attachment big = attach("big pixels", "image/png", "big.png");
  const TurnOutcome out = runner.send(new_conversation(), "What is this?", {big.id}, settings_, {});
  ASSERT_EQ(out.status, store::MessageStatus::Error);
  EXPECT_NE(out.error.find("context"), std::string::npos) << out.error;
  EXPECT_EQ(pictures_->encodes, 0);  // refused before any encoding
}

// The layout's arithmetic: keys per slot, resuming inside text, never
// inside a picture.
TEST_F(ChatPicturesTest, LayoutResumesInTextNeverInsideAPicture) {
  app::SessionPtr session = app::new_session(model_, session_params());
  const PromptPicture picture{"p#0", "", "p.png", 2, 2};
  const PromptPicture* pictures[] = {&picture};
  const std::string prompt = "hello there " + std::string(app::kMediaMarker) + " after";
  const PromptLayout layout = lay_out_prompt(model_, session.get(), prompt, pictures);
  ASSERT_EQ(layout.pictures.size(), 1u);
  const int64_t before = static_cast<int64_t>(layout.texts[0].size());
  EXPECT_EQ(layout.pictures[0].first_slot, before);
  EXPECT_EQ(layout.pictures[0].slots, 2 * 2 + 2);
  EXPECT_EQ(layout.size(), before + 6 + static_cast<int64_t>(layout.texts[1].size()));
  for (int64_t i = 0; i < 6; ++i) {
    EXPECT_EQ(layout.slot_keys[before + i], picture_slot_key(picture));
  }
  EXPECT_LT(picture_slot_key(picture), 0);

  EXPECT_EQ(pictures_from(layout, 0).size(), 1u);
  EXPECT_EQ(pictures_from(layout, before + 6).size(), 0u);
  EXPECT_THROW(pictures_from(layout, before + 1), TurnError);
  const mosaic_image_embedding fake{};
  const mosaic_image_embedding* one[] = {&fake};
  const auto from_one = chunks_from(layout, 1, one);
  ASSERT_EQ(from_one.size(), 3u);
  EXPECT_EQ(from_one[0].type, MOSAIC_CHUNK_TOKENS);
  EXPECT_EQ(from_one[0].n_tokens, static_cast<size_t>(before - 1));
  EXPECT_EQ(from_one[1].image, &fake);
  const auto after = chunks_from(layout, before + 6 + 1, {});
  ASSERT_EQ(after.size(), 1u);
  EXPECT_EQ(after[0].n_tokens, layout.texts[1].size() - 1);
  EXPECT_THROW(lay_out_prompt(model_, session.get(), "no marker", pictures), TurnError);
}

}  // namespace
}  // namespace mosaic::turns
