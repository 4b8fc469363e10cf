#include "engine/flat_table.h"

#include <gtest/gtest.h>

#include <map>
#include <string>

namespace footfall::engine::internal {
namespace {

// Every key found again after many growths, with hashes that collide on purpose (only a few
// distinct values, and equal upper halves), and entries kept in insertion order, in place.
TEST(FlatTable, FindsEveryKeyUnderCollisionsAndGrowth) {
  FlatTable<std::string, int> table;
  std::map<std::string, int> reference;
  const auto hash_of = [](int i) { return static_cast<uint64_t>(i % 7) * 0x100000001ULL; };
  for (int round = 0; round < 3; ++round) {
    for (int i = 0; i < 5000; ++i) {
      std::string key = "k" + std::to_string(i);
      auto [entry, inserted] = table.FindOrInsert(std::string(key), hash_of(i), [] { return 0; });
      EXPECT_EQ(inserted, round == 0) << key;
      EXPECT_EQ(entry.first, key);
      entry.second += i;
      reference[key] += i;
    }
  }
  ASSERT_EQ(table.size(), reference.size());
  // Entries never move: growth re-places slots only.
  EXPECT_EQ(&table.FindOrInsert("k0", hash_of(0), [] { return 0; }).first, &table.at(0));
  for (size_t i = 0; i < table.size(); ++i) {
    const auto& [key, value] = table.at(i);
    EXPECT_EQ(key, "k" + std::to_string(i));  // insertion order
    EXPECT_EQ(value, reference[key]);
  }
  EXPECT_GE(table.overhead_bytes(), 2 * table.size() * sizeof(uint64_t));
  table.Clear();
  EXPECT_TRUE(table.empty());
  EXPECT_EQ(table.overhead_bytes(), 0u);
  auto [entry, inserted] = table.FindOrInsert("again", 1, [] { return 5; });
  EXPECT_TRUE(inserted);
  EXPECT_EQ(entry.second, 5);
}

}  // namespace
}  // namespace footfall::engine::internal
