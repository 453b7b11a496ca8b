// Schema versions of the conversation database, kept in PRAGMA user_version.
// The migrations form an ordered list; each one's SQL is frozen once it has
// shipped (a database in the wild may be at any version), and a new schema
// change is always a new entry at the end.
#pragma once

#include <filesystem>

#include "app/store/sqlite_wrapper.h"

namespace mosaic::store {

// The version this build creates and understands.
int latest_schema_version();

// Applies migrations current+1 .. target_version, each in its own
// transaction together with its user_version bump, so an interrupted upgrade
// resumes where it stopped. Tests use a target below the latest to build old
// databases.
void apply_migrations(Database& db, int target_version);

// Copies the whole database to `destination` with SQLite's online backup API
// (consistent even with WAL content not yet checkpointed).
void backup_database(Database& db, const std::filesystem::path& destination);

}  // namespace mosaic::store
