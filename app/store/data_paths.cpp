#include "app/store/data_paths.h"

#include <cstdlib>
#include <system_error>

#include "app/store/store_error.h"

namespace mosaic::store {

std::filesystem::path default_database_path() {
  std::filesystem::path data_home;
  const char* xdg = std::getenv("XDG_DATA_HOME");
  if (xdg && std::filesystem::path(xdg).is_absolute()) {
    data_home = xdg;
  } else {
    const char* home = std::getenv("HOME");
    if (!home || !*home) {
      throw StoreError(StoreErrorKind::Io,
                       "cannot find the data directory: neither XDG_DATA_HOME nor HOME is set");
    }
    data_home = std::filesystem::path(home) / ".local" / "share";
  }
  std::filesystem::path directory = data_home / "mosaic";
  std::error_code error;
  std::filesystem::create_directories(directory, error);
  if (error) {
    throw StoreError(StoreErrorKind::Io, "cannot create data directory '" + directory.string() +
                                             "': " + error.message());
  }
  return directory / "mosaic.db";
}

}  // namespace mosaic::store
