// The batch reads only views::ViewFields of the enriched events: clearing every other field of
// real enriched traffic (the demo's, with its funnels, conversions and flows) must change no row
// of any view.
#include "views/view_fields.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <map>
#include <set>

#include "base/temp_dir.h"
#include "event/fields.h"
#include "parquet/dataset.h"
#include "parquet/reader.h"
#include "pipeline/batch.h"
#include "pipeline/enriched_dataset.h"
#include "pipeline/gen.h"
#include "pipeline/traffic.h"
#include "pipeline/view_tables.h"
#include "views/bucket_metrics.h"
#include "views/dedup.h"

namespace footfall::pipeline {
namespace {

std::vector<event::Event> ReadEnriched(const std::string& dir) {
  std::vector<event::Event> events;
  auto dataset = parquet::Dataset::Open(dir);
  EXPECT_TRUE(dataset.ok()) << dataset.status().ToString();
  if (!dataset.ok()) return events;
  for (const parquet::DatasetFile& f : dataset->files()) {
    const std::string path = dataset->PathOf(f);
    auto reader = parquet::ParquetReader::Open(path);
    EXPECT_TRUE(reader.ok());
    auto indices = EventColumnIndices(reader->schema(), path);
    EXPECT_TRUE(indices.ok());
    std::vector<size_t> columns;
    for (int i : *indices) {
      if (i >= 0) columns.push_back(static_cast<size_t>(i));
    }
    for (size_t rg = 0; rg < reader->num_row_groups(); ++rg) {
      auto cols = reader->ReadRowGroup(rg, columns);
      EXPECT_TRUE(cols.ok());
      AppendEvents(*cols, *indices, &events);
    }
  }
  views::Deduplicate(&events);
  return events;
}

// Every row of every view table, as text, by table name; and the hourly metrics.
struct AllViews {
  std::map<std::string, std::vector<std::string>> tables;
  std::map<Micros, views::BucketMetrics> hours;
};

std::string Text(const serving::Value& v) {
  if (const auto* i = std::get_if<int64_t>(&v)) return std::to_string(*i);
  if (const auto* s = std::get_if<std::string>(&v)) return "'" + *s + "'";
  if (const auto* d = std::get_if<double>(&v)) {
    char buf[40];
    std::snprintf(buf, sizeof buf, "%.17g", *d);
    return buf;
  }
  return "NULL";
}

AllViews Compute(const std::vector<event::Event>& events, const Config& config) {
  const views::WebModelOptions web = WebModelOptionsFrom(config);
  const views::WebViews w = views::BuildWebViews(events, web);
  std::vector<views::FlowViews> flows;
  for (const views::FlowSpec& spec : config.flows) {
    flows.push_back(views::BuildFlowViews(spec, events));
  }
  AllViews out;
  std::vector<ViewTable> tables = WebViewTables(w);
  for (ViewTable& t : FlowViewTables(flows)) tables.push_back(std::move(t));
  for (const ViewTable& t : tables) {
    auto& rows = out.tables[t.name];
    EXPECT_TRUE(t.rows([&](std::span<const serving::Value> row) {
                   std::string line;
                   for (const serving::Value& v : row) line += Text(v) + ",";
                   rows.push_back(std::move(line));
                   return Status::Ok();
                 }).ok());
  }
  views::MetricsFolder folder(web, config.flows);
  for (const event::Event& e : events) {
    folder.Fold(e, &out.hours[HourStart(views::MetricsTime(e))]);
  }
  return out;
}

TEST(ViewFields, ClearingEveryOtherFieldChangesNoView) {
  TempDir tmp;
  TrafficOptions traffic;
  traffic.seed = 5;
  traffic.events = 8000;
  traffic.start = 1764115200000000;
  traffic.span = 2 * kMicrosPerDay;
  ASSERT_TRUE(WriteTrafficToRawLog(traffic, tmp.path() + "/raw", 512 << 10, nullptr).ok());
  Config config;
  config.data_dir = tmp.path();
  AddDemoDefinitions(&config);
  BatchOptions options = BatchOptionsFrom(config);
  ASSERT_TRUE(RunBatch(options).ok());

  const std::vector<event::Event> events = ReadEnriched(tmp.path() + "/enriched");
  ASSERT_EQ(events.size(), traffic.events);
  const std::vector<std::string> names = views::ViewFields(options.web, config.flows);
  const std::set<std::string> kept(names.begin(), names.end());
  EXPECT_TRUE(kept.contains("page_urlpath"));
  EXPECT_LT(kept.size(), event::EventFields().size() / 2);
  std::vector<event::Event> projected = events;
  size_t cleared = 0;
  for (const event::Field& f : event::EventFields()) {
    if (kept.contains(std::string(f.name))) continue;
    for (event::Event& e : projected) {
      if (!std::holds_alternative<std::monostate>(f.get(e))) ++cleared;
      f.set(e, std::monostate{});
    }
  }
  EXPECT_GT(cleared, events.size()) << "the traffic fills fields the views do not read";

  const AllViews want = Compute(events, config);
  const AllViews got = Compute(projected, config);
  ASSERT_EQ(got.tables.size(), want.tables.size());
  for (const auto& [name, rows] : want.tables) {
    EXPECT_FALSE(rows.empty()) << name;
    EXPECT_EQ(got.tables.at(name), rows) << name;
  }
  EXPECT_EQ(got.hours, want.hours);
}

}  // namespace
}  // namespace footfall::pipeline
