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

void SetStr(std::string& field, const FieldValue& v) {
  const auto* s = std::get_if<std::string_view>(&v);
  field.assign(s ? *s : std::string_view());
}
template <typename T>
void SetOpt(std::optional<T>& field, const FieldValue& v) {
  const auto* t = std::get_if<T>(&v);
  field = t ? std::optional<T>(*t) : std::nullopt;
}

// clang-format off
#define FOOTFALL_STRING(name, description) \
  Field{#name, FieldType::kString, description, [](const Event& e) { return Str(e.name); }, \
        [](Event& e, const FieldValue& v) { SetStr(e.name, v); }}
#define FOOTFALL_OPTIONAL(name, type, description) \
  Field{#name, FieldType::type, description, [](const Event& e) { return Opt(e.name); }, \
        [](Event& e, const FieldValue& v) { SetOpt(e.name, v); }}

const std::array kFields = {
    FOOTFALL_STRING(app_id, "Application id (aid)"),
    FOOTFALL_STRING(platform, "Platform: web, mob, pc, srv, app, tv, cnsl, iot, headset (p)"),
    FOOTFALL_OPTIONAL(collector_tstamp, kTimestamp, "When the collector received the request"),
    FOOTFALL_OPTIONAL(dvce_created_tstamp, kTimestamp, "When the device created the event (dtm)"),
    FOOTFALL_STRING(event, "Event type: page_view, page_ping, struct, unstruct, transaction, transaction_item, ad_impression (e)"),
    FOOTFALL_STRING(event_id, "Event UUID, lower case (eid; derived from the payload's bytes when missing)"),
    FOOTFALL_STRING(name_tracker, "Tracker namespace (tna)"),
    FOOTFALL_STRING(v_tracker, "Tracker version (tv)"),
    FOOTFALL_STRING(v_collector, "Collector name and version"),
    FOOTFALL_STRING(v_etl, "Enrichment name and version (footfall-VERSION)"),
    FOOTFALL_STRING(user_id, "Business user id (uid)"),
    FOOTFALL_STRING(user_ipaddress, "Client IP (ip override, else the collector's), anonymized when configured"),
    FOOTFALL_STRING(domain_userid, "First-party cookie user id (duid), as sent"),
    FOOTFALL_OPTIONAL(domain_sessionidx, kInt64, "Session index (vid)"),
    FOOTFALL_STRING(network_userid, "Collector cookie user id: sp cookie < nuid < tnuid"),
    FOOTFALL_STRING(geo_country, "ISO 3166-1 alpha-2 country of the IP (geo lookup)"),
    FOOTFALL_STRING(geo_region, "ISO 3166-2 subdivision code of the IP (geo lookup)"),
    FOOTFALL_STRING(geo_city, "City of the IP, English name (geo lookup)"),
    FOOTFALL_STRING(geo_zipcode, "Postal code of the IP (geo lookup)"),
    FOOTFALL_OPTIONAL(geo_latitude, kDouble, "Latitude of the IP (geo lookup)"),
    FOOTFALL_OPTIONAL(geo_longitude, kDouble, "Longitude of the IP (geo lookup)"),
    FOOTFALL_STRING(geo_region_name, "Subdivision name of the IP, English (geo lookup)"),
    FOOTFALL_STRING(page_url, "Page URL (url, else the request's Referer; for /r/tp2 with e and without url, the redirect target u)"),
    FOOTFALL_STRING(page_title, "Page title (page)"),
    FOOTFALL_STRING(page_referrer, "Referrer URL (refr)"),
    FOOTFALL_STRING(page_urlscheme, "Scheme of page_url, lower case"),
    FOOTFALL_STRING(page_urlhost, "Host of page_url, lower case"),
    FOOTFALL_OPTIONAL(page_urlport, kInt64, "Port of page_url (80/443 when implicit)"),
    FOOTFALL_STRING(page_urlpath, "Path of page_url"),
    FOOTFALL_STRING(page_urlquery, "Query string of page_url, still percent-encoded"),
    FOOTFALL_STRING(page_urlfragment, "Fragment of page_url"),
    FOOTFALL_STRING(refr_urlscheme, "Scheme of page_referrer"),
    FOOTFALL_STRING(refr_urlhost, "Host of page_referrer"),
    FOOTFALL_OPTIONAL(refr_urlport, kInt64, "Port of page_referrer (80/443 when implicit)"),
    FOOTFALL_STRING(refr_urlpath, "Path of page_referrer"),
    FOOTFALL_STRING(refr_urlquery, "Query string of page_referrer"),
    FOOTFALL_STRING(refr_urlfragment, "Fragment of page_referrer"),
    FOOTFALL_STRING(refr_medium, "Referer class: search, social, email, internal, unknown (or a configured medium)"),
    FOOTFALL_STRING(refr_source, "Referer name from the referer table: Google, Facebook, Gmail, ..."),
    FOOTFALL_STRING(refr_term, "Search terms from the search engine's query parameter"),
    FOOTFALL_STRING(mkt_medium, "Campaign medium (utm_medium of page_url)"),
    FOOTFALL_STRING(mkt_source, "Campaign source (utm_source of page_url)"),
    FOOTFALL_STRING(mkt_term, "Campaign term (utm_term of page_url)"),
    FOOTFALL_STRING(mkt_content, "Campaign content (utm_content of page_url)"),
    FOOTFALL_STRING(mkt_campaign, "Campaign name (utm_campaign of page_url)"),
    FOOTFALL_STRING(contexts, "JSON array of the event's self-describing contexts (co / cx, contexts/1-0-0 data)"),
    FOOTFALL_STRING(se_category, "Structured event category (se_ca)"),
    FOOTFALL_STRING(se_action, "Structured event action (se_ac)"),
    FOOTFALL_STRING(se_label, "Structured event label (se_la)"),
    FOOTFALL_STRING(se_property, "Structured event property (se_pr)"),
    FOOTFALL_OPTIONAL(se_value, kDouble, "Structured event value (se_va)"),
    FOOTFALL_STRING(unstruct_event, "Self-describing event as JSON {\"schema\":...,\"data\":...} (ue_pr / ue_px, unstruct_event/1-0-0 data)"),
    FOOTFALL_STRING(tr_orderid, "Transaction order id (tr_id)"),
    FOOTFALL_STRING(tr_affiliation, "Transaction affiliation (tr_af)"),
    FOOTFALL_OPTIONAL(tr_total, kDouble, "Transaction total (tr_tt), a decimal as double"),
    FOOTFALL_OPTIONAL(tr_tax, kDouble, "Transaction tax (tr_tx), a decimal as double"),
    FOOTFALL_OPTIONAL(tr_shipping, kDouble, "Transaction shipping (tr_sh), a decimal as double"),
    FOOTFALL_STRING(tr_city, "Transaction city (tr_ci)"),
    FOOTFALL_STRING(tr_state, "Transaction state (tr_st)"),
    FOOTFALL_STRING(tr_country, "Transaction country (tr_co)"),
    FOOTFALL_STRING(ti_orderid, "Transaction item order id (ti_id)"),
    FOOTFALL_STRING(ti_sku, "Transaction item SKU (ti_sk)"),
    FOOTFALL_STRING(ti_name, "Transaction item name (ti_nm)"),
    FOOTFALL_STRING(ti_category, "Transaction item category (ti_ca)"),
    FOOTFALL_OPTIONAL(ti_price, kDouble, "Transaction item price (ti_pr), a decimal as double"),
    FOOTFALL_OPTIONAL(ti_quantity, kInt64, "Transaction item quantity (ti_qu)"),
    FOOTFALL_OPTIONAL(pp_xoffset_min, kInt64, "Page ping min x offset (pp_mix)"),
    FOOTFALL_OPTIONAL(pp_xoffset_max, kInt64, "Page ping max x offset (pp_max)"),
    FOOTFALL_OPTIONAL(pp_yoffset_min, kInt64, "Page ping min y offset (pp_miy)"),
    FOOTFALL_OPTIONAL(pp_yoffset_max, kInt64, "Page ping max y offset (pp_may)"),
    FOOTFALL_STRING(useragent, "User agent (ua override, else the request's)"),
    FOOTFALL_STRING(br_name, "Browser family and major version, \"Chrome 120\" (uap-core)"),
    FOOTFALL_STRING(br_family, "Browser family, \"Chrome\" (uap-core)"),
    FOOTFALL_STRING(br_version, "Browser version major.minor.patch, as far as known (uap-core)"),
    FOOTFALL_STRING(br_lang, "Browser language (lang)"),
    FOOTFALL_OPTIONAL(br_cookies, kBool, "Cookies enabled (cookie=1/0)"),
    FOOTFALL_STRING(br_colordepth, "Screen colour depth in bits, as sent (cd)"),
    FOOTFALL_OPTIONAL(br_viewwidth, kInt64, "Viewport width (vp WxH)"),
    FOOTFALL_OPTIONAL(br_viewheight, kInt64, "Viewport height (vp WxH)"),
    FOOTFALL_STRING(os_name, "OS family and major version, \"Windows 10\" (uap-core)"),
    FOOTFALL_STRING(os_family, "OS family, \"Windows\", \"iOS\", \"Android\" (uap-core)"),
    FOOTFALL_STRING(os_manufacturer, "OS maker from the OS family: Microsoft Corporation, Apple Inc., Google Inc."),
    FOOTFALL_STRING(os_timezone, "Client time zone (tz)"),
    FOOTFALL_STRING(dvce_type, "Computer, Mobile, Tablet, Robot or Unknown (from uap-core's device and OS)"),
    FOOTFALL_OPTIONAL(dvce_ismobile, kBool, "Device is a phone or a tablet"),
    FOOTFALL_OPTIONAL(dvce_screenwidth, kInt64, "Screen width (res WxH)"),
    FOOTFALL_OPTIONAL(dvce_screenheight, kInt64, "Screen height (res WxH)"),
    FOOTFALL_STRING(doc_charset, "Document character set (cs)"),
    FOOTFALL_OPTIONAL(doc_width, kInt64, "Document width (ds WxH)"),
    FOOTFALL_OPTIONAL(doc_height, kInt64, "Document height (ds WxH)"),
    FOOTFALL_STRING(tr_currency, "Transaction currency (tr_cu)"),
    FOOTFALL_STRING(ti_currency, "Transaction item currency (ti_cu)"),
    FOOTFALL_STRING(geo_timezone, "IANA time zone of the IP (geo lookup)"),
    FOOTFALL_STRING(mkt_clickid, "Ad click id: gclid, msclkid or dclid of page_url"),
    FOOTFALL_STRING(mkt_network, "Ad network of mkt_clickid: Google, Microsoft, DoubleClick"),
    FOOTFALL_OPTIONAL(dvce_sent_tstamp, kTimestamp, "When the device sent the event (stm)"),
    FOOTFALL_STRING(derived_contexts, "JSON array of contexts added by enrichments (ua_parser_context)"),
    FOOTFALL_STRING(domain_sessionid, "Client-side session UUID (sid)"),
    FOOTFALL_OPTIONAL(derived_tstamp, kTimestamp, "Best estimate of when the event happened: ttm, else collector - (stm - dtm) when dtm < stm, else collector"),
    FOOTFALL_STRING(event_vendor, "Vendor of the event's schema (com.snowplowanalytics.snowplow for built-in types; com.google.analytics for structured events)"),
    FOOTFALL_STRING(event_name, "Name of the event's schema: page_view, link_click, ..."),
    FOOTFALL_STRING(event_format, "Format of the event's schema: jsonschema"),
    FOOTFALL_STRING(event_version, "Version of the event's schema, MODEL-REVISION-ADDITION"),
    FOOTFALL_STRING(event_fingerprint, "16 hex digits: XXH3-64 of the sum of per-parameter hashes (every parameter but eid, nuid, stm, cv; independent of their order)"),
    FOOTFALL_OPTIONAL(true_tstamp, kTimestamp, "Timestamp the tracker vouches for (ttm)"),
    FOOTFALL_OPTIONAL(is_bot, kBool, "footfall's own: the user agent is a robot (uap-core device Spider, or a bot-like browser family)"),
};
// clang-format on

#undef FOOTFALL_STRING
#undef FOOTFALL_OPTIONAL

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
    case FieldType::kBool:
      return "bool";
  }
  return "?";
}

std::span<const Field> EventFields() { return kFields; }

std::string EventFieldsMarkdown() {
  std::string out = "| # | field | type | meaning |\n|---|---|---|---|\n";
  int n = 0;
  for (const Field& f : kFields) {
    out += "| " + std::to_string(++n) + " | `";
    out += f.name;
    out += "` | ";
    out += FieldTypeName(f.type);
    out += " | ";
    for (char c : f.description) {
      if (c == '|') out += '\\';  // keeps a table cell in one piece
      out += c;
    }
    out += " |\n";
  }
  return out;
}

}  // namespace footfall::event
