#include "views/view_fields.h"

#include <set>
#include <string_view>

#include "event/fields.h"
#include "views/field_ref.h"

namespace footfall::views {
namespace {

// What the code of web_model.cc, bucket_metrics.cc, event_match.cc, flow_extract.cc and the
// deduplication reads of every event. pipeline_test's
// ViewFields.ClearingEveryOtherFieldChangesNoView checks that clearing every other field changes no
// row of any view.
constexpr std::string_view kFixed[] = {
    "app_id",
    "br_family",
    "br_viewheight",
    "br_viewwidth",
    "collector_tstamp",
    "contexts",
    "derived_tstamp",
    "doc_height",
    "doc_width",
    "domain_sessionid",
    "domain_userid",
    "dvce_created_tstamp",
    "dvce_type",
    "event",
    "event_fingerprint",
    "event_id",
    "event_name",
    "event_vendor",
    "geo_country",
    "mkt_campaign",
    "mkt_medium",
    "mkt_source",
    "network_userid",
    "os_family",
    "page_title",
    "page_url",
    "page_urlhost",
    "page_urlpath",
    "page_urlquery",
    "pp_xoffset_max",
    "pp_yoffset_max",
    "refr_medium",
    "refr_source",
    "refr_term",
    "se_action",
    "se_category",
    "unstruct_event",
    "user_id",
    "user_ipaddress",
};

void AddMatch(const EventMatch& m, std::set<std::string_view>* names) {
  for (const auto& [ref, value] : m.where) {
    if (const event::Field* f = FindEventField(ref)) names->insert(f->name);
  }
}

}  // namespace

std::vector<std::string> ViewFields(const WebModelOptions& web,
                                    const std::vector<FlowSpec>& flows) {
  std::set<std::string_view> names(std::begin(kFixed), std::end(kFixed));
  for (const EventMatch& m : web.conversions) AddMatch(m, &names);
  for (const FunnelSpec& f : web.funnels) {
    for (const EventMatch& m : f.steps) AddMatch(m, &names);
  }
  for (const FlowSpec& spec : flows) {
    for (const std::string* ref : {&spec.case_field, &spec.activity_field, &spec.lifecycle_field,
                                   &spec.timestamp_field, &spec.cost_field, &spec.resource_field}) {
      if (const event::Field* f = FindEventField(*ref)) names.insert(f->name);
    }
  }
  std::vector<std::string> out;
  for (const event::Field& f : event::EventFields()) {
    if (names.contains(f.name)) out.emplace_back(f.name);
  }
  return out;
}

}  // namespace footfall::views
