#include "app/store/sqlite_wrapper.h"

#include <sqlite3.h>

#include <utility>

namespace mosaic::store {
namespace {

StoreErrorKind kind_of(int rc) {
  switch (rc & 0xff) {  // primary code; extended codes keep it in the low byte
    case SQLITE_CORRUPT:
    case SQLITE_NOTADB:
      return StoreErrorKind::Corrupt;
    case SQLITE_FULL:
      return StoreErrorKind::Full;
    case SQLITE_CANTOPEN:
    case SQLITE_IOERR:
      return StoreErrorKind::Io;
    default:
      return StoreErrorKind::Sqlite;
  }
}

std::string database_name(sqlite3* db) {
  const char* name = db ? sqlite3_db_filename(db, "main") : nullptr;
  return name && *name ? name : "(in-memory database)";
}

}  // namespace

void throw_sqlite_error(sqlite3* db, int rc, std::string_view doing) {
  std::string message = std::string(doing) + " failed on '" + database_name(db) + "': ";
  // sqlite3_errmsg describes the most recent failure on the connection, which
  // is this one; the generic sqlite3_errstr is the fallback without a handle.
  message += db ? sqlite3_errmsg(db) : sqlite3_errstr(rc);
  throw StoreError(kind_of(rc), message);
}

// ---- Statement --------------------------------------------------------------

Statement::Statement(sqlite3* db, std::string_view sql) : db_(db) {
  int rc = sqlite3_prepare_v2(db, sql.data(), static_cast<int>(sql.size()), &stmt_, nullptr);
  if (rc != SQLITE_OK) {
    sqlite3_finalize(stmt_);
    stmt_ = nullptr;
    throw_sqlite_error(db, rc, "preparing '" + std::string(sql.substr(0, 80)) + "'");
  }
}

Statement::Statement(Statement&& other) noexcept
    : db_(other.db_), stmt_(std::exchange(other.stmt_, nullptr)) {}

Statement& Statement::operator=(Statement&& other) noexcept {
  if (this != &other) {
    sqlite3_finalize(stmt_);
    db_ = other.db_;
    stmt_ = std::exchange(other.stmt_, nullptr);
  }
  return *this;
}

Statement::~Statement() { sqlite3_finalize(stmt_); }

static void check_bind(sqlite3* db, int rc) {
  if (rc != SQLITE_OK) throw_sqlite_error(db, rc, "binding a statement parameter");
}

Statement& Statement::bind(int index, int64_t value) {
  check_bind(db_, sqlite3_bind_int64(stmt_, index, value));
  return *this;
}

Statement& Statement::bind(int index, double value) {
  check_bind(db_, sqlite3_bind_double(stmt_, index, value));
  return *this;
}

Statement& Statement::bind(int index, std::string_view text) {
  // An empty string_view may have a null data(), which SQLite would store as
  // NULL; text columns are NOT NULL, so empty text must stay "".
  const char* data = text.data() ? text.data() : "";
  check_bind(db_,
             sqlite3_bind_text64(stmt_, index, data, text.size(), SQLITE_TRANSIENT, SQLITE_UTF8));
  return *this;
}

Statement& Statement::bind(int index, std::nullopt_t) {
  check_bind(db_, sqlite3_bind_null(stmt_, index));
  return *this;
}

bool Statement::step() {
  int rc = sqlite3_step(stmt_);
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  std::string sql = sqlite3_sql(stmt_);
  sqlite3_reset(stmt_);  // lets the connection run other statements after the error
  throw_sqlite_error(db_, rc, "running '" + sql.substr(0, 80) + "'");
}

void Statement::run() {
  while (step()) {
  }
  reset();
}

void Statement::reset() {
  sqlite3_reset(stmt_);
  sqlite3_clear_bindings(stmt_);
}

bool Statement::is_null(int column) const {
  return sqlite3_column_type(stmt_, column) == SQLITE_NULL;
}

int64_t Statement::int64(int column) const { return sqlite3_column_int64(stmt_, column); }

double Statement::real(int column) const { return sqlite3_column_double(stmt_, column); }

std::string Statement::text(int column) const {
  const auto* data = reinterpret_cast<const char*>(sqlite3_column_text(stmt_, column));
  if (!data) return {};
  return std::string(data, static_cast<size_t>(sqlite3_column_bytes(stmt_, column)));
}

std::optional<int64_t> Statement::optional_int64(int column) const {
  if (is_null(column)) return std::nullopt;
  return int64(column);
}

// ---- Database ---------------------------------------------------------------

Database Database::open(const std::filesystem::path& path, OpenMode mode) {
  int flags = SQLITE_OPEN_NOMUTEX;  // one thread per connection (ConversationStore checks)
  switch (mode) {
    case OpenMode::ReadWriteCreate:
      flags |= SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE;
      break;
    case OpenMode::ReadWrite:
      flags |= SQLITE_OPEN_READWRITE;
      break;
    case OpenMode::ReadOnly:
      flags |= SQLITE_OPEN_READONLY;
      break;
  }
  sqlite3* db = nullptr;
  int rc = sqlite3_open_v2(path.c_str(), &db, flags, nullptr);
  if (rc != SQLITE_OK) {
    std::string message = "opening database '" + path.string() +
                          "' failed: " + (db ? sqlite3_errmsg(db) : sqlite3_errstr(rc));
    sqlite3_close_v2(db);
    throw StoreError(kind_of(rc), message);
  }
  sqlite3_extended_result_codes(db, 1);
  return Database(db, path);
}

Database::Database(sqlite3* db, std::filesystem::path path) : db_(db), path_(std::move(path)) {}

Database::Database(Database&& other) noexcept
    : db_(std::exchange(other.db_, nullptr)),
      path_(std::move(other.path_)),
      cache_(std::move(other.cache_)) {}

Database& Database::operator=(Database&& other) noexcept {
  if (this != &other) {
    close();
    db_ = std::exchange(other.db_, nullptr);
    path_ = std::move(other.path_);
    cache_ = std::move(other.cache_);
  }
  return *this;
}

Database::~Database() { close(); }

void Database::close() {
  cache_.clear();  // statements must be finalized before the connection closes
  if (db_) sqlite3_close_v2(db_);
  db_ = nullptr;
}

void Database::exec(std::string_view sql) {
  std::string copy(sql);  // sqlite3_exec wants a NUL-terminated string
  char* error = nullptr;
  int rc = sqlite3_exec(db_, copy.c_str(), nullptr, nullptr, &error);
  if (rc != SQLITE_OK) {
    sqlite3_free(error);  // sqlite3_errmsg still holds the same text
    throw_sqlite_error(db_, rc, "running '" + copy.substr(0, 80) + "'");
  }
}

Statement& Database::cached(const std::string& sql) {
  auto it = cache_.find(sql);
  if (it == cache_.end()) {
    it = cache_.emplace(sql, std::make_unique<Statement>(db_, sql)).first;
  }
  it->second->reset();
  return *it->second;
}

int64_t Database::last_insert_id() const { return sqlite3_last_insert_rowid(db_); }

int64_t Database::changes() const { return sqlite3_changes64(db_); }

int64_t Database::query_int64(std::string_view sql) {
  Statement statement(db_, sql);
  return statement.step() ? statement.int64(0) : 0;
}

// ---- Transaction ------------------------------------------------------------

Transaction::Transaction(Database& db, TransactionKind kind) : db_(db) {
  db_.exec(kind == TransactionKind::Immediate ? "BEGIN IMMEDIATE" : "BEGIN");
}

Transaction::~Transaction() {
  if (!open_) return;
  // Never throws from a destructor: if ROLLBACK fails SQLite has already
  // rolled back (or will on the next open from the journal).
  sqlite3_exec(db_.handle(), "ROLLBACK", nullptr, nullptr, nullptr);
}

void Transaction::commit() {
  db_.exec("COMMIT");
  open_ = false;
}

}  // namespace mosaic::store
