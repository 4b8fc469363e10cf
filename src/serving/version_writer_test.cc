#include "serving/version_writer.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "serving/query.h"
#include "serving/test_support.h"

namespace footfall::serving {
namespace {

const std::vector<Column> kPageColumns = {
    {"url", ColumnType::kText}, {"views", ColumnType::kInteger}, {"share", ColumnType::kReal}};

std::vector<std::string> Entries(const std::string& dir) {
  std::vector<std::string> names;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    names.push_back(entry.path().filename());
  }
  std::sort(names.begin(), names.end());
  return names;
}

std::vector<std::vector<Value>> Rows(ReadOnlyStore& store, std::string_view sql) {
  auto result = store.Query(sql);
  EXPECT_TRUE(result.ok()) << result.status().ToString();
  return result.ok() ? result->rows : std::vector<std::vector<Value>>{};
}

std::unique_ptr<VersionWriter> NewWriter(const std::string& dir, int64_t version) {
  auto writer = VersionWriter::Create(dir, version);
  EXPECT_TRUE(writer.ok()) << writer.status().ToString();
  return writer.ok() ? std::move(writer).value() : nullptr;
}

TEST(VersionWriter, PublishedVersionsDoNotDisturbOpenReaders) {
  TempDir dir;
  PublishNames(dir.path(), 1, {"alice"});
  EXPECT_EQ(*CurrentVersion(dir.path()), 1);
  auto v1 = ReadOnlyStore::OpenCurrent(dir.path());
  ASSERT_TRUE(v1.ok()) << v1.status().ToString();
  EXPECT_EQ((*v1)->version(), 1);

  PublishNames(dir.path(), 2, {"bob", "carol"});
  EXPECT_EQ(*CurrentVersion(dir.path()), 2);
  EXPECT_EQ(*NextVersion(dir.path()), 3);
  const std::vector<std::vector<Value>> kAlice = {{int64_t{1}, std::string("alice")}};
  EXPECT_EQ(Rows(**v1, "SELECT id, name FROM names"), kAlice);

  auto v2 = ReadOnlyStore::OpenCurrent(dir.path());
  ASSERT_TRUE(v2.ok()) << v2.status().ToString();
  EXPECT_EQ((*v2)->version(), 2);
  EXPECT_EQ(Rows(**v2, "SELECT count(*) FROM names"),
            (std::vector<std::vector<Value>>{{int64_t{2}}}));

  // Removing the old file does not take it away from its open reader.
  ASSERT_TRUE(RemoveOldVersions(dir.path(), 1).ok());
  EXPECT_EQ(Entries(dir.path()), (std::vector<std::string>{"CURRENT", "v2.sqlite"}));
  EXPECT_EQ(Rows(**v1, "SELECT id, name FROM names"), kAlice);
}

TEST(VersionWriter, UnpublishedWriterLeavesNothing) {
  TempDir dir;
  const std::string serving = dir.Sub("data/serving");
  {
    auto writer = NewWriter(serving, 1);
    ASSERT_NE(writer, nullptr);
    ASSERT_TRUE(writer->CreateTable("pages", kPageColumns).ok());
    auto inserter = writer->Inserter("pages");
    ASSERT_TRUE(inserter.ok());
    ASSERT_TRUE(inserter->Insert(std::vector<Value>{std::string("/"), int64_t{3}, 0.5}).ok());
    EXPECT_EQ(Entries(serving), (std::vector<std::string>{"v1.sqlite.tmp"}));
  }
  EXPECT_TRUE(Entries(serving).empty());
  EXPECT_EQ(CurrentVersion(serving).status().code(), StatusCode::kNotFound);
  EXPECT_EQ(ReadOnlyStore::OpenCurrent(serving).status().code(), StatusCode::kNotFound);
}

TEST(VersionWriter, CreateRefusesPublishedOrInvalidVersion) {
  TempDir dir;
  PublishNames(dir.path(), 1, {"a"});
  EXPECT_EQ(VersionWriter::Create(dir.path(), 1).status().code(), StatusCode::kAlreadyExists);
  EXPECT_EQ(VersionWriter::Create(dir.path(), 0).status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(VersionWriter::Create(dir.path(), -2).status().code(), StatusCode::kInvalidArgument);
}

TEST(VersionWriter, ReplacesStagingFileOfCrashedRun) {
  TempDir dir;
  {
    std::ofstream stale(dir.Sub("v1.sqlite.tmp"), std::ios::binary);
    stale << "half-written by a run that crashed";
  }
  PublishNames(dir.path(), 1, {"a"});
  EXPECT_EQ(Entries(dir.path()), (std::vector<std::string>{"CURRENT", "v1.sqlite"}));
}

TEST(VersionWriter, OneWriterPerVersion) {
  TempDir dir;
  auto first = NewWriter(dir.path(), 1);
  ASSERT_NE(first, nullptr);
  ASSERT_TRUE(first->CreateTable("pages", kPageColumns).ok());
  EXPECT_EQ(VersionWriter::Create(dir.path(), 1).status().code(), StatusCode::kFailedPrecondition);
  // The refused writer did not touch the first one's file.
  EXPECT_EQ(Entries(dir.path()), (std::vector<std::string>{"v1.sqlite.tmp"}));
  auto other_version = NewWriter(dir.path(), 2);
  ASSERT_NE(other_version, nullptr);
  other_version.reset();
  first.reset();
  EXPECT_TRUE(Entries(dir.path()).empty());
  PublishNames(dir.path(), 1, {"a"});
  EXPECT_EQ(*CurrentVersion(dir.path()), 1);
}

TEST(VersionWriter, PublishNeverReplacesAVersionFile) {
  TempDir dir;
  auto writer = NewWriter(dir.path(), 1);
  ASSERT_NE(writer, nullptr);
  ASSERT_TRUE(writer->CreateTable("pages", kPageColumns).ok());
  {
    std::ofstream intruder(dir.Sub("v1.sqlite"), std::ios::binary);
    intruder << "placed by hand";
  }
  EXPECT_EQ(writer->Publish().code(), StatusCode::kAlreadyExists);
  writer.reset();
  EXPECT_EQ(Entries(dir.path()), (std::vector<std::string>{"v1.sqlite"}));
  EXPECT_EQ(std::filesystem::file_size(dir.Sub("v1.sqlite")), 14u);
  EXPECT_EQ(CurrentVersion(dir.path()).status().code(), StatusCode::kNotFound);
}

TEST(VersionWriter, ValidatesIdentifiers) {
  TempDir dir;
  auto writer = NewWriter(dir.path(), 1);
  ASSERT_NE(writer, nullptr);
  for (const char* name :
       {"", "1pages", "page-views", "pages;DROP", "p\"q", "sqlite_stat1", "SQLITE_x", "naïve"}) {
    EXPECT_EQ(writer->CreateTable(name, kPageColumns).code(), StatusCode::kInvalidArgument) << name;
    EXPECT_EQ(writer->CreateTable("t", {{name, ColumnType::kText}}).code(),
              StatusCode::kInvalidArgument)
        << name;
  }
  EXPECT_EQ(writer->CreateTable("t", {}).code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(
      writer->CreateTable("t", {{"a", ColumnType::kText}, {"A", ColumnType::kInteger}}).code(),
      StatusCode::kInvalidArgument);
  // Keywords are fine as names: they are quoted.
  EXPECT_TRUE(writer->CreateTable("_order", {{"group", ColumnType::kText}}).ok());
  EXPECT_TRUE(writer->CreateTable("pages", kPageColumns).ok());
  EXPECT_EQ(writer->CreateTable("PAGES", kPageColumns).code(), StatusCode::kAlreadyExists);
  EXPECT_EQ(writer->Inserter("nope").status().code(), StatusCode::kNotFound);
}

TEST(VersionWriter, RejectsWrongArityAndTypes) {
  TempDir dir;
  auto writer = NewWriter(dir.path(), 1);
  ASSERT_NE(writer, nullptr);
  ASSERT_TRUE(writer->CreateTable("pages", kPageColumns).ok());
  auto inserter = writer->Inserter("Pages");
  ASSERT_TRUE(inserter.ok());
  const std::string url = "/a";
  EXPECT_EQ(inserter->Insert(std::vector<Value>{url, int64_t{1}}).code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(inserter->Insert(std::vector<Value>{url, int64_t{1}, 0.5, int64_t{2}}).code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(inserter->Insert(std::vector<Value>{url, std::string("1"), 0.5}).code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(inserter->Insert(std::vector<Value>{url, 1.5, 0.5}).code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(inserter->Insert(std::vector<Value>{int64_t{7}, int64_t{1}, 0.5}).code(),
            StatusCode::kInvalidArgument);
  // NULL fits anywhere, and an integer fits a REAL column.
  ASSERT_TRUE(inserter->Insert(std::vector<Value>{url, int64_t{1}, int64_t{2}}).ok());
  ASSERT_TRUE(inserter->Insert(std::vector<Value>{std::monostate(), std::monostate(), 0.25}).ok());
  ASSERT_TRUE(writer->Publish().ok());

  auto store = ReadOnlyStore::Open(VersionPath(dir.path(), 1));
  ASSERT_TRUE(store.ok());
  EXPECT_EQ(Rows(**store, "SELECT url, views, share FROM pages ORDER BY rowid"),
            (std::vector<std::vector<Value>>{{url, int64_t{1}, 2.0},
                                             {std::monostate(), std::monostate(), 0.25}}));
}

TEST(VersionWriter, CreatesIndexesAndStatistics) {
  TempDir dir;
  auto writer = NewWriter(dir.path(), 1);
  ASSERT_NE(writer, nullptr);
  ASSERT_TRUE(writer->CreateTable("pages", kPageColumns).ok());
  auto inserter = writer->Inserter("pages");
  ASSERT_TRUE(inserter.ok());
  for (int64_t i = 0; i < 100; ++i) {
    ASSERT_TRUE(inserter->Insert(std::vector<Value>{"/p" + std::to_string(i % 10), i, 0.5}).ok());
  }
  EXPECT_TRUE(writer->CreateIndex("pages", {"url"}).ok());
  EXPECT_TRUE(writer->CreateIndex("pages", {"url", "views"}).ok());
  EXPECT_EQ(writer->CreateIndex("pages", {"url"}).code(), StatusCode::kAlreadyExists);
  EXPECT_EQ(writer->CreateIndex("pages", {"nope"}).code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(writer->CreateIndex("pages", {}).code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(writer->CreateIndex("nope", {"url"}).code(), StatusCode::kNotFound);
  ASSERT_TRUE(writer->Publish().ok());

  auto store = ReadOnlyStore::OpenCurrent(dir.path());
  ASSERT_TRUE(store.ok());
  EXPECT_EQ(Rows(**store, "SELECT name FROM sqlite_master WHERE type = 'index' ORDER BY name"),
            (std::vector<std::vector<Value>>{{std::string("pages__url")},
                                             {std::string("pages__url__views")}}));
  EXPECT_EQ(Rows(**store, "SELECT count(*) > 0 FROM sqlite_stat1"),
            (std::vector<std::vector<Value>>{{int64_t{1}}}));
  EXPECT_EQ(Rows(**store, "SELECT count(*) FROM pages WHERE url = '/p3'"),
            (std::vector<std::vector<Value>>{{int64_t{10}}}));
}

TEST(VersionWriter, IsSpentAfterPublish) {
  TempDir dir;
  auto writer = NewWriter(dir.path(), 1);
  ASSERT_NE(writer, nullptr);
  ASSERT_TRUE(writer->CreateTable("pages", kPageColumns).ok());
  auto inserter = writer->Inserter("pages");
  ASSERT_TRUE(inserter.ok());
  ASSERT_TRUE(writer->Publish().ok());
  const std::vector<Value> row = {std::string("/"), int64_t{1}, 1.0};
  EXPECT_EQ(inserter->Insert(row).code(), StatusCode::kFailedPrecondition);
  EXPECT_EQ(writer->Publish().code(), StatusCode::kFailedPrecondition);
  EXPECT_EQ(writer->CreateTable("more", kPageColumns).code(), StatusCode::kFailedPrecondition);
  writer.reset();
  EXPECT_EQ(Entries(dir.path()), (std::vector<std::string>{"CURRENT", "v1.sqlite"}));
}

TEST(VersionWriter, LoadsManyRows) {
  TempDir dir;
  auto writer = NewWriter(dir.path(), 1);
  ASSERT_NE(writer, nullptr);
  ASSERT_TRUE(writer->CreateTable("pages", kPageColumns).ok());
  auto inserter = writer->Inserter("pages");
  ASSERT_TRUE(inserter.ok());
  constexpr int64_t kRows = 50'000;
  std::vector<Value> row(3);
  for (int64_t i = 0; i < kRows; ++i) {
    row[0] = "/page/" + std::to_string(i % 1000);
    row[1] = i;
    row[2] = static_cast<double>(i) / kRows;
    ASSERT_TRUE(inserter->Insert(row).ok());
  }
  ASSERT_TRUE(writer->Publish().ok());
  auto store = ReadOnlyStore::OpenCurrent(dir.path());
  ASSERT_TRUE(store.ok());
  EXPECT_EQ(Rows(**store, "SELECT count(*), sum(views) FROM pages"),
            (std::vector<std::vector<Value>>{{kRows, kRows * (kRows - 1) / 2}}));
}

}  // namespace
}  // namespace footfall::serving
