#include "serving/postgres_publisher.h"

#include <libpq-fe.h>
#include <sqlite3.h>
#include <unistd.h>

#include <algorithm>
#include <charconv>
#include <chrono>
#include <cmath>
#include <cstring>
#include <optional>
#include <string_view>
#include <thread>
#include <utility>

#include "base/log.h"
#include "serving/postgres_connection.h"
#include "serving/sqlite_handle.h"

namespace footfall::serving {
namespace {

constexpr std::string_view kLogComponent = "serving";
constexpr std::string_view kVersionComment = "footfall serving version ";
// PostgreSQL truncates longer identifiers, which could make two names one.
constexpr size_t kMaxIdentifierBytes = 63;
// COPY data is sent in chunks of about this size: large enough that libpq's per-call cost
// vanishes, small enough to stay out of the way of memory.
constexpr size_t kCopyChunkBytes = 1 << 20;

enum class PgType { kBigint, kDouble, kText, kTimestamp };

std::string_view PgTypeSql(PgType type) {
  switch (type) {
    case PgType::kBigint:
      return "bigint";
    case PgType::kDouble:
      return "double precision";
    case PgType::kText:
      return "text";
    case PgType::kTimestamp:
      return "timestamptz";
  }
  return "text";
}

struct ColumnSpec {
  std::string name;
  PgType type;
};

struct IndexSpec {
  std::string name;
  bool unique = false;
  std::vector<std::string> columns;
};

struct TableSpec {
  std::string name;
  std::vector<ColumnSpec> columns;
  std::vector<IndexSpec> indexes;
};

std::string Quote(std::string_view identifier) { return QuotePostgresIdentifier(identifier); }

Status CheckIdentifierLength(std::string_view name, std::string_view what) {
  if (!name.empty() && name.size() <= kMaxIdentifierBytes) return Status::Ok();
  return InvalidArgument(std::string(what) + " name \"" + std::string(name) +
                         "\" must be 1 to 63 bytes long for PostgreSQL");
}

// The schema name goes into the names of staging and replaced schemas and into a LIKE-free prefix
// match, so it is kept to plain lower-case identifiers.
Status ValidateTarget(const PostgresTarget& target) {
  const std::string& s = target.schema;
  const bool plain = !s.empty() && s.size() <= kMaxIdentifierBytes - 30 &&
                     !(s[0] >= '0' && s[0] <= '9') && std::all_of(s.begin(), s.end(), [](char c) {
                       return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
                     });
  if (!plain) {
    return InvalidArgument("PostgreSQL schema name \"" + s +
                           "\" must be [a-z_][a-z0-9_]* and at most 33 bytes");
  }
  if (s.starts_with("pg_")) {
    return InvalidArgument("PostgreSQL schema name \"" + s + "\" may not start with pg_");
  }
  return CheckIdentifierLength(target.reader_role, "PostgreSQL reader role");
}

bool EndsWith(std::string_view s, std::string_view suffix) {
  if (s.size() < suffix.size()) return false;
  return std::equal(suffix.begin(), suffix.end(),
                    s.end() - static_cast<std::ptrdiff_t>(suffix.size()),
                    [](char a, char b) { return (a | 0x20) == (b | 0x20); });
}

bool ContainsIgnoreCase(std::string_view haystack, std::string_view needle) {
  for (size_t i = 0; i + needle.size() <= haystack.size(); ++i) {
    if (EndsWith(haystack.substr(0, i + needle.size()), needle)) return true;
  }
  return false;
}

// SQLite's own affinity rules (datatype3.html §3.1) applied to the declared type.
Result<PgType> MapDeclaredType(std::string_view declared, std::string_view table,
                               std::string_view column) {
  if (ContainsIgnoreCase(declared, "INT")) return PgType::kBigint;
  if (ContainsIgnoreCase(declared, "CHAR") || ContainsIgnoreCase(declared, "CLOB") ||
      ContainsIgnoreCase(declared, "TEXT")) {
    return PgType::kText;
  }
  if (ContainsIgnoreCase(declared, "REAL") || ContainsIgnoreCase(declared, "FLOA") ||
      ContainsIgnoreCase(declared, "DOUB")) {
    return PgType::kDouble;
  }
  return InvalidArgument("column " + std::string(column) + " of table " + std::string(table) +
                         " has declared type \"" + std::string(declared) +
                         "\", which has no PostgreSQL mapping (expected INTEGER, REAL or TEXT)");
}

bool Digits(std::string_view s, size_t pos, size_t n, int* out) {
  if (pos + n > s.size()) return false;
  int v = 0;
  for (size_t i = pos; i < pos + n; ++i) {
    if (s[i] < '0' || s[i] > '9') return false;
    v = v * 10 + (s[i] - '0');
  }
  *out = v;
  return true;
}

// The instant of "YYYY-MM-DD HH:MM:SS" with an optional fraction of 1 to 6 digits, a real
// calendar date in years 1 to 9999 read as UTC: what PostgreSQL reads back as exactly the same
// instant. nullopt for anything else.
std::optional<Micros> ParseCleanTimestamp(std::string_view s) {
  int y, mo, d, h, mi, sec;
  if (s.size() < 19 || !Digits(s, 0, 4, &y) || s[4] != '-' || !Digits(s, 5, 2, &mo) ||
      s[7] != '-' || !Digits(s, 8, 2, &d) || s[10] != ' ' || !Digits(s, 11, 2, &h) ||
      s[13] != ':' || !Digits(s, 14, 2, &mi) || s[16] != ':' || !Digits(s, 17, 2, &sec)) {
    return std::nullopt;
  }
  Micros fraction = 0;
  if (s.size() > 19) {
    int digits;
    if (s[19] != '.' || s.size() < 21 || s.size() > 26 || !Digits(s, 20, s.size() - 20, &digits)) {
      return std::nullopt;
    }
    fraction = digits;
    for (size_t n = s.size() - 20; n < 6; ++n) fraction *= 10;
  }
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (y < 1 || mo < 1 || mo > 12 || h > 23 || mi > 59 || sec > 59) return std::nullopt;
  const bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
  if (d < 1 || d > kDays[mo - 1] + (mo == 2 && leap ? 1 : 0)) return std::nullopt;
  return DaysFromCivil(y, static_cast<unsigned>(mo), static_cast<unsigned>(d)) * kMicrosPerDay +
         (h * 3600LL + mi * 60LL + sec) * kMicrosPerSecond + fraction;
}

// Rows of a statement that returns text (NULL as nullopt).
Result<std::vector<PostgresConnection::Row>> SqliteRows(sqlite3* db, const std::string& sql,
                                                        std::string_view context) {
  sqlite3_stmt* raw = nullptr;
  int rc = sqlite3_prepare_v2(db, sql.c_str(), static_cast<int>(sql.size()), &raw, nullptr);
  SqliteStatement stmt(raw);
  if (rc != SQLITE_OK) return SqliteError(db, rc, context);
  std::vector<PostgresConnection::Row> rows;
  while ((rc = sqlite3_step(stmt.get())) == SQLITE_ROW) {
    PostgresConnection::Row row(static_cast<size_t>(sqlite3_column_count(stmt.get())));
    for (size_t c = 0; c < row.size(); ++c) {
      const int i = static_cast<int>(c);
      if (sqlite3_column_type(stmt.get(), i) == SQLITE_NULL) continue;
      const auto* text = reinterpret_cast<const char*>(sqlite3_column_text(stmt.get(), i));
      row[c] = std::string(text, static_cast<size_t>(sqlite3_column_bytes(stmt.get(), i)));
    }
    rows.push_back(std::move(row));
  }
  if (rc != SQLITE_DONE) return SqliteError(db, rc, context);
  return rows;
}

std::string ColumnList(const std::vector<ColumnSpec>& columns) {
  std::string out;
  for (const ColumnSpec& c : columns) {
    if (!out.empty()) out += ", ";
    out += Quote(c.name);
  }
  return out;
}

// Promotes the *tstamp TEXT columns of `table` whose every value is a clean timestamp.
Status DetectTimestamps(sqlite3* db, const std::string& path, TableSpec* table) {
  std::vector<size_t> candidates;
  for (size_t i = 0; i < table->columns.size(); ++i) {
    if (table->columns[i].type == PgType::kText && EndsWith(table->columns[i].name, "tstamp")) {
      candidates.push_back(i);
    }
  }
  if (candidates.empty()) return Status::Ok();
  std::string sql = "SELECT ";
  for (size_t i = 0; i < candidates.size(); ++i) {
    if (i > 0) sql += ", ";
    sql += Quote(table->columns[candidates[i]].name);
  }
  sql += " FROM " + Quote(table->name);
  sqlite3_stmt* raw = nullptr;
  const std::string context = "read table " + table->name + " of " + path;
  int rc = sqlite3_prepare_v2(db, sql.c_str(), static_cast<int>(sql.size()), &raw, nullptr);
  SqliteStatement stmt(raw);
  if (rc != SQLITE_OK) return SqliteError(db, rc, context);
  std::vector<bool> clean(candidates.size(), true);
  while ((rc = sqlite3_step(stmt.get())) == SQLITE_ROW) {
    for (size_t i = 0; i < candidates.size(); ++i) {
      if (!clean[i]) continue;
      const int type = sqlite3_column_type(stmt.get(), static_cast<int>(i));
      if (type == SQLITE_NULL) continue;
      const auto* text =
          reinterpret_cast<const char*>(sqlite3_column_text(stmt.get(), static_cast<int>(i)));
      const std::string_view value(
          text, static_cast<size_t>(sqlite3_column_bytes(stmt.get(), static_cast<int>(i))));
      if (type != SQLITE_TEXT || !ParseCleanTimestamp(value)) {
        clean[i] = false;
        LogWarning(kLogComponent, "postgres: column " + table->columns[candidates[i]].name +
                                      " of table " + table->name +
                                      " stays text: it holds a value that is not a UTC time, \"" +
                                      std::string(value.substr(0, 40)) + "\"");
      }
    }
  }
  if (rc != SQLITE_DONE) return SqliteError(db, rc, context);
  for (size_t i = 0; i < candidates.size(); ++i) {
    if (clean[i]) table->columns[candidates[i]].type = PgType::kTimestamp;
  }
  return Status::Ok();
}

// What the version file holds: its number and every table with columns and indexes.
struct SourceVersion {
  int64_t version = 0;
  std::vector<TableSpec> tables;
};

Result<SourceVersion> ReadSource(sqlite3* db, const std::string& path) {
  SourceVersion source;
  FOOTFALL_ASSIGN_OR_RETURN(auto version_rows,
                            SqliteRows(db, "PRAGMA user_version", "read version of " + path));
  if (!version_rows.empty() && version_rows[0][0].has_value()) {
    std::from_chars(version_rows[0][0]->data(),
                    version_rows[0][0]->data() + version_rows[0][0]->size(), source.version);
  }
  if (source.version < 1) {
    return InvalidArgument(path + " is not a footfall serving version (no version number in it)");
  }
  // sqlite_stat1 and the like are SQLite's own; ANALYZE on the server makes its own statistics.
  FOOTFALL_ASSIGN_OR_RETURN(
      auto names, SqliteRows(db,
                             "SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT "
                             "LIKE 'sqlite\\_%' ESCAPE '\\' ORDER BY name",
                             "list tables of " + path));
  for (const auto& name_row : names) {
    TableSpec table;
    table.name = *name_row[0];
    FOOTFALL_RETURN_IF_ERROR(CheckIdentifierLength(table.name, "table"));
    FOOTFALL_ASSIGN_OR_RETURN(
        auto columns,
        SqliteRows(
            db, "SELECT name, type FROM pragma_table_info(" + Quote(table.name) + ") ORDER BY cid",
            "read columns of table " + table.name + " in " + path));
    for (const auto& c : columns) {
      const std::string name = c[0].value_or("");
      FOOTFALL_RETURN_IF_ERROR(CheckIdentifierLength(name, "column").WithContext(table.name));
      FOOTFALL_ASSIGN_OR_RETURN(PgType type, MapDeclaredType(c[1].value_or(""), table.name, name));
      table.columns.push_back({name, type});
    }
    FOOTFALL_ASSIGN_OR_RETURN(
        auto indexes, SqliteRows(db,
                                 "SELECT name, \"unique\" FROM pragma_index_list(" +
                                     Quote(table.name) + ") WHERE origin = 'c' ORDER BY name",
                                 "read indexes of table " + table.name + " in " + path));
    for (const auto& i : indexes) {
      IndexSpec index{.name = i[0].value_or(""), .unique = i[1] == "1", .columns = {}};
      FOOTFALL_RETURN_IF_ERROR(CheckIdentifierLength(index.name, "index"));
      FOOTFALL_ASSIGN_OR_RETURN(auto parts, SqliteRows(db,
                                                       "SELECT name FROM pragma_index_info(" +
                                                           Quote(index.name) + ") ORDER BY seqno",
                                                       "read index " + index.name + " in " + path));
      for (const auto& part : parts) {
        if (!part[0].has_value()) {
          return Unimplemented("index " + index.name + " of table " + table.name + " in " + path +
                               " is on an expression, which is not copied to PostgreSQL");
        }
        index.columns.push_back(*part[0]);
      }
      table.indexes.push_back(std::move(index));
    }
    FOOTFALL_RETURN_IF_ERROR(DetectTimestamps(db, path, &table));
    source.tables.push_back(std::move(table));
  }
  return source;
}

// Appends `text` escaped for COPY's text format. NUL cannot be stored in PostgreSQL text.
bool AppendCopyText(std::string_view text, std::string* out) {
  size_t run = 0;
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    const char* escape = nullptr;
    switch (c) {
      case '\\':
        escape = "\\\\";
        break;
      case '\t':
        escape = "\\t";
        break;
      case '\n':
        escape = "\\n";
        break;
      case '\r':
        escape = "\\r";
        break;
      case '\0':
        return false;
      default:
        continue;
    }
    out->append(text.data() + run, i - run);
    out->append(escape);
    run = i + 1;
  }
  out->append(text.data() + run, text.size() - run);
  return true;
}

void AppendInt(int64_t v, std::string* out) {
  char buf[24];
  out->append(buf, std::to_chars(buf, buf + sizeof buf, v).ptr);
}

void AppendDouble(double v, std::string* out) {
  if (std::isnan(v)) {
    out->append("NaN");
  } else if (std::isinf(v)) {
    out->append(v > 0 ? "Infinity" : "-Infinity");
  } else {
    // Shortest text that reads back as the same double.
    char buf[32];
    out->append(buf, std::to_chars(buf, buf + sizeof buf, v).ptr);
  }
}

// Appends column `c` of the current row of `stmt` as a COPY text field. An error describes what
// does not fit.
std::optional<std::string> AppendField(sqlite3_stmt* stmt, int c, PgType type, std::string* out) {
  const int storage = sqlite3_column_type(stmt, c);
  if (storage == SQLITE_NULL) {
    out->append("\\N");
    return std::nullopt;
  }
  switch (type) {
    case PgType::kBigint:
      if (storage == SQLITE_INTEGER) {
        AppendInt(sqlite3_column_int64(stmt, c), out);
        return std::nullopt;
      }
      if (storage == SQLITE_FLOAT) {
        const double d = sqlite3_column_double(stmt, c);
        if (d == std::trunc(d) && std::fabs(d) < 9.2e18) {
          AppendInt(static_cast<int64_t>(d), out);
          return std::nullopt;
        }
      }
      return "a bigint column holds a non-integer value";
    case PgType::kDouble:
      if (storage == SQLITE_INTEGER) {
        AppendInt(sqlite3_column_int64(stmt, c), out);
        return std::nullopt;
      }
      if (storage == SQLITE_FLOAT) {
        AppendDouble(sqlite3_column_double(stmt, c), out);
        return std::nullopt;
      }
      return "a double precision column holds text";
    case PgType::kText:
    case PgType::kTimestamp: {
      const auto* text = reinterpret_cast<const char*>(sqlite3_column_text(stmt, c));
      const size_t size = static_cast<size_t>(sqlite3_column_bytes(stmt, c));
      if (!AppendCopyText(std::string_view(text, size), out)) {
        return "a text value holds a NUL byte, which PostgreSQL text cannot store";
      }
      // The time is UTC whatever the session's TimeZone.
      if (type == PgType::kTimestamp) out->append("+00");
      return std::nullopt;
    }
  }
  return std::nullopt;
}

void AppendBigEndian(uint64_t v, int bytes, std::string* out) {
  for (int shift = (bytes - 1) * 8; shift >= 0; shift -= 8) {
    out->push_back(static_cast<char>((v >> shift) & 0xff));
  }
}

// PostgreSQL's binary timestamps count microseconds from 2000-01-01 00:00:00 UTC.
constexpr Micros kPostgresEpoch = 946'684'800 * kMicrosPerSecond;

// Appends column `c` of the current row as a binary COPY field (length, then the value in
// PostgreSQL's send format). An error describes what does not fit.
std::optional<std::string> AppendBinaryField(sqlite3_stmt* stmt, int c, PgType type,
                                             std::string* out) {
  const int storage = sqlite3_column_type(stmt, c);
  if (storage == SQLITE_NULL) {
    AppendBigEndian(0xffffffffu, 4, out);
    return std::nullopt;
  }
  switch (type) {
    case PgType::kBigint: {
      int64_t v = 0;
      if (storage == SQLITE_INTEGER) {
        v = sqlite3_column_int64(stmt, c);
      } else {
        const double d = sqlite3_column_double(stmt, c);
        if (storage != SQLITE_FLOAT || d != std::trunc(d) || std::fabs(d) >= 9.2e18) {
          return "a bigint column holds a non-integer value";
        }
        v = static_cast<int64_t>(d);
      }
      AppendBigEndian(8, 4, out);
      AppendBigEndian(static_cast<uint64_t>(v), 8, out);
      return std::nullopt;
    }
    case PgType::kDouble: {
      if (storage != SQLITE_INTEGER && storage != SQLITE_FLOAT) {
        return "a double precision column holds text";
      }
      const double d = sqlite3_column_double(stmt, c);
      uint64_t bits;
      std::memcpy(&bits, &d, sizeof bits);
      AppendBigEndian(8, 4, out);
      AppendBigEndian(bits, 8, out);
      return std::nullopt;
    }
    case PgType::kTimestamp: {
      const auto* text = reinterpret_cast<const char*>(sqlite3_column_text(stmt, c));
      const auto t = ParseCleanTimestamp(
          std::string_view(text, static_cast<size_t>(sqlite3_column_bytes(stmt, c))));
      // The column was checked before the copy; this only guards against a changed file.
      if (!t) return "a timestamptz column holds a value that is not a UTC time";
      AppendBigEndian(8, 4, out);
      AppendBigEndian(static_cast<uint64_t>(*t - kPostgresEpoch), 8, out);
      return std::nullopt;
    }
    case PgType::kText: {
      const auto* text = reinterpret_cast<const char*>(sqlite3_column_text(stmt, c));
      const size_t size = static_cast<size_t>(sqlite3_column_bytes(stmt, c));
      if (size > 0 && std::memchr(text, '\0', size) != nullptr) {
        return "a text value holds a NUL byte, which PostgreSQL text cannot store";
      }
      AppendBigEndian(size, 4, out);
      out->append(text, size);
      return std::nullopt;
    }
  }
  return std::nullopt;
}

// Streams every row of `table` from SQLite into `qualified` with COPY ... FROM STDIN (text
// or binary format). Returns the number of rows the server stored.
Result<int64_t> CopyTable(sqlite3* db, PostgresConnection& pg, const TableSpec& table,
                          const std::string& qualified, const std::string& path,
                          PostgresCopyFormat format) {
  const bool binary = format == PostgresCopyFormat::kBinary;
  const std::string context = "copy table " + table.name + " into " + qualified;
  const std::string columns = ColumnList(table.columns);
  const std::string select = "SELECT " + columns + " FROM " + Quote(table.name);
  sqlite3_stmt* raw = nullptr;
  int rc = sqlite3_prepare_v2(db, select.c_str(), static_cast<int>(select.size()), &raw, nullptr);
  SqliteStatement stmt(raw);
  if (rc != SQLITE_OK) return SqliteError(db, rc, "read table " + table.name + " of " + path);

  {
    PostgresResult start(PQexec(pg.get(), ("COPY " + qualified + " (" + columns + ") FROM STDIN" +
                                           (binary ? " (FORMAT binary)" : ""))
                                              .c_str()));
    if (PQresultStatus(start.get()) != PGRES_COPY_IN) return pg.Error(start.get(), context);
  }
  std::string buffer;
  buffer.reserve(kCopyChunkBytes + 4096);
  int64_t rows = 0;
  std::string failure;  // why the copy is being abandoned on this side
  Status failure_status;
  const int ncols = static_cast<int>(table.columns.size());
  if (binary) {
    // Signature, flags, header extension length.
    buffer.append("PGCOPY\n\377\r\n\0", 11);
    AppendBigEndian(0, 4, &buffer);
    AppendBigEndian(0, 4, &buffer);
  }
  while ((rc = sqlite3_step(stmt.get())) == SQLITE_ROW) {
    ++rows;
    if (binary) AppendBigEndian(static_cast<uint64_t>(ncols), 2, &buffer);
    for (int c = 0; c < ncols && failure.empty(); ++c) {
      const PgType type = table.columns[static_cast<size_t>(c)].type;
      if (c > 0 && !binary) buffer.push_back('\t');
      if (auto bad = binary ? AppendBinaryField(stmt.get(), c, type, &buffer)
                            : AppendField(stmt.get(), c, type, &buffer)) {
        failure = "row " + std::to_string(rows) + ", column " +
                  table.columns[static_cast<size_t>(c)].name + ": " + *bad;
        failure_status = InvalidArgument(context + ": " + failure);
      }
    }
    if (!failure.empty()) break;
    if (!binary) buffer.push_back('\n');
    if (buffer.size() >= kCopyChunkBytes) {
      if (PQputCopyData(pg.get(), buffer.data(), static_cast<int>(buffer.size())) != 1) {
        return pg.Error(nullptr, context);
      }
      buffer.clear();
    }
  }
  if (failure.empty() && rc != SQLITE_DONE) {
    failure = "reading the version file failed";
    failure_status = SqliteError(db, rc, "read table " + table.name + " of " + path);
  }
  if (failure.empty() && binary) AppendBigEndian(0xffff, 2, &buffer);  // trailer: -1
  if (failure.empty() && !buffer.empty() &&
      PQputCopyData(pg.get(), buffer.data(), static_cast<int>(buffer.size())) != 1) {
    return pg.Error(nullptr, context);
  }
  // Ending with an error message makes the server fail the COPY, and with it the transaction.
  if (PQputCopyEnd(pg.get(), failure.empty() ? nullptr : failure.c_str()) != 1) {
    return pg.Error(nullptr, context);
  }
  Status status = Status::Ok();
  int64_t stored = -1;
  while (PostgresResult result{PQgetResult(pg.get())}) {
    if (!status.ok()) continue;  // drain
    if (PQresultStatus(result.get()) != PGRES_COMMAND_OK) {
      status = pg.Error(result.get(), context);
    } else {
      std::from_chars(
          PQcmdTuples(result.get()),
          PQcmdTuples(result.get()) + std::string_view(PQcmdTuples(result.get())).size(), stored);
    }
  }
  if (!failure.empty()) return failure_status;
  if (!status.ok()) return status;
  if (stored != rows) {
    return Internal(context + ": sent " + std::to_string(rows) + " rows, the server stored " +
                    std::to_string(stored));
  }
  return rows;
}

std::string SchemaComment(int64_t version) {
  return std::string(kVersionComment) + std::to_string(version);
}

// A string literal for SQL text that cannot take parameters (COMMENT, SET).
std::string Literal(std::string_view s) {
  std::string out = "'";
  for (char c : s) {
    out += c;
    if (c == '\'') out += '\'';
  }
  out += '\'';
  return out;
}

// Creates the reader role when missing and makes every table this role creates from now on
// readable by it.
Status PrepareReaderRole(PostgresConnection& pg, const PostgresTarget& target) {
  FOOTFALL_ASSIGN_OR_RETURN(auto roles, pg.Query("SELECT 1 FROM pg_roles WHERE rolname = $1",
                                                 {target.reader_role}, "look up role"));
  const std::string role = Quote(target.reader_role);
  if (roles.empty()) {
    FOOTFALL_RETURN_IF_ERROR(
        pg.Exec("CREATE ROLE " + role + " NOLOGIN",
                "create the read-only role " + target.reader_role +
                    " (the loading role needs CREATEROLE, or create the role once by hand)"));
  }
  return pg.Exec("ALTER DEFAULT PRIVILEGES GRANT SELECT ON TABLES TO " + role,
                 "set default privileges for role " + target.reader_role);
}

// Drops schemas a previous publish replaced but could not drop while readers held them.
void DropLeftovers(PostgresConnection& pg, const PostgresTarget& target) {
  const std::string prefix = target.schema + "_prev_";
  auto schemas = pg.Query("SELECT nspname FROM pg_namespace WHERE left(nspname, length($1)) = $1",
                          {prefix}, "list replaced schemas");
  if (!schemas.ok()) {
    LogWarning(kLogComponent, schemas.status().ToString());
    return;
  }
  for (const auto& row : *schemas) {
    const std::string& name = *row[0];
    if (name.size() == prefix.size() ||
        !std::all_of(name.begin() + static_cast<std::ptrdiff_t>(prefix.size()), name.end(),
                     [](char c) { return c >= '0' && c <= '9'; })) {
      continue;
    }
    const Status dropped =
        pg.Exec("SET lock_timeout = " + std::to_string(target.drop_lock_timeout_ms) +
                    "; DROP SCHEMA IF EXISTS " + Quote(name) + " CASCADE; RESET lock_timeout",
                "drop replaced schema " + name);
    if (!dropped.ok()) {
      // Still in use; the next publish tries again. RESET did not run after the failure.
      LogWarning(kLogComponent, dropped.ToString());
      static_cast<void>(pg.Exec("RESET lock_timeout", "reset lock_timeout"));
    }
  }
}

// The load and swap transaction, up to and including COMMIT.
Status LoadAndSwap(sqlite3* db, PostgresConnection& pg, const PostgresTarget& target,
                   const std::string& path, const SourceVersion& source,
                   PostgresPublishReport* report) {
  const std::string staging_name = target.schema + "_v" + std::to_string(source.version);
  const std::string staging = Quote(staging_name);
  const std::string stable = Quote(target.schema);
  FOOTFALL_RETURN_IF_ERROR(pg.Exec("BEGIN", "begin"));
  FOOTFALL_RETURN_IF_ERROR(PrepareReaderRole(pg, target));
  // A staging schema can only be left by hand: a failed load is rolled back whole.
  FOOTFALL_RETURN_IF_ERROR(
      pg.Exec("DROP SCHEMA IF EXISTS " + staging + " CASCADE; CREATE SCHEMA " + staging,
              "create schema " + staging_name));
  for (const TableSpec& table : source.tables) {
    const std::string qualified = staging + "." + Quote(table.name);
    std::string create = "CREATE TABLE " + qualified + " (";
    PostgresTableReport table_report{.name = table.name, .rows = 0, .timestamp_columns = {}};
    for (size_t i = 0; i < table.columns.size(); ++i) {
      if (i > 0) create += ", ";
      create += Quote(table.columns[i].name) + " " + std::string(PgTypeSql(table.columns[i].type));
      if (table.columns[i].type == PgType::kTimestamp) {
        table_report.timestamp_columns.push_back(table.columns[i].name);
      }
    }
    create += ")";
    FOOTFALL_RETURN_IF_ERROR(pg.Exec(create, "create table " + table.name + " in " + staging_name));
    FOOTFALL_ASSIGN_OR_RETURN(table_report.rows,
                              CopyTable(db, pg, table, qualified, path, target.copy_format));
    // Indexes after the rows: one sort per index instead of one insertion per row.
    for (const IndexSpec& index : table.indexes) {
      std::string columns;
      for (const std::string& c : index.columns)
        columns += (columns.empty() ? "" : ", ") + Quote(c);
      FOOTFALL_RETURN_IF_ERROR(
          pg.Exec(std::string(index.unique ? "CREATE UNIQUE INDEX " : "CREATE INDEX ") +
                      Quote(index.name) + " ON " + qualified + " (" + columns + ")",
                  "create index " + index.name + " on table " + table.name));
    }
    FOOTFALL_RETURN_IF_ERROR(pg.Exec("ANALYZE " + qualified, "analyze table " + table.name));
    report->rows += table_report.rows;
    report->tables.push_back(std::move(table_report));
  }
  FOOTFALL_RETURN_IF_ERROR(
      pg.Exec("COMMENT ON SCHEMA " + staging + " IS " + Literal(SchemaComment(source.version)),
              "comment on schema " + staging_name));

  FOOTFALL_ASSIGN_OR_RETURN(
      auto existing, pg.Query("SELECT 1 FROM pg_namespace WHERE nspname = $1", {target.schema},
                              "look up schema " + target.schema));
  if (!existing.empty()) {
    // A schema rename locks no table, so a reader's statement could resolve one table before the
    // swap and the next after it. Holding every current table exclusively until COMMIT makes
    // readers wait, then resolve every name again, all in the new version. The locks are taken
    // all at once without waiting (NOWAIT), retried while readers' statements finish, so the
    // swap never holds one table while waiting for another (which could deadlock with a
    // reader); a reader holding the old tables longer than the lock timeout (a long BI
    // transaction) is not waited for, and the swap then goes ahead without the locks.
    FOOTFALL_ASSIGN_OR_RETURN(
        auto tables,
        pg.Query("SELECT string_agg(format('%I.%I', schemaname, tablename), ', ') FROM pg_tables "
                 "WHERE schemaname = $1",
                 {target.schema}, "list the tables of " + target.schema));
    if (!tables.empty() && !tables[0].empty() && tables[0][0].has_value() &&
        !tables[0][0]->empty()) {
      const Micros give_up = NowMicros() + int64_t{target.drop_lock_timeout_ms} * 1000;
      for (;;) {
        const Status locked = pg.Exec("SAVEPOINT swap_locks; LOCK TABLE " + *tables[0][0] +
                                          " IN ACCESS EXCLUSIVE MODE NOWAIT",
                                      "lock the tables of " + target.schema);
        if (locked.ok()) {
          FOOTFALL_RETURN_IF_ERROR(pg.Exec("RELEASE SAVEPOINT swap_locks", "keep the locks"));
          break;
        }
        FOOTFALL_RETURN_IF_ERROR(
            pg.Exec("ROLLBACK TO SAVEPOINT swap_locks", "retry the locks of " + target.schema));
        if (NowMicros() >= give_up) {
          LogWarning(kLogComponent, "postgres: swapping without table locks: " + locked.ToString());
          break;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
      }
    }
    const std::string previous = Quote(target.schema + "_prev_" + std::to_string(source.version));
    FOOTFALL_RETURN_IF_ERROR(pg.Exec("DROP SCHEMA IF EXISTS " + previous +
                                         " CASCADE; ALTER SCHEMA " + stable + " RENAME TO " +
                                         previous,
                                     "move schema " + target.schema + " aside"));
  }
  const std::string reader = Quote(target.reader_role);
  FOOTFALL_RETURN_IF_ERROR(pg.Exec(
      "ALTER SCHEMA " + staging + " RENAME TO " + stable + "; GRANT USAGE ON SCHEMA " + stable +
          " TO " + reader + "; GRANT SELECT ON ALL TABLES IN SCHEMA " + stable + " TO " + reader,
      "swap schema " + staging_name + " in as " + target.schema));
  return pg.Exec("COMMIT", "commit version " + std::to_string(source.version));
}

// Advisory-lock key of a target: one publisher per stable schema per database.
std::string LockKeySql() { return "hashtext('footfall serving ' || $1)::bigint"; }

}  // namespace

Result<PostgresPublishReport> PublishToPostgres(const PostgresTarget& target,
                                                const std::string& version_path) {
  const Micros started = NowMicros();
  FOOTFALL_RETURN_IF_ERROR(ValidateTarget(target));
  if (::access(version_path.c_str(), R_OK) != 0) {
    return NotFound("serving version file " + version_path + " does not exist or is unreadable");
  }
  FOOTFALL_ASSIGN_OR_RETURN(SqliteDb db, OpenSqlite(version_path, SQLITE_OPEN_READONLY));
  // One read transaction over the whole copy.
  FOOTFALL_RETURN_IF_ERROR(ExecSql(db.get(), "BEGIN", "read " + version_path));
  FOOTFALL_ASSIGN_OR_RETURN(SourceVersion source, ReadSource(db.get(), version_path));

  FOOTFALL_ASSIGN_OR_RETURN(PostgresConnection pg, PostgresConnection::Connect(target.conninfo));
  FOOTFALL_ASSIGN_OR_RETURN(
      auto locked, pg.Query("SELECT pg_try_advisory_lock(" + LockKeySql() + ")", {target.schema},
                            "take the publish lock"));
  if (locked.empty() || locked[0][0] != "t") {
    return FailedPrecondition("another footfall is publishing to schema " + target.schema + " on " +
                              pg.server() + "; try again when it is done");
  }
  DropLeftovers(pg, target);

  PostgresPublishReport report;
  report.version = source.version;
  const Status loaded = LoadAndSwap(db.get(), pg, target, version_path, source, &report);
  if (!loaded.ok()) {
    // Explicitly, rather than by closing the connection, so that the lock is free when this
    // returns. Either fails harmlessly when the connection is gone; the server then cleans up.
    static_cast<void>(pg.Exec("ROLLBACK", "roll back"));
    static_cast<void>(pg.Query("SELECT pg_advisory_unlock(" + LockKeySql() + ")", {target.schema},
                               "release the publish lock"));
    return loaded.WithContext("publish serving version " + std::to_string(source.version) +
                              " to PostgreSQL");
  }

  // The replaced schema goes in a transaction of its own, so that a reader still holding it
  // delays only this cleanup, never the swap.
  const std::string previous = target.schema + "_prev_" + std::to_string(source.version);
  const Status dropped =
      pg.Exec("SET lock_timeout = " + std::to_string(target.drop_lock_timeout_ms) +
                  "; DROP SCHEMA IF EXISTS " + Quote(previous) + " CASCADE",
              "drop replaced schema " + previous);
  if (!dropped.ok()) {
    report.dropped_previous = false;
    LogWarning(kLogComponent, dropped.ToString() + " (the next publish drops it)");
  }
  static_cast<void>(pg.Query("SELECT pg_advisory_unlock(" + LockKeySql() + ")", {target.schema},
                             "release the publish lock"));
  report.duration = NowMicros() - started;
  LogInfo(kLogComponent, "postgres: published version " + std::to_string(report.version) + " (" +
                             std::to_string(report.rows) + " rows in " +
                             std::to_string(report.tables.size()) + " tables) to " + pg.server() +
                             " as schema " + target.schema);
  return report;
}

Result<int64_t> PostgresCurrentVersion(const PostgresTarget& target) {
  FOOTFALL_RETURN_IF_ERROR(ValidateTarget(target));
  FOOTFALL_ASSIGN_OR_RETURN(PostgresConnection pg, PostgresConnection::Connect(target.conninfo));
  FOOTFALL_ASSIGN_OR_RETURN(
      auto rows, pg.Query("SELECT obj_description(oid, 'pg_namespace') FROM pg_namespace WHERE "
                          "nspname = $1",
                          {target.schema}, "look up schema " + target.schema));
  const std::string_view prefix = kVersionComment;
  if (rows.empty() || !rows[0][0].has_value() || !rows[0][0]->starts_with(prefix)) {
    return NotFound("no footfall serving version in schema " + target.schema + " on " +
                    pg.server());
  }
  int64_t version = 0;
  const std::string& comment = *rows[0][0];
  std::from_chars(comment.data() + prefix.size(), comment.data() + comment.size(), version);
  if (version < 1) {
    return Corruption("schema " + target.schema + " on " + pg.server() +
                      " has a malformed version comment: " + comment);
  }
  return version;
}

}  // namespace footfall::serving
