#include "app/store/fts_query.h"

namespace mosaic::store {
namespace {

bool is_space(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

}  // namespace

std::string make_fts_query(std::string_view user_text) {
  std::string query;
  size_t i = 0;
  while (i < user_text.size()) {
    while (i < user_text.size() && is_space(user_text[i])) ++i;
    size_t start = i;
    while (i < user_text.size() && !is_space(user_text[i])) ++i;
    if (start == i) break;
    if (!query.empty()) query += ' ';
    query += '"';
    for (char c : user_text.substr(start, i - start)) {
      if (c == '"') query += '"';  // FTS5 escapes a quote inside a string by doubling it
      query += c;
    }
    query += '"';
  }
  return query;
}

}  // namespace mosaic::store
