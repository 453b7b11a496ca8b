// TemplateError: every failure of parsing or rendering a chat template.
// It carries the 1-based line:column in the template source so a broken
// template shipped in a GGUF file can be fixed without guessing.
#pragma once

#include <string>

#include "engine/error.h"

namespace mosaic::tmpl {

enum class TemplateErrorKind {
  Syntax,  // the template text does not parse
  Render,  // evaluation failed (undefined attribute, type error, unsupported construct)
  Raised,  // the template itself called raise_exception(message)
};

struct SourcePos {
  int line = 0;    // 1-based; 0 when unknown
  int column = 0;  // 1-based, in bytes
};

class TemplateError : public mosaic::Error {
 public:
  TemplateError(TemplateErrorKind kind, SourcePos pos, const std::string& reason)
      : mosaic::Error(
            kind == TemplateErrorKind::Syntax ? ErrorCode::Format : ErrorCode::InvalidArgument,
            format_message(kind, pos, reason)),
        kind_(kind),
        pos_(pos),
        reason_(reason) {}

  TemplateErrorKind kind() const { return kind_; }
  int line() const { return pos_.line; }
  int column() const { return pos_.column; }
  SourcePos pos() const { return pos_; }
  // The message without location; for Raised it is exactly the template's text.
  const std::string& reason() const { return reason_; }

 private:
  static std::string format_message(TemplateErrorKind kind, SourcePos pos,
                                    const std::string& reason) {
    // Built with append: g++ 12 warns falsely (-Wrestrict) on chained operator+.
    std::string message = "chat template";
    if (pos.line > 0) {
      message.append(" ").append(std::to_string(pos.line));
      message.append(":").append(std::to_string(pos.column));
    }
    switch (kind) {
      case TemplateErrorKind::Syntax:
        message.append(": syntax error: ");
        break;
      case TemplateErrorKind::Render:
        message.append(": ");
        break;
      case TemplateErrorKind::Raised:
        message.append(": raise_exception: ");
        break;
    }
    message.append(reason);
    return message;
  }

  TemplateErrorKind kind_;
  SourcePos pos_;
  std::string reason_;
};

}  // namespace mosaic::tmpl
