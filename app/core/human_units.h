// Numbers for people: parameter counts (30.5B), byte sizes (17.3 GiB).
#pragma once

#include <cstdint>
#include <string>

namespace mosaic::app {

// Decimal units as model cards use them: 950, 12.3K, 1.4M, 30.5B, 1.2T.
std::string format_count(uint64_t count);

// Binary units: 512 B, 1.5 KiB, 96.0 MiB, 17.3 GiB.
std::string format_bytes(uint64_t bytes);

}  // namespace mosaic::app
