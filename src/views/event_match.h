// Which events a funnel step or a conversion means, as the config says it: a page path pattern,
// an event name, a self-describing schema, a structured category and action, and property
// filters — every condition given must hold.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "base/status.h"
#include "event/event.h"
#include "views/field_ref.h"

namespace footfall::views {

struct EventMatch {
  std::string name;        // how tables and charts label it
  std::string page_path;   // page views whose page_urlpath matches; `*` matches any run
  std::string event_name;  // event_name (else the event type): page_view, try_on, …
  std::string schema;      // self-describing events of vendor/name
  std::string se_category;
  std::string se_action;
  // field reference (field_ref.h) = value, compared as text.
  std::vector<std::pair<std::string, std::string>> where;
};

// kInvalidArgument naming `what` ("funnel 'checkout' step 2") when nothing is asked for or a
// field reference is unknown.
Status ValidateEventMatch(const EventMatch& match, const std::string& what);

// A validated EventMatch, compiled. Immutable; any thread.
class EventMatcher {
 public:
  explicit EventMatcher(EventMatch match);
  const EventMatch& match() const { return match_; }
  bool Matches(const event::Event& e) const;

 private:
  EventMatch match_;
  std::string vendor_, schema_name_;
  std::vector<std::pair<FieldRef, std::string>> where_;
};

// Glob matching with `*` for any run of characters (including none).
bool GlobMatch(std::string_view pattern, std::string_view text);

}  // namespace footfall::views
