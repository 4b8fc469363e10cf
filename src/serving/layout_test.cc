#include "serving/layout.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "serving/test_support.h"

namespace footfall::serving {
namespace {

void WriteFile(const std::string& path, std::string_view content) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << content;
  ASSERT_TRUE(out.good()) << path;
}

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

TEST(Layout, VersionPath) {
  EXPECT_EQ(VersionPath("data/serving", 7), "data/serving/v7.sqlite");
  EXPECT_EQ(VersionPath("data/serving/", 12), "data/serving/v12.sqlite");
}

TEST(Layout, CurrentVersionNotFoundBeforeAnyPublish) {
  TempDir dir;
  EXPECT_EQ(CurrentVersion(dir.path()).status().code(), StatusCode::kNotFound);
  EXPECT_EQ(CurrentVersion(dir.Sub("missing")).status().code(), StatusCode::kNotFound);
}

TEST(Layout, CurrentVersionParsesNumber) {
  TempDir dir;
  WriteFile(dir.Sub("CURRENT"), "7\n");
  EXPECT_EQ(*CurrentVersion(dir.path()), 7);
  WriteFile(dir.Sub("CURRENT"), "12");
  EXPECT_EQ(*CurrentVersion(dir.path()), 12);
}

TEST(Layout, CurrentVersionRejectsGarbage) {
  TempDir dir;
  for (const char* content : {"", "\n", "garbage\n", "7x\n", "-3\n", "0\n", " 7\n", "1.5\n",
                              "99999999999999999999999\n", "7\n8\n"}) {
    WriteFile(dir.Sub("CURRENT"), content);
    EXPECT_EQ(CurrentVersion(dir.path()).status().code(), StatusCode::kCorruption)
        << "CURRENT: " << content;
  }
}

TEST(Layout, ListAndNextVersionIgnoreOtherFiles) {
  TempDir dir;
  EXPECT_EQ(*NextVersion(dir.path()), 1);
  EXPECT_EQ(*NextVersion(dir.Sub("missing")), 1);
  for (const char* name : {"v1.sqlite", "v10.sqlite", "v3.sqlite", "v01.sqlite", "v11.sqlite.tmp",
                           "vx.sqlite", "v.sqlite", "v4.sqlite-journal", "CURRENT"}) {
    WriteFile(dir.Sub(name), "");
  }
  EXPECT_EQ(*ListVersions(dir.path()), (std::vector<int64_t>{1, 3, 10}));
  EXPECT_EQ(*NextVersion(dir.path()), 11);
}

TEST(Layout, SetCurrentVersionNeedsTheFile) {
  TempDir dir;
  EXPECT_EQ(SetCurrentVersion(dir.path(), 3).code(), StatusCode::kNotFound);
  EXPECT_FALSE(std::filesystem::exists(dir.Sub("CURRENT")));
  PublishNames(dir.path(), 1, {"a"});
  PublishNames(dir.path(), 2, {"b"});
  EXPECT_EQ(ReadFile(dir.Sub("CURRENT")), "2\n");
  ASSERT_TRUE(SetCurrentVersion(dir.path(), 1).ok());
  EXPECT_EQ(ReadFile(dir.Sub("CURRENT")), "1\n");
  EXPECT_EQ(*CurrentVersion(dir.path()), 1);
  // No temporary files are left behind.
  std::vector<std::string> names;
  for (const auto& entry : std::filesystem::directory_iterator(dir.path())) {
    names.push_back(entry.path().filename());
  }
  std::sort(names.begin(), names.end());
  EXPECT_EQ(names, (std::vector<std::string>{"CURRENT", "v1.sqlite", "v2.sqlite"}));
}

TEST(Layout, RemoveOldVersionsKeepsNewestAndCurrent) {
  TempDir dir;
  for (int64_t v = 1; v <= 5; ++v) PublishNames(dir.path(), v, {"x"});
  ASSERT_TRUE(SetCurrentVersion(dir.path(), 2).ok());
  ASSERT_TRUE(RemoveOldVersions(dir.path(), 2).ok());
  EXPECT_EQ(*ListVersions(dir.path()), (std::vector<int64_t>{2, 4, 5}));
  EXPECT_EQ(*CurrentVersion(dir.path()), 2);
  ASSERT_TRUE(RemoveOldVersions(dir.path(), 1).ok());
  EXPECT_EQ(*ListVersions(dir.path()), (std::vector<int64_t>{2, 5}));
}

TEST(Layout, RemoveOldVersionsRefusesWhenCurrentIsUnknown) {
  TempDir dir;
  for (int64_t v = 1; v <= 3; ++v) PublishNames(dir.path(), v, {"x"});
  EXPECT_EQ(RemoveOldVersions(dir.path(), 0).code(), StatusCode::kInvalidArgument);
  WriteFile(dir.Sub("CURRENT"), "garbage");
  EXPECT_EQ(RemoveOldVersions(dir.path(), 1).code(), StatusCode::kCorruption);
  EXPECT_EQ(*ListVersions(dir.path()), (std::vector<int64_t>{1, 2, 3}));
}

TEST(Layout, RemoveOldVersionsWithoutCurrentKeepsNewest) {
  TempDir dir;
  for (const char* name : {"v1.sqlite", "v2.sqlite", "v3.sqlite"}) WriteFile(dir.Sub(name), "");
  ASSERT_TRUE(RemoveOldVersions(dir.path(), 2).ok());
  EXPECT_EQ(*ListVersions(dir.path()), (std::vector<int64_t>{2, 3}));
}

}  // namespace
}  // namespace footfall::serving
