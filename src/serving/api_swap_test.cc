// Versions published while the API answers continuously: every answer is of one whole version,
// old or new, and none fails.
#include <gtest/gtest.h>

#include <atomic>
#include <string>
#include <thread>
#include <vector>

#include "base/temp_dir.h"
#include "serving/api.h"
#include "serving/api_test_data.h"
#include "serving/layout.h"

namespace footfall::serving {
namespace {

using namespace testing;  // NOLINT: the fixture helpers

// Version v holds 10 * v page views and v sessions in one hour, in two tables that must agree.
void PublishScaled(const std::string& serving_dir, int64_t version) {
  auto writer = VersionWriter::Create(serving_dir, version);
  ASSERT_TRUE(writer.ok()) << writer.status().ToString();
  VersionWriter& w = **writer;
  AddVersionRow(w, version, version);
  std::vector<std::vector<Value>> sessions;
  for (int64_t i = 0; i < version; ++i) {
    sessions.push_back({T("s"), T("web"), Value("u" + std::to_string(i)), kNull,
                        T("2026-11-20 09:10:00.000000"), T("2026-11-20 09:20:00.000000"), I(10),
                        I(10), I(1), R(1), T("/"), kNull, kNull, kNull, kNull, T("Computer"), kNull,
                        kNull, T("DE")});
  }
  AddTable(w, "sessions", SessionColumns(), sessions);
  AddTable(w, "traffic_hourly", TrafficColumns("hour"),
           {{T("2026-11-20T09:00:00Z"), I(10 * version), I(10 * version), I(version), I(version),
             I(version)}});
  const Status s = w.Publish();
  ASSERT_TRUE(s.ok()) << s.ToString();
}

// Extracts "key":<integer> from a JSON body.
int64_t Field(const std::string& body, const std::string& key) {
  const size_t at = body.find("\"" + key + "\":");
  if (at == std::string::npos) return -1;
  return std::strtoll(body.c_str() + at + key.size() + 3, nullptr, 10);
}

TEST(ApiSwapTest, ReadersSeeOldOrNewVersionNeverAnError) {
  TempDir dir;
  const std::string serving_dir = dir.Sub("serving");
  PublishScaled(serving_dir, 1);
  ApiOptions options;
  options.serving_dir = serving_dir;
  Api api(options);

  constexpr int kReaders = 4;
  constexpr int64_t kVersions = 12;
  std::atomic<bool> stop{false};
  std::atomic<int64_t> answers{0}, newest_seen{0};
  std::atomic<int> failed{0};  // readers that stopped on a failure (written to failures[t])
  std::vector<std::string> failures(kReaders);
  std::vector<std::thread> readers;
  for (int t = 0; t < kReaders; ++t) {
    readers.emplace_back([&, t] {
      int64_t last = 0;
      while (!stop.load()) {
        const bool sql = (answers.load() + t) % 3 == 0;
        http::Response r = sql ? Call(api, "POST", "/api/v1/sql",
                                      "SELECT (SELECT version FROM pipeline_versions) AS version, "
                                      "(SELECT sum(page_views) FROM traffic_hourly) AS page_views, "
                                      "(SELECT count(*) FROM sessions) AS sessions")
                               : Call(api, "GET", "/api/v1/overview?from=2026-11-20&to=2026-11-21");
        ++answers;
        if (r.status != 200) {
          failures[t] = std::to_string(r.status) + " " + r.body;
          ++failed;
          return;
        }
        int64_t version, page_views, sessions;
        if (sql) {
          // {"version":V,"columns":[...],"rows":[[V,PV,S]],...}
          const size_t rows = r.body.find("\"rows\":[[");
          if (rows == std::string::npos || std::sscanf(r.body.c_str() + rows + 9, "%ld,%ld,%ld",
                                                       &version, &page_views, &sessions) != 3) {
            failures[t] = "unreadable: " + r.body;
            ++failed;
            return;
          }
        } else {
          version = Field(r.body, "version");
          page_views = Field(r.body, "page_views");
          sessions = Field(r.body, "sessions");
        }
        if (page_views != 10 * version || sessions != version) {
          failures[t] = "a mix of versions: " + r.body;
          ++failed;
          return;
        }
        if (version < last) {
          failures[t] = "went back from version " + std::to_string(last) + ": " + r.body;
          ++failed;
          return;
        }
        last = version;
        int64_t seen = newest_seen.load();
        while (version > seen && !newest_seen.compare_exchange_weak(seen, version)) {
        }
      }
    });
  }
  for (int64_t v = 2; v <= kVersions; ++v) {
    // Let the readers answer from the current version before the next one replaces it.
    const int64_t before = answers.load();
    while (answers.load() < before + 20 && failed.load() == 0) std::this_thread::yield();
    PublishScaled(serving_dir, v);
    ASSERT_TRUE(RemoveOldVersions(serving_dir, 2).ok());
  }
  while (newest_seen.load() < kVersions && failed.load() == 0) {
    std::this_thread::yield();
  }
  stop = true;
  for (auto& r : readers) r.join();
  for (int t = 0; t < kReaders; ++t) EXPECT_EQ(failures[t], "") << "reader " << t;
  EXPECT_EQ(newest_seen.load(), kVersions);
}

}  // namespace
}  // namespace footfall::serving
