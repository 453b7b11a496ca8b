// Drives the real mosaic-cli on a tiny synthetic model: every subcommand, the
// JSON output, reproducibility with a seed, and the errors users will meet.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "tests/app/child_process.h"

namespace mosaic {
namespace {

namespace fs = std::filesystem;
using testing::ProcessResult;

class CliTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = fs::temp_directory_path() / ("mosaic-cli-test-" + std::to_string(getpid()));
    fs::create_directories(dir_);
    model_ = (dir_ / "tiny.gguf").string();
    const ProcessResult made = cli(
        {"make-test-model", model_, "--embd",     "64",  "--layers",  "2", "--heads",        "2",
         "--kv-heads",      "1",    "--head-dim", "32",  "--experts", "4", "--experts-used", "2",
         "--expert-ffn",    "64",   "--ctx",      "256", "--seed",    "5"});
    ASSERT_EQ(made.exit_code, 0) << made.err;
    ASSERT_TRUE(fs::exists(model_));
  }
  static void TearDownTestSuite() { fs::remove_all(dir_); }

  static ProcessResult cli(const std::vector<std::string>& args) {
    // Logs go into the test's directory, not the user's home.
    return testing::run_process(MOSAIC_CLI_PATH, args,
                                {{"XDG_STATE_HOME", (dir_ / "state").string()}}, dir_.string());
  }

  static std::vector<std::string> lines(const std::string& text) {
    std::vector<std::string> out;
    std::istringstream stream(text);
    for (std::string line; std::getline(stream, line);) {
      if (!line.empty()) out.push_back(line);
    }
    return out;
  }

  static std::string tokenize_ids(const std::string& text) {
    const ProcessResult r = cli({"tokenize", model_, "--text", text, "--ids-only"});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    return lines(r.out).at(0);
  }

  // Expects a usage error (exit code 2) whose message contains `needle`.
  static void expect_usage_error(const std::vector<std::string>& args, const std::string& needle) {
    const ProcessResult r = cli(args);
    EXPECT_EQ(r.exit_code, 2) << "stdout: " << r.out << "\nstderr: " << r.err;
    EXPECT_NE(r.err.find(needle), std::string::npos) << "stderr: " << r.err;
  }

  static inline fs::path dir_;
  static inline std::string model_;
};

TEST_F(CliTest, VersionAndHelp) {
  const ProcessResult version = cli({"--version"});
  EXPECT_EQ(version.exit_code, 0);
  EXPECT_NE(version.out.find("mosaic-cli "), std::string::npos) << version.out;
  for (const char* sub :
       {"info", "tokenize", "generate", "make-test-model", "chat", "history", "template"}) {
    const ProcessResult help = cli({sub, "--help"});
    EXPECT_EQ(help.exit_code, 0) << sub;
    EXPECT_NE(help.out.find("Usage"), std::string::npos) << sub << ": " << help.out;
  }
  EXPECT_NE(cli({"generate", "--help"}).out.find("--top-logprobs"), std::string::npos);
}

TEST_F(CliTest, InfoDescribesTheModel) {
  const ProcessResult r = cli({"info", model_});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("architecture:   qwen3moe"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("experts:        2 used of 4"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("layers:         2"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("context:        256 tokens"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("vocabulary:     2048 tokens"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("KV cache (F16):"), std::string::npos) << r.out;
}

TEST_F(CliTest, InfoAllKeysPrintsMetadata) {
  const ProcessResult r = cli({"info", model_, "--all-keys"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("general.architecture = \"qwen3moe\""), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("qwen3moe.expert_count = 4"), std::string::npos) << r.out;
}

TEST_F(CliTest, TokenizeListsIdsAndPieces) {
  const ProcessResult full = cli({"tokenize", model_, "--text", "Hello world"});
  ASSERT_EQ(full.exit_code, 0) << full.err;
  const auto rows = lines(full.out);
  ASSERT_FALSE(rows.empty());
  const std::string ids = tokenize_ids("Hello world");
  EXPECT_EQ(static_cast<size_t>(std::count(ids.begin(), ids.end(), ',')) + 1, rows.size());
  // Each row is "<id> '<piece>'" and the ids match --ids-only.
  std::string joined;
  for (const auto& row : rows) {
    std::istringstream fields(row);
    long id = -1;
    fields >> id;
    ASSERT_GE(id, 0) << row;
    joined += (joined.empty() ? "" : ",") + std::to_string(id);
  }
  EXPECT_EQ(joined, ids);
}

TEST_F(CliTest, TokenizeSpecialTokensOnlyWhenAsked) {
  const std::string with_special = tokenize_ids("<|im_start|>");
  const ProcessResult r =
      cli({"tokenize", model_, "--text", "<|im_start|>", "--ids-only", "--no-special"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(with_special.find(','), std::string::npos) << "one control token: " << with_special;
  EXPECT_NE(lines(r.out).at(0).find(','), std::string::npos) << "plain text: " << r.out;
}

TEST_F(CliTest, SameSeedSameText) {
  const std::vector<std::string> args = {"generate", model_,   "--prompt", "Once upon a time", "-n",
                                         "16",       "--temp", "1.0",      "--seed",           "7"};
  const ProcessResult first = cli(args), second = cli(args);
  ASSERT_EQ(first.exit_code, 0) << first.err;
  EXPECT_EQ(first.out, second.out);
  EXPECT_NE(first.err.find("generation:"), std::string::npos) << first.err;
  EXPECT_NE(first.err.find("tok/s"), std::string::npos) << first.err;
}

TEST_F(CliTest, SameSeedSameTokensAndDifferentSeedsDiffer) {
  const auto tokens_for = [](const std::string& seed) {
    const ProcessResult r =
        cli({"generate", model_, "--prompt", "Hi", "-n", "24", "--temp", "1.5", "--top-k", "0",
             "--top-p", "1", "--min-p", "0", "--seed", seed, "--top-logprobs", "1"});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    std::vector<int> tokens;
    for (const auto& line : lines(r.out)) tokens.push_back(nlohmann::json::parse(line)["token"]);
    return tokens;
  };
  const auto a = tokens_for("11");
  EXPECT_EQ(a, tokens_for("11"));
  EXPECT_NE(a, tokens_for("12"));
}

TEST_F(CliTest, PromptTokensAreFedAsGiven) {
  const std::string ids = tokenize_ids("The quick brown fox");
  const ProcessResult r = cli({"generate", model_, "--prompt-tokens", ids, "-n", "4", "--temp", "0",
                               "--top-logprobs", "2", "--all-positions"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const size_t n_prompt = static_cast<size_t>(std::count(ids.begin(), ids.end(), ',')) + 1;
  const auto rows = lines(r.out);
  ASSERT_GE(rows.size(), n_prompt + 1);
  for (size_t i = 0; i < n_prompt; ++i) {
    const auto row = nlohmann::json::parse(rows[i]);
    EXPECT_EQ(row["pos"], i) << rows[i];
    EXPECT_EQ(row["top"].size(), 2u) << rows[i];
  }
  EXPECT_EQ(nlohmann::json::parse(rows[n_prompt])["step"], 0);
}

TEST_F(CliTest, TopLogprobsLinesParseAndHoldKEntries) {
  const int k = 5;
  const ProcessResult r = cli({"generate", model_, "--prompt", "Hello", "-n", "6", "--temp", "0",
                               "--top-logprobs", std::to_string(k)});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto rows = lines(r.out);
  ASSERT_FALSE(rows.empty());
  ASSERT_LE(rows.size(), 6u);
  for (size_t i = 0; i < rows.size(); ++i) {
    const auto row = nlohmann::json::parse(rows[i]);
    EXPECT_EQ(row["step"], i);
    ASSERT_EQ(row["top"].size(), static_cast<size_t>(k)) << rows[i];
    EXPECT_TRUE(row["piece"].is_string());
    double previous = 0.0;
    for (const auto& entry : row["top"]) {
      const double logprob = entry["logprob"];
      EXPECT_LE(logprob, previous + 1e-9) << "top entries best first: " << rows[i];
      previous = logprob;
    }
    // Greedy: the chosen token is the most likely one.
    EXPECT_EQ(row["token"], row["top"][0]["token"]) << rows[i];
    EXPECT_DOUBLE_EQ(row["logprob"].get<double>(), row["top"][0]["logprob"].get<double>());
  }
}

TEST_F(CliTest, ContextFullIsReported) {
  const ProcessResult r = cli({"generate", model_, "--prompt", "Hi", "--raw", "-n", "-1", "--ctx",
                               "12", "--temp", "1", "--seed", "1"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  // A random model may also emit an end token first; both stop cleanly.
  EXPECT_TRUE(r.err.find("context full") != std::string::npos ||
              r.err.find("end of generation") != std::string::npos)
      << r.err;
}

TEST_F(CliTest, BadArgumentsExitWithCode2) {
  expect_usage_error({"generate", model_, "--prompt", "x", "--temp", "abc"}, "--temp");
  expect_usage_error({"generate", model_, "--prompt", "x", "--top-p", "1.5"}, "--top-p");
  expect_usage_error({"generate", model_, "--prompt", "x", "--min-p", "nan"}, "--min-p");
  expect_usage_error({"generate", model_, "--prompt", "x", "-n", "-7"}, "-n");
  expect_usage_error({"generate", model_, "--prompt", "x", "--seed", "-1"}, "--seed");
  expect_usage_error({"generate", model_, "--prompt", "x", "--top-k", "2.5"}, "--top-k");
  expect_usage_error({"generate", model_, "--prompt", "x", "--kv-type", "q8"}, "--kv-type");
  expect_usage_error({"generate", model_, "--prompt", "x", "--all-positions"}, "--top-logprobs");
  expect_usage_error({"generate", model_}, "--prompt");
  expect_usage_error({"generate", model_, "--prompt", "x", "--prompt-tokens", "1"}, "excludes");
  expect_usage_error({"generate", model_, "--prompt-tokens", "1,x"}, "'x'");
  expect_usage_error({"generate", model_, "--prompt-tokens", "99999999"}, "vocabulary");
  expect_usage_error({"tokenize", model_}, "--text");
  expect_usage_error({"make-test-model", (dir_ / "x.gguf").string(), "--type", "q5_K"}, "q5_K");
  expect_usage_error({"make-test-model", (dir_ / "x.gguf").string(), "--layers", "0"}, "--layers");
  expect_usage_error({"frobnicate"}, "frobnicate");
  expect_usage_error({}, "a command is required");
  expect_usage_error({"--log-level", "loud", "info", model_}, "loud");
  EXPECT_FALSE(fs::exists(dir_ / "x.gguf"));
}

TEST_F(CliTest, MissingModelFileIsAClearError) {
  const std::string missing = (dir_ / "no-such-model.gguf").string();
  for (const auto& args : std::vector<std::vector<std::string>>{
           {"info", missing}, {"generate", missing, "--prompt", "x"}}) {
    const ProcessResult r = cli(args);
    EXPECT_EQ(r.exit_code, 1) << r.err;
    EXPECT_NE(r.err.find("model file not found: " + missing), std::string::npos) << r.err;
  }
}

TEST_F(CliTest, WritesALogFileUnderXdgStateHome) {
  ASSERT_EQ(cli({"info", model_}).exit_code, 0);
  EXPECT_TRUE(fs::exists(dir_ / "state" / "mosaic" / "logs" / "mosaic-cli.log"));
}

#ifdef MOSAIC_BENCH_PATH
TEST_F(CliTest, BenchPrintsATableRowPerTest) {
  const ProcessResult r = testing::run_process(
      MOSAIC_BENCH_PATH,
      {"-m", model_, "-p", "16", "-n", "4", "-r", "2", "-t", "1", "--bandwidth-mib", "64"},
      {{"XDG_STATE_HOME", (dir_ / "state").string()}}, dir_.string());
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("| model | type | params | threads | test | t/s | GB/s |"),
            std::string::npos)
      << r.out;
  EXPECT_NE(r.out.find("| pp16 |"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("| tg4 |"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("memory bandwidth:"), std::string::npos) << r.out;
}
#endif

}  // namespace
}  // namespace mosaic
