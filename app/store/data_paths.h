// Where the conversation database lives by default.
#pragma once

#include <filesystem>

namespace mosaic::store {

// $XDG_DATA_HOME/mosaic/mosaic.db, or ~/.local/share/mosaic/mosaic.db when
// XDG_DATA_HOME is unset or not absolute (as the XDG spec asks). Creates the
// directory. Throws StoreError(Io) when neither variable gives a usable home.
std::filesystem::path default_database_path();

}  // namespace mosaic::store
