#include "event/fields.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <set>
#include <sstream>
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
  EXPECT_EQ(EventFields().back().name, "is_bot");
}

TEST(Fields, GettersReadTheNamedMember) {
  Event e;
  e.app_id = "shop";
  e.collector_tstamp = 42;
  e.se_value = 1.5;
  e.br_cookies = false;
  e.doc_height = 900;
  for (const Field& f : EventFields()) {
    const FieldValue v = f.get(e);
    if (f.name == "app_id") {
      EXPECT_EQ(std::get<std::string_view>(v), "shop");
    } else if (f.name == "collector_tstamp") {
      EXPECT_EQ(std::get<int64_t>(v), 42);
    } else if (f.name == "se_value") {
      EXPECT_EQ(std::get<double>(v), 1.5);
    } else if (f.name == "br_cookies") {
      ASSERT_TRUE(std::holds_alternative<bool>(v));
      EXPECT_FALSE(std::get<bool>(v));
    } else if (f.name == "doc_height") {
      EXPECT_EQ(std::get<int64_t>(v), 900);
    } else {
      EXPECT_TRUE(std::holds_alternative<std::monostate>(v)) << f.name << " should be NULL";
    }
  }
}

TEST(Fields, ValueAlternativeMatchesTheDeclaredType) {
  Event e;
  e.collector_tstamp = e.dvce_created_tstamp = e.dvce_sent_tstamp = e.true_tstamp =
      e.derived_tstamp = 1;
  e.domain_sessionidx = e.page_urlport = e.refr_urlport = e.ti_quantity = e.pp_xoffset_min =
      e.pp_xoffset_max = e.pp_yoffset_min = e.pp_yoffset_max = e.br_viewwidth = e.br_viewheight =
          e.dvce_screenwidth = e.dvce_screenheight = e.doc_width = e.doc_height = 2;
  e.geo_latitude = e.geo_longitude = e.se_value = e.tr_total = e.tr_tax = e.tr_shipping =
      e.ti_price = 0.5;
  e.br_cookies = e.dvce_ismobile = e.is_bot = true;
  for (const Field& f : EventFields()) {
    const FieldValue v = f.get(e);
    switch (f.type) {
      case FieldType::kString:
        EXPECT_TRUE(std::holds_alternative<std::monostate>(v)) << f.name;
        break;
      case FieldType::kInt64:
      case FieldType::kTimestamp:
        EXPECT_TRUE(std::holds_alternative<int64_t>(v)) << f.name;
        break;
      case FieldType::kDouble:
        EXPECT_TRUE(std::holds_alternative<double>(v)) << f.name;
        break;
      case FieldType::kBool:
        EXPECT_TRUE(std::holds_alternative<bool>(v)) << f.name;
        break;
    }
  }
}

// docs/formats/enriched-event.md holds the registry's table; run this test with
// FOOTFALL_UPDATE_DOCS=1 to rewrite the table after changing the registry.
TEST(Fields, DocumentationMatchesTheRegistry) {
  const std::string path = FOOTFALL_ENRICHED_EVENT_DOC;
  std::ifstream in(path);
  ASSERT_TRUE(in) << "cannot read " << path;
  std::stringstream buf;
  buf << in.rdbuf();
  std::string doc = buf.str();
  constexpr std::string_view kBegin = "<!-- fields:begin -->\n", kEnd = "<!-- fields:end -->";
  const size_t begin = doc.find(kBegin), end = doc.find(kEnd);
  ASSERT_NE(begin, std::string::npos);
  ASSERT_NE(end, std::string::npos);
  const size_t from = begin + kBegin.size();
  const std::string table = doc.substr(from, end - from);
  const std::string want = EventFieldsMarkdown();
  const char* update = std::getenv("FOOTFALL_UPDATE_DOCS");
  if (table != want && update != nullptr && std::string(update) == "1") {
    doc.replace(from, end - from, want);
    std::ofstream(path) << doc;
    return;
  }
  EXPECT_EQ(table, want) << "the field table in " << path
                         << " disagrees with the registry; rerun with FOOTFALL_UPDATE_DOCS=1";
}

}  // namespace
}  // namespace footfall::event

namespace footfall::event {
namespace {

TEST(Fields, SetInvertsGet) {
  Event e;
  e.app_id = "shop";
  e.collector_tstamp = 1764115200000000;
  e.domain_sessionidx = 3;
  e.se_value = 2.5;
  e.is_bot = false;
  Event copy;
  for (const Field& f : EventFields()) f.set(copy, f.get(e));
  EXPECT_EQ(copy, e);
  for (const Field& f : EventFields()) f.set(copy, std::monostate{});
  EXPECT_EQ(copy, Event());
}

}  // namespace
}  // namespace footfall::event
