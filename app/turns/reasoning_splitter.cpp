#include "app/turns/reasoning_splitter.h"

#include <array>
#include <utility>

namespace mosaic::turns {
namespace {

bool is_space(char c) { return c == ' ' || c == '\n' || c == '\r' || c == '\t'; }

// Length of the longest suffix of `text` that is a proper prefix of `marker`:
// those bytes may be the start of a marker that the next chunk completes.
size_t partial_marker_suffix(std::string_view text, std::string_view marker) {
  const size_t max_len = std::min(text.size(), marker.size() - 1);
  for (size_t len = max_len; len > 0; --len) {
    if (text.substr(text.size() - len) == marker.substr(0, len)) return len;
  }
  return 0;
}

}  // namespace

ReasoningSplitter::ReasoningSplitter(ReasoningMarkers markers, StreamStart start)
    : markers_(std::move(markers)) {
  const bool has_markers = !markers_.open.empty() && !markers_.close.empty();
  if (has_markers && start == StreamStart::InReasoning) {
    state_ = State::Reasoning;
    saw_reasoning_ = true;
  } else {
    state_ = has_markers ? State::BeforeAnswer : State::Answer;
  }
}

void ReasoningSplitter::emit(std::string_view text, SplitText& out) {
  if (skip_leading_whitespace_) {
    size_t i = 0;
    while (i < text.size() && is_space(text[i])) ++i;
    text.remove_prefix(i);
    if (text.empty()) return;
    skip_leading_whitespace_ = false;
  }
  (state_ == State::Reasoning ? out.reasoning : out.answer).append(text);
}

SplitText ReasoningSplitter::push(std::string_view chunk) {
  SplitText out;
  pending_.append(chunk);
  for (;;) {
    std::string_view text = pending_;
    if (state_ == State::Answer) {
      emit(text, out);
      pending_.clear();
      return out;
    }
    if (state_ == State::BeforeAnswer) {
      // Only whitespace may precede the opening marker.
      size_t i = 0;
      while (i < text.size() && is_space(text[i])) ++i;
      std::string_view rest = text.substr(i);
      if (rest.size() >= markers_.open.size()) {
        if (rest.substr(0, markers_.open.size()) == markers_.open) {
          pending_.erase(0, i + markers_.open.size());
          state_ = State::Reasoning;
          saw_reasoning_ = true;
          skip_leading_whitespace_ = true;
          continue;
        }
        state_ = State::Answer;  // the reply has no reasoning section
        continue;
      }
      if (std::string_view(markers_.open).substr(0, rest.size()) != rest) {
        state_ = State::Answer;
        continue;
      }
      return out;  // could still become the marker: wait for more text
    }
    // Reasoning: look for the closing marker.
    const size_t close_at = text.find(markers_.close);
    if (close_at != std::string_view::npos) {
      emit(text.substr(0, close_at), out);
      pending_.erase(0, close_at + markers_.close.size());
      state_ = State::Answer;
      skip_leading_whitespace_ = true;
      continue;
    }
    const size_t hold = partial_marker_suffix(text, markers_.close);
    emit(text.substr(0, text.size() - hold), out);
    pending_.erase(0, pending_.size() - hold);
    return out;
  }
}

SplitText ReasoningSplitter::finish() {
  SplitText out;
  if (state_ == State::BeforeAnswer) state_ = State::Answer;
  emit(pending_, out);
  pending_.clear();
  return out;
}

ReasoningMarkers reasoning_markers_for_template(std::string_view source) {
  // Known families, most specific first.
  static const std::array<std::pair<const char*, const char*>, 3> kFamilies = {{
      {"<seed:think>", "</seed:think>"},                                    // Seed-OSS
      {"\xE2\x97\x81think\xE2\x96\xB7", "\xE2\x97\x81/think\xE2\x96\xB7"},  // Kimi
      {"<think>", "</think>"},  // Qwen3, DeepSeek-R1/V3.1, GLM
  }};
  for (const auto& [open, close] : kFamilies) {
    if (source.find(open) != std::string_view::npos ||
        source.find(close) != std::string_view::npos) {
      return {open, close};
    }
  }
  return {};
}

StreamStart stream_start_for_prompt(std::string_view prompt, const ReasoningMarkers& markers) {
  if (markers.open.empty()) return StreamStart::InAnswer;
  while (!prompt.empty() && is_space(prompt.back())) prompt.remove_suffix(1);
  return prompt.ends_with(markers.open) ? StreamStart::InReasoning : StreamStart::InAnswer;
}

}  // namespace mosaic::turns
