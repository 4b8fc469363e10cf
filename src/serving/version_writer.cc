#include "serving/version_writer.h"

#include <sqlite3.h>

#include <algorithm>
#include <string_view>
#include <thread>
#include <utility>

namespace footfall::serving {
namespace {

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  return a.size() == b.size() &&
         sqlite3_strnicmp(a.data(), b.data(), static_cast<int>(a.size())) == 0;
}

bool IsIdentifierStart(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_';
}

bool IsIdentifierChar(char c) { return IsIdentifierStart(c) || (c >= '0' && c <= '9'); }

Status ValidateIdentifier(std::string_view name, std::string_view what) {
  constexpr std::string_view kReservedPrefix = "sqlite_";
  const bool valid = !name.empty() && IsIdentifierStart(name.front()) &&
                     std::all_of(name.begin(), name.end(), IsIdentifierChar) &&
                     !(name.size() >= kReservedPrefix.size() &&
                       EqualsIgnoreCase(name.substr(0, kReservedPrefix.size()), kReservedPrefix));
  if (valid) return Status::Ok();
  return InvalidArgument("invalid " + std::string(what) + " name \"" + std::string(name) +
                         "\": expected [A-Za-z_][A-Za-z0-9_]* not starting with sqlite_");
}

// Identifiers are validated, so quoting only guards against SQL keywords ("order", "group").
std::string Quoted(std::string_view identifier) {
  std::string out = "\"";
  out += identifier;
  out += '"';
  return out;
}

// "integer 7", "real 0.5", "text \"abc\"" or "NULL"; long text is cut so the message stays one
// line.
std::string DescribeValue(const Value& value) {
  constexpr size_t kMaxChars = 40;
  if (const auto* i = std::get_if<int64_t>(&value)) return "integer " + std::to_string(*i);
  if (const auto* d = std::get_if<double>(&value)) return "real " + std::to_string(*d);
  if (const auto* text = std::get_if<std::string>(&value)) {
    return "text \"" + text->substr(0, kMaxChars) + (text->size() > kMaxChars ? "...\"" : "\"");
  }
  return "NULL";
}

bool Fits(const Value& value, ColumnType type) {
  if (std::holds_alternative<std::monostate>(value)) return true;
  if (std::holds_alternative<int64_t>(value)) {
    return type == ColumnType::kInteger || type == ColumnType::kReal;
  }
  if (std::holds_alternative<double>(value)) return type == ColumnType::kReal;
  return type == ColumnType::kText;
}

// The statement is stepped before the row goes away, so text is bound without a copy.
int Bind(sqlite3_stmt* stmt, int index, const Value& value) {
  if (const auto* i = std::get_if<int64_t>(&value)) return sqlite3_bind_int64(stmt, index, *i);
  if (const auto* d = std::get_if<double>(&value)) return sqlite3_bind_double(stmt, index, *d);
  if (const auto* s = std::get_if<std::string>(&value)) {
    return sqlite3_bind_text64(stmt, index, s->data(), s->size(), SQLITE_STATIC, SQLITE_UTF8);
  }
  return sqlite3_bind_null(stmt, index);
}

}  // namespace

Status TableInserter::Insert(std::span<const Value> row) {
  return writer_->InsertRow(table_index_, row);
}

Result<std::unique_ptr<VersionWriter>> VersionWriter::Create(const std::string& serving_dir,
                                                             int64_t version) {
  FOOTFALL_ASSIGN_OR_RETURN(StagingFile staging, StagingFile::Reserve(serving_dir, version));
  // NOMUTEX: the writer is used by one thread at a time, and SQLite's own locking costs several
  // percent of a bulk load.
  FOOTFALL_ASSIGN_OR_RETURN(
      SqliteDb db,
      OpenSqlite(staging.path(), SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX));
  std::unique_ptr<VersionWriter> writer(
      new VersionWriter(version, std::move(staging), std::move(db)));
  // locking_mode=EXCLUSIVE saves a lock round trip per statement; the cache is sized for building
  // indexes over a million-row table. 16 KiB pages: rows of the events table take about 1 KiB,
  // and larger pages load a version about a sixth faster than the default 4 KiB. CREATE INDEX
  // sorts on helper threads (`threads`, one per core up to 4): a tenth faster on two cores.
  const unsigned sort_threads = std::clamp(std::thread::hardware_concurrency(), 1u, 4u);
  FOOTFALL_RETURN_IF_ERROR(
      ExecSql(writer->db_.get(),
              "PRAGMA page_size=16384; PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF; "
              "PRAGMA locking_mode=EXCLUSIVE; PRAGMA cache_size=-65536; PRAGMA threads=" +
                  std::to_string(sort_threads) +
                  "; PRAGMA user_version=" + std::to_string(version) + "; BEGIN",
              "prepare " + writer->staging_path_));
  return writer;
}

VersionWriter::VersionWriter(int64_t version, StagingFile staging, SqliteDb db)
    : version_(version),
      staging_path_(staging.path()),
      staging_(std::move(staging)),
      db_(std::move(db)) {}

Status VersionWriter::CheckNotSpent() const {
  if (db_ != nullptr) return Status::Ok();
  return FailedPrecondition("serving version " + std::to_string(version_) +
                            " was already published or failed to publish; start a new writer");
}

size_t VersionWriter::FindTable(std::string_view name) const {
  for (size_t i = 0; i < tables_.size(); ++i) {
    if (EqualsIgnoreCase(tables_[i].name, name)) return i;
  }
  return tables_.size();
}

Status VersionWriter::CreateTable(const std::string& name, const std::vector<Column>& columns) {
  FOOTFALL_RETURN_IF_ERROR(CheckNotSpent());
  FOOTFALL_RETURN_IF_ERROR(ValidateIdentifier(name, "table"));
  if (FindTable(name) != tables_.size()) {
    return Status(StatusCode::kAlreadyExists,
                  "table " + name + " already exists in " + staging_path_);
  }
  if (columns.empty()) return InvalidArgument("table " + name + " needs at least one column");
  std::string sql = "CREATE TABLE " + Quoted(name) + " (";
  for (size_t i = 0; i < columns.size(); ++i) {
    FOOTFALL_RETURN_IF_ERROR(
        ValidateIdentifier(columns[i].name, "column").WithContext("table " + name));
    for (size_t j = 0; j < i; ++j) {
      if (EqualsIgnoreCase(columns[j].name, columns[i].name)) {
        return InvalidArgument("table " + name + " has column " + columns[i].name + " twice");
      }
    }
    if (i > 0) sql += ", ";
    sql += Quoted(columns[i].name);
    sql += ' ';
    sql += ColumnTypeSql(columns[i].type);
  }
  sql += ')';
  FOOTFALL_RETURN_IF_ERROR(
      ExecSql(db_.get(), sql, "create table " + name + " in " + staging_path_));
  tables_.push_back(StagedTable{.name = name, .columns = columns, .insert = nullptr, .rows = 0});
  return Status::Ok();
}

Result<TableInserter> VersionWriter::Inserter(const std::string& table) {
  FOOTFALL_RETURN_IF_ERROR(CheckNotSpent());
  const size_t index = FindTable(table);
  if (index == tables_.size()) {
    return NotFound("no table " + table + " in serving version " + std::to_string(version_));
  }
  StagedTable& staged = tables_[index];
  if (staged.insert == nullptr) {
    std::string sql = "INSERT INTO " + Quoted(staged.name) + " VALUES (";
    for (size_t i = 0; i < staged.columns.size(); ++i) sql += i == 0 ? "?" : ", ?";
    sql += ')';
    sqlite3_stmt* stmt = nullptr;
    const int rc = sqlite3_prepare_v3(db_.get(), sql.c_str(), static_cast<int>(sql.size()),
                                      SQLITE_PREPARE_PERSISTENT, &stmt, nullptr);
    staged.insert.reset(stmt);
    if (rc != SQLITE_OK) return SqliteError(db_.get(), rc, "prepare insert into " + staged.name);
  }
  return TableInserter(this, index);
}

Status VersionWriter::InsertRow(size_t table_index, std::span<const Value> row) {
  FOOTFALL_RETURN_IF_ERROR(CheckNotSpent());
  StagedTable& table = tables_[table_index];
  const int64_t row_number = table.rows + 1;
  if (row.size() != table.columns.size()) {
    return InvalidArgument("row " + std::to_string(row_number) + " of table " + table.name +
                           ": expected " + std::to_string(table.columns.size()) + " values, got " +
                           std::to_string(row.size()));
  }
  sqlite3_stmt* stmt = table.insert.get();
  for (size_t i = 0; i < row.size(); ++i) {
    const Column& column = table.columns[i];
    if (!Fits(row[i], column.type)) {
      return InvalidArgument("row " + std::to_string(row_number) + " of table " + table.name +
                             ": column " + column.name + " is " +
                             std::string(ColumnTypeSql(column.type)) + ", got " +
                             DescribeValue(row[i]));
    }
    const int rc = Bind(stmt, static_cast<int>(i) + 1, row[i]);
    if (rc != SQLITE_OK) {
      return SqliteError(db_.get(), rc,
                         "row " + std::to_string(row_number) + " of table " + table.name +
                             ", column " + column.name);
    }
  }
  const int rc = sqlite3_step(stmt);
  sqlite3_reset(stmt);
  if (rc != SQLITE_DONE) {
    return SqliteError(db_.get(), rc,
                       "insert row " + std::to_string(row_number) + " into table " + table.name);
  }
  table.rows = row_number;
  return Status::Ok();
}

Status VersionWriter::CreateIndex(const std::string& table,
                                  const std::vector<std::string>& columns) {
  FOOTFALL_RETURN_IF_ERROR(CheckNotSpent());
  const size_t index = FindTable(table);
  if (index == tables_.size()) {
    return NotFound("cannot index unknown table " + table + " in serving version " +
                    std::to_string(version_));
  }
  if (columns.empty()) return InvalidArgument("an index on table " + table + " needs columns");
  const StagedTable& staged = tables_[index];
  std::string name = staged.name;
  std::string column_list;
  const auto unknown = std::find_if(columns.begin(), columns.end(), [&](const std::string& column) {
    return std::none_of(staged.columns.begin(), staged.columns.end(),
                        [&](const Column& c) { return EqualsIgnoreCase(c.name, column); });
  });
  if (unknown != columns.end()) {
    return InvalidArgument("cannot index unknown column " + *unknown + " of table " + table);
  }
  for (const std::string& column : columns) {
    name += "__";
    name += column;
    if (!column_list.empty()) column_list += ", ";
    column_list += Quoted(column);
  }
  const bool exists = std::any_of(index_names_.begin(), index_names_.end(),
                                  [&](const std::string& n) { return EqualsIgnoreCase(n, name); });
  if (exists) return Status(StatusCode::kAlreadyExists, "index " + name + " already exists");
  FOOTFALL_RETURN_IF_ERROR(ExecSql(
      db_.get(),
      "CREATE INDEX " + Quoted(name) + " ON " + Quoted(staged.name) + " (" + column_list + ")",
      "create index " + name + " in " + staging_path_));
  index_names_.push_back(std::move(name));
  return Status::Ok();
}

Status VersionWriter::Finish() {
  // Statements must be finalized for the connection to close.
  for (StagedTable& table : tables_) table.insert.reset();
  FOOTFALL_RETURN_IF_ERROR(ExecSql(db_.get(), "COMMIT", "commit " + staging_path_));
  // Planner statistics for readers, from a sample of each index (analysis_limit): a full
  // ANALYZE reads every index of a gigabyte version to the end, and the planner needs only the
  // rough shape.
  FOOTFALL_RETURN_IF_ERROR(
      ExecSql(db_.get(), "PRAGMA analysis_limit=1000; ANALYZE", "analyze " + staging_path_));
  const int rc = sqlite3_close(db_.get());
  if (rc != SQLITE_OK) return SqliteError(db_.get(), rc, "close " + staging_path_);
  static_cast<void>(db_.release());
  return Status::Ok();
}

Status VersionWriter::Publish() {
  FOOTFALL_RETURN_IF_ERROR(CheckNotSpent());
  Status status = Finish();
  // Spent from here on, whatever happens next.
  db_.reset();
  if (status.ok()) status = staging_.Publish();
  return status;
}

}  // namespace footfall::serving
