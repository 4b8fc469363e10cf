#include "event/fields.h"

#include <gtest/gtest.h>

#include <set>
#include <string>

namespace footfall::event {
namespace {

TEST(Fields, NamesAreUniqueAndSnakeCase) {
  std::set<std::string_view> seen;
  for (const Field& f : EventFields()) {
    EXPECT_TRUE(seen.insert(f.name).second) << f.name;
    for (char c : f.name) EXPECT_TRUE((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_');
    EXPECT_FALSE(f.description.empty()) << f.name;
  }
  EXPECT_EQ(EventFields().front().name, "app_id");
}

TEST(Fields, GettersReadTheNamedMember) {
  Event e;
  e.app_id = "shop";
  e.collector_tstamp = 42;
  e.se_value = 1.5;
  for (const Field& f : EventFields()) {
    const FieldValue v = f.get(e);
    if (f.name == "app_id") {
      EXPECT_EQ(std::get<std::string_view>(v), "shop");
    } else if (f.name == "collector_tstamp") {
      EXPECT_EQ(std::get<int64_t>(v), 42);
    } else if (f.name == "se_value") {
      EXPECT_EQ(std::get<double>(v), 1.5);
    } else {
      EXPECT_TRUE(std::holds_alternative<std::monostate>(v)) << f.name << " should be NULL";
    }
  }
}

}  // namespace
}  // namespace footfall::event
