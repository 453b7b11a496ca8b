// mosaic-cli chat, history and template end to end: the real executable, a
// generated model, a real database file shared between invocations.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "tests/app/child_process.h"

namespace mosaic {
namespace {

namespace fs = std::filesystem;
using testing::ProcessResult;

class ChatCliTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = fs::temp_directory_path() / ("mosaic-chat-cli-" + std::to_string(getpid()));
    fs::create_directories(dir_);
    model_ = (dir_ / "tiny.gguf").string();
    const ProcessResult made = cli(
        {"make-test-model", model_, "--embd",     "64",  "--layers",  "2", "--heads",        "2",
         "--kv-heads",      "1",    "--head-dim", "32",  "--experts", "4", "--experts-used", "2",
         "--expert-ffn",    "64",   "--ctx",      "512", "--seed",    "5"});
    ASSERT_EQ(made.exit_code, 0) << made.err;
  }
  static void TearDownTestSuite() { fs::remove_all(dir_); }

  void SetUp() override {
    data_home_ = dir_ / ::testing::UnitTest::GetInstance()->current_test_info()->name();
    fs::create_directories(data_home_);
  }

  // XDG_DATA_HOME points into the test's folder: the default database lives there.
  ProcessResult run(const std::vector<std::string>& args, const std::string& input = "") const {
    return testing::run_process(
        MOSAIC_CLI_PATH, args,
        {{"XDG_STATE_HOME", (dir_ / "state").string()}, {"XDG_DATA_HOME", data_home_.string()}},
        dir_.string(), input);
  }
  static ProcessResult cli(const std::vector<std::string>& args) {
    return testing::run_process(MOSAIC_CLI_PATH, args,
                                {{"XDG_STATE_HOME", (dir_ / "state").string()}}, dir_.string());
  }

  std::string write_file(const std::string& name, const std::string& text) const {
    const fs::path path = data_home_ / name;
    std::ofstream(path) << text;
    return path.string();
  }

  static inline fs::path dir_;
  static inline std::string model_;
  fs::path data_home_;
};

TEST_F(ChatCliTest, ChatIsStoredAndContinuesInALaterSession) {
  const ProcessResult first =
      run({"chat", model_, "-n", "8", "--temp", "0", "--system", "Be brief."},
          "Hello pelican\nAnother question\n/regen\n");
  ASSERT_EQ(first.exit_code, 0) << first.err;
  EXPECT_NE(first.err.find("conversation 1 (new)"), std::string::npos) << first.err;
  EXPECT_TRUE(fs::exists(data_home_ / "mosaic" / "mosaic.db"));

  const ProcessResult list = run({"history", "list"});
  ASSERT_EQ(list.exit_code, 0) << list.err;
  EXPECT_NE(list.out.find("Hello pelican"), std::string::npos) << list.out;

  // A second session picks the conversation (and its model) up again.
  const ProcessResult again = run({"chat", "--conversation", "1", "-n", "4"}, "Third\n");
  ASSERT_EQ(again.exit_code, 0) << again.err;
  EXPECT_NE(again.err.find("4 message(s)"), std::string::npos)
      << again.err;  // 2 turns, regen replaced

  const ProcessResult shown = run({"history", "show", "1"});
  ASSERT_EQ(shown.exit_code, 0) << shown.err;
  EXPECT_NE(shown.out.find("Hello pelican"), std::string::npos);
  EXPECT_NE(shown.out.find("Third"), std::string::npos);
  EXPECT_NE(shown.out.find("Another question"), std::string::npos);
}

TEST_F(ChatCliTest, SearchExportImportAndTrash) {
  ASSERT_EQ(run({"chat", model_, "-n", "4"}, "Where do flamingos sleep?\n").exit_code, 0);
  ASSERT_EQ(run({"chat", model_, "-n", "4"}, "Penguins are birds\n").exit_code, 0);

  const ProcessResult hits = run({"history", "search", "flamingos"});
  ASSERT_EQ(hits.exit_code, 0) << hits.err;
  EXPECT_NE(hits.out.find("[flamingos]"), std::string::npos) << hits.out;
  EXPECT_EQ(hits.out.find("Penguins"), std::string::npos) << hits.out;
  // Text that is FTS5 syntax is searched for, not parsed.
  EXPECT_EQ(run({"history", "search", "\"AND(NEAR"}).exit_code, 0);

  const std::string exported = (data_home_ / "all.json").string();
  ASSERT_EQ(run({"history", "export", "--all", "-o", exported}).exit_code, 0);
  const auto json = nlohmann::json::parse(std::ifstream(exported));
  EXPECT_FALSE(json.empty());
  const ProcessResult imported = run({"history", "import", exported});
  ASSERT_EQ(imported.exit_code, 0) << imported.err;
  EXPECT_NE(imported.err.find("imported 2 conversation(s)"), std::string::npos) << imported.err;

  ASSERT_EQ(run({"history", "delete", "1"}).exit_code, 0);
  EXPECT_EQ(run({"history", "list"}).out.find("flamingos sleep?\n"), std::string::npos);
  const ProcessResult md = run({"history", "export", "2", "--format", "markdown"});
  EXPECT_NE(md.out.find("## User"), std::string::npos) << md.out;
}

TEST_F(ChatCliTest, BadInputIsAClearError) {
  const ProcessResult missing = run({"chat", "--conversation", "42"}, "hi\n");
  EXPECT_EQ(missing.exit_code, 1);
  EXPECT_NE(missing.err.find("42"), std::string::npos) << missing.err;
  const std::string junk = write_file("junk.json", "{ not json");
  const ProcessResult bad_import = run({"history", "import", junk});
  EXPECT_EQ(bad_import.exit_code, 1) << bad_import.err;
  const ProcessResult no_model = run({"chat"}, "hi\n");
  EXPECT_EQ(no_model.exit_code, 2) << no_model.err;
}

TEST_F(ChatCliTest, AttachedDocumentIsStoredWithItsText) {
  const std::string doc = write_file("minutes.txt", "Budget approved for the heron survey.\n");
  const ProcessResult r =
      run({"chat", model_, "-n", "4"},
          "/attach " + doc + "\n/attach /nonexistent/file.pdf\nSummarize this\n");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  if (r.err.find("no media support") != std::string::npos) GTEST_SKIP() << "built without media";
  EXPECT_NE(r.err.find("attached minutes.txt: text read"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("cannot attach /nonexistent/file.pdf"), std::string::npos) << r.err;
  // The document's text is searchable through the lossless export.
  const ProcessResult exported = run({"history", "export", "1"});
  ASSERT_EQ(exported.exit_code, 0) << exported.err;
  EXPECT_NE(exported.out.find("heron survey"), std::string::npos) << exported.out;
  EXPECT_NE(exported.out.find("minutes.txt"), std::string::npos);
}

TEST_F(ChatCliTest, TemplatePrintsTheRenderedPrompt) {
  const std::string messages = write_file(
      "messages.json", R"([{"role":"system","content":"Be kind."},{"role":"user","content":"Hi"},)"
                       R"({"role":"assistant","content":"Hello!","reasoning_content":"greet"},)"
                       R"({"role":"user","content":"Bye"}])");
  const ProcessResult r = run({"template", model_, "--messages", messages, "--thinking", "off"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out,
            "<|im_start|>system\nBe kind.<|im_end|>\n<|im_start|>user\nHi<|im_end|>\n"
            "<|im_start|>assistant\nHello!<|im_end|>\n<|im_start|>user\nBye<|im_end|>\n"
            "<|im_start|>assistant\n<think>\n\n</think>\n\n");
  const ProcessResult no_gen =
      run({"template", model_, "--messages", messages, "--no-generation-prompt", "--chatml"});
  ASSERT_EQ(no_gen.exit_code, 0) << no_gen.err;
  EXPECT_TRUE(no_gen.out.ends_with("<|im_start|>user\nBye<|im_end|>\n")) << no_gen.out;

  const std::string not_array = write_file("obj.json", R"({"role":"user"})");
  const ProcessResult bad = run({"template", model_, "--messages", not_array});
  EXPECT_EQ(bad.exit_code, 1);
  EXPECT_NE(bad.err.find("expected a JSON array"), std::string::npos) << bad.err;
}

}  // namespace
}  // namespace mosaic
