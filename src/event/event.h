// The canonical enriched event: what enrichment produces from a collector payload and what every
// view reads. Field names are Snowplow's (the analytics SDK's enriched-event order); footfall
// keeps the ones it fills so far. `fields.h` lists them for writers of tables and files.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "base/time.h"

namespace footfall::event {

// Absent strings are empty; absent numbers and times are nullopt.
struct Event {
  std::string app_id;    // aid
  std::string platform;  // p
  std::optional<Micros> collector_tstamp;
  std::optional<Micros> dvce_created_tstamp;  // dtm
  std::optional<Micros> dvce_sent_tstamp;     // stm
  std::optional<Micros> true_tstamp;          // ttm
  std::optional<Micros> derived_tstamp;
  std::string event;         // page_view, page_ping, struct, unstruct, transaction, …
  std::string event_id;      // eid, or derived from the payload when the tracker sent none
  std::string name_tracker;  // tna
  std::string v_tracker;     // tv
  std::string v_collector;
  std::string user_id;                       // uid
  std::string user_ipaddress;                // ip override, else the collector's
  std::string domain_userid;                 // duid
  std::optional<int64_t> domain_sessionidx;  // vid
  std::string network_userid;                // tnuid > nuid > cookie
  std::string domain_sessionid;              // sid
  std::string page_url;
  std::string page_title;
  std::string page_referrer;
  std::string page_urlscheme;
  std::string page_urlhost;
  std::optional<int64_t> page_urlport;
  std::string page_urlpath;
  std::string page_urlquery;
  std::string page_urlfragment;
  std::string se_category;
  std::string se_action;
  std::string se_label;
  std::string se_property;
  std::optional<double> se_value;
  std::optional<int64_t> pp_xoffset_min;
  std::optional<int64_t> pp_xoffset_max;
  std::optional<int64_t> pp_yoffset_min;
  std::optional<int64_t> pp_yoffset_max;
  std::string useragent;
  std::string br_lang;
  std::string os_timezone;

  bool operator==(const Event&) const = default;
};

}  // namespace footfall::event
