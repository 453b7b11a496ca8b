#include "engine/template/globals.h"

#include <cstdio>

namespace mosaic::tmpl {
namespace {

// range() larger than this is a template bug, not a chat prompt.
constexpr int64_t kMaxRangeLength = 1'000'000;

int64_t int_param(const Value& v, const char* what) {
  if (!v.is_int() && !v.is_bool()) {
    throw EvalFailure(std::string("range() ") + what + " must be an integer, not " + type_name(v));
  }
  return v.as_int();
}

Value range(CallArgs& a) {
  if (!a.keyword.empty()) throw EvalFailure("range() takes no keyword arguments");
  int64_t start = 0, stop = 0, step = 1;
  switch (a.positional.size()) {
    case 1:
      stop = int_param(a.positional[0], "stop");
      break;
    case 2:
    case 3:
      start = int_param(a.positional[0], "start");
      stop = int_param(a.positional[1], "stop");
      if (a.positional.size() == 3) step = int_param(a.positional[2], "step");
      break;
    default:
      throw EvalFailure("range expected 1 to 3 arguments, got " +
                        std::to_string(a.positional.size()));
  }
  if (step == 0) throw EvalFailure("range() arg 3 must not be zero");
  std::vector<Value> out;
  for (int64_t i = start; step > 0 ? i < stop : i > stop; i += step) {
    if (static_cast<int64_t>(out.size()) >= kMaxRangeLength) {
      throw EvalFailure("range() is longer than " + std::to_string(kMaxRangeLength) + " items");
    }
    out.push_back(Value::integer(i));
  }
  return Value::list(std::move(out));
}

// namespace(...) and dict(...) both accept a mapping and keyword arguments.
Dict mapping_from_args(CallArgs& a, const char* fn) {
  Dict d;
  if (a.positional.size() > 1)
    throw EvalFailure(std::string(fn) + "() takes at most 1 positional argument");
  if (!a.positional.empty()) {
    const Value& init = a.positional[0];
    if (init.is_dict() || init.is_namespace()) {
      d = init.entries();
    } else {
      for (const auto& pair : iterate(init)) {
        if (!pair.is_sequence() || pair.items().size() != 2) {
          throw EvalFailure(std::string(fn) + "() sequence elements must be pairs");
        }
        d.set(pair.items()[0], pair.items()[1]);
      }
    }
  }
  for (const auto& [k, v] : a.keyword) d.set(k, v);
  return d;
}

const char* const kMonths[] = {"January",   "February", "March",    "April",
                               "May",       "June",     "July",     "August",
                               "September", "October",  "November", "December"};
const char* const kDays[] = {"Sunday",   "Monday", "Tuesday", "Wednesday",
                             "Thursday", "Friday", "Saturday"};

}  // namespace

std::string format_time(const std::string& format, const std::tm& t) {
  std::string out;
  char buf[32];
  auto two = [&](int v) {
    std::snprintf(buf, sizeof buf, "%02d", v);
    out += buf;
  };
  const int month = t.tm_mon >= 0 && t.tm_mon < 12 ? t.tm_mon : 0;
  const int wday = t.tm_wday >= 0 && t.tm_wday < 7 ? t.tm_wday : 0;
  for (size_t i = 0; i < format.size(); ++i) {
    if (format[i] != '%' || i + 1 == format.size()) {
      out += format[i];
      continue;
    }
    const char c = format[++i];
    switch (c) {
      case 'd':
        two(t.tm_mday);
        break;
      case 'e':
        std::snprintf(buf, sizeof buf, "%2d", t.tm_mday);
        out += buf;
        break;
      case 'm':
        two(month + 1);
        break;
      case 'Y':
        out += std::to_string(t.tm_year + 1900);
        break;
      case 'y':
        two((t.tm_year + 1900) % 100);
        break;
      case 'b':
        out += std::string(kMonths[month]).substr(0, 3);
        break;
      case 'B':
        out += kMonths[month];
        break;
      case 'a':
        out += std::string(kDays[wday]).substr(0, 3);
        break;
      case 'A':
        out += kDays[wday];
        break;
      case 'H':
        two(t.tm_hour);
        break;
      case 'I':
        two(t.tm_hour % 12 == 0 ? 12 : t.tm_hour % 12);
        break;
      case 'p':
        out += t.tm_hour < 12 ? "AM" : "PM";
        break;
      case 'M':
        two(t.tm_min);
        break;
      case 'S':
        two(t.tm_sec);
        break;
      case 'j':
        std::snprintf(buf, sizeof buf, "%03d", t.tm_yday + 1);
        out += buf;
        break;
      case '%':
        out += '%';
        break;
      default:
        out += '%';
        out += c;
    }
  }
  return out;
}

void add_builtin_globals(Variables& globals, const std::tm& now) {
  globals["range"] = Value::callable("range", range);
  globals["namespace"] = Value::callable("namespace", [](CallArgs& a) {
    Value ns = Value::name_space();
    ns.entries() = mapping_from_args(a, "namespace");
    return ns;
  });
  globals["dict"] = Value::callable(
      "dict", [](CallArgs& a) { return Value::dict(mapping_from_args(a, "dict")); });
  globals["raise_exception"] = Value::callable("raise_exception", [](CallArgs& a) -> Value {
    throw RaisedByTemplate(to_str(a.get(0, "message")));
  });
  globals["strftime_now"] = Value::callable("strftime_now", [now](CallArgs& a) {
    const Value fmt = a.get(0, "format");
    if (!fmt.is_string()) throw EvalFailure("strftime_now() needs a format string");
    return Value::string(format_time(fmt.str(), now));
  });
}

}  // namespace mosaic::tmpl
