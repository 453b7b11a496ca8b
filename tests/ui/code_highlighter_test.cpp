// The code lexer on small snippets whose tokens are written out by hand, and
// the rich text it gives (escaped, coloured spans, text preserved).
#include "ui/core/code_highlighter.h"

#include <QTest>

using mosaic::ui::CodeToken;
using mosaic::ui::CodeTokenKind;
using K = mosaic::ui::CodeTokenKind;

namespace {

// Only the coloured tokens, as "kind:text" strings (plain ones are whitespace
// and punctuation in between).
QStringList coloured(const QList<CodeToken>& tokens) {
  QStringList out;
  for (const CodeToken& t : tokens) {
    if (t.kind == K::Plain) continue;
    const char* name = t.kind == K::Keyword   ? "kw"
                       : t.kind == K::String  ? "str"
                       : t.kind == K::Comment ? "com"
                                              : "num";
    out << QStringLiteral("%1:%2").arg(QLatin1String(name), t.text);
  }
  return out;
}

QString joined(const QList<CodeToken>& tokens) {
  QString s;
  for (const CodeToken& t : tokens) s += t.text;
  return s;
}

}  // namespace

class CodeHighlighterTest : public QObject {
  Q_OBJECT

 private Q_SLOTS:
  void python() {
    const QString code = "def fib(n):  # iterative\n    s = \"a#b\"\n    return n * 2.5\n";
    const auto tokens = mosaic::ui::tokenize_code(code, "python");
    QCOMPARE(joined(tokens), code);
    QCOMPARE(coloured(tokens),
             (QStringList{"kw:def", "com:# iterative", "str:\"a#b\"", "kw:return", "num:2.5"}));
  }

  void pythonTripleQuotesSpanLines() {
    const QString code = "x = \"\"\"one\ntwo\"\"\"\ny = 1";
    QCOMPARE(coloured(mosaic::ui::tokenize_code(code, "py")),
             (QStringList{"str:\"\"\"one\ntwo\"\"\"", "num:1"}));
  }

  void cppCommentsStringsAndNamesWithDigits() {
    const QString code = "/* a\n b */ int x2 = 0x1F; // end\nreturn \"q\\\"t\";";
    const auto tokens = mosaic::ui::tokenize_code(code, "C++");
    QCOMPARE(joined(tokens), code);
    QCOMPARE(coloured(tokens), (QStringList{"com:/* a\n b */", "kw:int", "num:0x1F", "com:// end",
                                            "kw:return", "str:\"q\\\"t\""}));
  }

  void typescriptTemplateString() {
    QCOMPARE(coloured(mosaic::ui::tokenize_code("const s = `a ${b}`;", "ts")),
             (QStringList{"kw:const", "str:`a ${b}`"}));
  }

  void rustLifetimeIsNotAString() {
    QCOMPARE(coloured(mosaic::ui::tokenize_code("fn f<'a>(c: char) { let x = 'z'; }", "rust")),
             (QStringList{"kw:fn", "kw:char", "kw:let", "str:'z'"}));
  }

  void goAndBashAndJson() {
    QCOMPARE(coloured(mosaic::ui::tokenize_code("func main() { return nil }", "go")),
             (QStringList{"kw:func", "kw:return", "kw:nil"}));
    QCOMPARE(
        coloured(mosaic::ui::tokenize_code("if [ $# -gt 1 ]; then echo \"$HOME\"; fi # c", "bash")),
        (QStringList{"kw:if", "str:$#", "num:1", "kw:then", "kw:echo", "str:\"$HOME\"", "kw:fi",
                     "com:# c"}));
    QCOMPARE(coloured(mosaic::ui::tokenize_code("{\"a\": [1, true, null]}", "json")),
             (QStringList{"str:\"a\"", "num:1", "kw:true", "kw:null"}));
  }

  void unknownLanguageStaysPlain() {
    const auto tokens = mosaic::ui::tokenize_code("def x = 1", "brainfuck");
    QCOMPARE(tokens.size(), 1);
    QCOMPARE(tokens[0].kind, K::Plain);
    QVERIFY(!mosaic::ui::is_known_code_language(""));
    QVERIFY(mosaic::ui::is_known_code_language("python title=\"x.py\""));
  }

  void unclosedStringEndsAtTheLine() {
    QCOMPARE(coloured(mosaic::ui::tokenize_code("s = \"open\nint", "c")),
             (QStringList{"str:\"open", "kw:int"}));
  }

  void htmlIsEscapedAndColoured() {
    const QString html = mosaic::ui::highlighted_code_html("if (a < b) return \"<x>\";", "c",
                                                           mosaic::ui::CodeTheme::Light);
    QVERIFY(html.contains("<span style=\"color:#8639c5;\">if</span>"));
    QVERIFY(html.contains(" (a &lt; b) "));
    QVERIFY(html.contains("<span style=\"color:#2e7d32;\">&quot;&lt;x&gt;&quot;</span>"));
    QVERIFY(html.contains("white-space: pre-wrap"));
    const QString dark =
        mosaic::ui::highlighted_code_html("return", "c", mosaic::ui::CodeTheme::Dark);
    QVERIFY(dark.contains("color:#c792ea"));
  }
};

QTEST_GUILESS_MAIN(CodeHighlighterTest)
#include "code_highlighter_test.moc"
