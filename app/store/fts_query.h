// Turns what a user types into the search box into a safe FTS5 query.
#pragma once

#include <string>
#include <string_view>

namespace mosaic::store {

// Every whitespace-separated word becomes a quoted FTS5 string ("word", with
// inner quotes doubled), joined by spaces (= all words must match). Nothing
// the user types can be read as FTS5 syntax (AND, NEAR(, column:, *, ^), so no
// input causes a syntax error. Returns "" when there is nothing to search for.
std::string make_fts_query(std::string_view user_text);

}  // namespace mosaic::store
