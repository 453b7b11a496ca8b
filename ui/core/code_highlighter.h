// Syntax colouring of fenced code blocks for the chat view: a small lexer
// that knows the keywords, strings, comments and numbers of common languages
// (python, c/c++, js/ts, rust, go, bash, json) and renders the tokens as rich
// text the QML TextEdit shows. Not a parser: it only needs to look right for
// code a model writes, and it never fails (unknown languages stay plain).
#pragma once

#include <QList>
#include <QString>

namespace mosaic::ui {

enum class CodeTokenKind { Plain, Keyword, String, Comment, Number };

struct CodeToken {
  CodeTokenKind kind = CodeTokenKind::Plain;
  QString text;
  bool operator==(const CodeToken& other) const = default;
};

enum class CodeTheme { Light, Dark };

// The code cut into tokens whose texts, joined, give back `code` exactly.
// `language` is the fence's info string ("py", "C++", "typescript"...);
// an unknown or empty one gives a single Plain token.
QList<CodeToken> tokenize_code(const QString& code, const QString& language);

// True when tokenize_code knows `language` (or one of its short names).
bool is_known_code_language(const QString& language);

// The code as rich text: one <span style="color:..."> per coloured token,
// HTML-escaped, whitespace kept (white-space: pre-wrap).
QString highlighted_code_html(const QString& code, const QString& language, CodeTheme theme);

}  // namespace mosaic::ui
