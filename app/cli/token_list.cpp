#include "app/cli/token_list.h"

#include <charconv>
#include <string>

#include "app/cli/cli_error.h"

namespace mosaic::cli {
namespace {

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\n')) {
    s.remove_suffix(1);
  }
  return s;
}

}  // namespace

std::vector<mosaic_token> parse_token_list(std::string_view text) {
  std::vector<mosaic_token> tokens;
  size_t start = 0;
  while (start <= text.size()) {
    const size_t comma = text.find(',', start);
    const size_t end = comma == std::string_view::npos ? text.size() : comma;
    const std::string_view item = trim(text.substr(start, end - start));
    mosaic_token value = 0;
    const auto [rest, error] = std::from_chars(item.data(), item.data() + item.size(), value);
    if (item.empty() || error != std::errc() || rest != item.data() + item.size() || value < 0) {
      throw UsageError("--prompt-tokens: '" + std::string(item) +
                       "' is not a token id (expected comma-separated non-negative integers)");
    }
    tokens.push_back(value);
    start = end + 1;
  }
  return tokens;
}

}  // namespace mosaic::cli
