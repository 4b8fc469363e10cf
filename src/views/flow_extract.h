// Extracting a flow's steps from enriched events (flow_spec.h).
#pragma once

#include <optional>
#include <string>

#include "base/time.h"
#include "event/event.h"
#include "views/field_ref.h"
#include "views/flow_spec.h"

namespace footfall::views {

enum class Lifecycle { kStart = 0, kComplete = 1, kInstant = 2 };

// One event of a flow.
struct FlowStep {
  std::string case_id;
  std::string activity;
  Lifecycle lifecycle = Lifecycle::kInstant;
  Micros tstamp = 0;
  std::optional<double> cost;
  std::string resource;
  std::string event_id;  // orders steps of the same instant and lifecycle

  bool operator==(const FlowStep&) const = default;
};

enum class StepOutcome {
  kNotInFlow,   // the event does not belong to the flow
  kStep,        // *step is filled
  kIncomplete,  // belongs to the flow but lacks a case, activity, time or a known lifecycle
};

// A spec validated with ValidateFlowSpec, compiled for fast extraction. Immutable; may be used
// from any number of threads.
class FlowExtractor {
 public:
  explicit FlowExtractor(FlowSpec spec);

  const FlowSpec& spec() const { return spec_; }
  StepOutcome Extract(const event::Event& e, FlowStep* step) const;

 private:
  FlowSpec spec_;
  std::string vendor_, name_;  // of spec_.schema
  FieldRef case_, activity_, lifecycle_, timestamp_, cost_, resource_;
};

}  // namespace footfall::views
