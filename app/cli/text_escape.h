// Shows token pieces unambiguously on a terminal.
#pragma once

#include <string>
#include <string_view>

namespace mosaic::cli {

// Complete UTF-8 characters stay as they are; control characters become \n,
// \t, \r, \\ or \xNN, and bytes that are not part of a complete, valid UTF-8
// character (a piece may hold half of one) become \xNN.
std::string escape_piece(std::string_view bytes);

}  // namespace mosaic::cli
