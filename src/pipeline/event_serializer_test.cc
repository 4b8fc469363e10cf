#include "pipeline/event_serializer.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "event/fields.h"
#include "pipeline/enriched_dataset.h"

namespace footfall::pipeline {
namespace {

// Row 0 has every field, row 1 none, row 2 every other field (its strings empty where the
// others have none).
std::vector<event::Event> Events() {
  const auto fields = event::EventFields();
  std::vector<event::Event> events(3);
  for (size_t k = 0; k < fields.size(); ++k) {
    const event::Field& f = fields[k];
    for (size_t r : {size_t{0}, size_t{2}}) {
      if (r == 2 && k % 2 == 1) continue;
      const std::string text =
          r == 2 && k % 4 == 0 ? "" : std::string(f.name) + " of row " + std::to_string(r);
      switch (f.type) {
        case event::FieldType::kString:
          f.set(events[r], std::string_view(text));
          break;
        case event::FieldType::kInt64:
        case event::FieldType::kTimestamp:
          f.set(events[r], static_cast<int64_t>(k * 1'000'003 + r));
          break;
        case event::FieldType::kDouble:
          f.set(events[r], static_cast<double>(k) / 7 + static_cast<double>(r));
          break;
        case event::FieldType::kBool:
          f.set(events[r], (k + r) % 2 == 0);
          break;
      }
    }
  }
  return events;
}

TEST(SerializeRow, WritesWhatSerializingTheBuiltEventWrites) {
  const std::vector<event::Event> events = Events();
  std::vector<parquet::ColumnVector> all;
  AppendEventColumns(events, &all);
  const size_t n = event::EventFields().size();
  ASSERT_EQ(all.size(), n);
  // Every field read, then a projection of every third field.
  for (const size_t stride : {size_t{1}, size_t{3}}) {
    std::vector<int> indices(n, -1);
    std::vector<parquet::ColumnVector> columns;
    for (size_t k = 0; k < n; k += stride) {
      indices[k] = static_cast<int>(k);
      columns.push_back(all[k]);
    }
    std::vector<event::Event> built;
    AppendEvents(columns, indices, &built);
    ASSERT_EQ(built.size(), events.size());
    for (size_t r = 0; r < events.size(); ++r) {
      std::string expected, actual;
      engine::Serialize(built[r], &expected);
      SerializeRow(columns, indices, r, &actual);
      EXPECT_EQ(actual, expected) << "row " << r << ", every " << stride << " field";
    }
  }
}

}  // namespace
}  // namespace footfall::pipeline
