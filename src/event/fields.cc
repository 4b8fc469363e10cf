#include "event/fields.h"

#include <array>

namespace footfall::event {
namespace {

FieldValue Str(const std::string& s) {
  if (s.empty()) return std::monostate{};
  return std::string_view(s);
}
template <typename T>
FieldValue Opt(const std::optional<T>& v) {
  if (!v) return std::monostate{};
  return *v;
}

#define FOOTFALL_STRING_FIELD(name, description)                                       \
  Field {                                                                              \
#name, FieldType::kString, description, [](const Event& e) { return Str(e.name); } \
  }
#define FOOTFALL_OPTIONAL_FIELD(name, type, description)                 \
  Field {                                                                \
#name, type, description, [](const Event& e) { return Opt(e.name); } \
  }

const std::array kFields = {
    FOOTFALL_STRING_FIELD(app_id, "Application id (tracker parameter aid)"),
    FOOTFALL_STRING_FIELD(platform, "Platform: web, mob, pc, srv, app, tv, cnsl, iot, headset (p)"),
    FOOTFALL_OPTIONAL_FIELD(collector_tstamp, FieldType::kTimestamp,
                            "When the collector received the request"),
    FOOTFALL_OPTIONAL_FIELD(dvce_created_tstamp, FieldType::kTimestamp,
                            "When the device created the event (dtm)"),
    FOOTFALL_OPTIONAL_FIELD(dvce_sent_tstamp, FieldType::kTimestamp,
                            "When the device sent the event (stm)"),
    FOOTFALL_OPTIONAL_FIELD(true_tstamp, FieldType::kTimestamp,
                            "Timestamp the tracker vouches for (ttm)"),
    FOOTFALL_OPTIONAL_FIELD(derived_tstamp, FieldType::kTimestamp,
                            "Best estimate of when the event happened"),
    FOOTFALL_STRING_FIELD(event, "Event type: page_view, page_ping, struct, unstruct, ..."),
    FOOTFALL_STRING_FIELD(event_id, "Event UUID (eid; derived from the payload when missing)"),
    FOOTFALL_STRING_FIELD(name_tracker, "Tracker namespace (tna)"),
    FOOTFALL_STRING_FIELD(v_tracker, "Tracker version (tv)"),
    FOOTFALL_STRING_FIELD(v_collector, "Collector name and version"),
    FOOTFALL_STRING_FIELD(user_id, "Business user id (uid)"),
    FOOTFALL_STRING_FIELD(user_ipaddress, "Client IP address"),
    FOOTFALL_STRING_FIELD(domain_userid, "First-party cookie user id (duid)"),
    FOOTFALL_OPTIONAL_FIELD(domain_sessionidx, FieldType::kInt64, "Session index (vid)"),
    FOOTFALL_STRING_FIELD(network_userid, "Third-party cookie user id (sp cookie, nuid, tnuid)"),
    FOOTFALL_STRING_FIELD(domain_sessionid, "Client-side session id (sid)"),
    FOOTFALL_STRING_FIELD(page_url, "Page URL (url)"),
    FOOTFALL_STRING_FIELD(page_title, "Page title (page)"),
    FOOTFALL_STRING_FIELD(page_referrer, "Referrer URL (refr)"),
    FOOTFALL_STRING_FIELD(page_urlscheme, "Scheme of page_url"),
    FOOTFALL_STRING_FIELD(page_urlhost, "Host of page_url"),
    FOOTFALL_OPTIONAL_FIELD(page_urlport, FieldType::kInt64, "Port of page_url (80/443 default)"),
    FOOTFALL_STRING_FIELD(page_urlpath, "Path of page_url"),
    FOOTFALL_STRING_FIELD(page_urlquery, "Query string of page_url"),
    FOOTFALL_STRING_FIELD(page_urlfragment, "Fragment of page_url"),
    FOOTFALL_STRING_FIELD(se_category, "Structured event category (se_ca)"),
    FOOTFALL_STRING_FIELD(se_action, "Structured event action (se_ac)"),
    FOOTFALL_STRING_FIELD(se_label, "Structured event label (se_la)"),
    FOOTFALL_STRING_FIELD(se_property, "Structured event property (se_pr)"),
    FOOTFALL_OPTIONAL_FIELD(se_value, FieldType::kDouble, "Structured event value (se_va)"),
    FOOTFALL_OPTIONAL_FIELD(pp_xoffset_min, FieldType::kInt64, "Page ping min x offset (pp_mix)"),
    FOOTFALL_OPTIONAL_FIELD(pp_xoffset_max, FieldType::kInt64, "Page ping max x offset (pp_max)"),
    FOOTFALL_OPTIONAL_FIELD(pp_yoffset_min, FieldType::kInt64, "Page ping min y offset (pp_miy)"),
    FOOTFALL_OPTIONAL_FIELD(pp_yoffset_max, FieldType::kInt64, "Page ping max y offset (pp_may)"),
    FOOTFALL_STRING_FIELD(useragent, "User agent (ua override, else the request's)"),
    FOOTFALL_STRING_FIELD(br_lang, "Browser language (lang)"),
    FOOTFALL_STRING_FIELD(os_timezone, "Client time zone (tz)"),
};

#undef FOOTFALL_STRING_FIELD
#undef FOOTFALL_OPTIONAL_FIELD

}  // namespace

std::string_view FieldTypeName(FieldType type) {
  switch (type) {
    case FieldType::kString:
      return "string";
    case FieldType::kInt64:
      return "int64";
    case FieldType::kDouble:
      return "double";
    case FieldType::kTimestamp:
      return "timestamp (microseconds, UTC)";
  }
  return "?";
}

std::span<const Field> EventFields() { return kFields; }

}  // namespace footfall::event
