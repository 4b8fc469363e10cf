// References to a value of an enriched event, as the config names them: an enriched-event field
// (`page_urlpath`, `se_action`, …) or `data.<property>`, a top-level property of the
// self-describing event's data. Used by flows, funnels and conversions.
#pragma once

#include <simdjson.h>

#include <optional>
#include <string>
#include <string_view>

#include "base/time.h"
#include "event/event.h"
#include "event/fields.h"

namespace footfall::views {

// The registry field named `name`, or null.
const event::Field* FindEventField(std::string_view name);

inline constexpr std::string_view kDataPrefix = "data.";

// True for `data.<property>` references.
inline bool IsDataRef(std::string_view ref) { return ref.starts_with(kDataPrefix); }

// A reference resolved once; empty() when none was given.
struct FieldRef {
  const event::Field* field = nullptr;  // an enriched-event field, or
  std::string property;                 // a property of the self-describing data
  static FieldRef Resolve(std::string_view ref);
  bool empty() const { return field == nullptr && property.empty(); }
};

// Reads references of one event; the self-describing data is parsed on first use, with a
// parser per thread. Lives no longer than one event's reading.
class RefReader {
 public:
  explicit RefReader(const event::Event& e) : e_(e) {}

  // The value as text ("" when absent or null); numbers in their shortest exact form.
  std::string Text(const FieldRef& ref);
  // A number, or a text holding one.
  std::optional<double> Number(const FieldRef& ref);
  // A timestamp field, or an ISO 8601 text property.
  std::optional<Micros> Timestamp(const FieldRef& ref);

 private:
  bool Property(const FieldRef& ref, simdjson::dom::element* out);

  const event::Event& e_;
  bool parsed_ = false;
  bool has_data_ = false;
  simdjson::dom::element data_;
};

}  // namespace footfall::views
