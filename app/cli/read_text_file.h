#pragma once

#include <string>

namespace mosaic::cli {

// The whole file as bytes; throws CommandError naming the file if it cannot be read.
std::string read_text_file(const std::string& path);

}  // namespace mosaic::cli
