// Separates a model's reasoning ("<think>...</think>" and the equivalents of
// other families) from its answer while the reply streams in.
//
// Markers may arrive split across stream chunks ("<thi" + "nk>"), so text that
// could be the start of a marker is held back until the next chunk decides.
// The opening marker only counts at the start of the reply (before any answer
// text), so an answer that talks about "<think>" in a code block stays answer.
#pragma once

#include <string>
#include <string_view>

namespace mosaic::turns {

struct ReasoningMarkers {
  std::string open;   // e.g. "<think>"
  std::string close;  // e.g. "</think>"
};

// Where the reply starts: some templates end the generation prompt with the
// opening marker (DeepSeek-R1, Qwen3 thinking models), so the model's first
// token is already reasoning.
enum class StreamStart { InAnswer, InReasoning };

// The text of one chunk, sorted into its two destinations.
struct SplitText {
  std::string reasoning;
  std::string answer;
};

class ReasoningSplitter {
 public:
  ReasoningSplitter(ReasoningMarkers markers, StreamStart start);

  // Sorts the next chunk of the reply; returns what can be shown now.
  SplitText push(std::string_view chunk);

  // End of the reply: releases whatever was held back.
  SplitText finish();

  bool in_reasoning() const { return state_ == State::Reasoning; }
  // True once a reasoning section has been seen (opened, or started in one).
  bool saw_reasoning() const { return saw_reasoning_; }

 private:
  enum class State { BeforeAnswer, Reasoning, Answer };

  void emit(std::string_view text, SplitText& out);

  ReasoningMarkers markers_;
  State state_;
  bool saw_reasoning_ = false;
  bool skip_leading_whitespace_ = true;  // at the start of each section
  std::string pending_;                  // text not yet sorted (a possible partial marker)
};

// The markers a chat template uses, found in its source; empty markers when
// the template has no reasoning section.
ReasoningMarkers reasoning_markers_for_template(std::string_view template_source);

// InReasoning when the rendered prompt ends (ignoring whitespace) with the
// opening marker.
StreamStart stream_start_for_prompt(std::string_view rendered_prompt,
                                    const ReasoningMarkers& markers);

}  // namespace mosaic::turns
