// Builds one version of the serving store (layout.h) and publishes it atomically.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "base/status.h"
#include "serving/layout.h"
#include "serving/sqlite_handle.h"
#include "serving/value.h"

namespace footfall::serving {

class VersionWriter;

// Appends rows to one table of a VersionWriter. A cheap handle: copies share the writer's prepared
// statement. Must not outlive its writer; after Publish() every Insert fails.
class TableInserter {
 public:
  // One value per column, in CreateTable order. NULL fits any column; an integer fits INTEGER and
  // REAL columns; a double fits REAL; a string fits TEXT. kInvalidArgument on a wrong arity or
  // type, naming the table, the column and the row number.
  Status Insert(std::span<const Value> row);

 private:
  friend class VersionWriter;
  TableInserter(VersionWriter* writer, size_t table_index)
      : writer_(writer), table_index_(table_index) {}

  VersionWriter* writer_;
  size_t table_index_;
};

// VersionWriter loads serving version N into v<N>.sqlite.tmp, which nothing reads, inside one
// transaction with journaling and syncing off (a failed load is thrown away whole, so neither is
// needed). Publish() commits, runs ANALYZE, closes and installs the file as v<N>.sqlite, then
// points CURRENT at N (layout.h describes the steps).
//
// Visibility and durability: nothing is visible to readers before Publish() returns OK; then the
// file and CURRENT are durable. Destroying a writer that was not published deletes the staging
// file, so a failed batch publishes nothing. After Publish(), successful or not, the writer is
// spent and every call fails with kFailedPrecondition. Only one writer per version can exist at a
// time, across processes (StagingFile).
//
// Owned by the caller (the batch run); one thread at a time. Table and column names are
// identifiers [A-Za-z_][A-Za-z0-9_]*, case-insensitive as in SQL, and may not start with "sqlite_".
class VersionWriter {
 public:
  // kAlreadyExists when v<version>.sqlite is already published, kFailedPrecondition while another
  // writer builds the same version, kInvalidArgument for a version below 1.
  static Result<std::unique_ptr<VersionWriter>> Create(const std::string& serving_dir,
                                                       int64_t version);
  VersionWriter(const VersionWriter&) = delete;
  VersionWriter& operator=(const VersionWriter&) = delete;

  // kInvalidArgument for a bad or repeated column name or no columns; kAlreadyExists when the
  // table exists.
  Status CreateTable(const std::string& name, const std::vector<Column>& columns);

  // kNotFound when `table` was not created.
  Result<TableInserter> Inserter(const std::string& table);

  // Indexes `columns` of `table`, named <table>__<column>[__<column>...]. Cheapest after the rows
  // are loaded. kNotFound for an unknown table, kInvalidArgument for an unknown column,
  // kAlreadyExists for the same index twice.
  Status CreateIndex(const std::string& table, const std::vector<std::string>& columns);

  // kAlreadyExists, and nothing changes, if v<N>.sqlite appeared by other means meanwhile. If the
  // file was installed but CURRENT could not be replaced, the file stays, CURRENT keeps naming the
  // previous version, and the error says why.
  Status Publish();

  int64_t version() const { return version_; }

 private:
  friend class TableInserter;

  struct StagedTable {
    std::string name;
    std::vector<Column> columns;
    // Prepared on the first Inserter() call for the table.
    SqliteStatement insert;
    int64_t rows = 0;
  };

  VersionWriter(int64_t version, StagingFile staging, SqliteDb db);

  Status InsertRow(size_t table_index, std::span<const Value> row);
  Status CheckNotSpent() const;
  // Index into tables_ of `name`, or tables_.size().
  size_t FindTable(std::string_view name) const;
  // Commits, analyzes and closes the staging database.
  Status Finish();

  // Constant after construction.
  const int64_t version_;
  const std::string staging_path_;

  // Declared before db_ so that the connection closes before the file is removed.
  StagingFile staging_;
  // Null once the writer is spent.
  SqliteDb db_;
  std::vector<StagedTable> tables_;
  std::vector<std::string> index_names_;
};

}  // namespace footfall::serving
