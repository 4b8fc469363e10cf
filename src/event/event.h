// The canonical enriched event: what enrichment produces from a collector payload and what every
// view reads. Field names and their order are Snowplow's (the analytics SDK's 131-field enriched
// event); footfall keeps the fields it fills, plus `is_bot`, its own. `fields.h` lists them for
// writers of tables and files; docs/formats/enriched-event.md documents each one.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "base/time.h"

namespace footfall::event {

// Absent strings are empty; absent numbers, booleans and times are nullopt. Decimal amounts
// (se_value, tr_*, ti_price) are doubles: exact for the cents of any realistic order total.
struct Event {
  std::string app_id;    // aid
  std::string platform;  // p
  std::optional<Micros> collector_tstamp;
  std::optional<Micros> dvce_created_tstamp;  // dtm
  std::string event;         // page_view, page_ping, struct, unstruct, transaction, …
  std::string event_id;      // eid, or derived from the payload when the tracker sent none
  std::string name_tracker;  // tna
  std::string v_tracker;     // tv
  std::string v_collector;
  std::string v_etl;                         // footfall and its version
  std::string user_id;                       // uid
  std::string user_ipaddress;                // ip override, else the collector's; anonymized
  std::string domain_userid;                 // duid
  std::optional<int64_t> domain_sessionidx;  // vid
  std::string network_userid;                // cookie < nuid < tnuid
  std::string geo_country;                   // ISO 3166-1 alpha-2
  std::string geo_region;                    // ISO 3166-2 subdivision code
  std::string geo_city;
  std::string geo_zipcode;
  std::optional<double> geo_latitude;
  std::optional<double> geo_longitude;
  std::string geo_region_name;
  std::string page_url;
  std::string page_title;
  std::string page_referrer;
  std::string page_urlscheme;
  std::string page_urlhost;
  std::optional<int64_t> page_urlport;
  std::string page_urlpath;
  std::string page_urlquery;
  std::string page_urlfragment;
  std::string refr_urlscheme;
  std::string refr_urlhost;
  std::optional<int64_t> refr_urlport;
  std::string refr_urlpath;
  std::string refr_urlquery;
  std::string refr_urlfragment;
  std::string refr_medium;   // search, social, email, internal, unknown
  std::string refr_source;   // Google, Facebook, Gmail, …
  std::string refr_term;     // the search terms, when the referer carries them
  std::string mkt_medium;    // utm_medium
  std::string mkt_source;    // utm_source
  std::string mkt_term;      // utm_term
  std::string mkt_content;   // utm_content
  std::string mkt_campaign;  // utm_campaign
  std::string contexts;      // JSON array of self-describing JSONs (co / cx)
  std::string se_category;
  std::string se_action;
  std::string se_label;
  std::string se_property;
  std::optional<double> se_value;
  std::string unstruct_event;  // the self-describing JSON {"schema":…,"data":…} (ue_pr / ue_px)
  std::string tr_orderid;
  std::string tr_affiliation;
  std::optional<double> tr_total;
  std::optional<double> tr_tax;
  std::optional<double> tr_shipping;
  std::string tr_city;
  std::string tr_state;
  std::string tr_country;
  std::string ti_orderid;
  std::string ti_sku;
  std::string ti_name;
  std::string ti_category;
  std::optional<double> ti_price;
  std::optional<int64_t> ti_quantity;
  std::optional<int64_t> pp_xoffset_min;
  std::optional<int64_t> pp_xoffset_max;
  std::optional<int64_t> pp_yoffset_min;
  std::optional<int64_t> pp_yoffset_max;
  std::string useragent;
  std::string br_name;                   // browser family and major version, "Chrome 120"
  std::string br_family;                 // "Chrome"
  std::string br_version;                // "120.0.6099"
  std::string br_lang;                   // lang
  std::optional<bool> br_cookies;        // cookie
  std::string br_colordepth;             // cd
  std::optional<int64_t> br_viewwidth;   // vp
  std::optional<int64_t> br_viewheight;  // vp
  std::string os_name;                   // OS family and version, "Windows 10"
  std::string os_family;                 // "Windows"
  std::string os_manufacturer;           // "Microsoft Corporation"
  std::string os_timezone;               // tz
  std::string dvce_type;                 // Computer, Mobile, Tablet, Robot, Unknown
  std::optional<bool> dvce_ismobile;
  std::optional<int64_t> dvce_screenwidth;   // res
  std::optional<int64_t> dvce_screenheight;  // res
  std::string doc_charset;                   // cs
  std::optional<int64_t> doc_width;          // ds
  std::optional<int64_t> doc_height;         // ds
  std::string tr_currency;
  std::string ti_currency;
  std::string geo_timezone;
  std::string mkt_clickid;                 // gclid, msclkid or dclid
  std::string mkt_network;                 // Google, Microsoft, DoubleClick
  std::optional<Micros> dvce_sent_tstamp;  // stm
  std::string derived_contexts;            // JSON array added by enrichments
  std::string domain_sessionid;            // sid
  std::optional<Micros> derived_tstamp;
  std::string event_vendor;           // from the event's schema, "com.snowplowanalytics.snowplow"
  std::string event_name;             // "page_view", "link_click", …
  std::string event_format;           // "jsonschema"
  std::string event_version;          // "1-0-0"
  std::string event_fingerprint;      // hash of the parameters that do not change on retry
  std::optional<Micros> true_tstamp;  // ttm
  std::optional<bool> is_bot;         // footfall's own: the user agent is a known robot

  bool operator==(const Event&) const = default;
};

}  // namespace footfall::event
