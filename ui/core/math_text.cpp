#include "ui/core/math_text.h"

#include <QHash>

namespace mosaic::ui {
namespace {

// Commands that are one symbol.
const QHash<QString, QString>& symbols() {
  static const QHash<QString, QString> table = {
      {"alpha", "α"},
      {"beta", "β"},
      {"gamma", "γ"},
      {"delta", "δ"},
      {"epsilon", "ε"},
      {"varepsilon", "ε"},
      {"zeta", "ζ"},
      {"eta", "η"},
      {"theta", "θ"},
      {"vartheta", "ϑ"},
      {"iota", "ι"},
      {"kappa", "κ"},
      {"lambda", "λ"},
      {"mu", "μ"},
      {"nu", "ν"},
      {"xi", "ξ"},
      {"pi", "π"},
      {"varpi", "ϖ"},
      {"rho", "ρ"},
      {"sigma", "σ"},
      {"tau", "τ"},
      {"upsilon", "υ"},
      {"phi", "φ"},
      {"varphi", "φ"},
      {"chi", "χ"},
      {"psi", "ψ"},
      {"omega", "ω"},
      {"Gamma", "Γ"},
      {"Delta", "Δ"},
      {"Theta", "Θ"},
      {"Lambda", "Λ"},
      {"Xi", "Ξ"},
      {"Pi", "Π"},
      {"Sigma", "Σ"},
      {"Upsilon", "Υ"},
      {"Phi", "Φ"},
      {"Psi", "Ψ"},
      {"Omega", "Ω"},
      {"cdot", "·"},
      {"times", "×"},
      {"div", "÷"},
      {"pm", "±"},
      {"mp", "∓"},
      {"leq", "≤"},
      {"le", "≤"},
      {"geq", "≥"},
      {"ge", "≥"},
      {"neq", "≠"},
      {"ne", "≠"},
      {"approx", "≈"},
      {"equiv", "≡"},
      {"sim", "∼"},
      {"simeq", "≃"},
      {"propto", "∝"},
      {"infty", "∞"},
      {"sum", "∑"},
      {"prod", "∏"},
      {"int", "∫"},
      {"iint", "∬"},
      {"oint", "∮"},
      {"partial", "∂"},
      {"nabla", "∇"},
      {"to", "→"},
      {"rightarrow", "→"},
      {"leftarrow", "←"},
      {"Rightarrow", "⇒"},
      {"Leftarrow", "⇐"},
      {"implies", "⇒"},
      {"iff", "⇔"},
      {"Leftrightarrow", "⇔"},
      {"leftrightarrow", "↔"},
      {"mapsto", "↦"},
      {"in", "∈"},
      {"notin", "∉"},
      {"ni", "∋"},
      {"subset", "⊂"},
      {"subseteq", "⊆"},
      {"supset", "⊃"},
      {"supseteq", "⊇"},
      {"cup", "∪"},
      {"cap", "∩"},
      {"setminus", "∖"},
      {"forall", "∀"},
      {"exists", "∃"},
      {"neg", "¬"},
      {"lnot", "¬"},
      {"land", "∧"},
      {"wedge", "∧"},
      {"lor", "∨"},
      {"vee", "∨"},
      {"emptyset", "∅"},
      {"varnothing", "∅"},
      {"ldots", "…"},
      {"dots", "…"},
      {"cdots", "⋯"},
      {"vdots", "⋮"},
      {"ddots", "⋱"},
      {"circ", "∘"},
      {"bullet", "•"},
      {"star", "⋆"},
      {"ast", "∗"},
      {"oplus", "⊕"},
      {"otimes", "⊗"},
      {"perp", "⊥"},
      {"parallel", "∥"},
      {"angle", "∠"},
      {"degree", "°"},
      {"prime", "′"},
      {"hbar", "ℏ"},
      {"ell", "ℓ"},
      {"Re", "ℜ"},
      {"Im", "ℑ"},
      {"aleph", "ℵ"},
      {"langle", "⟨"},
      {"rangle", "⟩"},
      {"lfloor", "⌊"},
      {"rfloor", "⌋"},
      {"lceil", "⌈"},
      {"rceil", "⌉"},
      {"ll", "≪"},
      {"gg", "≫"},
      {"mid", "∣"},
      {"vert", "|"},
      {"Vert", "‖"},
      {"lvert", "|"},
      {"rvert", "|"},
      {"lVert", "‖"},
      {"rVert", "‖"},
      {"{", "{"},
      {"}", "}"},
      {"%", "%"},
      {"$", "$"},
      {"&", "&amp;"},
      {"#", "#"},
      {"_", "_"},
      {"|", "‖"},
      {",", "\u2009"},
      {";", "\u2005"},
      {":", "\u2005"},
      {"!", ""},
      {" ", " "},
      {"quad", "\u2003"},
      {"qquad", "\u2003\u2003"},
      {"\\", "<br/>"},
      {"left", ""},
      {"right", ""},
      {"big", ""},
      {"Big", ""},
      {"bigg", ""},
      {"Bigg", ""},
      {"displaystyle", ""},
      {"limits", ""},
      {"nolimits", ""},
  };
  return table;
}

// Operator names set upright, as TeX does.
bool is_function_name(const QString& name) {
  static const QStringList names = {
      "sin",  "cos",  "tan", "cot", "sec", "csc", "arcsin", "arccos", "arctan", "sinh",
      "cosh", "tanh", "log", "ln",  "lg",  "exp", "lim",    "max",    "min",    "sup",
      "inf",  "det",  "gcd", "deg", "dim", "ker", "arg",    "Pr",     "mod",    "bmod"};
  return names.contains(name);
}

QString blackboard(const QString& letters) {
  static const QHash<QChar, QString> table = {{'R', "ℝ"}, {'N', "ℕ"}, {'Z', "ℤ"}, {'Q', "ℚ"},
                                              {'C', "ℂ"}, {'P', "ℙ"}, {'E', "𝔼"}, {'H', "ℍ"}};
  QString out;
  for (const QChar c : letters) out += table.value(c, QString(c));
  return out;
}

// A recursive-descent reader over one formula.
class LatexReader {
 public:
  explicit LatexReader(const QString& text) : text_(text) {}

  // Everything up to the end, or up to an unmatched '}' when `in_group`.
  QString sequence(bool in_group) {
    QString out;
    while (pos_ < text_.size()) {
      const QChar c = text_[pos_];
      if (c == QLatin1Char('}')) {
        if (in_group) return out;
        ++pos_;  // a stray closing brace is dropped
        continue;
      }
      out += atom_with_scripts();
    }
    return out;
  }

 private:
  // One atom followed by any ^ and _ it carries.
  QString atom_with_scripts() {
    QString out = atom();
    while (pos_ < text_.size() &&
           (text_[pos_] == QLatin1Char('^') || text_[pos_] == QLatin1Char('_'))) {
      const bool super = text_[pos_] == QLatin1Char('^');
      ++pos_;
      const QString script = argument();
      out += super ? QStringLiteral("<sup>%1</sup>").arg(script)
                   : QStringLiteral("<sub>%1</sub>").arg(script);
    }
    return out;
  }

  // A braced group, a command or one character: what ^, _ and \frac take.
  QString argument() {
    skip_spaces();
    if (pos_ >= text_.size()) return {};
    if (text_[pos_] == QLatin1Char('{')) return group();
    if (text_[pos_] == QLatin1Char('\\')) return command();
    return escaped(text_[pos_++]);
  }

  QString group() {
    ++pos_;  // '{'
    QString out = sequence(true);
    if (pos_ < text_.size()) ++pos_;  // '}'
    return out;
  }

  // The raw text of a braced argument (for \text and \mathbb).
  QString raw_group() {
    skip_spaces();
    if (pos_ >= text_.size() || text_[pos_] != QLatin1Char('{')) return {};
    int depth = 0;
    const qsizetype start = pos_ + 1;
    for (; pos_ < text_.size(); ++pos_) {
      if (text_[pos_] == QLatin1Char('{')) ++depth;
      if (text_[pos_] == QLatin1Char('}') && --depth == 0) break;
    }
    const QString raw = text_.mid(start, pos_ - start);
    if (pos_ < text_.size()) ++pos_;
    return raw;
  }

  QString atom() {
    const QChar c = text_[pos_];
    if (c == QLatin1Char('{')) return group();
    if (c == QLatin1Char('\\')) return command();
    ++pos_;
    if (c == QLatin1Char('^') || c == QLatin1Char('_')) return escaped(c);  // a script with no base
    if (c == QLatin1Char('~')) return QStringLiteral(" ");
    if (c == QLatin1Char('-')) return QStringLiteral("−");
    if (c == QLatin1Char('*')) return QStringLiteral("∗");
    if (c == QLatin1Char('\'')) return QStringLiteral("′");
    if (c == QLatin1Char('&')) return QStringLiteral(" ");  // alignment column
    return escaped(c);
  }

  QString command() {
    ++pos_;  // the backslash
    if (pos_ >= text_.size()) return QStringLiteral("\\");
    qsizetype end = pos_;
    if (text_[end].isLetter()) {
      while (end < text_.size() && text_[end].isLetter()) ++end;
    } else {
      ++end;  // a one-character command such as \{ or \,
    }
    const QString name = text_.mid(pos_, end - pos_);
    pos_ = end;

    if (name == QLatin1String("frac") || name == QLatin1String("dfrac") ||
        name == QLatin1String("tfrac")) {
      const QString numerator = argument();
      const QString denominator = argument();
      return parenthesized(numerator) + QStringLiteral("⁄") + parenthesized(denominator);
    }
    if (name == QLatin1String("sqrt")) {
      QString degree;
      skip_spaces();
      if (pos_ < text_.size() && text_[pos_] == QLatin1Char('[')) {
        const qsizetype close = text_.indexOf(QLatin1Char(']'), pos_);
        if (close > pos_) {
          degree = LatexReader(text_.mid(pos_ + 1, close - pos_ - 1)).sequence(false);
          pos_ = close + 1;
        }
      }
      const QString radicand = argument();
      return (degree.isEmpty() ? QString() : QStringLiteral("<sup>%1</sup>").arg(degree)) +
             QStringLiteral("√") + parenthesized(radicand);
    }
    if (name == QLatin1String("text") || name == QLatin1String("mathrm") ||
        name == QLatin1String("operatorname") || name == QLatin1String("textrm") ||
        name == QLatin1String("mbox")) {
      return raw_group().toHtmlEscaped();
    }
    if (name == QLatin1String("mathbf") || name == QLatin1String("textbf") ||
        name == QLatin1String("boldsymbol")) {
      return QStringLiteral("<b>%1</b>").arg(argument());
    }
    if (name == QLatin1String("mathit") || name == QLatin1String("textit")) {
      return QStringLiteral("<i>%1</i>").arg(argument());
    }
    if (name == QLatin1String("mathbb")) return blackboard(raw_group());
    if (name == QLatin1String("mathcal") || name == QLatin1String("mathsf") ||
        name == QLatin1String("mathtt")) {
      return argument();
    }
    if (name == QLatin1String("hat")) return argument() + QStringLiteral("\u0302");
    if (name == QLatin1String("bar") || name == QLatin1String("overline")) {
      return argument() + QStringLiteral("\u0305");
    }
    if (name == QLatin1String("vec")) return argument() + QStringLiteral("\u20D7");
    if (name == QLatin1String("dot")) return argument() + QStringLiteral("\u0307");
    if (name == QLatin1String("tilde")) return argument() + QStringLiteral("\u0303");
    if (name == QLatin1String("begin") || name == QLatin1String("end")) {
      raw_group();  // environments (aligned, cases, matrix): their body reads well enough
      return {};
    }
    if (is_function_name(name)) return name;
    const auto it = symbols().constFind(name);
    if (it != symbols().constEnd()) return it.value();
    return (QStringLiteral("\\") + name).toHtmlEscaped();  // unknown: keep as written
  }

  void skip_spaces() {
    while (pos_ < text_.size() && text_[pos_].isSpace()) ++pos_;
  }

  static QString escaped(QChar c) { return QString(c).toHtmlEscaped(); }

  // "(a+b)" where a bare "a+b" next to a fraction slash or root would misread.
  static QString parenthesized(const QString& html) {
    QString visible = html;
    visible.remove(QStringLiteral("<sup>")).remove(QStringLiteral("</sup>"));
    visible.remove(QStringLiteral("<sub>")).remove(QStringLiteral("</sub>"));
    bool simple = true;
    for (const QChar c : visible) {
      if (!c.isLetterOrNumber() && c != QLatin1Char('.') && c != QChar(0x221A)) simple = false;
    }
    return simple ? html : QStringLiteral("(%1)").arg(html);
  }

  const QString& text_;
  qsizetype pos_ = 0;
};

// The index of the $ closing inline math opened at `open`, or -1.
qsizetype closing_dollar(const QString& text, qsizetype open) {
  const qsizetype first = open + 1;
  if (first >= text.size() || text[first].isSpace() || text[first] == QLatin1Char('$')) return -1;
  for (qsizetype i = first; i < text.size(); ++i) {
    const QChar c = text[i];
    if (c == QLatin1Char('\n') && i + 1 < text.size() && text[i + 1] == QLatin1Char('\n')) {
      return -1;  // math does not span paragraphs
    }
    if (c == QLatin1Char('\\')) {
      ++i;
      continue;
    }
    if (c == QLatin1Char('$')) {
      if (text[i - 1].isSpace()) return -1;
      if (i + 1 < text.size() && text[i + 1].isDigit()) return -1;
      return i;
    }
  }
  return -1;
}

QString math_span(const QString& latex) {
  return QStringLiteral("<span>%1</span>").arg(latex_to_html(latex.trimmed()));
}

}  // namespace

QString latex_to_html(const QString& latex) { return LatexReader(latex).sequence(false); }

QString markdown_with_inline_math(const QString& markdown) {
  QString out;
  out.reserve(markdown.size());
  qsizetype i = 0;
  const qsizetype n = markdown.size();
  while (i < n) {
    const QChar c = markdown[i];
    if (c == QLatin1Char('`')) {  // an inline code span: copied as it is
      qsizetype ticks = 0;
      while (i + ticks < n && markdown[i + ticks] == QLatin1Char('`')) ++ticks;
      const QString fence(ticks, QLatin1Char('`'));
      const qsizetype close = markdown.indexOf(fence, i + ticks);
      const qsizetype end = close < 0 ? i + ticks : close + ticks;
      out += markdown.mid(i, end - i);
      i = end;
      continue;
    }
    if (c == QLatin1Char('\\') && i + 1 < n && markdown[i + 1] == QLatin1Char('(')) {
      const qsizetype close = markdown.indexOf(QStringLiteral("\\)"), i + 2);
      if (close > 0) {
        out += math_span(markdown.mid(i + 2, close - i - 2));
        i = close + 2;
        continue;
      }
    }
    if (c == QLatin1Char('\\') && i + 1 < n && markdown[i + 1] == QLatin1Char('$')) {
      out += QStringLiteral("\\$");  // an escaped dollar stays a dollar
      i += 2;
      continue;
    }
    if (c == QLatin1Char('$') && i + 1 < n && markdown[i + 1] == QLatin1Char('$')) {
      // Display math inside a paragraph is shown inline.
      const qsizetype close = markdown.indexOf(QStringLiteral("$$"), i + 2);
      if (close > 0) {
        out += math_span(markdown.mid(i + 2, close - i - 2));
        i = close + 2;
        continue;
      }
    }
    if (c == QLatin1Char('$')) {
      const qsizetype close = closing_dollar(markdown, i);
      if (close > 0) {
        out += math_span(markdown.mid(i + 1, close - i - 1));
        i = close + 1;
        continue;
      }
    }
    out += c;
    ++i;
  }
  return out;
}

}  // namespace mosaic::ui
