#include "app/cli/conversation_db.h"

#include <fmt/format.h>

#include "app/cli/cli_error.h"
#include "app/store/data_paths.h"
#include "app/store/store_error.h"

namespace mosaic::cli {

void add_database_option(CLI::App& app, std::string& path) {
  app.add_option("--db", path,
                 "Conversation database (default: $XDG_DATA_HOME/mosaic/mosaic.db, shared with "
                 "the mosaic app)");
}

store::ConversationStore open_conversation_store(const std::string& path) {
  try {
    store::ConversationStore s = store::ConversationStore::open(
        path.empty() ? store::default_database_path() : std::filesystem::path(path));
    if (s.migration_backup_path()) {
      fmt::print(stderr, "note: the database was upgraded; the previous version is kept at {}\n",
                 s.migration_backup_path()->string());
    }
    if (s.recovered_message_count() > 0) {
      fmt::print(stderr, "note: {} reply(s) cut off by an earlier crash are marked incomplete\n",
                 s.recovered_message_count());
    }
    return s;
  } catch (const store::StoreError& e) {
    throw CommandError(e.what());
  }
}

}  // namespace mosaic::cli
