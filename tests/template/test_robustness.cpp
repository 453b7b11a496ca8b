// Truncated and corrupted real templates must end in a render or a
// TemplateError: no crash, no other exception type, no hang.
#include <gtest/gtest.h>

#include <random>

#include "tests/template/render_helpers.h"

namespace mosaic::tmpl {
namespace {

const char* const kFixtures[] = {
    "qwen3.jinja",    "deepseek_v3_1.jinja",    "deepseek_r1_distill.jinja",
    "llama3_2.jinja", "llama3_3.jinja",         "gemma2.jinja",
    "gemma3.jinja",   "mistral_nemo.jinja",     "kimi_k2.jinja",
    "qwen2_5.jinja",  "kimi_k2_thinking.jinja", "gpt_oss.jinja"};

const Json kChat = Json::parse(R"([
  {"role": "system", "content": "S"},
  {"role": "user", "content": "U"},
  {"role": "assistant", "content": "<think>r</think>A", "tool_calls": [
    {"id": "abcdefghi", "type": "function", "function": {"name": "f", "arguments": "{}"}}]},
  {"role": "tool", "tool_call_id": "abcdefghi", "content": "T"},
  {"role": "user", "content": "U2"}
])");

enum class Outcome { Rendered, TemplateFailed };

Outcome try_render(const std::string& source) {
  try {
    ChatRenderOptions options;
    options.date_today = "26 Jul 2024";
    options.tools = Json::parse(R"([{"type": "function", "function": {"name": "f"}}])");
    ChatTemplate::parse(source).render(kChat, options);
    return Outcome::Rendered;
  } catch (const TemplateError&) {
    return Outcome::TemplateFailed;
  }
}

TEST(Robustness, TruncationsOfEveryFixtureRenderOrFailCleanly) {
  for (const char* name : kFixtures) {
    const std::string source = testing::load_fixture(name);
    // Every cut in the first 300 bytes, then about 1000 cuts spread over the
    // rest (odd stride so cuts land on all kinds of characters); keeps the
    // test to a couple of seconds while the large templates stay covered.
    const size_t stride = (source.size() / 1000) | 1;
    size_t cuts = 0, failures = 0;
    for (size_t cut = 0; cut <= source.size(); cut += (cut < 300 ? 1 : stride)) {
      ++cuts;
      // Any exception other than TemplateError escapes and fails the test.
      if (try_render(source.substr(0, cut)) == Outcome::TemplateFailed) ++failures;
    }
    // Most cuts land inside a tag or block, so errors must actually occur.
    EXPECT_GT(failures, cuts / 4) << name;
  }
}

TEST(Robustness, RandomByteCorruptionRendersOrFailsCleanly) {
  std::mt19937 rng(12345);
  const std::string alphabet = "{}%#-+()[]'\".,|:=~ \nabcxyz0123456789";
  for (const char* name : kFixtures) {
    const std::string source = testing::load_fixture(name);
    for (int round = 0; round < 150; ++round) {
      std::string mutated = source;
      const int edits = 1 + static_cast<int>(rng() % 4);
      for (int e = 0; e < edits; ++e) {
        const size_t at = rng() % mutated.size();
        mutated[at] = alphabet[rng() % alphabet.size()];
      }
      try_render(mutated);
    }
  }
  SUCCEED();
}

TEST(Robustness, HostileTemplatesAreBounded) {
  EXPECT_EQ(try_render("{% for i in range(100000000) %}{% endfor %}"), Outcome::TemplateFailed);
  EXPECT_EQ(try_render("{{ 'x' * 1000000000 }}"), Outcome::TemplateFailed);
  EXPECT_EQ(try_render("{{ " + std::string(5000, '(') + "1" + std::string(5000, ')') + " }}"),
            Outcome::TemplateFailed);
  EXPECT_EQ(
      try_render("{% for a in range(1000) %}{% for b in range(1000) %}{% for c in range(100) %}"
                 "{% endfor %}{% endfor %}{% endfor %}"),
      Outcome::TemplateFailed);
  EXPECT_EQ(try_render("{% macro f() %}{{ f() }}{% endmacro %}{{ f() }}"), Outcome::TemplateFailed);
}

TEST(Robustness, MemoryAmplificationIsRefused) {
  EXPECT_EQ(try_render("{% set ns = namespace(s='ab') %}{% for i in range(40) %}"
                       "{% set ns.s = ns.s ~ ns.s %}{% endfor %}"),
            Outcome::TemplateFailed);
  EXPECT_EQ(try_render("{% set ns = namespace(l=[1]) %}{% for i in range(40) %}"
                       "{% set ns.l = ns.l + ns.l %}{% endfor %}"),
            Outcome::TemplateFailed);
  EXPECT_EQ(try_render("{{ ('a' * 10000000) | replace('', 'bbbbbbbbbb') }}"),
            Outcome::TemplateFailed);
  EXPECT_EQ(try_render("{{ ['x' * 1000000] * 100 }}"), Outcome::TemplateFailed);
}

TEST(Robustness, SelfContainingListFailsInsteadOfRecursingForever) {
  EXPECT_EQ(try_render("{% set xs = [] %}{% set _ = xs.append(xs) %}{{ xs }}"),
            Outcome::TemplateFailed);
  EXPECT_EQ(try_render("{% set xs = [1] %}{% set _ = xs.append(xs) %}{{ xs == xs }}"),
            Outcome::TemplateFailed);
}

TEST(Robustness, VeryDeepNestingIsReleasedWithoutStackOverflow) {
  // 200000 nested one-element lists: printing them is refused, and freeing
  // them at the end of the render must not recurse once per level.
  const std::string build =
      "{% set ns = namespace(x=[]) %}{% for i in range(200000) %}{% set ns.x = [ns.x] %}"
      "{% endfor %}";
  EXPECT_EQ(try_render(build + "{{ ns.x | length }}"), Outcome::Rendered);
  EXPECT_EQ(try_render(build + "{{ ns.x }}"), Outcome::TemplateFailed);
  EXPECT_EQ(try_render(build + "{{ ns.x | tojson }}"), Outcome::TemplateFailed);
}

}  // namespace
}  // namespace mosaic::tmpl
