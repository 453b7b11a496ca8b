// LaTeX to readable HTML, each case written out by hand, and the finding of
// inline math in Markdown prose (dollar amounts and code spans left alone).
#include "ui/core/math_text.h"

#include <QTest>

#include "ui/models/message_list_model.h"

using mosaic::ui::latex_to_html;
using mosaic::ui::markdown_with_inline_math;

class MathTextTest : public QObject {
  Q_OBJECT

 private Q_SLOTS:
  void scripts() {
    QCOMPARE(latex_to_html("x^2"), QStringLiteral("x<sup>2</sup>"));
    QCOMPARE(latex_to_html("a_{ij}^{n+1}"), QStringLiteral("a<sub>ij</sub><sup>n+1</sup>"));
    QCOMPARE(latex_to_html("e^{-x}"), QStringLiteral("e<sup>−x</sup>"));
  }

  void fractionsAndRoots() {
    QCOMPARE(latex_to_html("\\frac{1}{2}"), QStringLiteral("1⁄2"));
    QCOMPARE(latex_to_html("\\frac{a+b}{c}"), QStringLiteral("(a+b)⁄c"));
    QCOMPARE(latex_to_html("\\sqrt{x}"), QStringLiteral("√x"));
    QCOMPARE(latex_to_html("\\sqrt{b^2 - 4ac}"), QStringLiteral("√(b<sup>2</sup> − 4ac)"));
    QCOMPARE(latex_to_html("\\sqrt[3]{8}"), QStringLiteral("<sup>3</sup>√8"));
  }

  void symbolsAndOperators() {
    QCOMPARE(latex_to_html("\\alpha \\cdot \\beta \\times \\Omega"), QStringLiteral("α · β × Ω"));
    QCOMPARE(latex_to_html("a \\leq b \\neq c \\geq d"), QStringLiteral("a ≤ b ≠ c ≥ d"));
    QCOMPARE(latex_to_html("\\sum_{i=1}^{n} i"), QStringLiteral("∑<sub>i=1</sub><sup>n</sup> i"));
    QCOMPARE(latex_to_html("\\int_0^\\infty e^{-x} dx"),
             QStringLiteral("∫<sub>0</sub><sup>∞</sup> e<sup>−x</sup> dx"));
    QCOMPARE(latex_to_html("\\lim_{x \\to 0} \\sin x"),
             QStringLiteral("lim<sub>x → 0</sub> sin x"));
    QCOMPARE(latex_to_html("x \\in \\mathbb{R}"), QStringLiteral("x ∈ ℝ"));
    QCOMPARE(latex_to_html("\\text{if } x < 0"), QStringLiteral("if  x &lt; 0"));
    QCOMPARE(latex_to_html("\\left( a \\right)"), QStringLiteral("( a )"));
  }

  void unknownCommandsAndBadInputDoNotFail() {
    QCOMPARE(latex_to_html("\\foo{x}"), QStringLiteral("\\foox"));
    QCOMPARE(latex_to_html("x^"), QStringLiteral("x<sup></sup>"));
    QCOMPARE(latex_to_html("\\frac{1"), QStringLiteral("1⁄"));
    QCOMPARE(latex_to_html("}{"), QString());
    QCOMPARE(latex_to_html("\\"), QStringLiteral("\\"));
  }

  void inlineMathInMarkdown() {
    QCOMPARE(markdown_with_inline_math("Area is $\\pi r^2$ here."),
             QStringLiteral("Area is <span>π r<sup>2</sup></span> here."));
    QCOMPARE(markdown_with_inline_math("so \\(a_1\\) and $$b$$"),
             QStringLiteral("so <span>a<sub>1</sub></span> and <span>b</span>"));
  }

  void dollarAmountsAndCodeAreNotMath() {
    const QString money = "It costs $5 and $10 today.";
    QCOMPARE(markdown_with_inline_math(money), money);
    const QString spaced = "between $ x $ signs";
    QCOMPARE(markdown_with_inline_math(spaced), spaced);
    const QString code = "run `echo $HOME$` now";
    QCOMPARE(markdown_with_inline_math(code), code);
    QCOMPARE(markdown_with_inline_math("price \\$x$"), QStringLiteral("price \\$x$"));
  }

  void displayMathBecomesItsOwnSegment() {
    const QVariantList segments =
        mosaic::ui::markdown_segments("Roots:\n$$\nx = \\frac{-b}{2a}\n$$\nand \\[ y^2 \\]\ndone");
    QCOMPARE(segments.size(), 3);
    QCOMPARE(segments[0].toMap().value("kind").toString(), QStringLiteral("text"));
    QCOMPARE(segments[1].toMap().value("kind").toString(), QStringLiteral("math"));
    QCOMPARE(segments[1].toMap().value("html").toString(), QStringLiteral("x = (−b)⁄2a"));
    // "and \[ y^2 \]" does not start the line: it stays in the prose, inline.
    QCOMPARE(segments[2].toMap().value("text").toString(), QStringLiteral("and \\[ y^2 \\]\ndone"));
    const QVariantList one_line = mosaic::ui::markdown_segments("\\[ a^2 \\]");
    QCOMPARE(one_line.size(), 1);
    QCOMPARE(one_line[0].toMap().value("html").toString(), QStringLiteral("a<sup>2</sup>"));
  }
};

QTEST_GUILESS_MAIN(MathTextTest)
#include "math_text_test.moc"
