// The one exception type of the conversation store. Every failure (SQLite,
// file system, bad input, wrong thread) becomes a StoreError whose message
// says what was being done, on which file, and why it failed.
#pragma once

#include <stdexcept>
#include <string>

namespace mosaic::store {

enum class StoreErrorKind {
  Sqlite,           // SQLite reported an error not covered below
  Io,               // reading or writing a file outside SQLite failed
  Corrupt,          // the database file is damaged or not a database
  NewerVersion,     // written by a newer Mosaic; refused, left untouched
  Full,             // disk (or the configured size limit) is full
  NotFound,         // no conversation/message/attachment/preset with that id
  InvalidArgument,  // the caller's input makes no sense (bad parent, bad JSON, ...)
  WrongThread,      // the store was used from a thread that did not open it
  ShutDown,         // a job was submitted to a StoreWorker that is stopping
  JobFailed,        // a StoreWorker job threw something other than a StoreError
};

class StoreError : public std::runtime_error {
 public:
  StoreError(StoreErrorKind kind, const std::string& message)
      : std::runtime_error(message), kind_(kind) {}
  StoreErrorKind kind() const { return kind_; }

 private:
  StoreErrorKind kind_;
};

}  // namespace mosaic::store
