// Global functions Hugging Face's chat-template environment provides:
// range, namespace, dict, raise_exception and strftime_now.
#pragma once

#include <ctime>

#include "engine/template/evaluator.h"

namespace mosaic::tmpl {

// `now` is the date and time strftime_now() formats (fixed in tests).
void add_builtin_globals(Variables& globals, const std::tm& now);

// strftime with English month/day names whatever the process locale is
// (Qt applications set LC_TIME from the environment).
std::string format_time(const std::string& format, const std::tm& t);

}  // namespace mosaic::tmpl
