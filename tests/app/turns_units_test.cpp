// Unit tests of the assistant-turn building blocks that need no model:
// reasoning separation while streaming, the context rule, KV prefix reuse.
#include <gtest/gtest.h>

#include <random>
#include <string>
#include <vector>

#include "app/turns/context_policy.h"
#include "app/turns/prompt_reuse.h"
#include "app/turns/reasoning_splitter.h"
#include "app/turns/write_throttle.h"

namespace mosaic::turns {
namespace {

const ReasoningMarkers kThink{"<think>", "</think>"};

SplitText run_chunks(ReasoningSplitter& s, const std::vector<std::string>& chunks) {
  SplitText all;
  for (const auto& c : chunks) {
    SplitText part = s.push(c);
    all.reasoning += part.reasoning;
    all.answer += part.answer;
  }
  SplitText end = s.finish();
  all.reasoning += end.reasoning;
  all.answer += end.answer;
  return all;
}

TEST(ReasoningSplitter, SeparatesThinkSection) {
  ReasoningSplitter s(kThink, StreamStart::InAnswer);
  SplitText r = run_chunks(s, {"<think>\nLet me add.\n</think>\n\nThe sum is 4."});
  EXPECT_EQ(r.reasoning, "Let me add.\n");
  EXPECT_EQ(r.answer, "The sum is 4.");
  EXPECT_TRUE(s.saw_reasoning());
}

TEST(ReasoningSplitter, MarkersSplitAtEveryByteBoundary) {
  const std::string reply = "<think>plan A, then B</think>Answer: <b>42</b> done";
  for (size_t cut1 = 0; cut1 <= reply.size(); ++cut1) {
    for (size_t cut2 = cut1; cut2 <= reply.size(); cut2 += 3) {
      ReasoningSplitter s(kThink, StreamStart::InAnswer);
      SplitText r = run_chunks(
          s, {reply.substr(0, cut1), reply.substr(cut1, cut2 - cut1), reply.substr(cut2)});
      ASSERT_EQ(r.reasoning, "plan A, then B") << cut1 << "," << cut2;
      ASSERT_EQ(r.answer, "Answer: <b>42</b> done") << cut1 << "," << cut2;
    }
  }
}

TEST(ReasoningSplitter, OneByteAtATimeStreamsReasoningBeforeItCloses) {
  ReasoningSplitter s(kThink, StreamStart::InAnswer);
  std::string reasoning_so_far;
  const std::string reply = "<think>abc def</think>xyz";
  for (char c : reply.substr(0, 14)) reasoning_so_far += s.push(std::string(1, c)).reasoning;
  // "<think>abc def" pushed: all reasoning text is visible while streaming.
  EXPECT_EQ(reasoning_so_far, "abc def");
  EXPECT_TRUE(s.in_reasoning());
}

TEST(ReasoningSplitter, OpenMarkerLaterInAnswerIsAnswerText) {
  ReasoningSplitter s(kThink, StreamStart::InAnswer);
  SplitText r = run_chunks(s, {"Use the tag ", "<think> in your prompt"});
  EXPECT_EQ(r.reasoning, "");
  EXPECT_EQ(r.answer, "Use the tag <think> in your prompt");
  EXPECT_FALSE(s.saw_reasoning());
}

TEST(ReasoningSplitter, PromptThatOpensReasoning) {
  ReasoningSplitter s(kThink, stream_start_for_prompt("<|Assistant|><think>\n", kThink));
  SplitText r = run_chunks(s, {"I should greet.", "</", "think>Hello!"});
  EXPECT_EQ(r.reasoning, "I should greet.");
  EXPECT_EQ(r.answer, "Hello!");
}

TEST(ReasoningSplitter, UnclosedReasoningStaysReasoning) {
  ReasoningSplitter s(kThink, StreamStart::InAnswer);
  SplitText r = run_chunks(s, {"<think>still thinking </thi"});
  EXPECT_EQ(r.reasoning, "still thinking </thi");
  EXPECT_EQ(r.answer, "");
}

TEST(ReasoningSplitter, NoMarkersMeansAllAnswer) {
  ReasoningSplitter s({}, StreamStart::InReasoning);
  SplitText r = run_chunks(s, {"<think>x</think>y"});
  EXPECT_EQ(r.answer, "<think>x</think>y");
}

TEST(ReasoningSplitter, PromptEndings) {
  EXPECT_EQ(stream_start_for_prompt("assistant\n<think>\n\n</think>\n\n", kThink),
            StreamStart::InAnswer);
  EXPECT_EQ(stream_start_for_prompt("assistant\n<think>\n", kThink), StreamStart::InReasoning);
  EXPECT_EQ(stream_start_for_prompt("assistant\n", kThink), StreamStart::InAnswer);
}

TEST(ReasoningMarkers, FoundInTemplates) {
  EXPECT_EQ(reasoning_markers_for_template("{{ '<think>\\n' }}").close, "</think>");
  EXPECT_EQ(reasoning_markers_for_template("{{ '<seed:think>' }}").open, "<seed:think>");
  EXPECT_TRUE(reasoning_markers_for_template("<|im_start|>").open.empty());
}

// A counter where every message costs its length in "tokens" plus 4.
int64_t count_chars(const std::vector<PromptMessage>& msgs) {
  int64_t n = 0;
  for (const auto& m : msgs) n += 4 + static_cast<int64_t>(m.content.size());
  return n;
}

std::vector<PromptMessage> conversation() {
  return {
      {Role::System, std::string(10, 's'), "", {}},    {Role::User, std::string(20, 'a'), "", {}},
      {Role::Assistant, std::string(30, 'b'), "", {}}, {Role::User, std::string(20, 'c'), "", {}},
      {Role::Assistant, std::string(30, 'd'), "", {}}, {Role::User, std::string(20, 'e'), "", {}}};
}

TEST(ContextPolicy, EverythingFitsNothingDropped) {
  auto plan = std::get<ContextPlan>(plan_context(conversation(), {200, 20}, count_chars));
  EXPECT_EQ(plan.dropped_messages, 0);
  EXPECT_EQ(plan.messages.size(), 6u);
  EXPECT_EQ(plan.prompt_tokens, 154);
  EXPECT_TRUE(plan.notice.empty());
}

TEST(ContextPolicy, DropsOldestWholeExchangesAndSaysSo) {
  // 154 tokens do not fit 140 - 20; dropping the first exchange (58) leaves 96.
  auto plan = std::get<ContextPlan>(plan_context(conversation(), {140, 20}, count_chars));
  EXPECT_EQ(plan.dropped_messages, 2);
  ASSERT_EQ(plan.messages.size(), 4u);
  EXPECT_EQ(plan.messages[0].role, Role::System);
  EXPECT_EQ(plan.messages[1].content, std::string(20, 'c'));
  EXPECT_EQ(plan.prompt_tokens, 96);
  EXPECT_NE(plan.notice.find("2 oldest messages"), std::string::npos) << plan.notice;
}

TEST(ContextPolicy, KeepsOnlySystemAndNewestWhenTight) {
  auto plan = std::get<ContextPlan>(plan_context(conversation(), {60, 20}, count_chars));
  EXPECT_EQ(plan.dropped_messages, 4);
  ASSERT_EQ(plan.messages.size(), 2u);
  EXPECT_EQ(plan.messages[1].content, std::string(20, 'e'));
}

TEST(ContextPolicy, NewestMessageTooLongIsAnError) {
  auto result = plan_context(conversation(), {50, 20}, count_chars);
  ASSERT_TRUE(std::holds_alternative<ContextPlanError>(result));
  EXPECT_NE(std::get<ContextPlanError>(result).message.find("38 tokens"), std::string::npos)
      << std::get<ContextPlanError>(result).message;
}

TEST(PromptReuse, CommonPrefix) {
  std::vector<int64_t> cached = {1, 2, 3, 4, 5};
  std::vector<int64_t> prompt = {1, 2, 3, 9, 9, 9};
  ReusePlan p = plan_prompt_reuse(cached, prompt);
  EXPECT_EQ(p.keep, 3);
  EXPECT_EQ(p.feed_from, 3);
}

TEST(PromptReuse, IdenticalPromptRefeedsLastToken) {
  std::vector<int64_t> same = {7, 8, 9};
  ReusePlan p = plan_prompt_reuse(same, same);
  EXPECT_EQ(p.keep, 2);
  EXPECT_EQ(p.feed_from, 2);
  EXPECT_EQ(plan_prompt_reuse({}, same).keep, 0);
}

TEST(WriteThrottle, BoundsWriteRate) {
  WriteThrottle t(250);
  auto t0 = WriteThrottle::Clock::time_point{} + std::chrono::seconds(100);
  EXPECT_TRUE(t.due(t0));
  t.wrote(t0);
  EXPECT_FALSE(t.due(t0 + std::chrono::milliseconds(249)));
  EXPECT_TRUE(t.due(t0 + std::chrono::milliseconds(250)));
}

}  // namespace
}  // namespace mosaic::turns
