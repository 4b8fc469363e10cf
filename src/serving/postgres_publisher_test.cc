// PostgreSQL serving against a real PostgreSQL 15 server, started once for the whole binary
// (postgres_test_server.h). Each test works in a database of its own.
#include "serving/postgres_publisher.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <libpq-fe.h>

#include <algorithm>
#include <atomic>
#include <charconv>
#include <chrono>
#include <cmath>
#include <cstdlib>
#include <future>
#include <limits>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "base/random.h"
#include "base/temp_dir.h"
#include "base/time.h"
#include "serving/postgres_test_server.h"
#include "serving/query.h"
#include "serving/version_writer.h"

namespace footfall::serving {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

// Set by the environment before any test runs.
PostgresTestServer* g_server = nullptr;
Status g_server_status = Status::Ok();

class ServerEnvironment : public ::testing::Environment {
 public:
  void SetUp() override {
    auto server = PostgresTestServer::Start();
    if (!server.ok()) {
      g_server_status = server.status();
      return;
    }
    server_ = std::move(server).value();
    g_server = server_.get();
  }
  void TearDown() override {
    g_server = nullptr;
    server_.reset();
  }

 private:
  std::unique_ptr<PostgresTestServer> server_;
};

[[maybe_unused]] ::testing::Environment* const kEnvironment =
    ::testing::AddGlobalTestEnvironment(new ServerEnvironment);

struct PgConnDeleter {
  void operator()(PGconn* c) const { PQfinish(c); }
};
using Conn = std::unique_ptr<PGconn, PgConnDeleter>;

// Runs `sql` and returns the result, or an error status with the server's message.
struct PgRows {
  std::vector<Oid> types;
  std::vector<std::vector<std::optional<std::string>>> rows;
};

Result<PgRows> PgQuery(PGconn* conn, const std::string& sql) {
  PGresult* result = PQexec(conn, sql.c_str());
  const ExecStatusType status = PQresultStatus(result);
  if (status != PGRES_TUPLES_OK && status != PGRES_COMMAND_OK) {
    const char* state = PQresultErrorField(result, PG_DIAG_SQLSTATE);
    Status error = InvalidArgument(std::string(state != nullptr ? state : "-----") + " " +
                                   PQresultErrorMessage(result));
    PQclear(result);
    return error;
  }
  PgRows out;
  for (int c = 0; c < PQnfields(result); ++c) out.types.push_back(PQftype(result, c));
  for (int r = 0; r < PQntuples(result); ++r) {
    std::vector<std::optional<std::string>> row;
    for (int c = 0; c < PQnfields(result); ++c) {
      if (PQgetisnull(result, r, c)) {
        row.emplace_back();
      } else {
        row.emplace_back(
            std::string(PQgetvalue(result, r, c), static_cast<size_t>(PQgetlength(result, r, c))));
      }
    }
    out.rows.push_back(std::move(row));
  }
  PQclear(result);
  return out;
}

// The SQLSTATE of `sql` failing, or "" when it succeeds.
std::string FailureState(PGconn* conn, const std::string& sql) {
  auto result = PgQuery(conn, sql);
  return result.ok() ? std::string() : result.status().message().substr(0, 5);
}

std::string Scalar(PGconn* conn, const std::string& sql) {
  auto result = PgQuery(conn, sql);
  EXPECT_TRUE(result.ok()) << sql << ": " << result.status().ToString();
  if (!result.ok() || result->rows.empty() || !result->rows[0][0]) return "<none>";
  return *result->rows[0][0];
}

class PostgresPublisherTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_NE(g_server, nullptr) << "the test PostgreSQL server did not start: "
                                 << g_server_status.ToString();
    // A database per test keeps schemas apart; roles are shared by the whole server.
    std::string name = ::testing::UnitTest::GetInstance()->current_test_info()->name();
    std::transform(name.begin(), name.end(), name.begin(),
                   [](char c) { return static_cast<char>(std::tolower(c)); });
    database_ = "t_" + name;
    Conn admin(PQconnectdb(g_server->Conninfo().c_str()));
    ASSERT_EQ(PQstatus(admin.get()), CONNECTION_OK) << PQerrorMessage(admin.get());
    ASSERT_TRUE(PgQuery(admin.get(), "CREATE DATABASE " + database_).ok());
    target_.conninfo = g_server->Conninfo(PostgresTestServer::kSuperuser, database_);
    conn_ = Connect(PostgresTestServer::kSuperuser);
    ASSERT_EQ(PQstatus(conn_.get()), CONNECTION_OK) << PQerrorMessage(conn_.get());
  }

  Conn Connect(std::string_view user) {
    Conn conn(PQconnectdb(g_server->Conninfo(user, database_).c_str()));
    // Times compared with literals are UTC, as in the SQLite store.
    if (PQstatus(conn.get()) == CONNECTION_OK) {
      EXPECT_TRUE(PgQuery(conn.get(), "SET TimeZone = 'UTC'").ok());
    }
    return conn;
  }

  std::string VersionFile(int64_t version) { return VersionPath(dir_.path(), version); }

  Result<PostgresPublishReport> Publish(int64_t version) {
    return PublishToPostgres(target_, VersionFile(version));
  }

  TempDir dir_;
  std::string database_;
  PostgresTarget target_;
  Conn conn_;
};

constexpr Micros kStart = 1'709'251'200'000'000;  // 2024-03-01 00:00:00 UTC

// Publishes `version` in `dir` with events, sessions, traffic_daily, odd and pipeline_versions:
// `events` generated rows from a fixed seed, with edge cases in the first rows.
void PublishGenerated(const std::string& dir, int64_t version, int events, uint64_t seed = 7) {
  auto writer = VersionWriter::Create(dir, version);
  ASSERT_TRUE(writer.ok()) << writer.status().ToString();
  VersionWriter& w = **writer;
  ASSERT_TRUE(w.CreateTable("events", {{"event_id", ColumnType::kText},
                                       {"app_id", ColumnType::kText},
                                       {"domain_userid", ColumnType::kText},
                                       {"domain_sessionid", ColumnType::kText},
                                       {"derived_tstamp", ColumnType::kText},
                                       {"page_urlpath", ColumnType::kText},
                                       {"engaged_time_in_s", ColumnType::kReal},
                                       {"value", ColumnType::kInteger},
                                       {"note", ColumnType::kText}})
                  .ok());
  auto events_in = w.Inserter("events");
  ASSERT_TRUE(events_in.ok());
  Rng rng(seed);
  const std::vector<Value> edges[] = {
      {std::string("edge-1"), std::string("shop"), Value(), Value(), Value(), std::string("/"),
       std::numeric_limits<double>::infinity(), std::numeric_limits<int64_t>::max(),
       std::string("tab\there, newline\nthere, cr\r, backslash \\N \\ and \"quotes\" 'single'")},
      {std::string("edge-2"), std::string("shop"), std::string("u-edge"), std::string("s-edge"),
       std::string("2024-03-01 00:00:00.000000"), std::string("/\xc3\xa9t\xc3\xa9/\xe2\x82\xac"),
       -0.0, std::numeric_limits<int64_t>::min(), std::string("")},
      {std::string("edge-3"), std::string("blog"), std::string("u-edge"), std::string("s-edge"),
       std::string("9999-12-31 23:59:59.999999"), std::string("/x"), 5e-324, int64_t{0},
       std::string("\\.")},
  };
  for (const auto& row : edges) ASSERT_TRUE(events_in->Insert(row).ok());
  const char* apps[] = {"shop", "blog", "studio"};
  for (int i = 0; i < events; ++i) {
    const int user = static_cast<int>(rng.Uniform(200));
    const Micros t = kStart + static_cast<Micros>(rng.Uniform(5ull * 86400 * 1'000'000));
    const std::vector<Value> row = {
        NewUuid(rng),
        std::string(apps[rng.Uniform(3)]),
        "u" + std::to_string(user),
        "s" + std::to_string(user) + "-" + std::to_string(rng.Uniform(4)),
        FormatTimestampSql(t),
        "/p/" + std::to_string(rng.Uniform(40)),
        rng.Chance(0.1) ? Value() : Value(rng.Unit() * 600),
        static_cast<int64_t>(rng.Uniform(100)),
        rng.Chance(0.5) ? Value() : Value("n" + std::to_string(i))};
    ASSERT_TRUE(events_in->Insert(row).ok());
  }
  ASSERT_TRUE(w.CreateIndex("events", {"derived_tstamp"}).ok());
  ASSERT_TRUE(w.CreateIndex("events", {"app_id", "domain_userid"}).ok());

  ASSERT_TRUE(w.CreateTable("sessions", {{"domain_sessionid", ColumnType::kText},
                                         {"start_tstamp", ColumnType::kText},
                                         {"page_views", ColumnType::kInteger}})
                  .ok());
  auto sessions_in = w.Inserter("sessions");
  ASSERT_TRUE(sessions_in.ok());
  for (int s = 0; s < 50; ++s) {
    ASSERT_TRUE(sessions_in
                    ->Insert(std::vector<Value>{
                        "s" + std::to_string(s) + "-1",
                        FormatTimestampSql(kStart + int64_t{s} * 60'000'000), int64_t{s % 7}})
                    .ok());
  }
  ASSERT_TRUE(w.CreateIndex("sessions", {"start_tstamp"}).ok());

  ASSERT_TRUE(w.CreateTable("traffic_daily",
                            {{"date", ColumnType::kText}, {"events", ColumnType::kInteger}})
                  .ok());
  auto traffic_in = w.Inserter("traffic_daily");
  ASSERT_TRUE(traffic_in.ok());
  for (int d = 0; d < 5; ++d) {
    ASSERT_TRUE(
        traffic_in
            ->Insert(std::vector<Value>{FormatDate(kStart + d * kMicrosPerDay), int64_t{100 + d}})
            .ok());
  }

  // A *tstamp column that holds something other than times stays text.
  ASSERT_TRUE(
      w.CreateTable("odd", {{"id", ColumnType::kInteger}, {"seen_tstamp", ColumnType::kText}})
          .ok());
  auto odd_in = w.Inserter("odd");
  ASSERT_TRUE(odd_in.ok());
  ASSERT_TRUE(
      odd_in->Insert(std::vector<Value>{int64_t{1}, std::string("2024-03-01 10:00:00")}).ok());
  ASSERT_TRUE(
      odd_in->Insert(std::vector<Value>{int64_t{2}, std::string("2024-02-30 10:00:00")}).ok());

  ASSERT_TRUE(w.CreateTable("pipeline_versions",
                            {{"version", ColumnType::kInteger}, {"events", ColumnType::kInteger}})
                  .ok());
  auto versions_in = w.Inserter("pipeline_versions");
  ASSERT_TRUE(versions_in.ok());
  ASSERT_TRUE(
      versions_in->Insert(std::vector<Value>{version, static_cast<int64_t>(events + 3)}).ok());
  const Status published = w.Publish();
  ASSERT_TRUE(published.ok()) << published.ToString();
}

// A value as comparable text: doubles by their shortest round-trip form.
std::string Canonical(const Value& v) {
  if (std::holds_alternative<std::monostate>(v)) return "NULL";
  if (const auto* i = std::get_if<int64_t>(&v)) return std::to_string(*i);
  if (const auto* d = std::get_if<double>(&v)) {
    char buf[32];
    return std::string(buf, std::to_chars(buf, buf + sizeof buf, *d).ptr);
  }
  return "'" + std::get<std::string>(v);
}

std::vector<std::string> SqliteTableRows(const std::string& path, const std::string& table) {
  auto store = ReadOnlyStore::Open(path);
  EXPECT_TRUE(store.ok());
  if (!store.ok()) return {};
  auto result = (*store)->Query("SELECT * FROM " + table);
  EXPECT_TRUE(result.ok()) << result.status().ToString();
  std::vector<std::string> rows;
  for (const auto& row : result->rows) {
    std::string line;
    for (const Value& v : row) line += Canonical(v) + "\x1f";
    rows.push_back(line);
  }
  std::sort(rows.begin(), rows.end());
  return rows;
}

// Every row of footfall.<table>, timestamps rendered as SQLite holds them.
std::vector<std::string> PostgresTableRows(PGconn* conn, const std::string& table) {
  auto columns = PgQuery(conn,
                         "SELECT column_name, data_type FROM information_schema.columns WHERE "
                         "table_schema = 'footfall' AND table_name = '" +
                             table + "' ORDER BY ordinal_position");
  EXPECT_TRUE(columns.ok());
  std::string select;
  std::vector<std::string> types;
  for (const auto& c : columns->rows) {
    if (!select.empty()) select += ", ";
    types.push_back(*c[1]);
    if (*c[1] == "timestamp with time zone") {
      select += "to_char(\"" + *c[0] + "\" AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS.US')";
    } else {
      select += "\"" + *c[0] + "\"";
    }
  }
  auto result = PgQuery(conn, "SELECT " + select + " FROM footfall." + table);
  EXPECT_TRUE(result.ok()) << result.status().ToString();
  std::vector<std::string> rows;
  for (const auto& row : result->rows) {
    std::string line;
    for (size_t c = 0; c < row.size(); ++c) {
      Value v;
      if (row[c].has_value()) {
        if (types[c] == "bigint") {
          v = static_cast<int64_t>(std::strtoll(row[c]->c_str(), nullptr, 10));
        } else if (types[c] == "double precision") {
          v = std::strtod(row[c]->c_str(), nullptr);
        } else {
          v = *row[c];
        }
      }
      line += Canonical(v) + "\x1f";
    }
    rows.push_back(line);
  }
  std::sort(rows.begin(), rows.end());
  return rows;
}

TEST_F(PostgresPublisherTest, LoadsEveryRowOfEveryTableWithTypesAndIndexes) {
  PublishGenerated(dir_.path(), 1, 2000);
  EXPECT_EQ(PostgresCurrentVersion(target_).status().code(), StatusCode::kNotFound);
  // Both COPY formats, one after the other: the second also republishes the same version.
  for (PostgresCopyFormat format : {PostgresCopyFormat::kText, PostgresCopyFormat::kBinary}) {
    SCOPED_TRACE(format == PostgresCopyFormat::kText ? "text COPY" : "binary COPY");
    target_.copy_format = format;
    auto report = Publish(1);
    ASSERT_TRUE(report.ok()) << report.status().ToString();
    EXPECT_EQ(report->version, 1);
    EXPECT_EQ(report->rows, 2003 + 50 + 5 + 2 + 1);
    ASSERT_EQ(report->tables.size(), 5u);
    auto current = PostgresCurrentVersion(target_);
    ASSERT_TRUE(current.ok()) << current.status().ToString();
    EXPECT_EQ(*current, 1);

    for (const char* table : {"events", "sessions", "traffic_daily", "odd", "pipeline_versions"}) {
      const auto expected = SqliteTableRows(VersionFile(1), table);
      EXPECT_FALSE(expected.empty());
      EXPECT_EQ(PostgresTableRows(conn_.get(), table), expected) << table;
    }

    const std::string types =
        "SELECT string_agg(table_name || '.' || column_name || ' ' || data_type, ', ' ORDER BY "
        "table_name, column_name) FROM information_schema.columns WHERE table_schema = "
        "'footfall' AND table_name IN ('events', 'odd') AND column_name IN ('derived_tstamp', "
        "'engaged_time_in_s', 'value', 'note', 'seen_tstamp')";
    EXPECT_EQ(Scalar(conn_.get(), types),
              "events.derived_tstamp timestamp with time zone, events.engaged_time_in_s double "
              "precision, events.note text, events.value bigint, odd.seen_tstamp text");
    EXPECT_EQ(Scalar(conn_.get(),
                     "SELECT string_agg(indexname, ',' ORDER BY indexname) FROM pg_indexes WHERE "
                     "schemaname = 'footfall'"),
              "events__app_id__domain_userid,events__derived_tstamp,sessions__start_tstamp");
    // Nothing but the stable schema is left.
    EXPECT_EQ(Scalar(conn_.get(),
                     "SELECT string_agg(nspname, ',') FROM pg_namespace WHERE nspname LIKE "
                     "'footfall%'"),
              "footfall");
  }
}

// One query in both dialects; most are the same text.
struct QueryPair {
  std::string sqlite;
  std::string postgres;
};

// Values of a PostgreSQL result typed as SQLite would type them.
std::vector<std::vector<Value>> TypedRows(const PgRows& rows) {
  constexpr Oid kInt8 = 20, kInt2 = 21, kInt4 = 23, kFloat4 = 700, kFloat8 = 701, kNumeric = 1700;
  std::vector<std::vector<Value>> out;
  for (const auto& row : rows.rows) {
    std::vector<Value> typed;
    for (size_t c = 0; c < row.size(); ++c) {
      if (!row[c]) {
        typed.emplace_back();
        continue;
      }
      const Oid t = rows.types[c];
      const std::string& s = *row[c];
      const bool integral = t == kInt8 || t == kInt2 || t == kInt4 ||
                            (t == kNumeric && s.find('.') == std::string::npos);
      if (integral) {
        typed.emplace_back(static_cast<int64_t>(std::strtoll(s.c_str(), nullptr, 10)));
      } else if (t == kFloat4 || t == kFloat8 || t == kNumeric) {
        typed.emplace_back(std::strtod(s.c_str(), nullptr));
      } else {
        typed.emplace_back(s);
      }
    }
    out.push_back(std::move(typed));
  }
  return out;
}

double AsDouble(const Value& v) {
  if (const auto* i = std::get_if<int64_t>(&v)) return static_cast<double>(*i);
  return std::get<double>(v);
}

bool Numeric(const Value& v) {
  return std::holds_alternative<int64_t>(v) || std::holds_alternative<double>(v);
}

TEST_F(PostgresPublisherTest, SameQueriesGiveSameAnswersAsSqlite) {
  PublishGenerated(dir_.path(), 1, 3000, /*seed=*/42);
  auto report = Publish(1);
  ASSERT_TRUE(report.ok()) << report.status().ToString();
  ASSERT_TRUE(PgQuery(conn_.get(), "SET search_path = footfall").ok());
  auto store = ReadOnlyStore::Open(VersionFile(1));
  ASSERT_TRUE(store.ok());

  const std::vector<QueryPair> queries = {
      {"SELECT count(*), count(DISTINCT domain_userid), count(DISTINCT domain_sessionid), "
       "count(engaged_time_in_s) FROM events",
       ""},
      {"SELECT app_id, count(*), sum(value), min(value), max(value) FROM events WHERE event_id "
       "NOT LIKE 'edge%' GROUP BY app_id ORDER BY app_id",
       ""},
      {"SELECT page_urlpath, count(*) AS n FROM events WHERE value > 10 GROUP BY page_urlpath "
       "ORDER BY n DESC, page_urlpath LIMIT 5",
       ""},
      {"SELECT s.domain_sessionid, count(e.event_id) AS n FROM sessions s JOIN events e ON "
       "e.domain_sessionid = s.domain_sessionid GROUP BY s.domain_sessionid ORDER BY n DESC, "
       "s.domain_sessionid LIMIT 10",
       ""},
      {"SELECT count(*) FROM events WHERE derived_tstamp >= '2024-03-02 00:00:00' AND "
       "derived_tstamp < '2024-03-03 12:30:00'",
       ""},
      {"SELECT avg(engaged_time_in_s), sum(engaged_time_in_s) FROM events WHERE event_id NOT "
       "LIKE 'edge%'",
       ""},
      {"SELECT min(derived_tstamp) FROM events WHERE app_id = 'studio'",
       "SELECT to_char(min(derived_tstamp), 'YYYY-MM-DD HH24:MI:SS.US') FROM events WHERE "
       "app_id = 'studio'"},
      // (SQLite sorts NULL first, PostgreSQL last: NULLs are left out.)
      {"SELECT substr(derived_tstamp, 1, 10) AS day, count(*) FROM events WHERE derived_tstamp "
       "IS NOT NULL GROUP BY day ORDER BY day",
       "SELECT to_char(derived_tstamp, 'YYYY-MM-DD') AS day, count(*) FROM events WHERE "
       "derived_tstamp IS NOT NULL GROUP BY day ORDER BY day"},
      {"SELECT date, events FROM traffic_daily ORDER BY date", ""},
  };
  for (const QueryPair& q : queries) {
    auto expected = (*store)->Query(q.sqlite);
    ASSERT_TRUE(expected.ok()) << q.sqlite << ": " << expected.status().ToString();
    auto actual = PgQuery(conn_.get(), q.postgres.empty() ? q.sqlite : q.postgres);
    ASSERT_TRUE(actual.ok()) << q.sqlite << ": " << actual.status().ToString();
    const auto typed = TypedRows(*actual);
    ASSERT_FALSE(expected->rows.empty()) << q.sqlite;
    ASSERT_EQ(typed.size(), expected->rows.size()) << q.sqlite;
    for (size_t r = 0; r < typed.size(); ++r) {
      ASSERT_EQ(typed[r].size(), expected->rows[r].size()) << q.sqlite;
      for (size_t c = 0; c < typed[r].size(); ++c) {
        const Value& want = expected->rows[r][c];
        const Value& got = typed[r][c];
        if (Numeric(want) && Numeric(got)) {
          // Sums of doubles may be added up in a different order.
          EXPECT_NEAR(AsDouble(got), AsDouble(want),
                      1e-9 * std::max(1.0, std::fabs(AsDouble(want))))
              << q.sqlite << " row " << r << " column " << c;
        } else {
          EXPECT_EQ(got, want) << q.sqlite << " row " << r << " column " << c;
        }
      }
    }
  }
}

TEST_F(PostgresPublisherTest, ReaderSeesWholeVersionsWhileNewOnesAreSwappedIn) {
  constexpr int kVersions = 6;
  for (int v = 1; v <= kVersions; ++v) PublishGenerated(dir_.path(), v, 100 * v, /*seed=*/v);
  auto first = Publish(1);
  ASSERT_TRUE(first.ok()) << first.status().ToString();

  std::promise<void> reader_started;
  std::atomic<bool> give_up{false};
  std::string reader_error;
  std::set<std::string> seen;
  int queries = 0;
  std::thread reader([&] {
    Conn conn = Connect(PostgresTestServer::kSuperuser);
    bool signalled = false;
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(90);
    while (!give_up.load() && std::chrono::steady_clock::now() < deadline) {
      // Two tables in one statement: both must come from the same version.
      auto result = PgQuery(conn.get(),
                            "SELECT (SELECT max(version) FROM footfall.pipeline_versions) || ':' "
                            "|| (SELECT count(*) FROM footfall.events)");
      ++queries;
      if (!result.ok()) {
        reader_error = result.status().ToString();
        break;
      }
      seen.insert(*result->rows[0][0]);
      if (!signalled) {
        reader_started.set_value();
        signalled = true;
      }
      if (*result->rows[0][0] ==
          std::to_string(kVersions) + ":" + std::to_string(100 * kVersions + 3)) {
        break;
      }
    }
    if (!signalled) reader_started.set_value();
  });
  reader_started.get_future().wait();
  for (int v = 2; v <= kVersions; ++v) {
    auto report = Publish(v);
    EXPECT_TRUE(report.ok()) << report.status().ToString();
    if (!report.ok()) give_up = true;
  }
  reader.join();
  EXPECT_EQ(reader_error, "");
  std::set<std::string> allowed;
  for (int v = 1; v <= kVersions; ++v) {
    allowed.insert(std::to_string(v) + ":" + std::to_string(100 * v + 3));
  }
  for (const std::string& s : seen) EXPECT_TRUE(allowed.count(s) == 1) << s;
  EXPECT_GE(seen.size(), 2u) << queries << " queries";
  EXPECT_TRUE(seen.count(std::to_string(kVersions) + ":" + std::to_string(100 * kVersions + 3)));
  EXPECT_EQ(*PostgresCurrentVersion(target_), kVersions);
}

TEST_F(PostgresPublisherTest, ReaderRoleCanOnlyRead) {
  // A loading role without superuser powers, as an operator would set up.
  ASSERT_TRUE(PgQuery(conn_.get(), "CREATE ROLE footfall_loader LOGIN CREATEROLE").ok());
  ASSERT_TRUE(
      PgQuery(conn_.get(), "GRANT CREATE ON DATABASE " + database_ + " TO footfall_loader").ok());
  target_.conninfo = g_server->Conninfo("footfall_loader", database_);
  PublishGenerated(dir_.path(), 1, 100);
  PublishGenerated(dir_.path(), 2, 200);
  auto report = Publish(1);
  ASSERT_TRUE(report.ok()) << report.status().ToString();
  ASSERT_TRUE(PgQuery(conn_.get(), "ALTER ROLE footfall_reader LOGIN").ok());

  Conn reader = Connect("footfall_reader");
  ASSERT_EQ(PQstatus(reader.get()), CONNECTION_OK) << PQerrorMessage(reader.get());
  EXPECT_EQ(Scalar(reader.get(), "SELECT count(*) FROM footfall.events"), "103");
  EXPECT_EQ(Scalar(reader.get(), "SELECT count(*) FROM footfall.sessions"), "50");
  constexpr std::string_view kDenied = "42501";
  for (const std::string sql :
       {"INSERT INTO footfall.events (event_id) VALUES ('x')",
        "UPDATE footfall.events SET value = 1", "DELETE FROM footfall.events",
        "TRUNCATE footfall.events", "DROP TABLE footfall.events", "DROP SCHEMA footfall CASCADE",
        "ALTER TABLE footfall.events ADD COLUMN x int", "CREATE TABLE footfall.x (a int)",
        "CREATE TABLE public.x (a int)", "CREATE SCHEMA mine",
        "CREATE INDEX x ON footfall.events (value)"}) {
    EXPECT_EQ(FailureState(reader.get(), sql), kDenied) << sql;
  }
  EXPECT_EQ(Scalar(conn_.get(), "SELECT count(*) FROM footfall.events"), "103");

  // The next version is readable too, by the same session.
  auto second = Publish(2);
  ASSERT_TRUE(second.ok()) << second.status().ToString();
  EXPECT_EQ(Scalar(reader.get(), "SELECT count(*) FROM footfall.events"), "203");
  EXPECT_EQ(FailureState(reader.get(), "DELETE FROM footfall.events"), kDenied);
  ASSERT_TRUE(PgQuery(conn_.get(), "ALTER ROLE footfall_reader NOLOGIN").ok());
}

TEST_F(PostgresPublisherTest, FailedLoadLeavesPreviousVersionIntact) {
  PublishGenerated(dir_.path(), 1, 100);
  auto first = Publish(1);
  ASSERT_TRUE(first.ok()) << first.status().ToString();

  // Version 2: the server rejects the COPY (a byte sequence that is not UTF-8).
  {
    auto writer = VersionWriter::Create(dir_.path(), 2);
    ASSERT_TRUE(writer.ok());
    ASSERT_TRUE((*writer)->CreateTable("events", {{"event_id", ColumnType::kText}}).ok());
    auto in = (*writer)->Inserter("events");
    ASSERT_TRUE(in.ok());
    for (int i = 0; i < 1000; ++i) {
      ASSERT_TRUE(in->Insert(std::vector<Value>{std::string(i == 700 ? "bad \xff" : "ok")}).ok());
    }
    ASSERT_TRUE((*writer)->Publish().ok());
  }
  auto rejected = Publish(2);
  ASSERT_FALSE(rejected.ok());
  EXPECT_EQ(rejected.status().code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(rejected.status().message(), HasSubstr("events"));
  EXPECT_THAT(rejected.status().message(), HasSubstr("127.0.0.1"));

  // Version 3: footfall itself refuses the data (PostgreSQL text cannot hold NUL).
  {
    auto writer = VersionWriter::Create(dir_.path(), 3);
    ASSERT_TRUE(writer.ok());
    ASSERT_TRUE((*writer)->CreateTable("events", {{"event_id", ColumnType::kText}}).ok());
    auto in = (*writer)->Inserter("events");
    ASSERT_TRUE(in.ok());
    ASSERT_TRUE(in->Insert(std::vector<Value>{std::string("nul\0byte", 8)}).ok());
    ASSERT_TRUE((*writer)->Publish().ok());
  }
  target_.copy_format = PostgresCopyFormat::kText;
  auto refused = Publish(3);
  target_.copy_format = PostgresCopyFormat::kBinary;
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.status().code(), StatusCode::kInvalidArgument);

  for (const Status& failure : {rejected.status(), refused.status()}) {
    SCOPED_TRACE(failure.ToString());
    EXPECT_EQ(*PostgresCurrentVersion(target_), 1);
    EXPECT_EQ(Scalar(conn_.get(), "SELECT count(*) FROM footfall.events"), "103");
    EXPECT_EQ(Scalar(conn_.get(), "SELECT count(*) FROM footfall.sessions"), "50");
    EXPECT_EQ(Scalar(conn_.get(),
                     "SELECT string_agg(nspname, ',') FROM pg_namespace WHERE nspname LIKE "
                     "'footfall%'"),
              "footfall");
  }

  // The publish lock was released: the next good version goes through.
  PublishGenerated(dir_.path(), 4, 10);
  auto fourth = Publish(4);
  ASSERT_TRUE(fourth.ok()) << fourth.status().ToString();
  EXPECT_EQ(Scalar(conn_.get(), "SELECT count(*) FROM footfall.events"), "13");
}

TEST_F(PostgresPublisherTest, ConnectionErrorsNameTheServerButNotThePassword) {
  PublishGenerated(dir_.path(), 1, 10);
  // Nothing listens on port 1.
  target_.conninfo = "postgresql://someone:s3cr3t-pw@127.0.0.1:1/db?connect_timeout=5";
  auto unreachable = Publish(1);
  ASSERT_FALSE(unreachable.ok());
  EXPECT_EQ(unreachable.status().code(), StatusCode::kIoError);
  EXPECT_THAT(unreachable.status().message(), HasSubstr("postgresql://someone@127.0.0.1:1/db"));
  EXPECT_THAT(unreachable.status().message(), Not(HasSubstr("s3cr3t-pw")));

  target_.conninfo =
      "postgresql://no_such_role:s3cr3t-pw@127.0.0.1:" + std::to_string(g_server->port()) + "/" +
      database_;
  auto refused = Publish(1);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.status().code(), StatusCode::kIoError);
  EXPECT_THAT(refused.status().message(), HasSubstr("no_such_role@127.0.0.1"));
  EXPECT_THAT(refused.status().message(), Not(HasSubstr("s3cr3t-pw")));

  target_.conninfo = "host=127.0.0.1 password=s3cr3t-pw no_such_option=1";
  auto unparsable = Publish(1);
  ASSERT_FALSE(unparsable.ok());
  EXPECT_EQ(unparsable.status().code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(unparsable.status().message(), Not(HasSubstr("s3cr3t-pw")));

  target_.conninfo = g_server->Conninfo(PostgresTestServer::kSuperuser, database_);
  EXPECT_EQ(Publish(9).status().code(), StatusCode::kNotFound);
  target_.schema = "Bad-Name";
  EXPECT_EQ(Publish(1).status().code(), StatusCode::kInvalidArgument);
}

TEST_F(PostgresPublisherTest, ReplacedSchemaHeldByAReaderIsDroppedByTheNextPublish) {
  PublishGenerated(dir_.path(), 1, 10);
  PublishGenerated(dir_.path(), 2, 20);
  PublishGenerated(dir_.path(), 3, 30);
  target_.drop_lock_timeout_ms = 100;
  ASSERT_TRUE(Publish(1).ok());
  // A reader in a transaction keeps version 1's tables locked.
  Conn reader = Connect(PostgresTestServer::kSuperuser);
  ASSERT_TRUE(PgQuery(reader.get(), "BEGIN").ok());
  EXPECT_EQ(Scalar(reader.get(), "SELECT count(*) FROM footfall.events"), "13");
  auto second = Publish(2);
  ASSERT_TRUE(second.ok()) << second.status().ToString();
  EXPECT_FALSE(second->dropped_previous);
  // The reader's transaction still sees its tables; new statements resolve to version 2.
  EXPECT_EQ(Scalar(reader.get(), "SELECT count(*) FROM footfall_prev_2.events"), "13");
  EXPECT_EQ(Scalar(conn_.get(), "SELECT count(*) FROM footfall.events"), "23");
  ASSERT_TRUE(PgQuery(reader.get(), "COMMIT").ok());

  auto third = Publish(3);
  ASSERT_TRUE(third.ok()) << third.status().ToString();
  EXPECT_TRUE(third->dropped_previous);
  EXPECT_EQ(Scalar(conn_.get(),
                   "SELECT string_agg(nspname, ',') FROM pg_namespace WHERE nspname LIKE "
                   "'footfall%'"),
            "footfall");
}

}  // namespace
}  // namespace footfall::serving
