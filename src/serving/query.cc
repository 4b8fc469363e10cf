#include "serving/query.h"

#include <sqlite3.h>
#include <sys/stat.h>

#include <array>
#include <cctype>
#include <cerrno>
#include <climits>
#include <span>
#include <utility>

#include "serving/layout.h"

namespace footfall::serving {
namespace {

constexpr int kBusyTimeoutMs = 5000;
// Long SQL is cut in messages so that a one-line error stays one readable line.
constexpr size_t kMaxSqlInMessage = 300;

// Pragmas that only describe the schema; they take a table or index name as their argument.
constexpr std::array<std::string_view, 7> kSchemaPragmas = {
    "table_info", "table_xinfo", "table_list",      "index_list",
    "index_info", "index_xinfo", "foreign_key_list"};
// Pragmas that are harmless to read but set something when given a value.
constexpr std::array<std::string_view, 4> kReadablePragmas = {"user_version", "page_count",
                                                              "page_size", "encoding"};
// Functions that reach outside the database; load_extension is also off at the connection level.
constexpr std::array<std::string_view, 2> kDeniedFunctions = {"load_extension", "fts3_tokenizer"};

bool ContainsIgnoreCase(std::span<const std::string_view> names, const char* name) {
  if (name == nullptr) return false;
  const std::string_view wanted(name);
  for (std::string_view candidate : names) {
    if (candidate.size() == wanted.size() &&
        sqlite3_strnicmp(candidate.data(), name, static_cast<int>(candidate.size())) == 0) {
      return true;
    }
  }
  return false;
}

// The SQL on one line (whitespace runs become one space), cut at a character boundary if long.
std::string SqlForMessage(std::string_view sql) {
  std::string out;
  bool pending_space = false;
  for (const char c : sql) {
    if (std::isspace(static_cast<unsigned char>(c))) {
      pending_space = !out.empty();
      continue;
    }
    if (pending_space) out.push_back(' ');
    pending_space = false;
    out.push_back(c);
  }
  if (out.size() > kMaxSqlInMessage) {
    size_t cut = kMaxSqlInMessage;
    while (cut > 0 && (static_cast<unsigned char>(out[cut]) & 0xC0) == 0x80) --cut;
    out.resize(cut);
    out += "...";
  }
  return out;
}

std::string WithSql(std::string message, std::string_view sql) {
  message += " (SQL: ";
  message += SqlForMessage(sql);
  message += ')';
  return message;
}

// SQLite's message and code for a failed prepare or step, naming the file and the SQL.
Status QueryError(sqlite3* db, int rc, const std::string& path, std::string_view sql) {
  const Status status = SqliteError(db, rc, "query on " + path);
  return Status(status.code(), WithSql(status.message(), sql));
}

// Skips whitespace, semicolons and comments; returns the offset of the next token.
size_t SkipNoise(std::string_view sql, size_t i) {
  while (i < sql.size()) {
    const char c = sql[i];
    if (c == ';' || std::isspace(static_cast<unsigned char>(c))) {
      ++i;
    } else if (sql.substr(i, 2) == "--") {
      i = sql.find('\n', i);
      if (i == std::string_view::npos) return sql.size();
    } else if (sql.substr(i, 2) == "/*") {
      i = sql.find("*/", i + 2);
      if (i == std::string_view::npos) return sql.size();
      i += 2;
    } else {
      break;
    }
  }
  return i;
}

// The statement's first keyword, upper-cased, for naming statements the authorizer never sees
// (VACUUM, REINDEX).
std::string FirstKeyword(std::string_view sql) {
  std::string keyword;
  for (size_t i = SkipNoise(sql, 0);
       i < sql.size() && std::isalpha(static_cast<unsigned char>(sql[i])); ++i) {
    keyword += static_cast<char>(std::toupper(static_cast<unsigned char>(sql[i])));
  }
  return keyword.empty() ? "this statement" : keyword;
}

std::string_view ActionName(int action) {
  switch (action) {
    case SQLITE_CREATE_INDEX:
    case SQLITE_CREATE_TEMP_INDEX:
      return "CREATE INDEX";
    case SQLITE_CREATE_TABLE:
    case SQLITE_CREATE_TEMP_TABLE:
      return "CREATE TABLE";
    case SQLITE_CREATE_TRIGGER:
    case SQLITE_CREATE_TEMP_TRIGGER:
      return "CREATE TRIGGER";
    case SQLITE_CREATE_VIEW:
    case SQLITE_CREATE_TEMP_VIEW:
      return "CREATE VIEW";
    case SQLITE_CREATE_VTABLE:
      return "CREATE VIRTUAL TABLE";
    case SQLITE_DROP_INDEX:
    case SQLITE_DROP_TEMP_INDEX:
      return "DROP INDEX";
    case SQLITE_DROP_TABLE:
    case SQLITE_DROP_TEMP_TABLE:
      return "DROP TABLE";
    case SQLITE_DROP_TRIGGER:
    case SQLITE_DROP_TEMP_TRIGGER:
      return "DROP TRIGGER";
    case SQLITE_DROP_VIEW:
    case SQLITE_DROP_TEMP_VIEW:
      return "DROP VIEW";
    case SQLITE_DROP_VTABLE:
      return "DROP VIRTUAL TABLE";
    case SQLITE_INSERT:
      return "INSERT into";
    case SQLITE_UPDATE:
      return "UPDATE of";
    case SQLITE_DELETE:
      return "DELETE from";
    case SQLITE_ATTACH:
      return "ATTACH";
    case SQLITE_DETACH:
      return "DETACH";
    case SQLITE_ALTER_TABLE:
      return "ALTER TABLE";
    case SQLITE_REINDEX:
      return "REINDEX";
    case SQLITE_ANALYZE:
      return "ANALYZE";
    case SQLITE_TRANSACTION:
    case SQLITE_SAVEPOINT:
      return "transaction control";
    default:
      return "this statement";
  }
}

std::string DescribeDenied(int action, const char* arg1, const char* arg2) {
  std::string out;
  if (action == SQLITE_PRAGMA) {
    out = "PRAGMA ";
    out += arg1 != nullptr ? arg1 : "";
    if (arg2 != nullptr) {
      out += " = ";
      out += arg2;
    }
  } else if (action == SQLITE_FUNCTION) {
    out = "function ";
    out += arg2 != nullptr ? arg2 : "";
    out += "()";
  } else {
    out = ActionName(action);
    // For transactions, savepoints and ANALYZE the argument adds nothing the user did not write.
    if (arg1 != nullptr && action != SQLITE_TRANSACTION && action != SQLITE_SAVEPOINT &&
        action != SQLITE_ANALYZE) {
      out += ' ';
      out += arg1;
    }
  }
  return out;
}

Value ColumnValue(sqlite3_stmt* stmt, int i) {
  switch (sqlite3_column_type(stmt, i)) {
    case SQLITE_INTEGER:
      return static_cast<int64_t>(sqlite3_column_int64(stmt, i));
    case SQLITE_FLOAT:
      return sqlite3_column_double(stmt, i);
    case SQLITE_TEXT:
    case SQLITE_BLOB: {
      // The pointer first, then the size, as SQLite asks: fetching may convert the value.
      const void* bytes = sqlite3_column_type(stmt, i) == SQLITE_TEXT
                              ? static_cast<const void*>(sqlite3_column_text(stmt, i))
                              : sqlite3_column_blob(stmt, i);
      const auto size = static_cast<size_t>(sqlite3_column_bytes(stmt, i));
      if (bytes == nullptr) return std::string();
      return std::string(static_cast<const char*>(bytes), size);
    }
    default:
      return std::monostate();
  }
}

}  // namespace

Result<std::unique_ptr<ReadOnlyStore>> ReadOnlyStore::OpenCurrent(const std::string& serving_dir) {
  // CURRENT may move on, and the old file be removed, between reading CURRENT and opening the file
  // it named; a second look settles it.
  constexpr int kAttempts = 3;
  Status last;
  for (int attempt = 0; attempt < kAttempts; ++attempt) {
    FOOTFALL_ASSIGN_OR_RETURN(const int64_t version, CurrentVersion(serving_dir));
    Result<std::unique_ptr<ReadOnlyStore>> store = Open(VersionPath(serving_dir, version));
    if (store.ok()) {
      if ((*store)->version() != version) {
        return Corruption((*store)->path() + " holds serving version " +
                          std::to_string((*store)->version()) + ", not " + std::to_string(version));
      }
      return store;
    }
    if (store.status().code() != StatusCode::kNotFound) return store.status();
    last = store.status().WithContext("CURRENT names version " + std::to_string(version));
  }
  return last;
}

Result<std::unique_ptr<ReadOnlyStore>> ReadOnlyStore::Open(const std::string& path) {
  struct stat st;
  if (::stat(path.c_str(), &st) != 0) {
    if (errno == ENOENT) return NotFound("serving store " + path + " does not exist");
    return ErrnoError("stat " + path);
  }
  // NOMUTEX: mu_ already serializes every use of the connection.
  FOOTFALL_ASSIGN_OR_RETURN(SqliteDb db,
                            OpenSqlite(path, SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX));
  sqlite3* raw = db.get();
  sqlite3_db_config(raw, SQLITE_DBCONFIG_DEFENSIVE, 1, nullptr);
  sqlite3_db_config(raw, SQLITE_DBCONFIG_TRUSTED_SCHEMA, 0, nullptr);
  sqlite3_db_config(raw, SQLITE_DBCONFIG_ENABLE_LOAD_EXTENSION, 0, nullptr);
  sqlite3_busy_timeout(raw, kBusyTimeoutMs);

  // Reading user_version also reads the header, so a file that is not SQLite fails here.
  sqlite3_stmt* raw_stmt = nullptr;
  int rc = sqlite3_prepare_v2(raw, "PRAGMA user_version", -1, &raw_stmt, nullptr);
  SqliteStatement stmt(raw_stmt);
  if (rc == SQLITE_OK) rc = sqlite3_step(raw_stmt);
  if (rc != SQLITE_ROW) return SqliteError(raw, rc, "open serving store " + path);
  const int64_t version = sqlite3_column_int64(raw_stmt, 0);
  stmt.reset();

  std::unique_ptr<ReadOnlyStore> store(new ReadOnlyStore(path, version, std::move(db)));
  sqlite3_set_authorizer(raw, &ReadOnlyStore::Authorize, store.get());
  return store;
}

ReadOnlyStore::ReadOnlyStore(std::string path, int64_t version, SqliteDb db)
    : path_(std::move(path)), version_(version), db_(std::move(db)) {}

int ReadOnlyStore::Authorize(void* store, int action, const char* arg1, const char* arg2,
                             const char* /*database*/, const char* /*trigger*/) {
  auto* self = static_cast<ReadOnlyStore*>(store);
  switch (action) {
    case SQLITE_SELECT:
      self->saw_read_ = true;
      return SQLITE_OK;
    case SQLITE_READ:
    case SQLITE_RECURSIVE:
      return SQLITE_OK;
    case SQLITE_FUNCTION:
      if (!ContainsIgnoreCase(kDeniedFunctions, arg2)) return SQLITE_OK;
      break;
    case SQLITE_UPDATE:
      // The first use of an eponymous virtual table (json_each, pragma_table_info) declares it,
      // and the declaration asks about an update of sqlite_master that never runs. A real update
      // of sqlite_master is refused by SQLite itself (writable_schema is off and cannot be set
      // here), by the read-only open, and by the sqlite3_stmt_readonly check in Query.
      if (arg1 != nullptr && sqlite3_stricmp(arg1, "sqlite_master") == 0) return SQLITE_OK;
      break;
    case SQLITE_PRAGMA:
      if (ContainsIgnoreCase(kSchemaPragmas, arg1) ||
          (arg2 == nullptr && ContainsIgnoreCase(kReadablePragmas, arg1))) {
        self->saw_read_ = true;
        return SQLITE_OK;
      }
      break;
    default:
      break;
  }
  // SQLite stops at the first denial. DDL first shows up as a write to sqlite_master, which is not
  // what the user wrote; Query names the statement's keyword instead.
  self->denied_schema_write_ =
      arg1 != nullptr && sqlite3_strnicmp(arg1, "sqlite_", 7) == 0 &&
      (action == SQLITE_INSERT || action == SQLITE_UPDATE || action == SQLITE_DELETE);
  self->denied_ = DescribeDenied(action, arg1, arg2);
  return SQLITE_DENY;
}

Result<QueryResult> ReadOnlyStore::Query(std::string_view sql, size_t max_rows) {
  std::lock_guard<std::mutex> lock(mu_);
  denied_.clear();
  denied_schema_write_ = false;
  saw_read_ = false;

  if (SkipNoise(sql, 0) == sql.size()) {
    return InvalidArgument("empty query: no SQL statement given");
  }
  if (sql.size() > static_cast<size_t>(INT_MAX)) {
    return InvalidArgument("query of " + std::to_string(sql.size()) + " bytes is too long");
  }
  sqlite3* db = db_.get();
  sqlite3_stmt* raw_stmt = nullptr;
  const char* tail = nullptr;
  const int rc = sqlite3_prepare_v2(db, sql.data(), static_cast<int>(sql.size()), &raw_stmt, &tail);
  SqliteStatement stmt(raw_stmt);
  const auto denied = [&](std::string_view what) {
    return InvalidArgument(WithSql("read-only: " + std::string(what) + " is not allowed", sql));
  };
  if (!denied_.empty()) return denied(denied_schema_write_ ? FirstKeyword(sql) : denied_);
  if (rc != SQLITE_OK) return QueryError(db, rc, path_, sql);
  if (stmt == nullptr) return InvalidArgument("empty query: no SQL statement given");
  const size_t consumed = static_cast<size_t>(tail - sql.data());
  if (SkipNoise(sql, consumed) != sql.size()) {
    return InvalidArgument(WithSql("only one SQL statement is allowed per query", sql));
  }
  // VACUUM and REINDEX never reach the authorizer; a statement must have shown itself as a read.
  if (!saw_read_ || !sqlite3_stmt_readonly(raw_stmt)) return denied(FirstKeyword(sql));

  QueryResult result;
  const int columns = sqlite3_column_count(raw_stmt);
  result.columns.reserve(static_cast<size_t>(columns));
  for (int i = 0; i < columns; ++i) {
    const char* name = sqlite3_column_name(raw_stmt, i);
    result.columns.emplace_back(name != nullptr ? name : "");
  }
  while (true) {
    const int step = sqlite3_step(raw_stmt);
    if (step == SQLITE_DONE) break;
    if (step != SQLITE_ROW) return QueryError(db, step, path_, sql);
    if (max_rows != 0 && result.rows.size() == max_rows) {
      result.truncated = true;
      break;
    }
    std::vector<Value>& row = result.rows.emplace_back();
    row.reserve(static_cast<size_t>(columns));
    for (int i = 0; i < columns; ++i) row.push_back(ColumnValue(raw_stmt, i));
  }
  return result;
}

}  // namespace footfall::serving
