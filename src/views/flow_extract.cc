#include "views/flow_extract.h"

#include "views/field_ref.h"

namespace footfall::views {
namespace {

Status CheckRef(const FlowSpec& spec, std::string_view what, std::string_view ref, bool required) {
  if (ref.empty()) {
    if (!required) return Status::Ok();
    return InvalidArgument("flow '" + spec.name + "': " + std::string(what) + " is required");
  }
  if (IsDataRef(ref)) {
    if (spec.schema.empty()) {
      return InvalidArgument("flow '" + spec.name + "': " + std::string(what) + " '" +
                             std::string(ref) +
                             "' refers to self-describing data, but the flow's events are not "
                             "self-describing (set schema)");
    }
    if (ref.size() == kDataPrefix.size()) {
      return InvalidArgument("flow '" + spec.name + "': " + std::string(what) +
                             " 'data.' names no property");
    }
    return Status::Ok();
  }
  if (FindEventField(ref) == nullptr) {
    return InvalidArgument("flow '" + spec.name + "': " + std::string(what) + " '" +
                           std::string(ref) +
                           "' is neither an enriched-event field nor data.<property>");
  }
  return Status::Ok();
}

}  // namespace

Status ValidateFlowSpec(const FlowSpec& spec) {
  if (spec.name.empty()) return InvalidArgument("a flow needs a name");
  const int sources = (spec.schema.empty() ? 0 : 1) + (spec.se_category.empty() ? 0 : 1) +
                      (spec.page_views ? 1 : 0);
  if (sources != 1) {
    return InvalidArgument("flow '" + spec.name +
                           "': say which events belong to it with exactly one of schema, "
                           "se_category or page_views");
  }
  if (!spec.schema.empty()) {
    const size_t slash = spec.schema.find('/');
    if (slash == std::string::npos || slash == 0 || slash + 1 == spec.schema.size() ||
        spec.schema.find('/', slash + 1) != std::string::npos) {
      return InvalidArgument("flow '" + spec.name + "': schema '" + spec.schema +
                             "' should be vendor/name, e.g. com.footfall/workflow_step");
    }
  }
  FOOTFALL_RETURN_IF_ERROR(CheckRef(spec, "case", spec.case_field, true));
  FOOTFALL_RETURN_IF_ERROR(CheckRef(spec, "activity", spec.activity_field, true));
  FOOTFALL_RETURN_IF_ERROR(CheckRef(spec, "lifecycle", spec.lifecycle_field, false));
  FOOTFALL_RETURN_IF_ERROR(CheckRef(spec, "timestamp", spec.timestamp_field, true));
  FOOTFALL_RETURN_IF_ERROR(CheckRef(spec, "cost", spec.cost_field, false));
  FOOTFALL_RETURN_IF_ERROR(CheckRef(spec, "resource", spec.resource_field, false));
  if (!IsDataRef(spec.timestamp_field) &&
      FindEventField(spec.timestamp_field)->type != event::FieldType::kTimestamp) {
    return InvalidArgument("flow '" + spec.name + "': timestamp '" + spec.timestamp_field +
                           "' is not a timestamp field");
  }
  if (!spec.lifecycle_field.empty() && spec.start_value == spec.complete_value) {
    return InvalidArgument("flow '" + spec.name + "': start and complete values are the same");
  }
  return Status::Ok();
}

FlowSpec StudioFlowSpec() {
  FlowSpec s;
  s.name = "studio";
  s.schema = "com.footfall/workflow_step";
  s.case_field = "data.case_id";
  s.activity_field = "data.activity";
  s.lifecycle_field = "data.lifecycle";
  s.cost_field = "data.cost";
  s.resource_field = "data.resource";
  s.end_activities = {"publish"};
  return s;
}

FlowExtractor::FlowExtractor(FlowSpec spec)
    : spec_(std::move(spec)),
      case_(FieldRef::Resolve(spec_.case_field)),
      activity_(FieldRef::Resolve(spec_.activity_field)),
      lifecycle_(FieldRef::Resolve(spec_.lifecycle_field)),
      timestamp_(FieldRef::Resolve(spec_.timestamp_field)),
      cost_(FieldRef::Resolve(spec_.cost_field)),
      resource_(FieldRef::Resolve(spec_.resource_field)) {
  const size_t slash = spec_.schema.find('/');
  if (slash != std::string::npos) {
    vendor_ = spec_.schema.substr(0, slash);
    name_ = spec_.schema.substr(slash + 1);
  }
}

StepOutcome FlowExtractor::Extract(const event::Event& e, FlowStep* step) const {
  if (!spec_.schema.empty()) {
    if (e.event != "unstruct" || e.event_vendor != vendor_ || e.event_name != name_) {
      return StepOutcome::kNotInFlow;
    }
  } else if (!spec_.se_category.empty()) {
    if (e.event != "struct" || e.se_category != spec_.se_category) return StepOutcome::kNotInFlow;
  } else if (e.event != "page_view") {
    return StepOutcome::kNotInFlow;
  }
  RefReader read(e);
  step->case_id = read.Text(case_);
  step->activity = read.Text(activity_);
  const std::optional<Micros> t = read.Timestamp(timestamp_);
  if (step->case_id.empty() || step->activity.empty() || !t) return StepOutcome::kIncomplete;
  step->tstamp = *t;
  if (spec_.lifecycle_field.empty()) {
    step->lifecycle = Lifecycle::kInstant;
  } else {
    const std::string lifecycle = read.Text(lifecycle_);
    if (lifecycle == spec_.start_value) {
      step->lifecycle = Lifecycle::kStart;
    } else if (lifecycle == spec_.complete_value) {
      step->lifecycle = Lifecycle::kComplete;
    } else {
      return StepOutcome::kIncomplete;
    }
  }
  step->cost = spec_.cost_field.empty() ? std::nullopt : read.Number(cost_);
  step->resource = spec_.resource_field.empty() ? std::string() : read.Text(resource_);
  step->event_id = e.event_id;
  return StepOutcome::kStep;
}

}  // namespace footfall::views
