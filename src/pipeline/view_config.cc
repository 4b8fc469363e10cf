#include "pipeline/view_config.h"

#include <xxhash.h>

#include <cstdio>

#include "base/json_writer.h"

namespace footfall::pipeline {
namespace {

void WriteMatch(JsonWriter& w, const views::EventMatch& m) {
  w.BeginObject().Key("name").String(m.name);
  // Only what is set, so that a step reads like the config that made it.
  const std::pair<const char*, const std::string*> fields[] = {{"page_path", &m.page_path},
                                                               {"event_name", &m.event_name},
                                                               {"schema", &m.schema},
                                                               {"se_category", &m.se_category},
                                                               {"se_action", &m.se_action}};
  for (const auto& [key, value] : fields) {
    if (!value->empty()) w.Key(key).String(*value);
  }
  if (!m.where.empty()) {
    w.Key("where").BeginObject();
    for (const auto& [field, value] : m.where) w.Key(field).String(value);
    w.EndObject();
  }
  w.EndObject();
}

double Seconds(Micros t) { return static_cast<double>(t) / kMicrosPerSecond; }

}  // namespace

std::string ViewConfigJson(const views::WebModelOptions& web,
                           const std::vector<views::FlowSpec>& flows) {
  JsonWriter w;
  w.BeginObject();
  w.Key("session_timeout_s").Double(Seconds(web.session_timeout));
  w.Key("heartbeat_s").Double(Seconds(web.heartbeat));
  w.Key("min_visit_s").Double(Seconds(web.min_visit_length));
  w.Key("journey_steps").Int(web.journey_steps);
  w.Key("journey_keep_query").Bool(web.journey_keep_query);
  w.Key("conversions").BeginArray();
  for (const views::EventMatch& m : web.conversions) WriteMatch(w, m);
  w.EndArray();
  w.Key("funnels").BeginArray();
  for (const views::FunnelSpec& f : web.funnels) {
    w.BeginObject().Key("name").String(f.name).Key("consecutive").Bool(f.consecutive);
    w.Key("time_limit_s").Double(Seconds(f.time_limit)).Key("steps").BeginArray();
    for (const views::EventMatch& m : f.steps) WriteMatch(w, m);
    w.EndArray().EndObject();
  }
  w.EndArray();
  w.Key("flows").BeginArray();
  for (const views::FlowSpec& f : flows) {
    w.BeginObject();
    const std::pair<const char*, const std::string*> fields[] = {
        {"name", &f.name},
        {"schema", &f.schema},
        {"se_category", &f.se_category},
        {"case", &f.case_field},
        {"activity", &f.activity_field},
        {"lifecycle", &f.lifecycle_field},
        {"start_value", &f.start_value},
        {"complete_value", &f.complete_value},
        {"timestamp", &f.timestamp_field},
        {"cost", &f.cost_field},
        {"resource", &f.resource_field}};
    for (const auto& [key, value] : fields) w.Key(key).String(*value);
    w.Key("page_views").Bool(f.page_views).Key("end_activities").BeginArray();
    for (const std::string& a : f.end_activities) w.String(a);
    w.EndArray().EndObject();
  }
  w.EndArray();
  w.EndObject();
  return w.Take();
}

std::string ViewConfigHash(const std::string& view_config_json) {
  char out[17];
  std::snprintf(out, sizeof out, "%016llx",
                static_cast<unsigned long long>(
                    XXH3_64bits(view_config_json.data(), view_config_json.size())));
  return out;
}

}  // namespace footfall::pipeline
