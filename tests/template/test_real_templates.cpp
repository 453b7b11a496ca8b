// The exact chat templates real models ship (fixtures/*.jinja), rendered and
// compared with prompts written out by hand from each family's documented
// format.
#include <gtest/gtest.h>

#include "tests/template/render_helpers.h"

namespace mosaic::tmpl {
namespace {

using testing::load_fixture;

const Json kChat = Json::parse(R"([
  {"role": "system", "content": "You are helpful."},
  {"role": "user", "content": "Hi"},
  {"role": "assistant", "content": "Hello!"},
  {"role": "user", "content": "How are you?"}
])");

const Json kWeatherTool = Json::parse(R"([{"type": "function", "function": {
  "name": "get_weather", "description": "Get weather",
  "parameters": {"type": "object", "properties": {"city": {"type": "string"}}, "required": ["city"]}}}])");

std::string render_fixture(const std::string& name, const Json& messages,
                           ChatRenderOptions options = {}) {
  if (options.date_today.empty()) options.date_today = "26 Jul 2024";
  return ChatTemplate::parse(load_fixture(name)).render(messages, options);
}

ChatRenderOptions with_tokens(std::string bos, std::string eos) {
  ChatRenderOptions o;
  o.bos_token = std::move(bos);
  o.eos_token = std::move(eos);
  return o;
}

TemplateError render_error(const std::string& name, const Json& messages,
                           ChatRenderOptions options = {}) {
  try {
    render_fixture(name, messages, options);
  } catch (const TemplateError& e) {
    return e;
  }
  ADD_FAILURE() << name << " rendered without error";
  return TemplateError(TemplateErrorKind::Render, {}, "none");
}

// ---- Qwen3 ----

TEST(Qwen3, ConversationWithGenerationPrompt) {
  EXPECT_EQ(render_fixture("qwen3.jinja", kChat),
            "<|im_start|>system\nYou are helpful.<|im_end|>\n"
            "<|im_start|>user\nHi<|im_end|>\n"
            "<|im_start|>assistant\nHello!<|im_end|>\n"
            "<|im_start|>user\nHow are you?<|im_end|>\n"
            "<|im_start|>assistant\n");
}

TEST(Qwen3, ThinkingDisabledAddsEmptyThinkBlock) {
  ChatRenderOptions off;
  off.thinking = ThinkingMode::Disabled;
  const std::string expected =
      "<|im_start|>user\nHi<|im_end|>\n<|im_start|>assistant\n<think>\n\n</think>\n\n";
  const Json one = Json::parse(R"([{"role": "user", "content": "Hi"}])");
  EXPECT_EQ(render_fixture("qwen3.jinja", one, off), expected);
  ChatRenderOptions on;
  on.thinking = ThinkingMode::Enabled;
  EXPECT_EQ(render_fixture("qwen3.jinja", one, on),
            "<|im_start|>user\nHi<|im_end|>\n<|im_start|>assistant\n");
}

TEST(Qwen3, NoGenerationPrompt) {
  ChatRenderOptions o;
  o.add_generation_prompt = false;
  EXPECT_EQ(render_fixture("qwen3.jinja", Json::parse(R"([{"role": "user", "content": "Hi"}])"), o),
            "<|im_start|>user\nHi<|im_end|>\n");
}

TEST(Qwen3, ReasoningOfEarlierTurnsIsDropped) {
  const Json chat = Json::parse(R"([
    {"role": "user", "content": "What is 2+2?"},
    {"role": "assistant", "content": "4", "reasoning_content": "Simple sum."},
    {"role": "user", "content": "And 3+3?"},
    {"role": "assistant", "content": "6", "reasoning_content": "Add again."}
  ])");
  ChatRenderOptions o;
  o.add_generation_prompt = false;
  EXPECT_EQ(render_fixture("qwen3.jinja", chat, o),
            "<|im_start|>user\nWhat is 2+2?<|im_end|>\n"
            "<|im_start|>assistant\n4<|im_end|>\n"
            "<|im_start|>user\nAnd 3+3?<|im_end|>\n"
            "<|im_start|>assistant\n<think>\nAdd again.\n</think>\n\n6<|im_end|>\n");
}

TEST(Qwen3, InlineThinkBlockInContentIsStrippedFromHistory) {
  const Json chat = Json::parse(R"([
    {"role": "user", "content": "Q1"},
    {"role": "assistant", "content": "<think>\nhmm\n</think>\n\nA1"},
    {"role": "user", "content": "Q2"}
  ])");
  EXPECT_EQ(render_fixture("qwen3.jinja", chat),
            "<|im_start|>user\nQ1<|im_end|>\n"
            "<|im_start|>assistant\nA1<|im_end|>\n"
            "<|im_start|>user\nQ2<|im_end|>\n"
            "<|im_start|>assistant\n");
}

TEST(Qwen3, ToolsAndToolCalls) {
  const Json chat = Json::parse(R"([
    {"role": "system", "content": "You are helpful."},
    {"role": "user", "content": "Weather in Paris?"},
    {"role": "assistant", "content": "", "tool_calls": [
      {"type": "function", "function": {"name": "get_weather", "arguments": {"city": "Paris"}}}]},
    {"role": "tool", "content": "{\"temp\": 20}"}
  ])");
  ChatRenderOptions o;
  o.tools = kWeatherTool;
  EXPECT_EQ(
      render_fixture("qwen3.jinja", chat, o),
      "<|im_start|>system\nYou are helpful.\n\n# Tools\n\nYou may call one or more functions to "
      "assist with the user query.\n\nYou are provided with function signatures within "
      "<tools></tools> XML tags:\n<tools>\n"
      R"({"type": "function", "function": {"name": "get_weather", "description": "Get weather", )"
      R"("parameters": {"type": "object", "properties": {"city": {"type": "string"}}, "required": ["city"]}}})"
      "\n</tools>\n\nFor each function call, return a json object with function name and arguments "
      "within <tool_call></tool_call> XML tags:\n<tool_call>\n"
      R"({"name": <function-name>, "arguments": <args-json-object>})"
      "\n</tool_call><|im_end|>\n"
      "<|im_start|>user\nWeather in Paris?<|im_end|>\n"
      "<|im_start|>assistant\n<tool_call>\n"
      R"({"name": "get_weather", "arguments": {"city": "Paris"}})"
      "\n</tool_call><|im_end|>\n"
      "<|im_start|>user\n<tool_response>\n{\"temp\": 20}\n</tool_response><|im_end|>\n"
      "<|im_start|>assistant\n");
}

// ---- Qwen2.5 (ChatML with a default system prompt) ----

TEST(Qwen25, DefaultSystemPromptWhenNoneGiven) {
  EXPECT_EQ(render_fixture("qwen2_5.jinja", Json::parse(R"([{"role": "user", "content": "Hi"}])")),
            "<|im_start|>system\nYou are Qwen, created by Alibaba Cloud. You are a helpful "
            "assistant.<|im_end|>\n<|im_start|>user\nHi<|im_end|>\n<|im_start|>assistant\n");
}

TEST(Qwen25, ConversationWithSystem) {
  EXPECT_EQ(render_fixture("qwen2_5.jinja", kChat),
            "<|im_start|>system\nYou are helpful.<|im_end|>\n"
            "<|im_start|>user\nHi<|im_end|>\n"
            "<|im_start|>assistant\nHello!<|im_end|>\n"
            "<|im_start|>user\nHow are you?<|im_end|>\n"
            "<|im_start|>assistant\n");
}

TEST(Qwen25, ToolCallWithNullContent) {
  const Json chat = Json::parse(R"([
    {"role": "user", "content": "Weather in Paris?"},
    {"role": "assistant", "content": null, "tool_calls": [
      {"type": "function", "function": {"name": "get_weather", "arguments": {"city": "Paris"}}}]},
    {"role": "tool", "content": "20"}
  ])");
  ChatRenderOptions o;
  o.tools = kWeatherTool;
  EXPECT_EQ(
      render_fixture("qwen2_5.jinja", chat, o),
      "<|im_start|>system\nYou are Qwen, created by Alibaba Cloud. You are a helpful assistant."
      "\n\n# Tools\n\nYou may call one or more functions to assist with the user query.\n\n"
      "You are provided with function signatures within <tools></tools> XML tags:\n<tools>\n"
      R"({"type": "function", "function": {"name": "get_weather", "description": "Get weather", )"
      R"("parameters": {"type": "object", "properties": {"city": {"type": "string"}}, "required": ["city"]}}})"
      "\n</tools>\n\nFor each function call, return a json object with function name and arguments "
      "within <tool_call></tool_call> XML tags:\n<tool_call>\n"
      R"({"name": <function-name>, "arguments": <args-json-object>})"
      "\n</tool_call><|im_end|>\n"
      "<|im_start|>user\nWeather in Paris?<|im_end|>\n"
      "<|im_start|>assistant\n<tool_call>\n"
      R"({"name": "get_weather", "arguments": {"city": "Paris"}})"
      "\n</tool_call><|im_end|>\n"
      "<|im_start|>user\n<tool_response>\n20\n</tool_response><|im_end|>\n"
      "<|im_start|>assistant\n");
}

// ---- DeepSeek ----

const char kDsBos[] = "<｜begin▁of▁sentence｜>";

TEST(DeepSeekV31, NonThinkingByDefault) {
  EXPECT_EQ(render_fixture("deepseek_v3_1.jinja", kChat, with_tokens(kDsBos, "")),
            "<｜begin▁of▁sentence｜>You are helpful.<｜User｜>Hi<｜Assistant｜></think>Hello!"
            "<｜end▁of▁sentence｜><｜User｜>How are you?<｜Assistant｜></think>");
}

TEST(DeepSeekV31, ThinkingOpensThinkTag) {
  ChatRenderOptions o = with_tokens(kDsBos, "");
  o.thinking = ThinkingMode::Enabled;
  EXPECT_EQ(render_fixture("deepseek_v3_1.jinja", kChat, o),
            "<｜begin▁of▁sentence｜>You are helpful.<｜User｜>Hi<｜Assistant｜></think>Hello!"
            "<｜end▁of▁sentence｜><｜User｜>How are you?<｜Assistant｜><think>");
}

TEST(DeepSeekV31, HistoryDropsReasoningBeforeCloseTag) {
  const Json chat = Json::parse(R"([
    {"role": "user", "content": "Q"},
    {"role": "assistant", "content": "<think>plan</think>Answer"},
    {"role": "user", "content": "Q2"}
  ])");
  EXPECT_EQ(render_fixture("deepseek_v3_1.jinja", chat, with_tokens(kDsBos, "")),
            "<｜begin▁of▁sentence｜><｜User｜>Q<｜Assistant｜></think>Answer<｜end▁of▁sentence｜>"
            "<｜User｜>Q2<｜Assistant｜></think>");
}

TEST(DeepSeekR1, ConversationAndThinkPrompt) {
  EXPECT_EQ(render_fixture("deepseek_r1_distill.jinja", kChat, with_tokens(kDsBos, "")),
            "<｜begin▁of▁sentence｜>You are helpful.<｜User｜>Hi<｜Assistant｜>Hello!"
            "<｜end▁of▁sentence｜><｜User｜>How are you?<｜Assistant｜><think>\n");
}

TEST(DeepSeekR1, ReasoningInHistoryIsCutAtCloseTag) {
  const Json chat = Json::parse(R"([
    {"role": "user", "content": "Q"},
    {"role": "assistant", "content": "<think>\nLet me think.\n</think>\n\nA"}
  ])");
  ChatRenderOptions o = with_tokens(kDsBos, "");
  o.add_generation_prompt = false;
  EXPECT_EQ(render_fixture("deepseek_r1_distill.jinja", chat, o),
            "<｜begin▁of▁sentence｜><｜User｜>Q<｜Assistant｜>\n\nA<｜end▁of▁sentence｜>");
}

// ---- Llama 3.x ----

TEST(Llama32, SystemPromptAndStrftimeDate) {
  ChatRenderOptions o = with_tokens("<|begin_of_text|>", "<|eot_id|>");
  o.date_today = "02 Dec 2026";
  EXPECT_EQ(render_fixture("llama3_2.jinja", kChat, o),
            "<|begin_of_text|><|start_header_id|>system<|end_header_id|>\n\n"
            "Cutting Knowledge Date: December 2023\nToday Date: 02 Dec 2026\n\n"
            "You are helpful.<|eot_id|>"
            "<|start_header_id|>user<|end_header_id|>\n\nHi<|eot_id|>"
            "<|start_header_id|>assistant<|end_header_id|>\n\nHello!<|eot_id|>"
            "<|start_header_id|>user<|end_header_id|>\n\nHow are you?<|eot_id|>"
            "<|start_header_id|>assistant<|end_header_id|>\n\n");
}

TEST(Llama32, ToolsGoIntoFirstUserMessageAsIndentedJson) {
  ChatRenderOptions o = with_tokens("<|begin_of_text|>", "<|eot_id|>");
  o.date_today = "02 Dec 2026";
  o.tools = kWeatherTool;
  const Json chat = Json::parse(R"([{"role": "user", "content": "Weather in Paris?"}])");
  EXPECT_EQ(
      render_fixture("llama3_2.jinja", chat, o),
      "<|begin_of_text|><|start_header_id|>system<|end_header_id|>\n\n"
      "Environment: ipython\nCutting Knowledge Date: December 2023\nToday Date: 02 Dec 2026\n\n"
      "<|eot_id|><|start_header_id|>user<|end_header_id|>\n\n"
      "Given the following functions, please respond with a JSON for a function call with its "
      "proper arguments that best answers the given prompt.\n\n"
      "Respond in the format {\"name\": function name, \"parameters\": dictionary of argument "
      "name and its value}.Do not use variables.\n\n"
      "{\n"
      "    \"type\": \"function\",\n"
      "    \"function\": {\n"
      "        \"name\": \"get_weather\",\n"
      "        \"description\": \"Get weather\",\n"
      "        \"parameters\": {\n"
      "            \"type\": \"object\",\n"
      "            \"properties\": {\n"
      "                \"city\": {\n"
      "                    \"type\": \"string\"\n"
      "                }\n"
      "            },\n"
      "            \"required\": [\n"
      "                \"city\"\n"
      "            ]\n"
      "        }\n"
      "    }\n"
      "}\n\n"
      "Weather in Paris?<|eot_id|><|start_header_id|>assistant<|end_header_id|>\n\n");
}

TEST(Llama33, FixedDateToolCallAndIpythonResult) {
  ChatRenderOptions o = with_tokens("<|begin_of_text|>", "<|eot_id|>");
  o.date_today = "02 Dec 2026";  // Llama 3.3's template does not call strftime_now
  const Json chat = Json::parse(R"([
    {"role": "user", "content": "Weather?"},
    {"role": "assistant", "tool_calls": [{"function": {"name": "get_weather", "arguments": {"city": "Paris"}}}]},
    {"role": "tool", "content": "20 degrees"}
  ])");
  EXPECT_EQ(render_fixture("llama3_3.jinja", chat, o),
            "<|begin_of_text|><|start_header_id|>system<|end_header_id|>\n\n"
            "Cutting Knowledge Date: December 2023\nToday Date: 26 Jul 2024\n\n<|eot_id|>"
            "<|start_header_id|>user<|end_header_id|>\n\nWeather?<|eot_id|>"
            "<|start_header_id|>assistant<|end_header_id|>\n\n"
            "{\"name\": \"get_weather\", \"parameters\": {\"city\": \"Paris\"}}<|eot_id|>"
            // A string is `iterable` in jinja2, so the template JSON-quotes it.
            "<|start_header_id|>ipython<|end_header_id|>\n\n\"20 degrees\"<|eot_id|>"
            "<|start_header_id|>assistant<|end_header_id|>\n\n");
}

TEST(Llama33, ExtraContextOverridesTemplateDefaults) {
  ChatRenderOptions o = with_tokens("<|begin_of_text|>", "<|eot_id|>");
  o.extra_context = {{"date_string", "01 Jan 2025"}};
  o.add_generation_prompt = false;
  EXPECT_EQ(
      render_fixture("llama3_3.jinja", Json::parse(R"([{"role": "user", "content": " Hi "}])"), o),
      "<|begin_of_text|><|start_header_id|>system<|end_header_id|>\n\n"
      "Cutting Knowledge Date: December 2023\nToday Date: 01 Jan 2025\n\n<|eot_id|>"
      "<|start_header_id|>user<|end_header_id|>\n\nHi<|eot_id|>");
}

TEST(Llama33, OnlyOneToolCallAllowed) {
  const Json chat = Json::parse(R"([
    {"role": "user", "content": "x"},
    {"role": "assistant", "tool_calls": [{"function": {"name": "a", "arguments": {}}},
                                          {"function": {"name": "b", "arguments": {}}}]}
  ])");
  const TemplateError e = render_error("llama3_3.jinja", chat);
  EXPECT_EQ(e.kind(), TemplateErrorKind::Raised);
  EXPECT_EQ(e.reason(), "This model only supports single tool-calls at once!");
}

// ---- Gemma ----

TEST(Gemma2, ConversationTrimsContent) {
  const Json chat = Json::parse(R"([
    {"role": "user", "content": "  Hi \n"},
    {"role": "assistant", "content": "Hello!"},
    {"role": "user", "content": "How are you?"}
  ])");
  EXPECT_EQ(render_fixture("gemma2.jinja", chat, with_tokens("<bos>", "<eos>")),
            "<bos><start_of_turn>user\nHi<end_of_turn>\n"
            "<start_of_turn>model\nHello!<end_of_turn>\n"
            "<start_of_turn>user\nHow are you?<end_of_turn>\n"
            "<start_of_turn>model\n");
}

TEST(Gemma2, SystemRoleAndAlternationRaise) {
  EXPECT_EQ(render_error("gemma2.jinja", kChat).reason(), "System role not supported");
  const Json twice =
      Json::parse(R"([{"role": "user", "content": "a"}, {"role": "user", "content": "b"}])");
  const TemplateError e = render_error("gemma2.jinja", twice);
  EXPECT_EQ(e.kind(), TemplateErrorKind::Raised);
  EXPECT_EQ(e.reason(), "Conversation roles must alternate user/assistant/user/assistant/...");
}

TEST(Gemma3, SystemPromptMergesIntoFirstUserTurn) {
  EXPECT_EQ(render_fixture("gemma3.jinja", kChat, with_tokens("<bos>", "<eos>")),
            "<bos><start_of_turn>user\nYou are helpful.\n\nHi<end_of_turn>\n"
            "<start_of_turn>model\nHello!<end_of_turn>\n"
            "<start_of_turn>user\nHow are you?<end_of_turn>\n"
            "<start_of_turn>model\n");
}

TEST(Gemma3, MultimodalContentList) {
  const Json chat = Json::parse(R"([{"role": "user", "content": [
    {"type": "image"}, {"type": "text", "text": " What is this? "}]}])");
  EXPECT_EQ(render_fixture("gemma3.jinja", chat, with_tokens("<bos>", "<eos>")),
            "<bos><start_of_turn>user\n<start_of_image>What is this?<end_of_turn>\n"
            "<start_of_turn>model\n");
}

// ---- Mistral ----

TEST(MistralNemo, SystemMessageJoinsLastUserTurn) {
  EXPECT_EQ(render_fixture("mistral_nemo.jinja", kChat, with_tokens("<s>", "</s>")),
            "<s>[INST]Hi[/INST]Hello!</s>[INST]You are helpful.\n\nHow are you?[/INST]");
}

TEST(MistralNemo, ToolsToolCallsAndResults) {
  const Json chat = Json::parse(R"([
    {"role": "user", "content": "Weather in Paris?"},
    {"role": "assistant", "tool_calls": [{"id": "abc123def", "type": "function",
      "function": {"name": "get_weather", "arguments": {"city": "Paris"}}}]},
    {"role": "tool", "tool_call_id": "abc123def", "content": "20"}
  ])");
  ChatRenderOptions o = with_tokens("<s>", "</s>");
  o.tools = kWeatherTool;
  EXPECT_EQ(
      render_fixture("mistral_nemo.jinja", chat, o),
      "<s>[AVAILABLE_TOOLS][{\"type\": \"function\", \"function\": {\"name\": \"get_weather\", "
      "\"description\": \"Get weather\", \"parameters\": {\"type\": \"object\", \"properties\": "
      "{\"city\": {\"type\": \"string\"}}, \"required\": [\"city\"]}}}][/AVAILABLE_TOOLS]"
      "[INST]Weather in Paris?[/INST]"
      "[TOOL_CALLS][{\"name\": \"get_weather\", \"arguments\": {\"city\": \"Paris\"}, "
      "\"id\": \"abc123def\"}]</s>"
      "[TOOL_RESULTS]{\"content\": 20, \"call_id\": \"abc123def\"}[/TOOL_RESULTS]");
}

TEST(MistralNemo, RolesMustAlternate) {
  const Json twice =
      Json::parse(R"([{"role": "user", "content": "a"}, {"role": "user", "content": "b"}])");
  EXPECT_EQ(render_error("mistral_nemo.jinja", twice).reason(),
            "After the optional system message, conversation roles must alternate "
            "user/assistant/user/assistant/...");
}

// ---- Kimi K2 ----

TEST(KimiK2, ConversationWithSystem) {
  EXPECT_EQ(render_fixture("kimi_k2.jinja", kChat),
            "<|im_system|>system<|im_middle|>You are helpful.<|im_end|>"
            "<|im_user|>user<|im_middle|>Hi<|im_end|>"
            "<|im_assistant|>assistant<|im_middle|>Hello!<|im_end|>"
            "<|im_user|>user<|im_middle|>How are you?<|im_end|>"
            "<|im_assistant|>assistant<|im_middle|>");
}

TEST(KimiK2, DefaultSystemAndToolDeclaration) {
  ChatRenderOptions o;
  o.tools = Json::parse(R"([{"type": "function", "function": {"name": "f"}}])");
  EXPECT_EQ(
      render_fixture("kimi_k2.jinja", Json::parse(R"([{"role": "user", "content": "Hi"}])"), o),
      "<|im_system|>tool_declare<|im_middle|>"
      "[{\"type\": \"function\", \"function\": {\"name\": \"f\"}}]<|im_end|>"
      "<|im_system|>system<|im_middle|>You are a helpful assistant<|im_end|>"
      "<|im_user|>user<|im_middle|>Hi<|im_end|>"
      "<|im_assistant|>assistant<|im_middle|>");
}

// ---- Kimi K2 Thinking (macros, break, dict.get, heavy whitespace control) ----

TEST(KimiK2Thinking, HistoryDropsReasoning) {
  const Json chat = Json::parse(R"([
    {"role": "system", "content": "S"},
    {"role": "user", "content": "Hi"},
    {"role": "assistant", "content": "Hello", "reasoning_content": "R1"},
    {"role": "user", "content": "More?"}
  ])");
  EXPECT_EQ(render_fixture("kimi_k2_thinking.jinja", chat),
            "<|im_system|>system<|im_middle|>S<|im_end|>"
            "<|im_user|>user<|im_middle|>Hi<|im_end|>"
            "<|im_assistant|>assistant<|im_middle|><think></think>Hello<|im_end|>"
            "<|im_user|>user<|im_middle|>More?<|im_end|>"
            "<|im_assistant|>assistant<|im_middle|>");
}

TEST(KimiK2Thinking, ToolCallTurnKeepsReasoning) {
  const Json chat = Json::parse(R"([
    {"role": "user", "content": "Weather?"},
    {"role": "assistant", "content": "", "reasoning_content": "Need tool", "tool_calls": [
      {"id": "functions.get_weather:0", "type": "function",
       "function": {"name": "get_weather", "arguments": "{\"city\": \"Paris\"}"}}]},
    {"role": "tool", "tool_call_id": "functions.get_weather:0", "content": "20C"}
  ])");
  EXPECT_EQ(render_fixture("kimi_k2_thinking.jinja", chat),
            "<|im_system|>system<|im_middle|>You are Kimi, an AI assistant created by Moonshot "
            "AI.<|im_end|>"
            "<|im_user|>user<|im_middle|>Weather?<|im_end|>"
            "<|im_assistant|>assistant<|im_middle|><think>Need tool</think>"
            "<|tool_calls_section_begin|><|tool_call_begin|>functions.get_weather:0"
            "<|tool_call_argument_begin|>{\"city\": \"Paris\"}<|tool_call_end|>"
            "<|tool_calls_section_end|><|im_end|>"
            "<|im_system|>tool<|im_middle|>## Return of functions.get_weather:0\n20C<|im_end|>"
            "<|im_assistant|>assistant<|im_middle|>");
}

// ---- gpt-oss (harmony format: recursive macros, namespaces, strftime_now) ----

TEST(GptOss, ConversationWithDeveloperInstructions) {
  EXPECT_EQ(render_fixture("gpt_oss.jinja", kChat),
            "<|start|>system<|message|>You are ChatGPT, a large language model trained by OpenAI.\n"
            "Knowledge cutoff: 2024-06\nCurrent date: 2024-07-26\n\nReasoning: medium\n\n"
            "# Valid channels: analysis, commentary, final. Channel must be included for every "
            "message.<|end|>"
            "<|start|>developer<|message|># Instructions\n\nYou are helpful.\n\n<|end|>"
            "<|start|>user<|message|>Hi<|end|>"
            "<|start|>assistant<|channel|>final<|message|>Hello!<|end|>"
            "<|start|>user<|message|>How are you?<|end|>"
            "<|start|>assistant");
}

TEST(GptOss, ToolsRenderAsTypeScriptAndToolCallKeepsAnalysis) {
  ChatRenderOptions o;
  o.tools = Json::parse(R"([{"type": "function", "function": {"name": "get_weather",
    "description": "Get weather", "parameters": {"type": "object", "properties": {
      "city": {"type": "string", "description": "City name"},
      "unit": {"type": "string", "enum": ["c", "f"]}}, "required": ["city"]}}}])");
  o.extra_context = {{"reasoning_effort", "high"}};
  const Json chat = Json::parse(R"([
    {"role": "user", "content": "Weather in Paris?"},
    {"role": "assistant", "content": "", "thinking": "I should call the tool.", "tool_calls": [
      {"function": {"name": "get_weather", "arguments": {"city": "Paris"}}}]},
    {"role": "tool", "content": "20C"}
  ])");
  EXPECT_EQ(
      render_fixture("gpt_oss.jinja", chat, o),
      "<|start|>system<|message|>You are ChatGPT, a large language model trained by OpenAI.\n"
      "Knowledge cutoff: 2024-06\nCurrent date: 2024-07-26\n\nReasoning: high\n\n"
      "# Valid channels: analysis, commentary, final. Channel must be included for every "
      "message.\nCalls to these tools must go to the commentary channel: 'functions'.<|end|>"
      "<|start|>developer<|message|># Tools\n\n## functions\n\nnamespace functions {\n\n"
      "// Get weather\ntype get_weather = (_: {\n// City name\ncity: string,\n"
      "unit?: \"c\" | \"f\",\n}) => any;\n\n} // namespace functions<|end|>"
      "<|start|>user<|message|>Weather in Paris?<|end|>"
      "<|start|>assistant<|channel|>analysis<|message|>I should call the tool.<|end|>"
      "<|start|>assistant to=functions.get_weather<|channel|>commentary json<|message|>"
      "{\"city\": \"Paris\"}<|call|>"
      "<|start|>functions.get_weather to=assistant<|channel|>commentary<|message|>\"20C\"<|end|>"
      "<|start|>assistant");
}

TEST(GptOss, ToolResultWithoutToolCallRaises) {
  const Json chat =
      Json::parse(R"([{"role": "user", "content": "x"}, {"role": "tool", "content": "y"}])");
  const TemplateError e = render_error("gpt_oss.jinja", chat);
  EXPECT_EQ(e.kind(), TemplateErrorKind::Raised);
  EXPECT_EQ(e.reason(),
            "Message has tool role, but there was no previous assistant message with a tool call!");
}

// ---- ChatML fallback ----

TEST(ChatMl, FallbackTemplate) {
  EXPECT_EQ(chatml_template().render(kChat, {}),
            "<|im_start|>system\nYou are helpful.<|im_end|>\n"
            "<|im_start|>user\nHi<|im_end|>\n"
            "<|im_start|>assistant\nHello!<|im_end|>\n"
            "<|im_start|>user\nHow are you?<|im_end|>\n"
            "<|im_start|>assistant\n");
  ChatRenderOptions o;
  o.add_generation_prompt = false;
  EXPECT_EQ(chatml_template().render(Json::parse(R"([{"role": "user", "content": "Hi"}])"), o),
            "<|im_start|>user\nHi<|im_end|>\n");
}

TEST(ChatTemplateApi, PlainNlohmannJsonIsAccepted) {
  const nlohmann::json messages = nlohmann::json::parse(R"([{"role": "user", "content": "Hi"}])");
  EXPECT_EQ(chatml_template().render(messages, {}),
            "<|im_start|>user\nHi<|im_end|>\n<|im_start|>assistant\n");
}

}  // namespace
}  // namespace mosaic::tmpl
