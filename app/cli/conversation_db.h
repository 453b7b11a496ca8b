// The conversation database the CLI commands share with the GUI: --db PATH,
// else $XDG_DATA_HOME/mosaic/mosaic.db.
#pragma once

#include <CLI/CLI.hpp>
#include <string>

#include "app/store/conversation_store.h"

namespace mosaic::cli {

// Registers --db on `app`, writing into `path`.
void add_database_option(CLI::App& app, std::string& path);

// Opens the store (default path when `path` is empty) and tells the user on
// stderr about replies recovered after a crash and schema upgrades.
store::ConversationStore open_conversation_store(const std::string& path);

}  // namespace mosaic::cli
