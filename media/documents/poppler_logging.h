// Poppler's process-wide error output (it reports every syntax problem of a
// damaged PDF on stderr by default). See media/core/library_logging.h.
#pragma once

#include "media/core/library_logging.h"

namespace mosaic::media {

void set_poppler_logging(LibraryLogging logging);

}  // namespace mosaic::media
