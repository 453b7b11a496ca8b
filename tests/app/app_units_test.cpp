// Unit tests of the app pieces that need no model.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdlib>
#include <string>
#include <vector>

#include "app/cli/cli_error.h"
#include "app/cli/logprobs.h"
#include "app/cli/text_escape.h"
#include "app/cli/token_list.h"
#include "app/core/human_units.h"
#include "app/core/logging.h"

namespace mosaic {
namespace {

TEST(HumanUnits, CountsUseDecimalSuffixes) {
  EXPECT_EQ(app::format_count(950), "950");
  EXPECT_EQ(app::format_count(30'532'122'624), "30.5B");
  EXPECT_EQ(app::format_count(3'300'000'000), "3.3B");
  EXPECT_EQ(app::format_count(151'936), "151.9K");
  EXPECT_EQ(app::format_count(999'999), "1.0M");
}

TEST(HumanUnits, BytesUseBinarySuffixes) {
  EXPECT_EQ(app::format_bytes(512), "512 B");
  EXPECT_EQ(app::format_bytes(1536), "1.5 KiB");
  EXPECT_EQ(app::format_bytes(uint64_t{96} << 20), "96.0 MiB");
  EXPECT_EQ(app::format_bytes(18'556'685'824), "17.3 GiB");
}

TEST(TextEscape, KeepsUtf8AndEscapesTheRest) {
  EXPECT_EQ(cli::escape_piece("Hello"), "Hello");
  EXPECT_EQ(cli::escape_piece(" caf\xc3\xa9"), " caf\xc3\xa9");
  EXPECT_EQ(cli::escape_piece("a\nb\t\\"), "a\\nb\\t\\\\");
  EXPECT_EQ(cli::escape_piece("\x01"), "\\x01");
  // Half of "é" and a lone continuation byte.
  EXPECT_EQ(cli::escape_piece("\xc3"), "\\xc3");
  EXPECT_EQ(cli::escape_piece("\xa9x"), "\\xa9x");
  // An overlong encoding of '/' is not valid UTF-8.
  EXPECT_EQ(cli::escape_piece("\xc0\xaf"), "\\xc0\\xaf");
}

TEST(TokenList, ParsesCommaSeparatedIds) {
  EXPECT_EQ(cli::parse_token_list("1,22, 333 ,0"), (std::vector<mosaic_token>{1, 22, 333, 0}));
  EXPECT_EQ(cli::parse_token_list("7"), (std::vector<mosaic_token>{7}));
}

TEST(TokenList, RejectsAnythingElse) {
  for (const char* bad : {"", "1,,2", "1,x", "-1", "1.5", "99999999999", "1,2,"}) {
    EXPECT_THROW(cli::parse_token_list(bad), cli::UsageError) << bad;
  }
}

TEST(Logprobs, LogSoftmaxAndTopK) {
  // Probabilities 0.5, 0.25, 0.125, 0.125 from logits log(p) + 3.
  const std::vector<float> logits = {std::log(0.125f) + 3, std::log(0.5f) + 3, std::log(0.125f) + 3,
                                     std::log(0.25f) + 3, NAN};
  cli::LogSoftmax distribution;
  distribution.compute(logits, 3);
  ASSERT_EQ(distribution.top().size(), 3u);
  EXPECT_EQ(distribution.top()[0].token, 1);
  EXPECT_EQ(distribution.top()[1].token, 3);
  EXPECT_EQ(distribution.top()[2].token, 0);  // tie with token 2: the lower id first
  EXPECT_NEAR(distribution.top()[0].logprob, std::log(0.5), 1e-6);
  EXPECT_NEAR(distribution.logprob(2), std::log(0.125), 1e-6);
  EXPECT_TRUE(std::isinf(distribution.logprob(4)));  // NaN counts as -inf
}

TEST(Logprobs, JsonLinesHaveTheDocumentedShape) {
  const std::vector<float> logits = {0.0f, 1.0f};
  cli::LogSoftmax distribution;
  distribution.compute(logits, 2);
  const std::string line = cli::step_json_line(4, 1, "hi\"", distribution);
  EXPECT_EQ(line.rfind(R"({"step":4,"token":1,"piece":"hi\"","logprob":)", 0), 0u) << line;
  EXPECT_NE(line.find(R"("top":[{"token":1,"logprob":)"), std::string::npos) << line;
  // Half a UTF-8 character does not break the JSON.
  EXPECT_NO_THROW(cli::step_json_line(0, 0, "\xc3", distribution));
  EXPECT_EQ(cli::position_json_line(2, distribution).rfind(R"({"pos":2,"top":[)", 0), 0u);
}

TEST(Logging, ParsesLevelNames) {
  EXPECT_EQ(app::parse_log_level("DEBUG"), spdlog::level::debug);
  EXPECT_EQ(app::parse_log_level("warning"), spdlog::level::warn);
  EXPECT_EQ(app::parse_log_level("off"), spdlog::level::off);
  EXPECT_FALSE(app::parse_log_level("loud").has_value());
}

TEST(Logging, LogDirectoryFollowsXdgStateHome) {
  setenv("XDG_STATE_HOME", "/tmp/state", 1);
  EXPECT_EQ(app::default_log_directory(), std::filesystem::path("/tmp/state/mosaic/logs"));
  setenv("XDG_STATE_HOME", "relative/dir", 1);  // not absolute: ignored, as XDG says
  setenv("HOME", "/home/someone", 1);
  EXPECT_EQ(app::default_log_directory(),
            std::filesystem::path("/home/someone/.local/state/mosaic/logs"));
}

}  // namespace
}  // namespace mosaic
