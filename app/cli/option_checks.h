// CLI11 checks shared by subcommands.
#pragma once

#include <CLI/CLI.hpp>
#include <string>

namespace mosaic::cli {

// CLI11 converts "-1" into an unsigned option by wrapping around to 2^64-1;
// this check, run on the text before conversion, rejects negative input.
inline const CLI::Validator kNonNegativeInteger(
    [](std::string& text) -> std::string {
      if (text.find('-') != std::string::npos) return "must be a non-negative integer";
      return {};
    },
    "");  // no description: CLI11 already shows the type (UINT)

}  // namespace mosaic::cli
