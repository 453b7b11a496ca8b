#include "media/documents/poppler_logging.h"

#include <poppler/cpp/poppler-global.h>

#include <cstdio>
#include <string>

namespace mosaic::media {
namespace {

void discard(const std::string&, void*) {}

void print_to_stderr(const std::string& message, void*) {
  std::fprintf(stderr, "poppler: %s\n", message.c_str());
}

}  // namespace

void set_poppler_logging(LibraryLogging logging) {
  // Poppler-cpp has one level: its messages are all problems with the input.
  poppler::set_debug_error_function(logging == LibraryLogging::Silent ? discard : print_to_stderr,
                                    nullptr);
}

}  // namespace mosaic::media
