#include "views/event_match.h"

namespace footfall::views {

bool GlobMatch(std::string_view pattern, std::string_view text) {
  // Greedy with backtracking to the last star: linear in practice, no recursion.
  size_t p = 0, t = 0, star = std::string_view::npos, resume = 0;
  while (t < text.size()) {
    if (p < pattern.size() && pattern[p] == '*') {
      star = p++;
      resume = t;
    } else if (p < pattern.size() && pattern[p] == text[t]) {
      ++p;
      ++t;
    } else if (star != std::string_view::npos) {
      p = star + 1;
      t = ++resume;
    } else {
      return false;
    }
  }
  while (p < pattern.size() && pattern[p] == '*') ++p;
  return p == pattern.size();
}

Status ValidateEventMatch(const EventMatch& m, const std::string& what) {
  if (m.page_path.empty() && m.event_name.empty() && m.schema.empty() && m.se_category.empty() &&
      m.se_action.empty() && m.where.empty()) {
    return InvalidArgument(what +
                           ": say which events it means (page_path, event_name, schema, "
                           "se_category, se_action or where)");
  }
  if (!m.schema.empty() && m.schema.find('/') == std::string::npos) {
    return InvalidArgument(what + ": schema '" + m.schema + "' should be vendor/name");
  }
  for (const auto& [ref, value] : m.where) {
    if (!IsDataRef(ref) && FindEventField(ref) == nullptr) {
      return InvalidArgument(what + ": where '" + ref +
                             "' is neither an enriched-event field nor data.<property>");
    }
  }
  return Status::Ok();
}

EventMatcher::EventMatcher(EventMatch match) : match_(std::move(match)) {
  const size_t slash = match_.schema.find('/');
  if (slash != std::string::npos) {
    vendor_ = match_.schema.substr(0, slash);
    schema_name_ = match_.schema.substr(slash + 1);
  }
  for (const auto& [ref, value] : match_.where) where_.emplace_back(FieldRef::Resolve(ref), value);
}

bool EventMatcher::Matches(const event::Event& e) const {
  if (!match_.page_path.empty() &&
      (e.event != "page_view" || !GlobMatch(match_.page_path, e.page_urlpath))) {
    return false;
  }
  if (!match_.event_name.empty() &&
      match_.event_name != (e.event_name.empty() ? e.event : e.event_name)) {
    return false;
  }
  if (!match_.schema.empty() && (e.event_vendor != vendor_ || e.event_name != schema_name_)) {
    return false;
  }
  if (!match_.se_category.empty() && e.se_category != match_.se_category) return false;
  if (!match_.se_action.empty() && e.se_action != match_.se_action) return false;
  if (!where_.empty()) {
    RefReader read(e);
    for (const auto& [ref, value] : where_) {
      if (read.Text(ref) != value) return false;
    }
  }
  return true;
}

}  // namespace footfall::views
