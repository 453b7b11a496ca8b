#include "app/cli/read_text_file.h"

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

#include "app/cli/cli_error.h"

namespace mosaic::cli {

std::string read_text_file(const std::string& path) {
  std::ifstream file(path, std::ios::binary);
  if (!file) throw CommandError("cannot open " + path + ": " + std::strerror(errno));
  std::ostringstream contents;
  contents << file.rdbuf();
  if (file.bad()) throw CommandError("cannot read " + path);
  return contents.str();
}

}  // namespace mosaic::cli
