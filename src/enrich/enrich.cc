#include "enrich/enrich.h"

#include <simdjson.h>
// Inlined: the fingerprint hashes every parameter, most a few bytes long.
#define XXH_INLINE_ALL
#include <xxhash.h>

#include <algorithm>
#include <array>
#include <charconv>
#include <cmath>
#include <string>
#include <unordered_map>
#include <utility>

#include "base/ascii.h"
#include "base/base64.h"
#include "base/bytes.h"
#include "base/json_writer.h"
#include "base/random.h"
#include "enrich/adapters.h"
#include "enrich/attribution.h"
#include "enrich/geo.h"
#include "enrich/ip_address.h"
#include "enrich/ua_fields.h"
#include "enrich/ua_parser.h"
#include "enrich/url_parts.h"
#include "iglu/registry.h"

#ifndef FOOTFALL_VERSION_STRING
#error "FOOTFALL_VERSION_STRING must be defined by the build (the project version)"
#endif

namespace footfall::enrich {
namespace {

// Every tracker-protocol parameter the mapping reads.
// clang-format off
#define FOOTFALL_PARAMS(X)                                                                   \
  X(e) X(eid) X(aid) X(p) X(tv) X(tna) X(uid) X(duid) X(sid) X(vid) X(nuid) X(tnuid) X(ip)  \
  X(ua) X(dtm) X(stm) X(ttm) X(tz) X(lang) X(cs) X(res) X(vp) X(ds) X(cd) X(cookie) X(url)  \
  X(page) X(refr) X(pp_mix) X(pp_max) X(pp_miy) X(pp_may) X(se_ca) X(se_ac) X(se_la)       \
  X(se_pr) X(se_va) X(ue_pr) X(ue_px) X(co) X(cx) X(tr_id) X(tr_af) X(tr_tt) X(tr_tx)      \
  X(tr_sh) X(tr_ci) X(tr_st) X(tr_co) X(tr_cu) X(ti_id) X(ti_sk) X(ti_nm) X(ti_ca) X(ti_pr) \
  X(ti_qu) X(ti_cu)
// clang-format on

enum Param : int {
#define FOOTFALL_ENUM(name) kParam_##name,
  FOOTFALL_PARAMS(FOOTFALL_ENUM)
#undef FOOTFALL_ENUM
      kParamCount
};

// Parameter names to their Param, open-addressed: the names are a few bytes long, and
// std::unordered_map's hashing and bucket arithmetic cost more than comparing them.
class ParamTable {
 public:
  ParamTable() {
    const std::pair<std::string_view, Param> entries[] = {
#define FOOTFALL_ENTRY(name) {#name, kParam_##name},
        FOOTFALL_PARAMS(FOOTFALL_ENTRY)
#undef FOOTFALL_ENTRY
    };
    for (const auto& [name, id] : entries) {
      size_t i = Hash(name) & kMask;
      while (!slots_[i].name.empty()) i = (i + 1) & kMask;
      slots_[i] = {name, id};
    }
  }

  // kParamCount when `name` is none of them.
  Param Find(std::string_view name) const {
    for (size_t i = Hash(name) & kMask;; i = (i + 1) & kMask) {
      const Slot& s = slots_[i];
      if (s.name.empty()) return kParamCount;  // no parameter name is empty
      if (s.name == name) return s.id;
    }
  }

 private:
  static constexpr size_t kSize = 256, kMask = kSize - 1;
  static_assert(kSize >= 2 * kParamCount, "a table at most half full keeps probes short");
  static size_t Hash(std::string_view name) {
    uint32_t h = 2166136261u;  // FNV-1a
    for (char c : name) h = (h ^ static_cast<unsigned char>(c)) * 16777619u;
    return h ^ (h >> 16);
  }
  struct Slot {
    std::string_view name;
    Param id = kParamCount;
  };
  std::array<Slot, kSize> slots_{};
};

const ParamTable& ParamIds() {
  static const auto* ids = new ParamTable();
  return *ids;
}

constexpr std::string_view kEtlVersion = "footfall-" FOOTFALL_VERSION_STRING;
constexpr std::string_view kSnowplowVendor = "com.snowplowanalytics.snowplow";

struct EventType {
  std::string_view code, event, vendor, name;
};
constexpr std::array<EventType, 7> kEventTypes = {{
    {"pv", "page_view", kSnowplowVendor, "page_view"},
    {"pp", "page_ping", kSnowplowVendor, "page_ping"},
    {"se", "struct", "com.google.analytics", "event"},
    {"ue", "unstruct", "", ""},
    {"tr", "transaction", kSnowplowVendor, "transaction"},
    {"ti", "transaction_item", kSnowplowVendor, "transaction_item"},
    {"ad", "ad_impression", kSnowplowVendor, "ad_impression"},
}};

constexpr std::array<std::string_view, 9> kPlatforms = {"web", "mob",  "pc",  "srv",    "app",
                                                        "tv",  "cnsl", "iot", "headset"};

bool ParseInt(std::string_view s, int64_t* out) {
  if (s.empty()) return false;
  const auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), *out);
  return ec == std::errc() && ptr == s.data() + s.size();
}

bool ParseDouble(std::string_view s, double* out) {
  if (s.empty()) return false;
  const auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), *out);
  return ec == std::errc() && ptr == s.data() + s.size() && std::isfinite(*out);
}

// "1920x1080" → (1920, 1080).
bool ParseSize(std::string_view s, int64_t* w, int64_t* h) {
  const size_t x = s.find('x');
  if (x == std::string_view::npos) return false;
  return ParseInt(s.substr(0, x), w) && ParseInt(s.substr(x + 1), h) && *w >= 0 && *h >= 0;
}

// iglu:vendor/name/format/M-R-A, each part non-empty and the version three integers.
bool SplitIgluUri(std::string_view uri, std::string_view parts[4]) {
  if (!uri.starts_with("iglu:")) return false;
  uri.remove_prefix(5);
  for (int i = 0; i < 4; ++i) {
    const size_t slash = uri.find('/');
    if ((slash == std::string_view::npos) != (i == 3)) return false;
    parts[i] = uri.substr(0, slash);
    if (parts[i].empty()) return false;
    if (i < 3) uri.remove_prefix(slash + 1);
  }
  int dashes = 0;
  bool digit = false;
  for (char c : parts[3]) {
    if (c == '-') {
      if (!digit) return false;
      ++dashes;
      digit = false;
    } else if (c >= '0' && c <= '9') {
      digit = true;
    } else {
      return false;
    }
  }
  return dashes == 2 && digit;
}

struct TransparentHash {
  using is_transparent = void;
  size_t operator()(std::string_view s) const { return std::hash<std::string_view>()(s); }
};

}  // namespace

std::string_view BadRowTypeName(BadRowType type) {
  switch (type) {
    case BadRowType::kCollectorPayloadFormatViolation:
      return "collector_payload_format_violation";
    case BadRowType::kAdapterFailures:
      return "adapter_failures";
    case BadRowType::kTrackerProtocolViolations:
      return "tracker_protocol_violations";
    case BadRowType::kSchemaViolations:
      return "schema_violations";
    case BadRowType::kEnrichmentFailures:
      return "enrichment_failures";
    case BadRowType::kSizeViolation:
      return "size_violation";
  }
  return "unknown";
}

std::string_view ProcessorVersion() { return FOOTFALL_VERSION_STRING; }

std::string BadRowToJson(const BadRow& row) {
  JsonWriter w;
  w.BeginObject();
  w.Key("type").String(BadRowTypeName(row.type));
  w.Key("processor").BeginObject();
  w.Key("artifact").String(kProcessorName).Key("version").String(ProcessorVersion());
  w.EndObject();
  w.Key("timestamp");
  if (row.timestamp > 0) {
    w.String(FormatIso8601(row.timestamp));
  } else {
    w.Null();
  }
  w.Key("messages").BeginArray();
  for (const BadRowMessage& m : row.messages) {
    w.BeginObject();
    w.Key("field").String(m.field).Key("value").String(m.value);
    w.Key("expectation").String(m.expectation);
    w.EndObject();
  }
  w.EndArray();
  w.Key("payload").String(row.payload);
  w.EndObject();
  return w.Take();
}

namespace {

// An `eid` as the event's event_id: UUIDs are stored lower-case.
std::string EventIdFromParam(std::string id) {
  AsciiLowerInPlace(&id);
  return id;
}

}  // namespace

struct Enricher::Impl {
  // Constant after Create.
  EnrichConfig config;
  const iglu::SchemaRegistry* registry = nullptr;
  std::shared_ptr<const UaParser> ua_parser;
  std::unique_ptr<GeoDatabase> geo;
  RefererTable referers{{}, {}};

  // Scratch, reused across payloads.
  simdjson::dom::parser parser;
  std::vector<AdaptedItem> items;
  std::string encoded_payload;
  // XXH3-64 of each of config.fingerprint_excluded, in its order.
  std::vector<uint64_t> excluded_name_hashes;
  std::unordered_map<std::string, UaFields, TransparentHash, std::equal_to<>> ua_cache;
  Stats stats;

  void EnrichPayload(const rawlog::CollectorPayload& payload, const ItemFilter& keep,
                     EnrichOutput* out);
  std::string SampleKey(const rawlog::CollectorPayload& payload, const AdaptedItem& item);
  // Takes the values of `item`'s parameters (moves them into the event).
  void EnrichItem(const rawlog::CollectorPayload& payload, AdaptedItem& item, EnrichOutput* out);
  std::string DerivedEventId(const rawlog::CollectorPayload& payload, size_t index);
  const UaFields& UserAgentFields(const std::string& ua);
  void SelfDescribing(simdjson::dom::element sdj, const std::string& where,
                      std::vector<BadRowMessage>* protocol, std::vector<BadRowMessage>* schema);
  std::string Fingerprint(const Params& params);
  bool IsExcludedFromFingerprint(const std::string& name, uint64_t name_hash) const;
};

// A UUID-shaped id derived from the payload bytes and the item's index: stable across rebuilds.
std::string Enricher::Impl::DerivedEventId(const rawlog::CollectorPayload& p, size_t index) {
  if (encoded_payload.empty()) rawlog::EncodePayload(p, &encoded_payload);
  const XXH128_hash_t h =
      XXH3_128bits_withSeed(encoded_payload.data(), encoded_payload.size(), index);
  Rng rng(h.low64 ^ (h.high64 * 0x9e3779b97f4a7c15ull));
  return NewUuid(rng);
}

const UaFields& Enricher::Impl::UserAgentFields(const std::string& ua) {
  if (auto it = ua_cache.find(std::string_view(ua)); it != ua_cache.end()) {
    ++stats.ua_cache_hits;
    return it->second;
  }
  ++stats.ua_cache_misses;
  // Starting over at the limit keeps memory bounded; results never depend on the cache.
  if (ua_cache.size() >= std::max<size_t>(config.ua_cache_entries, 1)) ua_cache.clear();
  return ua_cache.emplace(ua, MapUserAgent(ua_parser->Parse(ua), ua)).first->second;
}

// Checks one self-describing JSON {"schema": "iglu:…", "data": …} found at `where` (a parameter
// and a JSON Pointer): its shape is the tracker protocol's business, its data the registry's.
void Enricher::Impl::SelfDescribing(simdjson::dom::element sdj, const std::string& where,
                                    std::vector<BadRowMessage>* protocol,
                                    std::vector<BadRowMessage>* schema) {
  std::string_view uri;
  simdjson::dom::element data;
  if (!sdj.is_object() || sdj["schema"].get(uri) != simdjson::SUCCESS ||
      sdj["data"].get(data) != simdjson::SUCCESS) {
    protocol->push_back({where, std::string(simdjson::minify(sdj)).substr(0, 256),
                         "a self-describing JSON {\"schema\": \"iglu:…\", \"data\": …}"});
    return;
  }
  std::string_view parts[4];
  if (!SplitIgluUri(uri, parts)) {
    schema->push_back({where + "/schema", std::string(uri), "iglu:vendor/name/format/M-R-A"});
    return;
  }
  if (registry == nullptr) return;
  auto key = iglu::SchemaKey::Parse(uri);
  if (!key.ok()) {
    schema->push_back({where + "/schema", std::string(uri), key.status().message()});
    return;
  }
  std::vector<iglu::Violation> violations;
  const Status s = registry->Validate(*key, data, &violations);
  if (s.ok()) return;
  if (s.code() == StatusCode::kNotFound) {
    schema->push_back({where + "/schema", std::string(uri), "a schema the registry holds"});
    return;
  }
  for (const iglu::Violation& v : violations) {
    schema->push_back({where + "/data" + v.path, std::string(uri), v.message});
  }
  if (violations.empty()) schema->push_back({where + "/data", std::string(uri), s.message()});
}

// Independent of the parameters' order without sorting them: the sum (mod 2^64) of one hash per
// parameter, XXH3-64 of its value seeded with XXH3-64 of its name (so that where the name ends
// counts), then XXH3-64 of the sum's 8 little-endian bytes.
std::string Enricher::Impl::Fingerprint(const Params& params) {
  uint64_t sum = 0;
  for (const auto& [name, value] : params) {
    const uint64_t name_hash = XXH3_64bits(name.data(), name.size());
    if (IsExcludedFromFingerprint(name, name_hash)) continue;
    sum += XXH3_64bits_withSeed(value.data(), value.size(), name_hash);
  }
  std::string sum_bytes;
  PutFixed64(&sum_bytes, sum);
  const uint64_t h = XXH3_64bits(sum_bytes.data(), sum_bytes.size());
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out(16, '0');
  for (int i = 0; i < 16; ++i) out[i] = kHex[(h >> (60 - 4 * i)) & 15];
  return out;
}

bool Enricher::Impl::IsExcludedFromFingerprint(const std::string& name, uint64_t name_hash) const {
  for (size_t i = 0; i < excluded_name_hashes.size(); ++i) {
    if (excluded_name_hashes[i] == name_hash && config.fingerprint_excluded[i] == name) return true;
  }
  return false;
}

void Enricher::Impl::EnrichItem(const rawlog::CollectorPayload& payload, AdaptedItem& item,
                                EnrichOutput* out) {
  // Before the text parameters are moved out of the item.
  std::string fingerprint;
  if (config.fingerprint) fingerprint = Fingerprint(item.params);
  std::array<std::string*, kParamCount> v{};
  const auto& ids = ParamIds();
  for (auto& kv : item.params) {
    const Param id = ids.Find(kv.first);
    if (id != kParamCount && v[id] == nullptr) v[id] = &kv.second;
  }
  std::vector<BadRowMessage> protocol, schema;
  const auto fail = [&](std::string_view field, const std::string& value,
                        std::string_view expectation) {
    protocol.push_back({std::string(field), value, std::string(expectation)});
  };

  const EventType* type = nullptr;
  if (v[kParam_e] == nullptr) {
    out->bad_rows.push_back(MakeBadRow(
        payload, BadRowType::kTrackerProtocolViolations,
        {{"e", "", "an event type: pv, pp, se, ue, tr, ti or ad (every event needs one)"}}));
    return;
  }
  for (const EventType& t : kEventTypes) {
    if (*v[kParam_e] == t.code) type = &t;
  }
  if (type == nullptr) {
    out->bad_rows.push_back(MakeBadRow(payload, BadRowType::kTrackerProtocolViolations,
                                       {{"e", *v[kParam_e], "one of pv, pp, se, ue, tr, ti, ad"}}));
    return;
  }

  // Built in place: an Event is large, and moving it in afterwards costs as much as filling it.
  // Every return that does not keep it pops it again.
  event::Event& e = out->events.emplace_back();
  e.event = std::string(type->event);
  if (!type->vendor.empty()) {
    e.event_vendor = std::string(type->vendor);
    e.event_name = std::string(type->name);
    e.event_format = "jsonschema";
    e.event_version = "1-0-0";
  }
  e.collector_tstamp = payload.timestamp;
  e.v_collector = payload.collector;
  e.v_etl = std::string(kEtlVersion);

  // Moved: no other part of the mapping reads a plain text parameter.
  const auto text = [&](Param p, std::string* to) {
    if (v[p] != nullptr) *to = std::move(*v[p]);
  };
  const auto integer = [&](Param p, std::string_view name, std::optional<int64_t>* to) {
    if (v[p] == nullptr) return;
    int64_t n;
    if (ParseInt(*v[p], &n)) {
      *to = n;
    } else {
      fail(name, *v[p], "an integer");
    }
  };
  const auto decimal = [&](Param p, std::string_view name, std::optional<double>* to) {
    if (v[p] == nullptr) return;
    double d;
    if (ParseDouble(*v[p], &d)) {
      *to = d;
    } else {
      fail(name, *v[p], "a decimal number");
    }
  };
  const auto timestamp = [&](Param p, std::string_view name, std::optional<Micros>* to) {
    if (v[p] == nullptr) return;
    int64_t ms;
    if (ParseInt(*v[p], &ms) && ms >= 0 && ms < 253402300800000) {
      *to = ms * 1000;
    } else {
      fail(name, *v[p], "milliseconds since the epoch");
    }
  };
  const auto size = [&](Param p, std::string_view name, std::optional<int64_t>* w,
                        std::optional<int64_t>* h) {
    if (v[p] == nullptr) return;
    int64_t a, b;
    if (ParseSize(*v[p], &a, &b)) {
      *w = a;
      *h = b;
    } else {
      fail(name, *v[p], "a size WIDTHxHEIGHT in non-negative integers");
    }
  };

  text(kParam_aid, &e.app_id);
  if (v[kParam_p] != nullptr) {
    if (std::find(kPlatforms.begin(), kPlatforms.end(), *v[kParam_p]) == kPlatforms.end()) {
      fail("p", *v[kParam_p], "a platform: web, mob, pc, srv, app, tv, cnsl, iot, headset");
    }
    e.platform = *v[kParam_p];
  }
  text(kParam_tna, &e.name_tracker);
  text(kParam_tv, &e.v_tracker);
  text(kParam_uid, &e.user_id);
  text(kParam_duid, &e.domain_userid);
  if (v[kParam_sid] != nullptr) {
    if (!IsUuid(*v[kParam_sid])) fail("sid", *v[kParam_sid], "a UUID");
    e.domain_sessionid = *v[kParam_sid];
  }
  integer(kParam_vid, "vid", &e.domain_sessionidx);
  text(kParam_url, &e.page_url);
  text(kParam_page, &e.page_title);
  text(kParam_refr, &e.page_referrer);
  text(kParam_se_ca, &e.se_category);
  text(kParam_se_ac, &e.se_action);
  text(kParam_se_la, &e.se_label);
  text(kParam_se_pr, &e.se_property);
  decimal(kParam_se_va, "se_va", &e.se_value);
  text(kParam_lang, &e.br_lang);
  text(kParam_tz, &e.os_timezone);
  text(kParam_cs, &e.doc_charset);
  text(kParam_cd, &e.br_colordepth);
  size(kParam_res, "res", &e.dvce_screenwidth, &e.dvce_screenheight);
  size(kParam_vp, "vp", &e.br_viewwidth, &e.br_viewheight);
  size(kParam_ds, "ds", &e.doc_width, &e.doc_height);
  if (v[kParam_cookie] != nullptr) {
    if (*v[kParam_cookie] == "1") {
      e.br_cookies = true;
    } else if (*v[kParam_cookie] == "0") {
      e.br_cookies = false;
    } else {
      fail("cookie", *v[kParam_cookie], "1 or 0");
    }
  }
  timestamp(kParam_dtm, "dtm", &e.dvce_created_tstamp);
  timestamp(kParam_stm, "stm", &e.dvce_sent_tstamp);
  timestamp(kParam_ttm, "ttm", &e.true_tstamp);
  integer(kParam_pp_mix, "pp_mix", &e.pp_xoffset_min);
  integer(kParam_pp_max, "pp_max", &e.pp_xoffset_max);
  integer(kParam_pp_miy, "pp_miy", &e.pp_yoffset_min);
  integer(kParam_pp_may, "pp_may", &e.pp_yoffset_max);
  text(kParam_tr_id, &e.tr_orderid);
  text(kParam_tr_af, &e.tr_affiliation);
  decimal(kParam_tr_tt, "tr_tt", &e.tr_total);
  decimal(kParam_tr_tx, "tr_tx", &e.tr_tax);
  decimal(kParam_tr_sh, "tr_sh", &e.tr_shipping);
  text(kParam_tr_ci, &e.tr_city);
  text(kParam_tr_st, &e.tr_state);
  text(kParam_tr_co, &e.tr_country);
  text(kParam_tr_cu, &e.tr_currency);
  text(kParam_ti_id, &e.ti_orderid);
  text(kParam_ti_sk, &e.ti_sku);
  text(kParam_ti_nm, &e.ti_name);
  text(kParam_ti_ca, &e.ti_category);
  decimal(kParam_ti_pr, "ti_pr", &e.ti_price);
  integer(kParam_ti_qu, "ti_qu", &e.ti_quantity);
  text(kParam_ti_cu, &e.ti_currency);
  if (e.event == "struct" && (e.se_category.empty() || e.se_action.empty())) {
    fail(e.se_category.empty() ? "se_ca" : "se_ac", "",
         "a category and an action (both required for a structured event)");
  }

  if (v[kParam_eid] != nullptr) {
    if (!IsUuid(*v[kParam_eid])) fail("eid", *v[kParam_eid], "a UUID");
    e.event_id = EventIdFromParam(*v[kParam_eid]);
  } else {
    e.event_id = DerivedEventId(payload, item.index);
  }

  // Network user id precedence: cookie < nuid < tnuid.
  e.network_userid = payload.network_userid;
  text(kParam_nuid, &e.network_userid);
  text(kParam_tnuid, &e.network_userid);
  e.useragent = payload.user_agent;
  text(kParam_ua, &e.useragent);
  e.user_ipaddress = payload.ip;
  text(kParam_ip, &e.user_ipaddress);

  // As Snowplow does: without `url`, the page is the request's Referer (a pixel's page).
  if (e.page_url.empty() && !payload.referer.empty() && SplitUrl(payload.referer)) {
    e.page_url = payload.referer;
  }
  if (!e.page_url.empty()) {
    if (auto parts = SplitUrl(e.page_url)) {
      e.page_urlscheme = std::move(parts->scheme);
      e.page_urlhost = std::move(parts->host);
      e.page_urlport = parts->port;
      e.page_urlpath = std::move(parts->path);
      e.page_urlquery = std::move(parts->query);
      e.page_urlfragment = std::move(parts->fragment);
    } else {
      fail("url", e.page_url, "an absolute URL");
    }
  }
  // A referrer is whatever the browser had; one that is not a URL is kept but not split.
  if (!e.page_referrer.empty()) {
    if (auto parts = SplitUrl(e.page_referrer)) {
      e.refr_urlscheme = std::move(parts->scheme);
      e.refr_urlhost = std::move(parts->host);
      e.refr_urlport = parts->port;
      e.refr_urlpath = std::move(parts->path);
      e.refr_urlquery = std::move(parts->query);
      e.refr_urlfragment = std::move(parts->fragment);
    }
  }

  // The self-describing event: unstruct_event/1-0-0 around {"schema": …, "data": …}.
  if (e.event == "unstruct") {
    const bool plain = v[kParam_ue_pr] != nullptr;
    const std::string_view param = plain ? "ue_pr" : "ue_px";
    std::optional<std::string> json;
    if (plain) {
      json = *v[kParam_ue_pr];
    } else if (v[kParam_ue_px] != nullptr) {
      json = Base64Decode(*v[kParam_ue_px]);
      if (!json) fail("ue_px", *v[kParam_ue_px], "base64 (URL-safe or standard alphabet)");
    } else {
      fail("ue_pr", "", "ue_pr or ue_px: a self-describing event needs one");
    }
    simdjson::dom::element root, inner;
    std::string_view envelope;
    if (!json) {
      // already reported
    } else if (parser.parse(*json).get(root) != simdjson::SUCCESS) {
      fail(param, json->substr(0, 256), "JSON");
    } else if (root["schema"].get(envelope) != simdjson::SUCCESS ||
               !envelope.starts_with(kUnstructEventSchemaPrefix) ||
               root["data"].get(inner) != simdjson::SUCCESS) {
      fail(param, json->substr(0, 256),
           "an unstruct_event/1-0-0 envelope {\"schema\": \"iglu:com.snowplowanalytics.snowplow/"
           "unstruct_event/jsonschema/1-0-0\", \"data\": {\"schema\": …, \"data\": …}}");
    } else {
      const size_t before = protocol.size() + schema.size();
      SelfDescribing(inner, std::string(param) + "/data", &protocol, &schema);
      std::string_view uri, parts[4];
      if (protocol.size() + schema.size() == before &&
          inner["schema"].get(uri) == simdjson::SUCCESS && SplitIgluUri(uri, parts)) {
        e.event_vendor = std::string(parts[0]);
        e.event_name = std::string(parts[1]);
        e.event_format = std::string(parts[2]);
        e.event_version = std::string(parts[3]);
        e.unstruct_event = simdjson::minify(inner);
      }
    }
  }

  // Contexts: contexts/1-0-0 around an array of self-describing JSONs.
  if (v[kParam_co] != nullptr || v[kParam_cx] != nullptr) {
    const bool plain = v[kParam_co] != nullptr;
    const std::string_view param = plain ? "co" : "cx";
    std::optional<std::string> json;
    if (plain) {
      json = *v[kParam_co];
    } else {
      json = Base64Decode(*v[kParam_cx]);
      if (!json) fail("cx", *v[kParam_cx], "base64 (URL-safe or standard alphabet)");
    }
    simdjson::dom::element root;
    simdjson::dom::array array;
    std::string_view envelope;
    if (!json) {
      // already reported
    } else if (parser.parse(*json).get(root) != simdjson::SUCCESS) {
      fail(param, json->substr(0, 256), "JSON");
    } else if (root["schema"].get(envelope) != simdjson::SUCCESS ||
               !envelope.starts_with(kContextsSchemaPrefix) ||
               root["data"].get(array) != simdjson::SUCCESS) {
      fail(param, json->substr(0, 256),
           "a contexts/1-0-0 envelope {\"schema\": \"iglu:com.snowplowanalytics.snowplow/"
           "contexts/jsonschema/1-0-0\", \"data\": [{\"schema\": …, \"data\": …}, …]}");
    } else {
      size_t i = 0;
      for (simdjson::dom::element context : array) {
        SelfDescribing(context, std::string(param) + "/data/" + std::to_string(i++), &protocol,
                       &schema);
      }
      if (array.size() > 0) e.contexts = simdjson::minify(array);
    }
  }

  if (!protocol.empty()) {
    out->events.pop_back();
    out->bad_rows.push_back(
        MakeBadRow(payload, BadRowType::kTrackerProtocolViolations, std::move(protocol)));
    return;
  }
  if (!schema.empty()) {
    out->events.pop_back();
    out->bad_rows.push_back(MakeBadRow(payload, BadRowType::kSchemaViolations, std::move(schema)));
    return;
  }

  // derived_tstamp, as Snowplow's enrich computes it.
  if (e.true_tstamp) {
    e.derived_tstamp = e.true_tstamp;
  } else if (e.dvce_created_tstamp && e.dvce_sent_tstamp &&
             *e.dvce_created_tstamp < *e.dvce_sent_tstamp) {
    e.derived_tstamp = *e.collector_tstamp - (*e.dvce_sent_tstamp - *e.dvce_created_tstamp);
  } else {
    e.derived_tstamp = e.collector_tstamp;
  }

  // Enrichments.
  if (config.user_agent && !e.useragent.empty()) {
    const UaFields& ua = UserAgentFields(e.useragent);
    e.br_name = ua.br_name;
    e.br_family = ua.br_family;
    e.br_version = ua.br_version;
    e.os_name = ua.os_name;
    e.os_family = ua.os_family;
    e.os_manufacturer = ua.os_manufacturer;
    e.dvce_type = ua.dvce_type;
    e.dvce_ismobile = ua.dvce_ismobile;
    e.is_bot = ua.is_bot;
    if (config.ua_parser_context) e.derived_contexts = "[" + ua.ua_parser_context + "]";
  }
  if (config.referer && !e.refr_urlhost.empty()) {
    RefererClass r = referers.Classify(e.refr_urlhost, e.refr_urlquery, e.page_urlhost);
    e.refr_medium = std::move(r.medium);
    e.refr_source = std::move(r.source);
    e.refr_term = std::move(r.term);
  }
  if (config.campaign && !e.page_urlquery.empty()) {
    Campaign c = ExtractCampaign(e.page_urlquery);
    e.mkt_medium = std::move(c.medium);
    e.mkt_source = std::move(c.source);
    e.mkt_term = std::move(c.term);
    e.mkt_content = std::move(c.content);
    e.mkt_campaign = std::move(c.campaign);
    e.mkt_clickid = std::move(c.clickid);
    e.mkt_network = std::move(c.network);
  }
  if (geo != nullptr && !e.user_ipaddress.empty()) {
    auto location = geo->Lookup(e.user_ipaddress);
    if (!location.ok()) {
      out->bad_rows.push_back(
          MakeBadRow(payload, BadRowType::kEnrichmentFailures,
                     {{"user_ipaddress", e.user_ipaddress,
                       "a geo database record: " + location.status().message()}}));
      out->events.pop_back();
      return;
    }
    if (*location) {
      GeoLocation& g = **location;
      e.geo_country = std::move(g.country);
      e.geo_region = std::move(g.region);
      e.geo_city = std::move(g.city);
      e.geo_zipcode = std::move(g.zipcode);
      e.geo_latitude = g.latitude;
      e.geo_longitude = g.longitude;
      e.geo_region_name = std::move(g.region_name);
      e.geo_timezone = std::move(g.timezone);
    }
  }
  if (config.anonymize_ip) {
    e.user_ipaddress = AnonymizeIp(e.user_ipaddress, config.ipv4_octets, config.ipv6_segments);
  }
  e.event_fingerprint = std::move(fingerprint);
}

// As EnrichItem fills domain_userid, network_userid (cookie < nuid < tnuid) and event_id.
std::string Enricher::Impl::SampleKey(const rawlog::CollectorPayload& payload,
                                      const AdaptedItem& item) {
  const std::string* duid = nullptr;
  const std::string* nuid = nullptr;
  const std::string* tnuid = nullptr;
  const std::string* eid = nullptr;
  for (const auto& [name, value] : item.params) {
    const std::string** slot = name == "duid"    ? &duid
                               : name == "nuid"  ? &nuid
                               : name == "tnuid" ? &tnuid
                               : name == "eid"   ? &eid
                                                 : nullptr;
    if (slot != nullptr && *slot == nullptr) *slot = &value;
  }
  if (duid != nullptr && !duid->empty()) return *duid;
  const std::string& network = tnuid != nullptr  ? *tnuid
                               : nuid != nullptr ? *nuid
                                                 : payload.network_userid;
  if (!network.empty()) return network;
  return eid != nullptr ? EventIdFromParam(*eid) : DerivedEventId(payload, item.index);
}

void Enricher::Impl::EnrichPayload(const rawlog::CollectorPayload& payload, const ItemFilter& keep,
                                   EnrichOutput* out) {
  items.clear();
  encoded_payload.clear();
  Adapt(payload, parser, &items, &out->bad_rows);
  for (AdaptedItem& item : items) {
    if (!keep || keep(SampleKey(payload, item))) EnrichItem(payload, item, out);
  }
}

Enricher::Enricher(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Enricher::Enricher(Enricher&&) noexcept = default;
Enricher& Enricher::operator=(Enricher&&) noexcept = default;
Enricher::~Enricher() = default;

Result<Enricher> Enricher::Create(EnrichConfig config, const iglu::SchemaRegistry* registry,
                                  std::shared_ptr<const UaParser> ua_parser) {
  if (config.user_agent && ua_parser == nullptr) {
    return FailedPrecondition("the user-agent enrichment is on but no uap-core parser was given");
  }
  if (config.anonymize_ip && (config.ipv4_octets < 0 || config.ipv4_octets > 4 ||
                              config.ipv6_segments < 0 || config.ipv6_segments > 8)) {
    return InvalidArgument(
        "IP anonymization: ipv4_octets must be 0..4 and ipv6_segments 0..8, not " +
        std::to_string(config.ipv4_octets) + " and " + std::to_string(config.ipv6_segments));
  }
  auto impl = std::make_unique<Impl>();
  if (!config.geo_database.empty()) {
    FOOTFALL_ASSIGN_OR_RETURN(impl->geo, GeoDatabase::Open(config.geo_database));
  }
  impl->referers = RefererTable(config.extra_referers, config.internal_domains);
  impl->config = std::move(config);
  for (const std::string& name : impl->config.fingerprint_excluded) {
    impl->excluded_name_hashes.push_back(XXH3_64bits(name.data(), name.size()));
  }
  impl->registry = registry;
  impl->ua_parser = std::move(ua_parser);
  return Enricher(std::move(impl));
}

void Enricher::Enrich(const rawlog::CollectorPayload& payload, EnrichOutput* out) {
  impl_->EnrichPayload(payload, {}, out);
}

void Enricher::EnrichRecord(std::string_view record, EnrichOutput* out) {
  EnrichRecord(record, {}, out);
}

void Enricher::EnrichRecord(std::string_view record, const ItemFilter& keep, EnrichOutput* out) {
  auto payload = rawlog::DecodePayload(record);
  if (!payload.ok()) {
    out->bad_rows.push_back(
        BadRow{BadRowType::kCollectorPayloadFormatViolation,
               0,
               {{"record", std::to_string(record.size()) + " bytes", payload.status().message()}},
               "base64:" + Base64Encode(record, Base64Alphabet::kUrlSafe)});
    return;
  }
  impl_->EnrichPayload(*payload, keep, out);
}

const EnrichConfig& Enricher::config() const { return impl_->config; }

Enricher::Stats Enricher::stats() const { return impl_->stats; }

}  // namespace footfall::enrich
