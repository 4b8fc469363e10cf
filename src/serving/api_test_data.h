// Test support for the API: a small serving version built by hand, whose answers are known by
// construction (api_test.cc spells them out), and a synchronous way to call the Api.
#pragma once

#include <gtest/gtest.h>

#include <string>
#include <utility>
#include <vector>

#include "http/message.h"
#include "http/test_client.h"
#include "serving/api.h"
#include "serving/version_writer.h"

namespace footfall::serving::testing {

inline void AddTable(VersionWriter& w, const std::string& name, const std::vector<Column>& columns,
                     const std::vector<std::vector<Value>>& rows) {
  ASSERT_TRUE(w.CreateTable(name, columns).ok()) << name;
  auto ins = w.Inserter(name);
  ASSERT_TRUE(ins.ok());
  for (const auto& row : rows) {
    const Status s = ins->Insert(row);
    ASSERT_TRUE(s.ok()) << s.ToString();
  }
}

constexpr ColumnType kInt = ColumnType::kInteger, kReal = ColumnType::kReal,
                     kText = ColumnType::kText;

inline Value T(const char* s) { return Value(std::string(s)); }
inline Value I(int64_t v) { return Value(v); }
inline Value R(double v) { return Value(v); }
inline const Value kNull = Value();

inline void AddVersionRow(VersionWriter& w, int64_t version, int64_t watermark) {
  AddTable(w, "pipeline_versions",
           {{"version", kInt},
            {"built_at", kText},
            {"watermark_segment", kInt},
            {"enrich_config", kText},
            {"view_config", kText}},
           {{I(version), T("2026-11-20 11:00:00.000000"), I(watermark), T("e1"), T("v1")}});
}

inline const std::vector<Column>& SessionColumns() {
  static const std::vector<Column> kColumns = {
      {"domain_sessionid", kText},  {"app_id", kText},       {"domain_userid", kText},
      {"network_userid", kText},    {"start_tstamp", kText}, {"end_tstamp", kText},
      {"page_views", kInt},         {"events", kInt},        {"is_engaged", kInt},
      {"engaged_time_in_s", kReal}, {"landing_page", kText}, {"refr_medium", kText},
      {"refr_source", kText},       {"mkt_source", kText},   {"mkt_campaign", kText},
      {"dvce_type", kText},         {"br_family", kText},    {"os_family", kText},
      {"geo_country", kText}};
  return kColumns;
}

inline const std::vector<Column>& TrafficColumns(const char* bucket) {
  static const std::vector<Column> kHourly = {{"hour", kText},      {"events", kInt},
                                              {"page_views", kInt}, {"sessions", kInt},
                                              {"users", kInt},      {"engaged_sessions", kInt}};
  static const std::vector<Column> kDaily = {{"date", kText},      {"events", kInt},
                                             {"page_views", kInt}, {"sessions", kInt},
                                             {"users", kInt},      {"engaged_sessions", kInt}};
  return std::string_view(bucket) == "hour" ? kHourly : kDaily;
}

// The fixture of api_test.cc, version `version` with watermark segment 7:
//   s1 web   u1 2026-11-20 09:10-09:20  3 pv  5 ev engaged 30 s  /   search Google  -      Computer
//   DE s2 web   u2 2026-11-20 09:40-09:41  1 pv  1 ev               /products social Twitter spring
//   Mobile FR s3 shop  u1 2026-11-20 10:05-10:30  2 pv  4 ev engaged 50 s  /   search Google spring
//   Computer DE s4 web   u3 2026-11-19 23:30-23:35  1 pv  2 ev               /blog (none) -  -
//   Tablet   US
// plus one event without a session at 2026-11-20 10:50 (the last event).
inline void PublishFixture(const std::string& serving_dir, int64_t version) {
  auto writer = VersionWriter::Create(serving_dir, version);
  ASSERT_TRUE(writer.ok()) << writer.status().ToString();
  VersionWriter& w = **writer;
  AddVersionRow(w, version, 7);
  AddTable(
      w, "events", {{"event_id", kText}, {"derived_tstamp", kText}},
      {{T("e1"), T("2026-11-20 09:10:00.000000")}, {T("e2"), T("2026-11-20 10:50:00.000000")}});
  AddTable(
      w, "sessions", SessionColumns(),
      {
          {T("s1"), T("web"), T("u1"), kNull, T("2026-11-20 09:10:00.000000"),
           T("2026-11-20 09:20:00.000000"), I(3), I(5), I(1), R(30), T("/"), T("search"),
           T("Google"), kNull, kNull, T("Computer"), T("Chrome"), T("Linux"), T("DE")},
          {T("s2"), T("web"), T("u2"), kNull, T("2026-11-20 09:40:00.000000"),
           T("2026-11-20 09:41:00.000000"), I(1), I(1), I(0), R(0), T("/products"), T("social"),
           T("Twitter"), T("tw"), T("spring"), T("Mobile"), T("Safari"), T("iOS"), T("FR")},
          {T("s3"), T("shop"), T("u1"), kNull, T("2026-11-20 10:05:00.000000"),
           T("2026-11-20 10:30:00.000000"), I(2), I(4), I(1), R(50), T("/"), T("search"),
           T("Google"), kNull, T("spring"), T("Computer"), T("Chrome"), T("Linux"), T("DE")},
          {T("s4"), T("web"), kNull, T("n3"), T("2026-11-19 23:30:00.000000"),
           T("2026-11-19 23:35:00.000000"), I(1), I(2), I(0), R(0), T("/blog"), kNull, kNull, kNull,
           kNull, T("Tablet"), T("Firefox"), T("Windows"), T("US")},
      });
  const auto pv = [](const char* session, const char* app, const char* time, const char* path,
                     Value medium, Value source, Value campaign, const char* device,
                     const char* country) {
    return std::vector<Value>{T(session), T(app),   T(time),   T(path),     medium,     source,
                              kNull,      campaign, T(device), T("Chrome"), T("Linux"), T(country)};
  };
  AddTable(w, "page_views",
           {{"domain_sessionid", kText},
            {"app_id", kText},
            {"start_tstamp", kText},
            {"page_urlpath", kText},
            {"refr_medium", kText},
            {"refr_source", kText},
            {"mkt_source", kText},
            {"mkt_campaign", kText},
            {"dvce_type", kText},
            {"br_family", kText},
            {"os_family", kText},
            {"geo_country", kText}},
           {
               pv("s1", "web", "2026-11-20 09:10:00.000000", "/", T("search"), T("Google"), kNull,
                  "Computer", "DE"),
               pv("s1", "web", "2026-11-20 09:12:00.000000", "/products", kNull, kNull, kNull,
                  "Computer", "DE"),
               pv("s1", "web", "2026-11-20 09:15:00.000000", "/checkout", kNull, kNull, kNull,
                  "Computer", "DE"),
               pv("s2", "web", "2026-11-20 09:40:00.000000", "/products", T("social"), T("Twitter"),
                  T("spring"), "Mobile", "FR"),
               pv("s3", "shop", "2026-11-20 10:05:00.000000", "/", T("search"), T("Google"),
                  T("spring"), "Computer", "DE"),
               pv("s3", "shop", "2026-11-20 10:10:00.000000", "/products", kNull, kNull, kNull,
                  "Computer", "DE"),
               pv("s4", "web", "2026-11-19 23:30:00.000000", "/blog", kNull, kNull, kNull, "Tablet",
                  "US"),
           });
  AddTable(w, "traffic_hourly", TrafficColumns("hour"),
           {{T("2026-11-19T23:00:00Z"), I(2), I(1), I(1), I(1), I(0)},
            {T("2026-11-20T09:00:00Z"), I(6), I(4), I(2), I(2), I(1)},
            {T("2026-11-20T10:00:00Z"), I(5), I(2), I(1), I(1), I(1)}});
  AddTable(w, "traffic_daily", TrafficColumns("date"),
           {{T("2026-11-19"), I(2), I(1), I(1), I(1), I(0)},
            {T("2026-11-20"), I(11), I(6), I(3), I(2), I(2)}});
  AddTable(w, "funnel_steps",
           {{"funnel", kText},
            {"step", kInt},
            {"step_name", kText},
            {"sessions", kInt},
            {"conversion_from_previous", kReal},
            {"conversion_from_start", kReal},
            {"time_from_previous_p50_s", kReal},
            {"time_from_previous_p90_s", kReal}},
           {{T("checkout"), I(1), T("product"), I(4), R(1), R(1), kNull, kNull},
            {T("checkout"), I(2), T("checkout"), I(1), R(0.25), R(0.25), R(180), R(180)},
            {T("signup"), I(1), T("form"), I(2), R(1), R(1), kNull, kNull}});
  AddTable(w, "funnel_dropoffs",
           {{"funnel", kText}, {"last_step", kInt}, {"next_page", kText}, {"sessions", kInt}},
           {{T("checkout"), I(1), T("(exit)"), I(1)}, {T("checkout"), I(1), T("/"), I(2)}});
  AddTable(w, "journey_paths",
           {{"rank", kInt}, {"path", kText}, {"steps", kInt}, {"sessions", kInt}},
           {{I(1), T("/ > /products > /checkout"), I(3), I(1)},
            {I(2), T("/products"), I(1), I(1)},
            {I(3), T("/ > /products"), I(2), I(1)},
            {I(4), T("/blog"), I(1), I(1)}});
  AddTable(w, "flow_cases",
           {{"flow", kText}, {"case_id", kText}, {"cycle_time_s", kReal}, {"total_cost", kReal}},
           {{T("studio"), T("c1"), R(100), R(10)}, {T("studio"), T("c2"), R(300), R(30)}});
  AddTable(w, "flow_activities",
           {{"flow", kText}, {"activity", kText}, {"cases", kInt}, {"total_cost", kReal}},
           {{T("studio"), T("intake"), I(2), R(15)}, {T("studio"), T("shoot"), I(2), R(25)}});
  AddTable(w, "flow_transitions",
           {{"flow", kText}, {"from_activity", kText}, {"to_activity", kText}, {"count", kInt}},
           {{T("studio"), T("intake"), T("shoot"), I(2)}});
  AddTable(w, "flow_bottlenecks", {{"flow", kText}, {"rank", kInt}, {"activity", kText}},
           {{T("studio"), I(1), T("shoot")}});
  AddTable(w, "flow_variants",
           {{"flow", kText}, {"rank", kInt}, {"variant", kText}, {"cases", kInt}},
           {{T("studio"), I(1), T("intake > shoot"), I(2)}});
  AddTable(w, "flow_wip_daily",
           {{"flow", kText}, {"date", kText}, {"activity", kText}, {"wip", kInt}},
           {{T("studio"), T("2026-11-20"), T("shoot"), I(1)}});
  AddTable(w, "bad_rows_daily", {{"date", kText}, {"type", kText}, {"bad_rows", kInt}},
           {{T("2026-11-01"), T("schema_violations"), I(5)},
            {T("2026-11-20"), T("adapter_failures"), I(1)},
            {T("2026-11-20"), T("tracker_protocol_violations"), I(3)}});
  const Status s = w.Publish();
  ASSERT_TRUE(s.ok()) << s.ToString();
}

// Calls the Api and returns its answer (Handle answers before it returns).
inline http::Response Call(Api& api, const std::string& method, const std::string& target,
                           const std::string& body = "", http::HeaderList headers = {}) {
  http::Request r;
  r.method = method;
  r.target = target;
  const size_t q = target.find('?');
  r.path = target.substr(0, q);
  r.query = q == std::string::npos ? "" : target.substr(q + 1);
  r.body = body;
  r.headers = std::move(headers);
  http::ResponseCapture capture;
  api.Handle(std::move(r), capture.NewResponder());
  if (capture.sends() != 1) return http::Response(0, "", "");
  return capture.sent();
}

}  // namespace footfall::serving::testing
