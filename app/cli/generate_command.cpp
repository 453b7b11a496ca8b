// mosaic-cli generate: feeds a prompt and streams the model's continuation.
#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <chrono>
#include <cstdio>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "app/cli/chat_prompt.h"
#include "app/cli/cli_error.h"
#include "app/cli/engine_handles.h"
#include "app/cli/generate_options.h"
#include "app/cli/interrupt.h"
#include "app/cli/logprobs.h"
#include "app/cli/progress_bar.h"
#include "app/cli/read_text_file.h"
#include "app/cli/subcommands.h"
#include "app/cli/token_list.h"
#ifdef MOSAIC_HAVE_MEDIA
#include "app/cli/generate_vision.h"
#endif

namespace mosaic::cli {
namespace {

using Clock = std::chrono::steady_clock;

double ms_since(Clock::time_point start) {
  return std::chrono::duration<double, std::milli>(Clock::now() - start).count();
}

enum class PromptFeed { Done, Interrupted };

// Everything generation reports back, for the summary on stderr.
struct GenerationOutcome {
  mosaic_stop_reason reason = MOSAIC_STOP_MAX_TOKENS;
  bool interrupted = false;
  std::optional<double> first_token_ms;  // from prompt submission
};

std::vector<mosaic_token> prompt_tokens(const mosaic_model* model, const GenerateOptions& o) {
  if (o.prompt_source == PromptSource::Tokens) {
    auto tokens = parse_token_list(o.prompt);
    const int32_t n_vocab = mosaic_vocab_size(model);
    for (const mosaic_token token : tokens) {
      if (token >= n_vocab) {
        throw UsageError(fmt::format("--prompt-tokens: token {} is outside the vocabulary of {}",
                                     token, n_vocab));
      }
    }
    return tokens;
  }
  const std::string text =
      o.prompt_source == PromptSource::File ? read_text_file(o.prompt) : o.prompt;
  const int flags = MOSAIC_TOKENIZE_ADD_SPECIAL | MOSAIC_TOKENIZE_PARSE_SPECIAL;
  if (o.prompt_format == PromptFormat::Raw) return tokenize(model, text, flags);
  if (!has_chat_template_tokens(model)) {
    fmt::print(stderr, "note: the model has no <|im_start|> token; feeding the prompt raw\n");
    return tokenize(model, text, flags);
  }
  return tokenize(model, chatml_user_turn(text), flags);
}

PromptFeed feed_prompt(mosaic_session* session, const std::vector<mosaic_token>& prompt) {
  const int32_t n_ctx = mosaic_session_n_ctx(session);
  if (static_cast<int64_t>(prompt.size()) >= n_ctx) {
    throw CommandError(fmt::format(
        "the prompt has {} tokens but the context holds {} (and generation needs room): "
        "use a larger --ctx or a shorter prompt",
        prompt.size(), n_ctx));
  }
  // The callback always runs (it is how Ctrl+C reaches a long prompt); the
  // bar is only worth drawing for prompts that take more than one batch.
  ProgressBar bar("prompt");
  ProgressBar* shown_bar = prompt.size() > 512 ? &bar : nullptr;
  const mosaic_status status = mosaic_session_feed(
      session, prompt.data(), prompt.size(),
      [](float fraction, void* user) {
        if (user) static_cast<ProgressBar*>(user)->update(fraction);
        return interrupt_requested() ? 1 : 0;
      },
      shown_bar);
  bar.finish();
  if (status == MOSAIC_ERR_CANCELLED) return PromptFeed::Interrupted;
  check(status, "cannot process the prompt");
  return PromptFeed::Done;
}

// Logits of the last position of the last feed of n_fed tokens (index n-1
// works in both logits modes).
std::span<const float> last_logits(const mosaic_session* session, int32_t n_vocab, size_t n_fed) {
  const float* logits = mosaic_session_logits(session, static_cast<int32_t>(n_fed) - 1);
  if (!logits) throw CommandError("the engine returned no logits");
  return {logits, static_cast<size_t>(n_vocab)};
}

void print_prompt_positions(const mosaic_session* session, int32_t n_vocab, size_t n_prompt,
                            int32_t top_k) {
  LogSoftmax distribution;
  for (size_t i = 0; i < n_prompt; ++i) {
    const float* logits = mosaic_session_logits(session, static_cast<int32_t>(i));
    if (!logits) throw CommandError(fmt::format("no logits for prompt position {}", i));
    distribution.compute({logits, static_cast<size_t>(n_vocab)}, top_k);
    fmt::print("{}\n", position_json_line(static_cast<int64_t>(i), distribution));
  }
  std::fflush(stdout);
}

// Text mode: the engine's generate loop, printing whole UTF-8 characters.
struct TextStream {
  Streaming streaming;
  Clock::time_point submitted;
  std::optional<double> first_token_ms;
  std::string held;  // --no-stream
  char last_char = '\n';
};

int on_text(mosaic_token token, const char* text, size_t length, void* user) {
  auto* stream = static_cast<TextStream*>(user);
  if (token >= 0 && !stream->first_token_ms) stream->first_token_ms = ms_since(stream->submitted);
  if (length > 0) {
    stream->last_char = text[length - 1];
    if (stream->streaming == Streaming::PerToken) {
      std::fwrite(text, 1, length, stdout);
      std::fflush(stdout);
    } else {
      stream->held.append(text, length);
    }
  }
  return interrupt_requested() ? 1 : 0;
}

GenerationOutcome generate_text(mosaic_session* session, const GenerateOptions& o,
                                Clock::time_point submitted) {
  TextStream stream{o.streaming, submitted, std::nullopt, {}, '\n'};
  GenerationOutcome outcome;
  const int32_t max_tokens = o.max_tokens < 0 ? INT32_MAX : o.max_tokens;
  check(mosaic_session_generate(session, max_tokens, on_text, &stream, &outcome.reason),
        "generation failed");
  std::fwrite(stream.held.data(), 1, stream.held.size(), stdout);
  if (stream.last_char != '\n') std::fputc('\n', stdout);
  std::fflush(stdout);
  outcome.interrupted = outcome.reason == MOSAIC_STOP_CALLBACK;
  outcome.first_token_ms = stream.first_token_ms;
  return outcome;
}

// --top-logprobs mode: sample step by step to see each step's logits.
GenerationOutcome generate_logprobs(const mosaic_model* model, mosaic_session* session,
                                    const GenerateOptions& o, size_t n_prompt,
                                    Clock::time_point submitted) {
  const int32_t n_vocab = mosaic_vocab_size(model);
  GenerationOutcome outcome;
  LogSoftmax distribution;
  size_t n_fed = n_prompt;
  const int64_t max_tokens = o.max_tokens < 0 ? INT64_MAX : o.max_tokens;
  for (int64_t step = 0;; ++step) {
    if (step >= max_tokens) {
      outcome.reason = MOSAIC_STOP_MAX_TOKENS;
      break;
    }
    if (interrupt_requested()) {
      outcome.reason = MOSAIC_STOP_CALLBACK;
      outcome.interrupted = true;
      break;
    }
    if (step > 0 && mosaic_session_n_past(session) >= mosaic_session_n_ctx(session)) {
      outcome.reason = MOSAIC_STOP_CONTEXT_FULL;
      break;
    }
    distribution.compute(last_logits(session, n_vocab, n_fed), o.top_logprobs);
    mosaic_token token = -1;
    check(mosaic_session_sample(session, &token), "sampling failed");
    if (!outcome.first_token_ms) outcome.first_token_ms = ms_since(submitted);
    fmt::print("{}\n", step_json_line(step, token, token_piece(model, token), distribution));
    std::fflush(stdout);
    if (mosaic_token_is_end_of_generation(model, token)) {
      outcome.reason = MOSAIC_STOP_END_OF_GENERATION;
      break;
    }
    if (step + 1 < max_tokens) {
      const mosaic_status status = mosaic_session_feed(session, &token, 1, nullptr, nullptr);
      if (status == MOSAIC_ERR_CONTEXT_FULL) {
        outcome.reason = MOSAIC_STOP_CONTEXT_FULL;
        break;
      }
      check(status, "cannot feed the sampled token");
      n_fed = 1;
    }
  }
  return outcome;
}

const char* describe(mosaic_stop_reason reason) {
  switch (reason) {
    case MOSAIC_STOP_END_OF_GENERATION:
      return "end of generation";
    case MOSAIC_STOP_MAX_TOKENS:
      return "token limit (-n) reached";
    case MOSAIC_STOP_CALLBACK:
      return "interrupted";
    case MOSAIC_STOP_CONTEXT_FULL:
      return "context full (use a larger --ctx)";
  }
  return "unknown";
}

void print_timings(const mosaic_session* session, const GenerationOutcome& outcome) {
  mosaic_timings t{};
  if (mosaic_session_get_timings(session, &t) != MOSAIC_OK) return;
  const auto rate = [](int64_t tokens, double ms) { return ms > 0 ? tokens * 1000.0 / ms : 0.0; };
  fmt::print(stderr, "\nstopped: {}\n", describe(outcome.reason));
  fmt::print(stderr, "prompt:      {:6} tokens in {:9.1f} ms  {:8.2f} tok/s\n", t.prompt_tokens,
             t.prompt_ms, rate(t.prompt_tokens, t.prompt_ms));
  fmt::print(stderr, "generation:  {:6} tokens in {:9.1f} ms  {:8.2f} tok/s\n", t.generated_tokens,
             t.generate_ms, rate(t.generated_tokens, t.generate_ms));
  if (outcome.first_token_ms) {
    fmt::print(stderr, "time to first token: {:.1f} ms (from prompt submission)\n",
               *outcome.first_token_ms);
  }
  spdlog::info("generate: prompt {} tokens in {:.1f} ms, {} tokens generated in {:.1f} ms, {}",
               t.prompt_tokens, t.prompt_ms, t.generated_tokens, t.generate_ms,
               describe(outcome.reason));
}

// After the prompt was fed (or interrupted): text or --top-logprobs lines.
// n_prompt is the length of the last feed (0: unknown, read the last row).
GenerationOutcome generate_after_prompt(const mosaic_model* model, mosaic_session* session,
                                        const GenerateOptions& o, PromptFeed fed, size_t n_prompt,
                                        Clock::time_point submitted) {
  if (fed == PromptFeed::Interrupted) {
    GenerationOutcome outcome;
    outcome.reason = MOSAIC_STOP_CALLBACK;
    outcome.interrupted = true;
    return outcome;
  }
  if (o.output_mode() == OutputMode::Text) return generate_text(session, o, submitted);
  if (o.all_positions) {
    print_prompt_positions(session, mosaic_vocab_size(model), n_prompt, o.top_logprobs);
  }
  return generate_logprobs(model, session, o, n_prompt, submitted);
}

#ifdef MOSAIC_HAVE_MEDIA
// Pictures: the prompt is text and images; time to first token counts from
// before the pictures are encoded, as a user waits for both.
int run_generate_with_pictures(const GenerateOptions& o) {
  const ModelPtr model = load_model(o.model_path);
  const SessionPtr session = new_session(model.get(), o.sampling.session);
  check(mosaic_session_set_sampler(session.get(), &o.sampling.sampler), "invalid sampler settings");
  const auto submitted = Clock::now();
  VisualPrompt visual(model.get(), o);
  const PromptFeed fed = visual.feed(session.get()) ? PromptFeed::Done : PromptFeed::Interrupted;
  // 0 prompt tokens: the logits are read at index -1, the last row of the
  // last feed (whatever its length), and no prompt positions are printed.
  const GenerationOutcome outcome =
      generate_after_prompt(model.get(), session.get(), o, fed, 0, submitted);
  visual.print_summary();
  print_timings(session.get(), outcome);
  return outcome.interrupted ? kExitInterrupted : kExitOk;
}
#endif

int run_generate(const GenerateOptions& o) {
  if (o.has_visuals()) {
#ifdef MOSAIC_HAVE_MEDIA
    return run_generate_with_pictures(o);
#else
    throw UsageError("this build has no media support: --image/--video/--pdf-pages unavailable");
#endif
  }
  if (o.prompt_source == PromptSource::Tokens) parse_token_list(o.prompt);  // fail before loading
  const ModelPtr model = load_model(o.model_path);
  const std::vector<mosaic_token> prompt = prompt_tokens(model.get(), o);
  if (prompt.empty()) throw UsageError("the prompt is empty");
  const SessionPtr session = new_session(model.get(), o.sampling.session);
  check(mosaic_session_set_sampler(session.get(), &o.sampling.sampler), "invalid sampler settings");

  install_interrupt_handler();
  const auto submitted = Clock::now();
  const PromptFeed fed = feed_prompt(session.get(), prompt);
  const GenerationOutcome outcome =
      generate_after_prompt(model.get(), session.get(), o, fed, prompt.size(), submitted);
  print_timings(session.get(), outcome);
  return outcome.interrupted ? kExitInterrupted : kExitOk;
}

}  // namespace

Subcommand add_generate_command(CLI::App& parent) {
  auto options = std::make_shared<GenerateOptions>();
  CLI::App* app = parent.add_subcommand("generate", "Generate text from a prompt");
  auto validate = add_generate_options(*app, *options);
  return {app, [options, validate] {
            validate();
            return run_generate(*options);
          }};
}

}  // namespace mosaic::cli
