// How a stream of enriched events describes a process (docs/views.md, flows): which events belong
// to a flow and which of their fields give the case, the activity, the lifecycle, the time, the
// cost and the resource. Set in the config (docs/config.md, `flows:`); several flows at once.
//
// Field references: a name of the enriched event (docs/formats/enriched-event.md), such as
// `domain_sessionid` or `page_urlpath`, or `data.<property>` for a top-level property of the
// self-describing event's data.
#pragma once

#include <string>
#include <vector>

#include "base/status.h"
#include "base/time.h"

namespace footfall::views {

struct FlowSpec {
  std::string name;  // identifies the flow in every flow table

  // Which events belong to the flow: exactly one of these is set.
  std::string schema;       // self-describing events: "vendor/name", any version
  std::string se_category;  // structured events of this category
  bool page_views = false;  // page views

  std::string case_field;      // required
  std::string activity_field;  // required
  // Empty: every event is an instant (an activity without duration). Else the field's value
  // says start or complete; other values are counted as unrecognised and left out.
  std::string lifecycle_field;
  std::string start_value = "start";
  std::string complete_value = "complete";
  std::string timestamp_field = "derived_tstamp";
  std::string cost_field;      // optional, a number
  std::string resource_field;  // optional
  // A case is complete when it has completed one of these; with none given, when none of its
  // activities is left open.
  std::vector<std::string> end_activities;
};

// kInvalidArgument naming the flow and the problem: no name, not exactly one event source,
// missing case or activity, or a field reference that is neither an enriched-event field (of a
// suitable type) nor `data.<property>`.
Status ValidateFlowSpec(const FlowSpec& spec);

// The studio example of the demo: garments through composed product photography, reported as
// com.footfall/workflow_step events.
FlowSpec StudioFlowSpec();

}  // namespace footfall::views
