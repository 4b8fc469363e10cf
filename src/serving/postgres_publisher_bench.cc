// Load throughput of one serving version into SQLite (VersionWriter) and then into PostgreSQL
// (PublishToPostgres, from that SQLite file), on a throwaway local PostgreSQL server
// (postgres_test_server.h). Rows are shaped like the `events` table: ids, a time, a URL, numbers,
// with the two indexes the batch creates.
//
//   serving_postgres_bench [rows]        (default 1000000)
#include <charconv>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "base/random.h"
#include "base/temp_dir.h"
#include "base/time.h"
#include "serving/postgres_publisher.h"
#include "serving/postgres_test_server.h"
#include "serving/version_writer.h"

namespace footfall::serving {
namespace {

Status LoadSqlite(const std::string& dir, int64_t version, int64_t rows) {
  FOOTFALL_ASSIGN_OR_RETURN(auto writer, VersionWriter::Create(dir, version));
  FOOTFALL_RETURN_IF_ERROR(writer->CreateTable("events", {{"event_id", ColumnType::kText},
                                                          {"app_id", ColumnType::kText},
                                                          {"domain_userid", ColumnType::kText},
                                                          {"domain_sessionid", ColumnType::kText},
                                                          {"derived_tstamp", ColumnType::kText},
                                                          {"collector_tstamp", ColumnType::kText},
                                                          {"page_url", ColumnType::kText},
                                                          {"pp_yoffset_max", ColumnType::kInteger},
                                                          {"doc_height", ColumnType::kInteger},
                                                          {"tr_total", ColumnType::kReal}}));
  FOOTFALL_ASSIGN_OR_RETURN(TableInserter ins, writer->Inserter("events"));
  Rng rng(1);
  const Micros start = 1'709'251'200'000'000;
  std::vector<Value> row(10);
  for (int64_t i = 0; i < rows; ++i) {
    const uint64_t user = rng.Uniform(100'000);
    const Micros t = start + i * 2000 + static_cast<Micros>(rng.Uniform(1000));
    row[0] = NewUuid(rng);
    row[1] = std::string(i % 3 == 0 ? "shop" : "blog");
    row[2] = "u" + std::to_string(user);
    row[3] = "s" + std::to_string(user) + "-" + std::to_string(i / 50'000);
    row[4] = FormatTimestampSql(t);
    row[5] = FormatTimestampSql(t + 150'000);
    row[6] = "https://shop.example/products/" + std::to_string(rng.Uniform(5000));
    row[7] = rng.Chance(0.3) ? Value() : Value(static_cast<int64_t>(rng.Uniform(5000)));
    row[8] = static_cast<int64_t>(2000 + rng.Uniform(3000));
    row[9] = rng.Chance(0.9) ? Value() : Value(static_cast<double>(rng.Uniform(100'000)) / 100);
    FOOTFALL_RETURN_IF_ERROR(ins.Insert(row));
  }
  FOOTFALL_RETURN_IF_ERROR(writer->CreateIndex("events", {"derived_tstamp"}));
  FOOTFALL_RETURN_IF_ERROR(writer->CreateIndex("events", {"domain_sessionid"}));
  return writer->Publish();
}

int Main(int argc, char** argv) {
  int64_t rows = 1'000'000;
  if (argc > 1) std::from_chars(argv[1], argv[1] + std::string(argv[1]).size(), rows);
  auto server = PostgresTestServer::Start();
  if (!server.ok()) {
    std::fprintf(stderr, "%s\n", server.status().ToString().c_str());
    return 1;
  }
  TempDir dir;
  PostgresTarget target;
  target.conninfo = (*server)->Conninfo();
  std::printf("rows per version: %lld (10 columns, 2 indexes)\n", static_cast<long long>(rows));
  for (int64_t version = 1; version <= 2; ++version) {
    Micros t0 = NowMicros();
    const Status sqlite = LoadSqlite(dir.path(), version, rows);
    const double sqlite_s = static_cast<double>(NowMicros() - t0) / 1e6;
    if (!sqlite.ok()) {
      std::fprintf(stderr, "%s\n", sqlite.ToString().c_str());
      return 1;
    }
    std::printf("version %lld: sqlite %.2f s (%.0f rows/s)\n", static_cast<long long>(version),
                sqlite_s, static_cast<double>(rows) / sqlite_s);
    for (PostgresCopyFormat format : {PostgresCopyFormat::kText, PostgresCopyFormat::kBinary}) {
      target.copy_format = format;
      t0 = NowMicros();
      auto pg = PublishToPostgres(target, VersionPath(dir.path(), version));
      const double pg_s = static_cast<double>(NowMicros() - t0) / 1e6;
      if (!pg.ok()) {
        std::fprintf(stderr, "%s\n", pg.status().ToString().c_str());
        return 1;
      }
      std::printf("  postgres, %s COPY: %.2f s (%.0f rows/s), time vs sqlite %.2f\n",
                  format == PostgresCopyFormat::kText ? "text" : "binary", pg_s,
                  static_cast<double>(rows) / pg_s, pg_s / sqlite_s);
    }
  }
  return 0;
}

}  // namespace
}  // namespace footfall::serving

int main(int argc, char** argv) { return footfall::serving::Main(argc, argv); }
