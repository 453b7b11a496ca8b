// Exit codes of mosaic-cli and the exceptions that carry them to main().
#pragma once

#include <stdexcept>
#include <string>

namespace mosaic::cli {

enum ExitCode : int {
  kExitOk = 0,
  kExitFailure = 1,       // something went wrong while running (I/O, bad model file, ...)
  kExitUsage = 2,         // the command line is invalid
  kExitInterrupted = 130  // Ctrl+C, as shells report SIGINT
};

// The command line asked for something impossible; main prints the message
// with the subcommand's name and exits with kExitUsage.
class UsageError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Running the command failed; main prints the message and exits with kExitFailure.
class CommandError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

}  // namespace mosaic::cli
