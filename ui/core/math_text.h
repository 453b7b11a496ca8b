// Readable math for the chat view without a TeX engine: common LaTeX
// (\frac, ^, _, \sqrt, Greek letters, operators and relations, \sum, \int,
// \infty, \mathbb, \text...) becomes Unicode with <sup>/<sub> rich text,
// which Qt's Markdown and rich-text views both show. Unknown commands stay
// as written, so nothing a model writes is lost.
#pragma once

#include <QString>

namespace mosaic::ui {

// One formula (without its $ or \( \) delimiters) as HTML.
QString latex_to_html(const QString& latex);

// Markdown prose with its inline math ($...$ and \(...\)) replaced by
// latex_to_html's HTML in a <span>. Inline code spans are left alone, and a
// dollar amount ("costs $5 and $10") is not math: the opening $ must be
// followed, and the closing $ preceded, by a non-space, and the closing $
// must not be followed by a digit.
QString markdown_with_inline_math(const QString& markdown);

}  // namespace mosaic::ui
