// Owning handles for SQLite connections and prepared statements, and the mapping from SQLite
// result codes to footfall status codes. Declared without <sqlite3.h> so that public headers can
// hold handles.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "base/status.h"

struct sqlite3;
struct sqlite3_stmt;

namespace footfall::serving {

struct SqliteCloser {
  void operator()(sqlite3* db) const;
};
struct SqliteFinalizer {
  void operator()(sqlite3_stmt* stmt) const;
};
using SqliteDb = std::unique_ptr<sqlite3, SqliteCloser>;
using SqliteStatement = std::unique_ptr<sqlite3_stmt, SqliteFinalizer>;

// Opens `path` with sqlite3_open_v2 `flags`, extended result codes enabled.
Result<SqliteDb> OpenSqlite(const std::string& path, int flags);

// "<context>: <SQLite's message>" with a code chosen by the kind of failure: corruption ->
// kCorruption, I/O, permissions and locks -> kIoError, out of memory -> kResourceExhausted, errors
// in the SQL or the data -> kInvalidArgument, anything else -> kInternal.
Status SqliteError(sqlite3* db, int rc, std::string_view context);

// Runs `sql` (one or more statements whose rows, if any, are not needed).
Status ExecSql(sqlite3* db, const std::string& sql, std::string_view context);

}  // namespace footfall::serving
