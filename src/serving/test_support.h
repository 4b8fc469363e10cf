// Test support: a scratch directory per test, and a tiny published version.
#pragma once

#include <gtest/gtest.h>

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "base/temp_dir.h"
#include "serving/version_writer.h"

namespace footfall::serving {

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
