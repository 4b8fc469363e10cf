// parquet_bench: footfall's Parquet writer and reader on an enriched-event-like table (45
// columns: repetitive strings such as URLs, user agents and UUIDs, timestamps, integers,
// doubles, many nulls). Driven by bench/parquet/run.sh, which runs DuckDB on the same rows.
//
//   parquet_bench write ROWS DIR THREADS   generates ROWS rows (untimed), then times writing
//                                          them to DIR/footfall.parquet on one thread, and as
//                                          THREADS files written at once (DIR/part-N.parquet)
//   parquet_bench read FILE THREADS        times a scan (every column of every row group, one
//                                          row group at a time per thread, reducing each column
//                                          to its maximum as bench/parquet/duckdb_bench.mjs
//                                          asks DuckDB to) on one thread and on THREADS; then
//                                          decoding the whole file into memory at once, on one
//                                          thread and on THREADS, and on one thread with strings
//                                          in dictionary form
//
// Each prints one JSON object: seconds per run (the best of three), rows, the in-memory size
// of the values (fixed-width values at their width, strings at their length; what MB/s counts)
// and file sizes.
#include <sys/stat.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <mutex>
#include <span>
#include <string>
#include <thread>
#include <vector>

#include "base/memory.h"
#include "base/random.h"
#include "parquet/reader.h"
#include "parquet/writer.h"

namespace footfall::parquet {
namespace {

using Clock = std::chrono::steady_clock;

double Seconds(Clock::time_point since) {
  return std::chrono::duration<double>(Clock::now() - since).count();
}

int64_t FileSize(const std::string& path) {
  struct stat st {};
  return ::stat(path.c_str(), &st) == 0 ? static_cast<int64_t>(st.st_size) : -1;
}

[[noreturn]] void Die(const Status& s) {
  std::fprintf(stderr, "parquet_bench: %s\n", s.ToString().c_str());
  std::exit(1);
}

// A string column drawn from `cardinality` distinct values made by `make`, null with
// probability `null_rate`.
struct StringColumn {
  const char* name;
  uint64_t cardinality;  // 0: every value distinct
  double null_rate;
  std::string (*make)(Rng&, uint64_t);
};

std::string Uuid(Rng& rng, uint64_t k) {
  Rng r(k * 0x9e3779b97f4a7c15ull + 1);
  (void)rng;
  return NewUuid(r);
}
std::string Url(Rng&, uint64_t k) {
  static const char* const kPaths[] = {
      "/",        "/products/",     "/women/dresses/", "/men/shirts/",
      "/try-on/", "/checkout/cart", "/search?q="};
  return "https://www.fashion-shop.example" + std::string(kPaths[k % 7]) +
         (k % 7 == 0 ? ""
                     : "item-" + std::to_string(k) +
                           "?utm_source=newsletter&ref=" + std::to_string(k % 13));
}
std::string Title(Rng&, uint64_t k) {
  return "Summer collection - item " + std::to_string(k) + " | Fashion Shop";
}
std::string UserAgent(Rng&, uint64_t k) {
  static const char* const kAgents[] = {
      "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
      "Chrome/131.0.",
      "Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like "
      "Gecko) Version/18.1 Mobile/15E148 Safari/604.",
      "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) "
      "Version/18.0 Safari/605.1.",
      "Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133."};
  return kAgents[k % 4] + std::to_string(k / 4);
}
std::string Ip(Rng&, uint64_t k) {
  return std::to_string(10 + k % 200) + "." + std::to_string(k / 200 % 256) + "." +
         std::to_string(k / 51200 % 256) + ".0";
}
std::string Word(Rng&, uint64_t k) {
  static const char* const kWords[] = {
      "web",   "mobile", "page_view", "page_ping", "struct", "unstruct", "js-3.24.0", "ssc-3.2.1",
      "email", "search", "social",    "cpc",       "Chrome", "Safari",   "Firefox",   "Computer"};
  return std::string(kWords[k % 16]) + (k >= 16 ? "-" + std::to_string(k) : "");
}
std::string City(Rng&, uint64_t k) { return "City " + std::to_string(k); }

const StringColumn kStrings[] = {
    {"app_id", 3, 0, Word},
    {"platform", 2, 0, Word},
    {"event", 4, 0, Word},
    {"event_id", 0, 0, Uuid},
    {"name_tracker", 2, 0, Word},
    {"v_tracker", 4, 0, Word},
    {"v_collector", 1, 0, Word},
    {"v_etl", 1, 0, Word},
    {"user_id", 20000, 0.6, Uuid},
    {"user_ipaddress", 30000, 0, Ip},
    {"domain_userid", 30000, 0.05, Uuid},
    {"network_userid", 30000, 0, Uuid},
    {"domain_sessionid", 80000, 0.05, Uuid},
    {"geo_country", 60, 0.1, Word},
    {"geo_city", 800, 0.2, City},
    {"page_url", 3000, 0.02, Url},
    {"page_title", 3000, 0.05, Title},
    {"page_referrer", 800, 0.5, Url},
    {"refr_medium", 5, 0.5, Word},
    {"refr_source", 40, 0.6, Word},
    {"mkt_medium", 6, 0.9, Word},
    {"mkt_source", 30, 0.9, Word},
    {"mkt_campaign", 50, 0.92, Word},
    {"se_category", 20, 0.85, Word},
    {"se_action", 40, 0.85, Word},
    {"useragent", 400, 0.01, UserAgent},
    {"br_family", 12, 0.01, Word},
    {"os_family", 8, 0.01, Word},
    {"dvce_type", 3, 0.01, Word},
    {"event_vendor", 3, 0, Word},
    {"event_name", 8, 0, Word},
    {"event_format", 1, 0, Word},
};

struct Table {
  Schema schema;
  std::vector<ColumnVector> columns;
  int64_t value_bytes = 0;
};

// Deterministic rows. Values are drawn with a skew (a few pages and users take most events),
// and timestamps rise through a day with jitter, as a day of collected events does.
Table MakeTable(size_t rows) {
  Table t;
  Rng rng(20261126);
  for (const StringColumn& s : kStrings) {
    t.schema.columns.push_back(ColumnSpec::String(s.name, s.null_rate > 0));
  }
  for (const char* n :
       {"collector_tstamp", "dvce_created_tstamp", "derived_tstamp", "etl_tstamp"}) {
    t.schema.columns.push_back(ColumnSpec::TimestampMicros(n));
  }
  t.schema.columns.push_back(ColumnSpec::TimestampMicros("dvce_sent_tstamp", true));
  for (const char* n :
       {"domain_sessionidx", "br_viewwidth", "br_viewheight", "pp_xoffset_max", "pp_yoffset_max"}) {
    t.schema.columns.push_back(ColumnSpec::Int32(n, std::strcmp(n, "domain_sessionidx") != 0));
  }
  t.schema.columns.push_back(ColumnSpec::Int64("txn_id", true));
  t.schema.columns.push_back(ColumnSpec::Double("geo_latitude", true));
  t.schema.columns.push_back(ColumnSpec::Double("geo_longitude", true));
  t.schema.columns.push_back(ColumnSpec::Decimal("tr_total", 18, 2, true));
  t.schema.columns.push_back(ColumnSpec::Boolean("br_cookies", true));
  for (const ColumnSpec& c : t.schema.columns) {
    t.columns.emplace_back(c.type);
    t.columns.back().Reserve(rows);
  }

  // Draws skewed towards small k: the square of a uniform.
  auto skewed = [&](uint64_t n) {
    const double u = rng.Unit();
    return static_cast<uint64_t>(u * u * static_cast<double>(n));
  };
  const int64_t day_start = 1'795'651'200'000'000;  // 2026-11-26T00:00:00Z
  for (size_t i = 0; i < rows; ++i) {
    size_t c = 0;
    for (const StringColumn& s : kStrings) {
      ColumnVector& v = t.columns[c++];
      if (s.null_rate > 0 && rng.Chance(s.null_rate)) {
        v.AppendNull();
        continue;
      }
      const uint64_t k = s.cardinality == 0 ? rng.Next() : skewed(s.cardinality);
      v.AppendBytes(s.make(rng, k));
    }
    const int64_t ts = day_start +
                       static_cast<int64_t>(i) * 86'400'000'000 / static_cast<int64_t>(rows) +
                       static_cast<int64_t>(rng.Uniform(2'000'000));
    t.columns[c++].AppendInt64(ts);
    t.columns[c++].AppendInt64(ts - static_cast<int64_t>(rng.Uniform(5'000'000)));
    t.columns[c++].AppendInt64(ts - static_cast<int64_t>(rng.Uniform(1'000'000)));
    t.columns[c++].AppendInt64(day_start + 86'400'000'000 + static_cast<int64_t>(i / 1000));
    if (rng.Chance(0.3)) {
      t.columns[c++].AppendNull();
    } else {
      t.columns[c++].AppendInt64(ts - static_cast<int64_t>(rng.Uniform(3'000'000)));
    }
    t.columns[c++].AppendInt32(static_cast<int32_t>(1 + skewed(40)));
    const int32_t widths[] = {1920, 1440, 390, 414, 1366, 1536};
    for (int k = 0; k < 2; ++k) {
      if (rng.Chance(0.1)) {
        t.columns[c++].AppendNull();
      } else {
        t.columns[c++].AppendInt32(widths[rng.Uniform(6)] - static_cast<int32_t>(rng.Uniform(200)));
      }
    }
    for (int k = 0; k < 2; ++k) {
      if (rng.Chance(0.9)) {
        t.columns[c++].AppendNull();
      } else {
        t.columns[c++].AppendInt32(static_cast<int32_t>(rng.Uniform(5000)));
      }
    }
    if (rng.Chance(0.99)) {
      t.columns[c++].AppendNull();
    } else {
      t.columns[c++].AppendInt64(static_cast<int64_t>(rng.Uniform(1'000'000'000)));
    }
    const uint64_t city = skewed(800);
    for (double base : {48.0, 2.0}) {
      if (rng.Chance(0.2)) {
        t.columns[c++].AppendNull();
      } else {
        t.columns[c++].AppendDouble(base + static_cast<double>(city % 97) / 13.0);
      }
    }
    if (rng.Chance(0.99)) {
      t.columns[c++].AppendNull();
    } else {
      t.columns[c++].AppendInt64(static_cast<int64_t>(999 + rng.Uniform(50000)));
    }
    if (rng.Chance(0.05)) {
      t.columns[c++].AppendNull();
    } else {
      t.columns[c++].AppendBool(rng.Chance(0.95));
    }
  }
  for (const ColumnVector& v : t.columns) {
    switch (v.type()) {
      case PhysicalType::kByteArray:
        t.value_bytes += static_cast<int64_t>(v.bytes_data().size());
        break;
      case PhysicalType::kBoolean:
        t.value_bytes += static_cast<int64_t>(v.size());
        break;
      case PhysicalType::kInt32:
      case PhysicalType::kFloat:
        t.value_bytes += static_cast<int64_t>(4 * v.size());
        break;
      default:
        t.value_bytes += static_cast<int64_t>(8 * v.size());
        break;
    }
  }
  return t;
}

void WriteFile(const std::string& path, const Table& t, size_t begin, size_t end) {
  auto w = ParquetWriter::Create(path, t.schema);
  if (!w.ok()) Die(w.status());
  std::vector<ColumnVector> slice;
  // Batches of 64K rows, as a producer (enrichment, a view) hands them over.
  for (size_t pos = begin; pos < end; pos += 65536) {
    const size_t stop = std::min(end, pos + 65536);
    slice.clear();
    for (const ColumnVector& c : t.columns) {
      slice.emplace_back(c.type());
      slice.back().AppendRows(c, pos, stop);
    }
    Status s = w->Write(slice);
    if (!s.ok()) Die(s);
  }
  Status s = w->Close();
  if (!s.ok()) Die(s);
}

template <typename F>
double BestOfThree(F f) {
  double best = 1e300;
  for (int i = 0; i < 3; ++i) {
    const auto t0 = Clock::now();
    f();
    best = std::min(best, Seconds(t0));
  }
  return best;
}

int Write(size_t rows, const std::string& dir, int threads) {
  const Table t = MakeTable(rows);
  const std::string one = dir + "/footfall.parquet";
  const double one_s = BestOfThree([&] { WriteFile(one, t, 0, rows); });
  int64_t parts_bytes = 0;
  const double all_s = BestOfThree([&] {
    std::vector<std::jthread> pool;
    for (int p = 0; p < threads; ++p) {
      pool.emplace_back([&, p] {
        WriteFile(dir + "/part-" + std::to_string(p) + ".parquet", t, rows * p / threads,
                  rows * (p + 1) / threads);
      });
    }
  });
  for (int p = 0; p < threads; ++p) {
    parts_bytes += FileSize(dir + "/part-" + std::to_string(p) + ".parquet");
  }
  std::printf(
      "{\"rows\":%zu,\"columns\":%zu,\"value_bytes\":%lld,\"write_1_s\":%.4f,"
      "\"write_n_s\":%.4f,\"threads\":%d,\"file_bytes\":%lld,\"parts_bytes\":%lld}\n",
      rows, t.schema.columns.size(), static_cast<long long>(t.value_bytes), one_s, all_s, threads,
      static_cast<long long>(FileSize(one)), static_cast<long long>(parts_bytes));
  return 0;
}

int Read(const std::string& path, int threads) {
  auto r = ParquetReader::Open(path);
  if (!r.ok()) Die(r.status());
  std::vector<size_t> columns(r->schema().columns.size());
  for (size_t i = 0; i < columns.size(); ++i) columns[i] = i;
  std::vector<size_t> groups(r->num_row_groups());
  for (size_t i = 0; i < groups.size(); ++i) groups[i] = i;
  size_t decoded = 0;
  auto read = [&](int n) {
    auto out = r->ReadRowGroups(groups, columns, n);
    if (!out.ok()) Die(out.status());
    decoded = 0;
    for (const auto& g : *out) decoded += g.empty() ? 0 : g[0].size();
  };
  // The scan: what DuckDB's side computes (max of each number, max length of each string),
  // over each row group as it is read, in vectors each thread reuses.
  std::vector<double> maxima(columns.size());
  auto scan = [&](int n) {
    std::mutex mu;
    Status s =
        r->ScanRowGroups(groups, columns, n, [&](size_t, std::span<const ColumnVector> cols) {
          std::vector<double> local(cols.size(), -1e300);
          for (size_t c = 0; c < cols.size(); ++c) {
            const ColumnVector& v = cols[c];
            double m = -1e300;
            auto fold = [&](auto values) {
              for (size_t i = 0; i < values.size(); ++i) {
                if (!v.IsNull(i)) m = std::max(m, static_cast<double>(values[i]));
              }
            };
            switch (v.type()) {
              case PhysicalType::kBoolean:
                fold(v.bools());
                break;
              case PhysicalType::kInt32:
                fold(v.int32s());
                break;
              case PhysicalType::kInt64:
                fold(v.int64s());
                break;
              case PhysicalType::kDouble:
                fold(v.doubles());
                break;
              case PhysicalType::kByteArray: {
                const auto offsets = v.offsets();
                for (size_t i = 0; i < v.size(); ++i) {
                  if (!v.IsNull(i))
                    m = std::max(m, static_cast<double>(offsets[i + 1] - offsets[i]));
                }
                break;
              }
              default:
                break;
            }
            local[c] = m;
          }
          std::lock_guard<std::mutex> l(mu);
          for (size_t c = 0; c < local.size(); ++c) maxima[c] = std::max(maxima[c], local[c]);
          return Status::Ok();
        });
    if (!s.ok()) Die(s);
  };
  const double scan_1_s = BestOfThree([&] { scan(1); });
  const double scan_n_s = BestOfThree([&] { scan(threads); });
  const double one_s = BestOfThree([&] { read(1); });
  const double all_s = BestOfThree([&] { read(threads); });
  // Strings left in dictionary form (ReadDictionaryColumn), everything else decoded: what a
  // consumer that filters or groups by strings pays, as DuckDB's string views do.
  const double dict_s = BestOfThree([&] {
    for (size_t g : groups) {
      for (size_t c : columns) {
        if (r->schema().columns[c].type == PhysicalType::kByteArray) {
          DictionaryColumn d;
          Status s = r->ReadDictionaryColumn(g, c, &d);
          if (!s.ok()) Die(s);
        } else {
          ColumnVector v(r->schema().columns[c].type);
          Status s = r->ReadColumnChunk(g, c, &v);
          if (!s.ok()) Die(s);
        }
      }
    }
  });
  std::printf(
      "{\"rows\":%zu,\"row_groups\":%zu,\"scan_1_s\":%.4f,\"scan_n_s\":%.4f,"
      "\"read_1_s\":%.4f,\"read_n_s\":%.4f,\"read_dict_1_s\":%.4f}\n",
      decoded, groups.size(), scan_1_s, scan_n_s, one_s, all_s, dict_s);
  return 0;
}

}  // namespace
}  // namespace footfall::parquet

int main(int argc, char** argv) {
  using namespace footfall::parquet;
  footfall::KeepFreedMemory();  // as the footfall binary does
  if (argc == 5 && std::strcmp(argv[1], "write") == 0) {
    return Write(std::strtoull(argv[2], nullptr, 10), argv[3], std::atoi(argv[4]));
  }
  if (argc == 4 && std::strcmp(argv[1], "read") == 0) return Read(argv[2], std::atoi(argv[3]));
  std::fprintf(stderr, "usage: parquet_bench write ROWS DIR THREADS | read FILE THREADS\n");
  return 2;
}
