#include "engine/core/cpu_topology.h"

#include <algorithm>
#include <fstream>
#include <set>
#include <string>
#include <thread>
#include <utility>

namespace mosaic {

int physical_core_count() {
  static const int count = [] {
    std::set<std::pair<int, int>> cores;  // (package, core) pairs
    for (unsigned cpu = 0;; ++cpu) {
      const std::string dir = "/sys/devices/system/cpu/cpu" + std::to_string(cpu) + "/topology/";
      std::ifstream core_file(dir + "core_id"), package_file(dir + "physical_package_id");
      int core = 0, package = 0;
      if (!(core_file >> core) || !(package_file >> package)) break;
      cores.insert({package, core});
    }
    if (!cores.empty()) return static_cast<int>(cores.size());
    return static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  }();
  return count;
}

}  // namespace mosaic
