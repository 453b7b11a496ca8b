#include "ui/core/code_highlighter.h"

#include <QSet>
#include <QStringList>

namespace mosaic::ui {
namespace {

// What the lexer needs to know about one language.
struct LanguageRules {
  QSet<QString> keywords;
  QStringList line_comments;  // e.g. "//", "#"
  QString block_open;         // e.g. "/*"; empty when the language has none
  QString block_close;
  QString quotes;                   // characters that open a string
  bool triple_quotes = false;       // python's """ and '''
  bool quote_is_char_only = false;  // rust: ' is a char literal or a lifetime
  bool dollar_variables = false;    // bash: $NAME and ${...} read as strings
};

QSet<QString> words(const char* list) {
  QSet<QString> set;
  for (const QString& w : QString::fromLatin1(list).split(QLatin1Char(' '), Qt::SkipEmptyParts))
    set.insert(w);
  return set;
}

LanguageRules python_rules() {
  LanguageRules r;
  r.keywords = words(
      "False None True and as assert async await break class continue def del elif else except "
      "finally for from global if import in is lambda nonlocal not or pass raise return try "
      "while with yield match case self print len range");
  r.line_comments = {QStringLiteral("#")};
  r.quotes = QStringLiteral("\"'");
  r.triple_quotes = true;
  return r;
}

LanguageRules c_family_rules() {
  LanguageRules r;
  r.keywords = words(
      "auto bool break case catch char class const constexpr consteval constinit continue "
      "default delete do double else enum explicit extern false float for friend goto if inline "
      "int long namespace new noexcept nullptr operator override private protected public return "
      "short signed sizeof static static_cast dynamic_cast reinterpret_cast const_cast struct "
      "switch template this throw true try typedef typename union unsigned using virtual void "
      "volatile while size_t uint8_t uint16_t uint32_t uint64_t int8_t int16_t int32_t int64_t "
      "std string vector include define ifdef ifndef endif pragma co_await co_return co_yield "
      "concept requires final");
  r.line_comments = {QStringLiteral("//")};
  r.block_open = QStringLiteral("/*");
  r.block_close = QStringLiteral("*/");
  r.quotes = QStringLiteral("\"'");
  return r;
}

LanguageRules js_rules() {
  LanguageRules r;
  r.keywords = words(
      "async await break case catch class const continue debugger default delete do else export "
      "extends false finally for function if import in instanceof let new null of return static "
      "super switch this throw true try typeof undefined var void while with yield interface type "
      "enum implements private protected public readonly abstract as declare namespace keyof "
      "number string boolean any unknown never from");
  r.line_comments = {QStringLiteral("//")};
  r.block_open = QStringLiteral("/*");
  r.block_close = QStringLiteral("*/");
  r.quotes = QStringLiteral("\"'`");
  return r;
}

LanguageRules rust_rules() {
  LanguageRules r;
  r.keywords = words(
      "as async await break const continue crate dyn else enum extern false fn for if impl in let "
      "loop match mod move mut pub ref return self Self static struct super trait true type "
      "unsafe use where while Some None Ok Err Box Vec String Option Result i8 i16 i32 i64 i128 "
      "isize u8 u16 u32 u64 u128 usize f32 f64 bool char str");
  r.line_comments = {QStringLiteral("//")};
  r.block_open = QStringLiteral("/*");
  r.block_close = QStringLiteral("*/");
  r.quotes = QStringLiteral("\"'");
  r.quote_is_char_only = true;
  return r;
}

LanguageRules go_rules() {
  LanguageRules r;
  r.keywords = words(
      "break case chan const continue default defer else fallthrough for func go goto if import "
      "interface map package range return select struct switch type var true false nil iota "
      "string int int8 int16 int32 int64 uint uint8 uint16 uint32 uint64 float32 float64 bool "
      "byte rune error make new len cap append");
  r.line_comments = {QStringLiteral("//")};
  r.block_open = QStringLiteral("/*");
  r.block_close = QStringLiteral("*/");
  r.quotes = QStringLiteral("\"'`");
  return r;
}

LanguageRules bash_rules() {
  LanguageRules r;
  r.keywords = words(
      "if then else elif fi for while until do done case esac function in return export local "
      "readonly declare set unset shift exit echo cd source alias true false select time");
  r.line_comments = {QStringLiteral("#")};
  r.quotes = QStringLiteral("\"'");
  r.dollar_variables = true;
  return r;
}

LanguageRules json_rules() {
  LanguageRules r;
  r.keywords = words("true false null");
  r.quotes = QStringLiteral("\"");
  return r;
}

// The rules for a fence's info string, nullptr when the language is unknown.
const LanguageRules* rules_for(const QString& language) {
  static const LanguageRules python = python_rules();
  static const LanguageRules c_family = c_family_rules();
  static const LanguageRules js = js_rules();
  static const LanguageRules rust = rust_rules();
  static const LanguageRules go = go_rules();
  static const LanguageRules bash = bash_rules();
  static const LanguageRules json = json_rules();
  // The info string may carry more after the name ("python title=x").
  const QString name = language.trimmed().section(QLatin1Char(' '), 0, 0).toLower();
  static const QSet<QString> python_names = words("python py python3 py3");
  static const QSet<QString> c_names = words("c cpp c++ cc cxx h hpp hh hxx objc cuda java cs c#");
  static const QSet<QString> js_names = words("js javascript jsx mjs cjs ts typescript tsx node");
  static const QSet<QString> rust_names = words("rust rs");
  static const QSet<QString> go_names = words("go golang");
  static const QSet<QString> bash_names = words("bash sh shell zsh console terminal");
  static const QSet<QString> json_names = words("json jsonc json5");
  if (python_names.contains(name)) return &python;
  if (c_names.contains(name)) return &c_family;
  if (js_names.contains(name)) return &js;
  if (rust_names.contains(name)) return &rust;
  if (go_names.contains(name)) return &go;
  if (bash_names.contains(name)) return &bash;
  if (json_names.contains(name)) return &json;
  return nullptr;
}

bool is_word_start(QChar c) { return c.isLetter() || c == QLatin1Char('_'); }
bool is_word_char(QChar c) { return c.isLetterOrNumber() || c == QLatin1Char('_'); }

// Where the string opened at `start` by `quote` ends (one past its closing
// quote, or the end of the line / text when it is never closed).
qsizetype string_end(const QString& code, qsizetype start, const QString& quote, bool spans_lines) {
  qsizetype i = start + quote.size();
  while (i < code.size()) {
    if (code[i] == QLatin1Char('\\')) {
      i += 2;
      continue;
    }
    if (code.mid(i, quote.size()) == quote) return i + quote.size();
    if (code[i] == QLatin1Char('\n') && !spans_lines) return i;
    ++i;
  }
  return code.size();
}

}  // namespace

bool is_known_code_language(const QString& language) { return rules_for(language) != nullptr; }

QList<CodeToken> tokenize_code(const QString& code, const QString& language) {
  QList<CodeToken> tokens;
  const auto push = [&tokens](CodeTokenKind kind, const QString& text) {
    if (text.isEmpty()) return;
    if (!tokens.isEmpty() && tokens.last().kind == kind && kind == CodeTokenKind::Plain) {
      tokens.last().text += text;
    } else {
      tokens.append({kind, text});
    }
  };
  const LanguageRules* rules = rules_for(language);
  if (rules == nullptr) {
    push(CodeTokenKind::Plain, code);
    return tokens;
  }
  qsizetype i = 0;
  const qsizetype n = code.size();
  while (i < n) {
    const QChar c = code[i];
    // Comments.
    if (!rules->block_open.isEmpty() &&
        code.mid(i, rules->block_open.size()) == rules->block_open) {
      qsizetype end = code.indexOf(rules->block_close, i + rules->block_open.size());
      end = end < 0 ? n : end + rules->block_close.size();
      push(CodeTokenKind::Comment, code.mid(i, end - i));
      i = end;
      continue;
    }
    bool line_comment = false;
    for (const QString& prefix : rules->line_comments) {
      // In bash a '#' inside a word ("a#b", "$#") does not start a comment.
      if (code.mid(i, prefix.size()) == prefix &&
          !(rules->dollar_variables && i > 0 && !code[i - 1].isSpace())) {
        line_comment = true;
      }
    }
    if (line_comment) {
      qsizetype end = code.indexOf(QLatin1Char('\n'), i);
      if (end < 0) end = n;
      push(CodeTokenKind::Comment, code.mid(i, end - i));
      i = end;
      continue;
    }
    // Strings.
    if (rules->quotes.contains(c)) {
      if (rules->quote_is_char_only && c == QLatin1Char('\'')) {
        // 'x' or '\n' is a char literal; 'a in &'a str is a lifetime (plain).
        const bool escaped = i + 1 < n && code[i + 1] == QLatin1Char('\\');
        const qsizetype close = code.indexOf(QLatin1Char('\''), i + (escaped ? 3 : 2));
        const qsizetype longest = escaped ? 10 : 2;  // '\u{10FFFF}' is the longest escape
        if (close > i && close - i <= longest) {
          push(CodeTokenKind::String, code.mid(i, close + 1 - i));
          i = close + 1;
        } else {
          push(CodeTokenKind::Plain, QString(c));
          ++i;
        }
        continue;
      }
      const QString triple(3, c);
      const bool is_triple = rules->triple_quotes && code.mid(i, 3) == triple;
      const QString quote = is_triple ? triple : QString(c);
      const bool spans_lines = is_triple || c == QLatin1Char('`');
      const qsizetype end = string_end(code, i, quote, spans_lines);
      push(CodeTokenKind::String, code.mid(i, end - i));
      i = end;
      continue;
    }
    if (rules->dollar_variables && c == QLatin1Char('$') && i + 1 < n) {
      qsizetype end = i + 1;
      if (code[end] == QLatin1Char('{')) {
        end = code.indexOf(QLatin1Char('}'), end);
        end = end < 0 ? n : end + 1;
      } else if (QStringLiteral("#?@!$*-").contains(code[end])) {
        ++end;  // a special parameter such as $# or $?
      } else {
        while (end < n && is_word_char(code[end])) ++end;
      }
      if (end > i + 1) {
        push(CodeTokenKind::String, code.mid(i, end - i));
        i = end;
        continue;
      }
    }
    // Numbers (not the digits inside a name such as x2).
    if (c.isDigit() || (c == QLatin1Char('.') && i + 1 < n && code[i + 1].isDigit() &&
                        (i == 0 || !is_word_char(code[i - 1])))) {
      qsizetype end = i + 1;
      while (end < n && (is_word_char(code[end]) || code[end] == QLatin1Char('.'))) ++end;
      push(CodeTokenKind::Number, code.mid(i, end - i));
      i = end;
      continue;
    }
    // Words.
    if (is_word_start(c)) {
      qsizetype end = i + 1;
      while (end < n && is_word_char(code[end])) ++end;
      const QString word = code.mid(i, end - i);
      push(rules->keywords.contains(word) ? CodeTokenKind::Keyword : CodeTokenKind::Plain, word);
      i = end;
      continue;
    }
    // Anything else, including "#include" style preprocessor hashes.
    push(CodeTokenKind::Plain, QString(c));
    ++i;
  }
  return tokens;
}

QString highlighted_code_html(const QString& code, const QString& language, CodeTheme theme) {
  const bool dark = theme == CodeTheme::Dark;
  // Colours chosen to read on the code card's background in each theme.
  const auto colour = [dark](CodeTokenKind kind) -> QString {
    switch (kind) {
      case CodeTokenKind::Keyword:
        return dark ? QStringLiteral("#c792ea") : QStringLiteral("#8639c5");
      case CodeTokenKind::String:
        return dark ? QStringLiteral("#a5d6a7") : QStringLiteral("#2e7d32");
      case CodeTokenKind::Comment:
        return dark ? QStringLiteral("#7f8796") : QStringLiteral("#8a8f98");
      case CodeTokenKind::Number:
        return dark ? QStringLiteral("#f78c6c") : QStringLiteral("#c2410c");
      case CodeTokenKind::Plain:
        break;
    }
    return {};
  };
  QString html = QStringLiteral("<div style=\"white-space: pre-wrap;\">");
  for (const CodeToken& token : tokenize_code(code, language)) {
    const QString text = token.text.toHtmlEscaped();
    if (token.kind == CodeTokenKind::Plain) {
      html += text;
    } else {
      html += QStringLiteral("<span style=\"color:%1;%2\">%3</span>")
                  .arg(colour(token.kind),
                       token.kind == CodeTokenKind::Comment ? QStringLiteral(" font-style:italic;")
                                                            : QString(),
                       text);
    }
  }
  html += QStringLiteral("</div>");
  return html;
}

}  // namespace mosaic::ui
