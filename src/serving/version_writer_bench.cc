// Bulk-load throughput of VersionWriter against the same load through the bare SQLite C API (same
// pragmas, one transaction, one reused statement): rows of five columns (two texts, two integers,
// a real), the shape of a view table. The target is a million rows in 1-2 s.
#include <benchmark/benchmark.h>
#include <sqlite3.h>
#include <stdlib.h>

#include <charconv>
#include <cstdint>
#include <filesystem>
#include <string>
#include <system_error>
#include <vector>

#include "serving/version_writer.h"

namespace footfall::serving {
namespace {

constexpr int64_t kRows = 1'000'000;

const std::vector<Column> kColumns = {{"page_view_id", ColumnType::kText},
                                      {"page_urlpath", ColumnType::kText},
                                      {"start_tstamp", ColumnType::kInteger},
                                      {"page_views", ColumnType::kInteger},
                                      {"engaged_time_in_s", ColumnType::kReal}};

// Row i, reusing the strings already in `row`.
void FillRow(int64_t i, std::vector<Value>* row) {
  char buf[40];
  char* end = std::to_chars(buf, buf + sizeof(buf), static_cast<uint64_t>(i) * 7919, 16).ptr;
  *end++ = '-';
  end = std::to_chars(end, buf + sizeof(buf), i, 16).ptr;
  std::get<std::string>((*row)[0]).assign(buf, end);
  end = std::to_chars(buf, buf + sizeof(buf), i % 5000).ptr;
  std::get<std::string>((*row)[1]).assign("/products/").append(buf, end);
  (*row)[2] = 1'700'000'000'000'000 + i * 1000;
  (*row)[3] = i % 17;
  (*row)[4] = static_cast<double>(i % 600) / 3.0;
}

std::vector<Value> EmptyRow() {
  return {std::string(), std::string(), int64_t{0}, int64_t{0}, 0.0};
}

// Runs `load(dir)` once per iteration in a fresh temporary directory, untimed setup and cleanup.
template <typename Load>
void RunLoads(benchmark::State& state, Load load) {
  for (auto _ : state) {
    state.PauseTiming();
    std::string dir = "/tmp/footfall_serving_bench_XXXXXX";
    if (::mkdtemp(dir.data()) == nullptr) {
      state.SkipWithError("mkdtemp failed");
      return;
    }
    state.ResumeTiming();
    const Status status = load(dir);
    state.PauseTiming();
    std::error_code ignored;
    std::filesystem::remove_all(dir, ignored);
    if (!status.ok()) {
      state.SkipWithError(status.ToString().c_str());
      return;
    }
    state.ResumeTiming();
  }
  state.SetItemsProcessed(state.iterations() * kRows);
}

Status LoadWithVersionWriter(const std::string& dir) {
  FOOTFALL_ASSIGN_OR_RETURN(std::unique_ptr<VersionWriter> writer, VersionWriter::Create(dir, 1));
  FOOTFALL_RETURN_IF_ERROR(writer->CreateTable("page_views", kColumns));
  FOOTFALL_ASSIGN_OR_RETURN(TableInserter inserter, writer->Inserter("page_views"));
  std::vector<Value> row = EmptyRow();
  for (int64_t i = 0; i < kRows; ++i) {
    FillRow(i, &row);
    FOOTFALL_RETURN_IF_ERROR(inserter.Insert(row));
  }
  return writer->Publish();
}

Status LoadWithBareSqlite(const std::string& dir) {
  FOOTFALL_ASSIGN_OR_RETURN(
      SqliteDb db, OpenSqlite(dir + "/bare.sqlite",
                              SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX));
  FOOTFALL_RETURN_IF_ERROR(ExecSql(db.get(),
                                   "PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF; "
                                   "PRAGMA locking_mode=EXCLUSIVE; BEGIN; CREATE TABLE page_views "
                                   "(page_view_id TEXT, page_urlpath TEXT, start_tstamp INTEGER, "
                                   "page_views INTEGER, engaged_time_in_s REAL)",
                                   "bare setup"));
  sqlite3_stmt* raw = nullptr;
  sqlite3_prepare_v2(db.get(), "INSERT INTO page_views VALUES (?, ?, ?, ?, ?)", -1, &raw, nullptr);
  SqliteStatement stmt(raw);
  std::vector<Value> row = EmptyRow();
  for (int64_t i = 0; i < kRows; ++i) {
    FillRow(i, &row);
    for (int c = 0; c < 2; ++c) {
      const std::string& text = std::get<std::string>(row[c]);
      sqlite3_bind_text(raw, c + 1, text.data(), static_cast<int>(text.size()), SQLITE_STATIC);
    }
    sqlite3_bind_int64(raw, 3, std::get<int64_t>(row[2]));
    sqlite3_bind_int64(raw, 4, std::get<int64_t>(row[3]));
    sqlite3_bind_double(raw, 5, std::get<double>(row[4]));
    if (sqlite3_step(raw) != SQLITE_DONE) return SqliteError(db.get(), SQLITE_ERROR, "bare insert");
    sqlite3_reset(raw);
  }
  stmt.reset();
  return ExecSql(db.get(), "COMMIT; ANALYZE", "bare commit");
}

void BM_VersionWriterLoadAndPublish(benchmark::State& state) {
  RunLoads(state, LoadWithVersionWriter);
}
BENCHMARK(BM_VersionWriterLoadAndPublish)->Unit(benchmark::kMillisecond)->Iterations(3);

void BM_BareSqliteLoad(benchmark::State& state) { RunLoads(state, LoadWithBareSqlite); }
BENCHMARK(BM_BareSqliteLoad)->Unit(benchmark::kMillisecond)->Iterations(3);

}  // namespace
}  // namespace footfall::serving
