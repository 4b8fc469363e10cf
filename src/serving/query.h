// Read-only SQL over a published version of the serving store.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "serving/sqlite_handle.h"
#include "serving/value.h"

namespace footfall::serving {

struct QueryResult {
  std::vector<std::string> columns;
  // Each value typed by SQLite's storage class of that value.
  std::vector<std::vector<Value>> rows;
  // True when max_rows cut off further rows.
  bool truncated = false;
};

// ReadOnlyStore answers SQL over one version file. It cannot modify anything: the file is opened
// with SQLITE_OPEN_READONLY, and an authorizer admits only SELECT (with reads, functions and
// recursive CTEs) and a few schema-describing pragmas, so writes, DDL, ATTACH, VACUUM INTO,
// transaction control and pragmas that set anything fail as kInvalidArgument, as does more than
// one statement.
//
// The store sees exactly the version it opened for its whole life: publishing a newer version or
// removing this one does not affect it. Query may be called from any thread; calls are serialized
// on one connection, so open one store per thread for parallel queries.
class ReadOnlyStore {
 public:
  // Opens the version CURRENT names in `serving_dir`; kNotFound when none was published.
  static Result<std::unique_ptr<ReadOnlyStore>> OpenCurrent(const std::string& serving_dir);
  // Opens one version file; kNotFound when it does not exist, kCorruption when it is not SQLite.
  static Result<std::unique_ptr<ReadOnlyStore>> Open(const std::string& path);

  ReadOnlyStore(const ReadOnlyStore&) = delete;
  ReadOnlyStore& operator=(const ReadOnlyStore&) = delete;

  // Runs exactly one statement (trailing semicolons, whitespace and comments allowed) and returns
  // at most `max_rows` rows (0 = all). Errors in the SQL and statements that are not allowed ->
  // kInvalidArgument naming the SQL.
  Result<QueryResult> Query(std::string_view sql, size_t max_rows = 0);

  // The version number stored in the file (PRAGMA user_version); 0 for a file footfall did not
  // write.
  int64_t version() const { return version_; }
  const std::string& path() const { return path_; }

 private:
  ReadOnlyStore(std::string path, int64_t version, SqliteDb db);

  static int Authorize(void* store, int action, const char* arg1, const char* arg2,
                       const char* database, const char* trigger);

  // Constant after construction.
  const std::string path_;
  const int64_t version_;

  std::mutex mu_;
  SqliteDb db_;  // Guarded by mu_.
  // What the authorizer saw while preparing the current statement. Guarded by mu_.
  std::string denied_;
  bool denied_schema_write_ = false;
  bool saw_read_ = false;
};

}  // namespace footfall::serving
