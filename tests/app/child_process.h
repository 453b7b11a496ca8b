// Runs a program to completion and captures its output, for end-to-end tests.
#pragma once

#include <map>
#include <string>
#include <vector>

namespace mosaic::testing {

struct ProcessResult {
  int exit_code = -1;  // 128 + signal number if it was killed by a signal
  std::string out;
  std::string err;
};

// Runs `program` with `args` (no shell), extra environment variables set,
// stdin from `stdin_text` (empty: /dev/null). Input and output go through
// files in `scratch_dir`, so a chatty child can never block on a full pipe.
ProcessResult run_process(const std::string& program, const std::vector<std::string>& args,
                          const std::map<std::string, std::string>& env,
                          const std::string& scratch_dir, const std::string& stdin_text = "");

}  // namespace mosaic::testing
