#include "app/turns/chat_engine.h"

#include <fmt/format.h>

#include <algorithm>
#include <chrono>

#include "app/core/media_marker.h"
#include "app/turns/prompt_reuse.h"

namespace mosaic::turns {
namespace {

using Clock = std::chrono::steady_clock;

double ms_between(Clock::time_point a, Clock::time_point b) {
  return std::chrono::duration<double, std::milli>(b - a).count();
}

// What the prompt gets appended so the model continues an interrupted reply.
std::string continuation_text(const PartialReply& partial, const ReasoningMarkers& markers,
                              StreamStart prompt_start) {
  std::string text;
  if (!partial.reasoning.empty() && !markers.open.empty()) {
    if (prompt_start != StreamStart::InReasoning) text += markers.open + "\n";
    text += partial.reasoning;
    if (!partial.answer.empty()) text += "\n" + markers.close + "\n\n";
  }
  text += partial.answer;
  return text;
}

struct GenerateState {
  ReasoningSplitter splitter;
  const TurnCallbacks* callbacks;
  TurnResult* result;
  std::vector<int64_t>* cached_slots;
  Clock::time_point start;
  bool first = true;
};

void deliver(GenerateState& state, const SplitText& piece) {
  state.result->reasoning += piece.reasoning;
  state.result->answer += piece.answer;
  if (state.callbacks->on_text && (!piece.reasoning.empty() || !piece.answer.empty())) {
    state.callbacks->on_text(piece);
  }
}

int on_token(mosaic_token token, const char* text, size_t len, void* user) {
  auto& state = *static_cast<GenerateState*>(user);
  if (state.first) {
    state.result->time_to_first_token_ms = ms_between(state.start, Clock::now());
    state.first = false;
  }
  if (token >= 0) state.cached_slots->push_back(token);
  deliver(state, state.splitter.push(std::string_view(text, len)));
  const bool stop = state.callbacks->should_stop && state.callbacks->should_stop();
  return stop ? 1 : 0;
}

TurnFinish finish_for(mosaic_stop_reason reason) {
  switch (reason) {
    case MOSAIC_STOP_END_OF_GENERATION:
      return TurnFinish::Complete;
    case MOSAIC_STOP_MAX_TOKENS:
      return TurnFinish::MaxTokens;
    case MOSAIC_STOP_CALLBACK:
      return TurnFinish::Stopped;
    case MOSAIC_STOP_CONTEXT_FULL:
      return TurnFinish::ContextFull;
  }
  return TurnFinish::Complete;
}

}  // namespace

ChatEngine::ChatEngine(const mosaic_model* model, const mosaic_session_params& params,
                       TemplatePreference preference)
    : model_(model), session_(app::new_session(model, params)), template_(model, preference) {}

int32_t ChatEngine::context_length() const { return mosaic_session_n_ctx(session_.get()); }

PromptLayout ChatEngine::lay_out(const std::string& prompt_text,
                                 const std::vector<PromptMessage>& messages) const {
  std::vector<const PromptPicture*> pictures;
  for (const PromptMessage& m : messages) {
    for (const PromptPicture& p : m.pictures) pictures.push_back(&p);
  }
  if (!pictures.empty() && !pictures_) {
    throw TurnError(
        "This model cannot see pictures: load a vision model with its mmproj file, or remove the "
        "pictures from the message.");
  }
  return lay_out_prompt(model_, session_.get(), prompt_text, pictures);
}

bool ChatEngine::encode_pictures(const std::vector<const LaidOutPicture*>& todo,
                                 std::vector<std::shared_ptr<const mosaic_image_embedding>>& out,
                                 const TurnCallbacks& callbacks, TurnResult& result) {
  const Clock::time_point start = Clock::now();
  for (size_t i = 0; i < todo.size(); ++i) {
    const PromptPicture& picture = *todo[i]->picture;
    const auto progress = [&](float fraction) {
      if (callbacks.should_stop && callbacks.should_stop()) return false;
      return !callbacks.on_picture_progress ||
             callbacks.on_picture_progress(static_cast<int>(i), static_cast<int>(todo.size()),
                                           fraction);
    };
    std::shared_ptr<const mosaic_image_embedding> embedding;
    try {
      embedding = pictures_->encode(picture, progress);
    } catch (const std::exception& e) {
      throw TurnError(fmt::format("cannot look at {}: {}", picture.source_name, e.what()));
    }
    if (!embedding) return false;
    if (embedding->grid_w != picture.grid_w || embedding->grid_h != picture.grid_h) {
      throw TurnError(fmt::format("{} encoded to {}x{} tokens, not the planned {}x{}",
                                  picture.source_name, embedding->grid_w, embedding->grid_h,
                                  picture.grid_w, picture.grid_h));
    }
    out.push_back(std::move(embedding));
    ++result.encoded_pictures;
  }
  result.encode_ms = ms_between(start, Clock::now());
  return true;
}

void ChatEngine::feed_prompt(const PromptLayout& prompt, const TurnCallbacks& callbacks,
                             TurnResult& result) {
  mosaic_session* session = session_.get();
  const ReusePlan reuse = plan_prompt_reuse(cached_slots_, prompt.slot_keys);
  const std::vector<const LaidOutPicture*> todo = pictures_from(prompt, reuse.feed_from);
  // Encode before touching the cache: a cancelled or failed encode leaves
  // the session as it was.
  std::vector<std::shared_ptr<const mosaic_image_embedding>> embeddings;
  if (!encode_pictures(todo, embeddings, callbacks, result)) {
    result.finish = TurnFinish::Stopped;
    return;
  }

  app::check(mosaic_session_truncate(session, static_cast<int32_t>(reuse.keep)),
             "cannot reuse the cached prompt");
  cached_slots_.resize(reuse.keep);
  result.reused_prompt_tokens = reuse.keep;

  const auto progress = [](float fraction, void* user) {
    const auto* cb = static_cast<const TurnCallbacks*>(user);
    if (cb->should_stop && cb->should_stop()) return 1;
    if (cb->on_prompt_progress && !cb->on_prompt_progress(fraction)) return 1;
    return 0;
  };
  std::vector<const mosaic_image_embedding*> rows;
  for (const auto& e : embeddings) rows.push_back(e.get());
  const std::vector<mosaic_chunk> chunks = chunks_from(prompt, reuse.feed_from, rows);
  const mosaic_status status = mosaic_session_feed_chunks(
      session, chunks.data(), chunks.size(), progress, const_cast<TurnCallbacks*>(&callbacks));
  if (status == MOSAIC_ERR_CANCELLED) {
    result.finish = TurnFinish::Stopped;  // the session is back to the kept prefix
    return;
  }
  app::check(status, "cannot process the prompt");
  cached_slots_.insert(cached_slots_.end(), prompt.slot_keys.begin() + reuse.feed_from,
                       prompt.slot_keys.end());
}

TurnResult ChatEngine::respond(const std::vector<PromptMessage>& branch,
                               const GenerationSettings& settings, const TurnCallbacks& callbacks,
                               const std::optional<PartialReply>& continue_from) {
  const Clock::time_point start = Clock::now();
  mosaic_session* session = session_.get();
  const int64_t n_ctx = mosaic_session_n_ctx(session);

  const auto count_tokens = [&](const std::vector<PromptMessage>& messages) {
    const std::string text = template_.render(messages, settings.thinking, GenerationPrompt::Add);
    return lay_out(text, messages).size();
  };
  ContextBudget budget{n_ctx, std::min<int64_t>(settings.reply_reserve_tokens, n_ctx / 2)};
  auto planned = plan_context(branch, budget, count_tokens);
  if (auto* error = std::get_if<ContextPlanError>(&planned)) throw TurnError(error->message);
  ContextPlan& plan = std::get<ContextPlan>(planned);

  TurnResult result;
  result.notice = plan.notice;
  std::string prompt_text =
      template_.render(plan.messages, settings.thinking, GenerationPrompt::Add);
  StreamStart stream_start = stream_start_for_prompt(prompt_text, template_.reasoning_markers());
  ReasoningMarkers splitter_markers = template_.reasoning_markers();
  if (continue_from) {
    prompt_text += app::without_media_markers(
        continuation_text(*continue_from, template_.reasoning_markers(), stream_start));
    result.reasoning = continue_from->reasoning;
    result.answer = continue_from->answer;
    if (!continue_from->answer.empty()) {
      splitter_markers = {};  // the answer has begun: everything new is answer
    } else if (!continue_from->reasoning.empty()) {
      stream_start = StreamStart::InReasoning;
    }
  }
  const PromptLayout prompt = lay_out(prompt_text, plan.messages);
  if (prompt.size() == 0) throw TurnError("the rendered prompt is empty");
  if (prompt.size() >= n_ctx) {
    throw TurnError(
        fmt::format("the prompt needs {} tokens; the context holds {}", prompt.size(), n_ctx));
  }
  result.prompt_tokens = prompt.size();
  result.prompt_pictures = static_cast<int64_t>(prompt.pictures.size());

  mosaic_session_reset_timings(session);
  feed_prompt(prompt, callbacks, result);
  if (result.finish == TurnFinish::Stopped) return result;

  app::check(mosaic_session_set_sampler(session, &settings.sampler), "cannot set up sampling");
  GenerateState state{ReasoningSplitter(splitter_markers, stream_start), &callbacks, &result,
                      &cached_slots_, start};
  mosaic_stop_reason reason = MOSAIC_STOP_END_OF_GENERATION;
  const mosaic_status status =
      mosaic_session_generate(session, settings.max_reply_tokens, &on_token, &state, &reason);
  deliver(state, state.splitter.finish());

  // Keep the mirror of the KV cache exact whatever generate fed.
  const auto n_past = static_cast<size_t>(mosaic_session_n_past(session));
  if (cached_slots_.size() > n_past) cached_slots_.resize(n_past);
  if (cached_slots_.size() < n_past) {
    mosaic_session_truncate(session, static_cast<int32_t>(cached_slots_.size()));
  }
  app::check(status, "generation failed");

  mosaic_timings timings{};
  mosaic_session_get_timings(session, &timings);
  result.finish = finish_for(reason);
  result.completion_tokens = timings.generated_tokens;
  result.generation_ms = timings.generate_ms;
  return result;
}

}  // namespace mosaic::turns
