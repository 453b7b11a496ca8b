// A thin RAII layer over the SQLite C API: a connection, prepared statements
// and a transaction guard. Every SQLite failure becomes a StoreError that
// names the database file, what was being done and SQLite's own message.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

#include "app/store/store_error.h"

struct sqlite3;
struct sqlite3_stmt;

namespace mosaic::store {

// Throws the StoreError for SQLite result code `rc` on connection `db`.
[[noreturn]] void throw_sqlite_error(sqlite3* db, int rc, std::string_view doing);

// Runs `body`; a StoreError escaping it is rethrown with `context` in front,
// so a low-level "database or disk is full" reads "appending a message: ...".
template <typename Body>
auto with_context(std::string_view context, Body&& body) -> decltype(body()) {
  try {
    return body();
  } catch (const StoreError& error) {
    throw StoreError(error.kind(), std::string(context) + ": " + error.what());
  }
}

class Statement {
 public:
  Statement(sqlite3* db, std::string_view sql);
  Statement(Statement&& other) noexcept;
  Statement& operator=(Statement&& other) noexcept;
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;
  ~Statement();

  // Parameters are 1-based, as in SQLite. std::nullopt binds NULL.
  Statement& bind(int index, int64_t value);
  Statement& bind(int index, int value) { return bind(index, static_cast<int64_t>(value)); }
  Statement& bind(int index, double value);
  Statement& bind(int index, std::string_view text);
  Statement& bind(int index, const std::string& text) {
    return bind(index, std::string_view(text));
  }
  Statement& bind(int index, const char* text) { return bind(index, std::string_view(text)); }
  Statement& bind(int index, std::nullopt_t);
  template <typename T>
  Statement& bind(int index, const std::optional<T>& value) {
    return value ? bind(index, *value) : bind(index, std::nullopt);
  }
  // Binds every argument in order, starting at parameter 1.
  template <typename... Args>
  Statement& bind_all(const Args&... args) {
    int index = 0;
    (bind(++index, args), ...);
    return *this;
  }

  // Advances to the next row; false when the statement is done.
  bool step();
  // Steps to completion (for INSERT/UPDATE/DELETE) and resets.
  void run();
  // Clears bindings and rewinds, ready for reuse.
  void reset();

  bool is_null(int column) const;
  int64_t int64(int column) const;
  double real(int column) const;
  std::string text(int column) const;
  std::optional<int64_t> optional_int64(int column) const;

 private:
  sqlite3* db_ = nullptr;
  sqlite3_stmt* stmt_ = nullptr;
};

enum class OpenMode { ReadWriteCreate, ReadWrite, ReadOnly };

class Database {
 public:
  static Database open(const std::filesystem::path& path, OpenMode mode);
  Database(Database&& other) noexcept;
  Database& operator=(Database&& other) noexcept;
  Database(const Database&) = delete;
  Database& operator=(const Database&) = delete;
  ~Database();

  sqlite3* handle() const { return db_; }
  const std::filesystem::path& path() const { return path_; }

  // Runs one or more statements without results (schema scripts, pragmas).
  void exec(std::string_view sql);
  Statement prepare(std::string_view sql) { return Statement(db_, sql); }
  // A prepared statement kept for the life of the connection, for hot paths
  // (streaming updates, message reads); returned reset and unbound.
  Statement& cached(const std::string& sql);

  int64_t last_insert_id() const;
  int64_t changes() const;
  // First column of the first row as an integer (PRAGMA user_version, COUNT(*)).
  int64_t query_int64(std::string_view sql);

 private:
  Database(sqlite3* db, std::filesystem::path path);
  void close();

  sqlite3* db_ = nullptr;
  std::filesystem::path path_;
  std::unordered_map<std::string, std::unique_ptr<Statement>> cache_;
};

enum class TransactionKind { Deferred, Immediate };

// BEGIN on construction, ROLLBACK on destruction unless commit() was called:
// an exception anywhere in a multi-statement change leaves nothing half done.
class Transaction {
 public:
  Transaction(Database& db, TransactionKind kind = TransactionKind::Immediate);
  Transaction(const Transaction&) = delete;
  Transaction& operator=(const Transaction&) = delete;
  ~Transaction();
  void commit();

 private:
  Database& db_;
  bool open_ = true;
};

}  // namespace mosaic::store
