#include "app/watch/watch_answer.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <vector>

namespace mosaic::watch {
namespace {

struct MarkerPair {
  std::string_view open;
  std::string_view close;
};
// Longest first, so "<thinking>" is not read as "<think>" + "ing>".
constexpr std::array<MarkerPair, 2> kReasoningMarkers{{
    {"<thinking>", "</thinking>"},
    {"<think>", "</think>"},
}};

std::string to_lower_ascii(std::string_view text) {
  std::string lower(text);
  for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return lower;
}

std::string to_upper_ascii(std::string_view text) {
  std::string upper(text);
  for (char& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return upper;
}

struct Found {
  size_t position = std::string::npos;
  size_t length = 0;
};

// The earliest of the markers' opening (or closing) strings in `lower`.
Found find_first_marker(const std::string& lower, bool closing, size_t from = 0) {
  Found best;
  for (const MarkerPair& marker : kReasoningMarkers) {
    const std::string_view needle = closing ? marker.close : marker.open;
    const size_t at = lower.find(needle, from);
    if (at != std::string::npos && (at < best.position)) best = {at, needle.size()};
  }
  return best;
}

// Markdown and quoting a model may wrap its first word in: "**EVENT**",
// "> NOTHING", "`NOTHING`", "- EVENT: ...", "[EVENT]".
bool is_decoration(char c) {
  return std::isspace(static_cast<unsigned char>(c)) || c == '*' || c == '_' || c == '`' ||
         c == '#' || c == '>' || c == '-' || c == '"' || c == '\'' || c == '[' || c == ']' ||
         c == '(' || c == ')';
}

// Between "EVENT" and its sentence: ":", "-", "." and the UTF-8 en and em
// dashes, besides decoration.
std::string_view skip_separators(std::string_view text) {
  while (!text.empty()) {
    if (is_decoration(text.front()) || text.front() == ':' || text.front() == '.' ||
        text.front() == ',') {
      text.remove_prefix(1);
    } else if (text.starts_with("\xE2\x80\x93") || text.starts_with("\xE2\x80\x94")) {
      text.remove_prefix(3);
    } else {
      break;
    }
  }
  return text;
}

std::string_view skip_decoration(std::string_view text) {
  while (!text.empty() && is_decoration(text.front())) text.remove_prefix(1);
  return text;
}

bool is_space(char c) { return std::isspace(static_cast<unsigned char>(c)); }

std::string_view trim_spaces(std::string_view text) {
  while (!text.empty() && is_space(text.front())) text.remove_prefix(1);
  while (!text.empty() && is_space(text.back())) text.remove_suffix(1);
  return text;
}

// A sentence for display: no leading decoration, no closing bold or code
// marks; quotes and brackets at the end may be the sentence's own.
std::string_view trim_sentence(std::string_view text) {
  text = skip_decoration(text);
  while (!text.empty() && (is_space(text.back()) || text.back() == '*' || text.back() == '`')) {
    text.remove_suffix(1);
  }
  return text;
}

// A leading "Answer:" / "Reply:" / "Response:" label, which some models add.
std::string_view skip_label(std::string_view line) {
  const std::string lower = to_lower_ascii(line.substr(0, 12));
  for (std::string_view label : {"answer", "reply", "response"}) {
    if (lower.starts_with(label) && line.size() > label.size() && line[label.size()] == ':') {
      return skip_decoration(line.substr(label.size() + 1));
    }
  }
  return line;
}

bool is_word_char(char c) { return std::isalpha(static_cast<unsigned char>(c)) || c == '_'; }

// Splits off the leading word (letters and underscores), upper-cased.
std::string take_word(std::string_view& text) {
  size_t length = 0;
  while (length < text.size() && is_word_char(text[length])) ++length;
  std::string word = to_upper_ascii(text.substr(0, length));
  text.remove_prefix(length);
  return word;
}

// The lines with words in them (not blank, not only "---" or "**"), trimmed.
std::vector<std::string_view> meaningful_lines(std::string_view text) {
  std::vector<std::string_view> lines;
  while (!text.empty()) {
    const size_t end = text.find('\n');
    const std::string_view line = trim_spaces(text.substr(0, end));
    if (!skip_decoration(line).empty()) lines.push_back(line);
    if (end == std::string_view::npos) break;
    text.remove_prefix(end + 1);
  }
  return lines;
}

// "NOTHING", "NONE", "NO_EVENT", and "NO EVENT(S)" / "NO CHANGE(S)".
bool starts_with_nothing(std::string_view text) {
  std::string word = take_word(text);
  if (word == "NOTHING" || word == "NONE" || word == "NO_EVENT" || word == "NOEVENT") return true;
  if (word != "NO") return false;
  text = skip_decoration(text);
  word = take_word(text);
  return word == "EVENT" || word == "EVENTS" || word == "CHANGE" || word == "CHANGES";
}

size_t word_count(std::string_view text) {
  size_t count = 0;
  bool in_word = false;
  for (char c : text) {
    const bool space = is_space(c);
    if (!space && !in_word) ++count;
    in_word = !space;
  }
  return count;
}

}  // namespace

const char* answer_verdict_name(AnswerVerdict verdict) {
  switch (verdict) {
    case AnswerVerdict::Event:
      return "event";
    case AnswerVerdict::Nothing:
      return "nothing";
    case AnswerVerdict::Unclear:
      return "unclear";
  }
  return "unknown";
}

std::string strip_reasoning(std::string_view answer) {
  std::string text(answer);
  for (;;) {
    const std::string lower = to_lower_ascii(text);
    const Found open = find_first_marker(lower, /*closing=*/false);
    const Found close = find_first_marker(lower, /*closing=*/true);
    if (close.position != std::string::npos && close.position < open.position) {
      // Closed but never opened here: the prompt opened it, all before is reasoning.
      text.erase(0, close.position + close.length);
    } else if (open.position != std::string::npos) {
      const Found end = find_first_marker(lower, /*closing=*/true, open.position + open.length);
      const size_t erase_end =
          end.position == std::string::npos ? text.size() : end.position + end.length;
      text.erase(open.position, erase_end - open.position);
    } else {
      return text;
    }
  }
}

ClassifiedAnswer classify_watch_answer(std::string_view answer) {
  const std::string text = strip_reasoning(answer);
  const std::vector<std::string_view> lines = meaningful_lines(text);
  if (lines.empty()) return {AnswerVerdict::Unclear, ""};

  std::string_view first = skip_label(skip_decoration(lines.front()));
  if (starts_with_nothing(first)) return {AnswerVerdict::Nothing, ""};

  std::string_view rest = first;
  const std::string word = take_word(rest);
  if (word != "EVENT" && word != "EVENTS") {
    return {AnswerVerdict::Unclear, std::string(lines.front())};
  }
  std::string_view summary = trim_sentence(skip_separators(rest));
  // "EVENT:" alone on its line, the sentence on the next one.
  if (summary.empty() && lines.size() > 1) summary = trim_sentence(lines[1]);
  // "EVENT: nothing happened" / "EVENT: none": the model used the wrong
  // word. Only short phrases: "EVENT: Nothing is left on the table" is news.
  if (starts_with_nothing(summary) && word_count(summary) <= 3) {
    return {AnswerVerdict::Nothing, ""};
  }
  return {AnswerVerdict::Event, std::string(summary)};
}

}  // namespace mosaic::watch
