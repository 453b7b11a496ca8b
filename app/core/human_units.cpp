#include "app/core/human_units.h"

#include <fmt/format.h>

namespace mosaic::app {

std::string format_count(uint64_t count) {
  static constexpr const char* kSuffixes[] = {"", "K", "M", "B", "T"};
  double value = static_cast<double>(count);
  int unit = 0;
  while (value >= 999.95 && unit < 4) {  // 999.96K prints as 1.0M, not 1000.0K
    value /= 1000.0;
    ++unit;
  }
  if (unit == 0) return fmt::format("{}", count);
  return fmt::format("{:.1f}{}", value, kSuffixes[unit]);
}

std::string format_bytes(uint64_t bytes) {
  static constexpr const char* kSuffixes[] = {"B", "KiB", "MiB", "GiB", "TiB"};
  double value = static_cast<double>(bytes);
  int unit = 0;
  while (value >= 1023.95 && unit < 4) {
    value /= 1024.0;
    ++unit;
  }
  if (unit == 0) return fmt::format("{} B", bytes);
  return fmt::format("{:.1f} {}", value, kSuffixes[unit]);
}

}  // namespace mosaic::app
