#include "serving/query.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <limits>
#include <string>
#include <thread>
#include <vector>

#include "serving/test_support.h"
#include "serving/version_writer.h"

namespace footfall::serving {
namespace {

using Rows = std::vector<std::vector<Value>>;

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

// Version 1 holding events(id INTEGER, name TEXT, score REAL) with three rows.
class QueryTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto writer = VersionWriter::Create(dir_.path(), 1);
    ASSERT_TRUE(writer.ok()) << writer.status().ToString();
    ASSERT_TRUE((*writer)
                    ->CreateTable("events", {{"id", ColumnType::kInteger},
                                             {"name", ColumnType::kText},
                                             {"score", ColumnType::kReal}})
                    .ok());
    auto inserter = (*writer)->Inserter("events");
    ASSERT_TRUE(inserter.ok());
    for (const std::vector<Value>& row : kRows) ASSERT_TRUE(inserter->Insert(row).ok());
    ASSERT_TRUE((*writer)->Publish().ok());
    auto store = ReadOnlyStore::OpenCurrent(dir_.path());
    ASSERT_TRUE(store.ok()) << store.status().ToString();
    store_ = std::move(store).value();
  }

  StatusCode Code(std::string_view sql) { return store_->Query(sql).status().code(); }

  const Rows kRows = {{int64_t{1}, std::string("alice"), 0.5},
                      {int64_t{2}, std::monostate(), std::monostate()},
                      {int64_t{3}, std::string("bob"), 2.0}};
  TempDir dir_;
  std::unique_ptr<ReadOnlyStore> store_;
};

TEST_F(QueryTest, SelectReturnsTypedValues) {
  auto result = store_->Query("SELECT id, name, score FROM events ORDER BY id");
  ASSERT_TRUE(result.ok()) << result.status().ToString();
  EXPECT_EQ(result->columns, (std::vector<std::string>{"id", "name", "score"}));
  EXPECT_EQ(result->rows, kRows);
  EXPECT_FALSE(result->truncated);
  EXPECT_EQ(store_->version(), 1);

  result = store_->Query("SELECT 1 AS i, 2.5 AS r, 'x' AS t, NULL AS n, x'00ff' AS b");
  ASSERT_TRUE(result.ok()) << result.status().ToString();
  EXPECT_EQ(result->columns, (std::vector<std::string>{"i", "r", "t", "n", "b"}));
  EXPECT_EQ(
      result->rows,
      (Rows{{int64_t{1}, 2.5, std::string("x"), std::monostate(), std::string("\x00\xff", 2)}}));
}

TEST_F(QueryTest, AllowsReadOnlyForms) {
  constexpr const char* kRecursiveCount =
      "WITH RECURSIVE n(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM n WHERE x < 5) "
      "SELECT count(*) FROM n";
  for (const char* sql : {
           "SELECT count(*) FROM events;",
           "  select count(*) from events ;; -- trailing comment\n  ",
           "SELECT count(*) FROM events /* trailing */ ;",
           kRecursiveCount,
           "VALUES (1), (2)",
           "EXPLAIN QUERY PLAN SELECT * FROM events WHERE id = 1",
           "SELECT name FROM sqlite_master",
           "PRAGMA table_info(events)",
           "PRAGMA main.index_list('events')",
           "PRAGMA user_version",
           "SELECT * FROM pragma_table_info('events')",
           "SELECT m.name, p.name FROM sqlite_master m JOIN pragma_table_info(m.name) p",
           "SELECT value FROM json_each('[1, 2]')",
       }) {
    auto result = store_->Query(sql);
    EXPECT_TRUE(result.ok()) << sql << ": " << result.status().ToString();
  }
  EXPECT_EQ(store_->Query("PRAGMA user_version")->rows, (Rows{{int64_t{1}}}));
  EXPECT_EQ(store_->Query("PRAGMA table_info(events)")->rows.size(), 3u);
}

TEST_F(QueryTest, RejectsEverythingThatWrites) {
  const std::string path = VersionPath(dir_.path(), 1);
  const std::string before = ReadFile(path);
  const std::string vacuum_target = dir_.Sub("copy.sqlite");
  const std::string attach_target = dir_.Sub("other.sqlite");
  for (const std::string& sql : std::vector<std::string>{
           "INSERT INTO events VALUES (9, 'x', 1.0)",
           "INSERT INTO events SELECT * FROM events",
           "REPLACE INTO events VALUES (1, 'x', 1.0)",
           "UPDATE events SET name = 'x'",
           "DELETE FROM events",
           "UPDATE sqlite_master SET sql = ''",
           "DELETE FROM sqlite_master",
           "WITH doomed AS (SELECT 1) DELETE FROM events",
           "CREATE TABLE t2 (a)",
           "CREATE TEMP TABLE t2 (a)",
           "CREATE TEMP VIEW v AS SELECT 1",
           "CREATE INDEX i ON events (name)",
           "CREATE TRIGGER tr AFTER INSERT ON events BEGIN SELECT 1; END",
           "DROP TABLE events",
           "DROP TABLE IF EXISTS nope",
           "ALTER TABLE events ADD COLUMN z",
           "ALTER TABLE events RENAME TO e2",
           "ATTACH DATABASE '" + attach_target + "' AS other",
           "DETACH DATABASE main",
           "PRAGMA user_version = 99",
           "PRAGMA journal_mode = WAL",
           "PRAGMA query_only = 0",
           "PRAGMA writable_schema = 1",
           "PRAGMA integrity_check",
           "PRAGMA optimize",
           "VACUUM",
           "VACUUM INTO '" + vacuum_target + "'",
           "REINDEX",
           "ANALYZE",
           "BEGIN",
           "COMMIT",
           "SAVEPOINT s",
           "SELECT load_extension('/tmp/nope.so')",
           "SELECT 1; DROP TABLE events",
           "SELECT 1; SELECT 2",
       }) {
    EXPECT_EQ(Code(sql), StatusCode::kInvalidArgument) << sql;
  }
  EXPECT_FALSE(std::filesystem::exists(vacuum_target));
  EXPECT_FALSE(std::filesystem::exists(attach_target));
  EXPECT_EQ(ReadFile(path), before);
  auto result = store_->Query("SELECT id, name, score FROM events ORDER BY id");
  ASSERT_TRUE(result.ok());
  EXPECT_EQ(result->rows, kRows);
}

TEST_F(QueryTest, SqlErrorsAreInvalidArgument) {
  EXPECT_EQ(Code("SELEC 1"), StatusCode::kInvalidArgument);
  EXPECT_EQ(Code("SELECT * FROM nope"), StatusCode::kInvalidArgument);
  EXPECT_EQ(Code("SELECT nope FROM events"), StatusCode::kInvalidArgument);
  EXPECT_EQ(Code(""), StatusCode::kInvalidArgument);
  EXPECT_EQ(Code(" ; -- nothing\n"), StatusCode::kInvalidArgument);
  EXPECT_EQ(Code("SELECT abs(-9223372036854775808)"), StatusCode::kInvalidArgument);
}

TEST_F(QueryTest, HonoursMaxRows) {
  auto result = store_->Query("SELECT id FROM events ORDER BY id", 2);
  ASSERT_TRUE(result.ok());
  EXPECT_EQ(result->rows, (Rows{{int64_t{1}}, {int64_t{2}}}));
  EXPECT_TRUE(result->truncated);
  result = store_->Query("SELECT id FROM events", 3);
  ASSERT_TRUE(result.ok());
  EXPECT_EQ(result->rows.size(), 3u);
  EXPECT_FALSE(result->truncated);
  result = store_->Query("SELECT id FROM events", 0);
  ASSERT_TRUE(result.ok());
  EXPECT_EQ(result->rows.size(), 3u);
}

TEST_F(QueryTest, ServesQueriesFromManyThreads) {
  std::vector<std::thread> threads;
  std::vector<int> failures(4, 0);
  for (size_t t = 0; t < failures.size(); ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 50; ++i) {
        auto result = store_->Query("SELECT sum(id) FROM events");
        if (!result.ok() || result->rows != Rows{{int64_t{6}}}) ++failures[t];
        if (store_->Query("DELETE FROM events").ok()) ++failures[t];
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  EXPECT_EQ(failures, std::vector<int>(4, 0));
}

TEST(ReadOnlyStore, OpenErrors) {
  TempDir dir;
  EXPECT_EQ(ReadOnlyStore::OpenCurrent(dir.path()).status().code(), StatusCode::kNotFound);
  EXPECT_EQ(ReadOnlyStore::Open(dir.Sub("v1.sqlite")).status().code(), StatusCode::kNotFound);
  {
    std::ofstream junk(dir.Sub("v1.sqlite"), std::ios::binary);
    junk << std::string(4096, 'x');
  }
  EXPECT_EQ(ReadOnlyStore::Open(dir.Sub("v1.sqlite")).status().code(), StatusCode::kCorruption);
  {
    std::ofstream current(dir.Sub("CURRENT"), std::ios::binary);
    current << "2\n";
  }
  EXPECT_EQ(ReadOnlyStore::OpenCurrent(dir.path()).status().code(), StatusCode::kNotFound);
}

}  // namespace
}  // namespace footfall::serving
