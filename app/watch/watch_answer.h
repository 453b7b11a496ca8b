// Reads a model's reply to the watch prompt (watch_prompt.h) and decides
// whether it reports an event. Models do not follow formats perfectly, so the
// reader forgives case, spacing, Markdown decoration, a leading "Answer:" and
// reasoning sections ("<think>...</think>"), but it never guesses: a reply
// that does not start with one of the agreed words is Unclear, and only an
// Event raises an alert.
#pragma once

#include <string>
#include <string_view>

namespace mosaic::watch {

enum class AnswerVerdict {
  Event,    // the reply starts with EVENT: something happened
  Nothing,  // the reply starts with NOTHING (or NONE, NO EVENT)
  Unclear,  // anything else: empty, chatty, or only reasoning
};

const char* answer_verdict_name(AnswerVerdict verdict);

struct ClassifiedAnswer {
  AnswerVerdict verdict = AnswerVerdict::Unclear;
  // Event: the sentence after "EVENT:" (may be empty when the model gave
  // none). Unclear: the reply's first line, for display. Nothing: empty.
  std::string summary;
};

ClassifiedAnswer classify_watch_answer(std::string_view answer);

// The reply without reasoning sections: "<think>...</think>" (also
// "<thinking>"), a closing marker with no opening one (the chat template
// opened it) and an opening marker never closed (the answer never came).
std::string strip_reasoning(std::string_view answer);

}  // namespace mosaic::watch
