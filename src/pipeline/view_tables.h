// The batch views as tables: each view's rows, with its columns and indexes, written once into
// the serving store (serving/v<N>.sqlite) and once as a Parquet dataset (views/<table>/), so
// that SQL users and the big-data ecosystem see the same rows. docs/views.md defines the columns.
#pragma once

#include <functional>
#include <map>
#include <span>
#include <string>
#include <vector>

#include "base/status.h"
#include "parquet/dataset.h"
#include "pipeline/row_pipe.h"
#include "serving/value.h"
#include "serving/version_writer.h"
#include "views/flow.h"
#include "views/web_model.h"

namespace footfall::pipeline {

// How a column is stored: SQLite has INTEGER, REAL and TEXT (timestamps as
// "YYYY-MM-DD HH:MM:SS.ffffff" text, booleans as 0/1); Parquet gets the matching types
// (TIMESTAMP(MICROS, UTC), BOOLEAN).
enum class CellType { kInt, kReal, kText, kTimestamp, kBool };

struct TableColumn {
  std::string name;
  CellType type;
};

struct ViewTable {
  std::string name;
  std::vector<TableColumn> columns;
  std::vector<std::vector<std::string>> indexes;  // serving indexes, each a list of columns
  // Calls the sink (row_pipe.h) once per row, in the table's order, and stops at its first
  // error. A row's cells are in column order: int64 for kInt, kTimestamp (microseconds) and kBool
  // (0/1), double for kReal, string for kText; monostate for NULL.
  RowSource rows;
};

// The tables of the web model and of every flow (the flow tables hold every flow's rows, with a
// `flow` column). They refer to `web` and `flows`, which must outlive them.
std::vector<ViewTable> WebViewTables(const views::WebViews& web);
// WebViewTables in parts: page_views and sessions over any rows (such as one day's), and the
// summaries (users, traffic, acquisition, funnels, journeys).
ViewTable PageViewsTable(std::span<const views::PageViewRow> rows);
ViewTable SessionsTable(std::span<const views::WebSessionRow> rows);
std::vector<ViewTable> WebSummaryTables(const views::WebViews& web);
std::vector<ViewTable> FlowViewTables(const std::vector<views::FlowViews>& flows);

struct MetricsHour;  // batch_views.h
// `metrics_hourly`: the speed layer's metrics (views/bucket_metrics.h) folded by batch, per hour.
// Refers to `hours`, which must outlive it.
ViewTable MetricsHourlyTable(const std::vector<MetricsHour>& hours);

// The serving `events` table: every enriched-event field of `events` (each serialized,
// pipeline/event_serializer.h), in their order. Refers to `events`, which must outlive it.
ViewTable EventsTable(const std::vector<std::string>& events);

// Creates the table in `writer`, inserts every row and builds its indexes.
Status LoadIntoServing(serving::VersionWriter& writer, const ViewTable& table);

// Publishes the table's rows as a new version of the Parquet dataset `dir`, replacing the
// previous one; `properties` are stored in its manifest. Returns the rows written.
Result<int64_t> WriteParquetVersion(const std::string& dir, const ViewTable& table,
                                    const std::map<std::string, std::string>& properties);

// The table's Parquet schema: every column optional.
parquet::Schema ParquetSchema(const ViewTable& table);
// Writes the table's rows to a new Parquet file at `path` (published whole by ParquetWriter);
// returns the rows written.
Result<int64_t> WriteParquetFile(const std::string& path, const ViewTable& table);

// One date's rows of a date-partitioned view, written by WriteParquetFile.
struct DateFile {
  std::string date;  // YYYY-MM-DD
  std::string path;
  int64_t rows = 0;
};

// Publishes `files` (in date order; each is moved into the dataset) as a new version of the
// dataset `dir`, each as date=<date>/v<version>.parquet, replacing the previous version. With no
// files the version holds one empty file of `shape`'s schema. Returns the rows published.
Result<int64_t> PublishDateFiles(const std::string& dir, const ViewTable& shape,
                                 const std::vector<DateFile>& files,
                                 const std::map<std::string, std::string>& properties);

// `shape`'s name, columns and indexes over the rows of a published dataset of its schema, file
// by file in path order (for a date-partitioned view, in date order): to load what the engine
// wrote into the serving store.
ViewTable DatasetTable(const ViewTable& shape, parquet::Dataset dataset);

}  // namespace footfall::pipeline
