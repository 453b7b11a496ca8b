#pragma once

#include <string_view>
#include <vector>

#include "mosaic/engine.h"

namespace mosaic::cli {

// Parses "ID,ID,..." (spaces around ids allowed). Throws UsageError naming
// the bad item for anything that is not a non-negative 32-bit integer.
std::vector<mosaic_token> parse_token_list(std::string_view text);

}  // namespace mosaic::cli
