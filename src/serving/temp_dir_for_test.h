// Test support: a fresh directory under /tmp per test, and a tiny published version.
#pragma once

#include <gtest/gtest.h>
#include <stdlib.h>

#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

#include "serving/version_writer.h"

namespace footfall::serving {

// Made with mkdtemp; removed with everything in it on destruction.
class TempDir {
 public:
  TempDir() {
    std::string path = "/tmp/footfall_serving_test_XXXXXX";
    if (::mkdtemp(path.data()) == nullptr) ADD_FAILURE() << "mkdtemp failed for " << path;
    path_ = path;
  }
  ~TempDir() {
    std::error_code ignored;
    std::filesystem::remove_all(path_, ignored);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  const std::string& path() const { return path_; }
  std::string Path(std::string_view name) const { return path_ + "/" + std::string(name); }

 private:
  std::string path_;
};

// Publishes `version` in `serving_dir` with one table, names(id INTEGER, name TEXT), holding
// `names` with ids 1, 2, ...
inline void PublishNames(const std::string& serving_dir, int64_t version,
                         const std::vector<std::string>& names) {
  auto writer = VersionWriter::Create(serving_dir, version);
  ASSERT_TRUE(writer.ok()) << writer.status().ToString();
  ASSERT_TRUE(
      (*writer)
          ->CreateTable("names", {{"id", ColumnType::kInteger}, {"name", ColumnType::kText}})
          .ok());
  auto inserter = (*writer)->Inserter("names");
  ASSERT_TRUE(inserter.ok());
  int64_t id = 0;
  for (const std::string& name : names) {
    ASSERT_TRUE(inserter->Insert(std::vector<Value>{++id, name}).ok());
  }
  const Status published = (*writer)->Publish();
  ASSERT_TRUE(published.ok()) << published.ToString();
}

}  // namespace footfall::serving
