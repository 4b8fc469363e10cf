#include "enrich/enrich.h"

#include <simdjson.h>
#include <xxhash.h>

#include <charconv>
#include <string>
#include <utility>

#include "base/random.h"
#include "base/url.h"
#include "enrich/url_parts.h"

namespace footfall::enrich {
namespace {

using Params = std::vector<std::pair<std::string, std::string>>;

constexpr std::string_view kTp2Path = "/com.snowplowanalytics.snowplow/tp2";
constexpr std::string_view kPayloadDataSchemaPrefix =
    "iglu:com.snowplowanalytics.snowplow/payload_data/jsonschema/1-0-";

std::string Summary(const rawlog::CollectorPayload& p) {
  std::string s = p.method + " " + p.path;
  if (!p.query.empty()) s += "?" + p.query;
  if (!p.body.empty()) s += "\n" + p.body;
  return s;
}

void AddBad(const rawlog::CollectorPayload& p, BadRowType type, std::string message,
            EnrichOutput* out) {
  out->bad_rows.push_back(BadRow{type, p.timestamp, std::move(message), Summary(p)});
}

const std::string* Find(const Params& params, std::string_view name) {
  for (const auto& [k, v] : params) {
    if (k == name) return &v;
  }
  return nullptr;
}

std::string_view EventTypeName(std::string_view e) {
  if (e == "pv") return "page_view";
  if (e == "pp") return "page_ping";
  if (e == "se") return "struct";
  if (e == "ue") return "unstruct";
  if (e == "tr") return "transaction";
  if (e == "ti") return "transaction_item";
  if (e == "ad") return "ad_impression";
  return {};
}

bool ParseInt(std::string_view s, int64_t* out) {
  if (s.empty()) return false;
  const auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), *out);
  return ec == std::errc() && ptr == s.data() + s.size();
}

bool ParseDouble(std::string_view s, double* out) {
  if (s.empty()) return false;
  const auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), *out);
  return ec == std::errc() && ptr == s.data() + s.size();
}

// A UUID-shaped id derived from the payload bytes and the item's index: stable across rebuilds.
std::string DerivedEventId(const rawlog::CollectorPayload& p, size_t index) {
  const std::string bytes = rawlog::EncodePayload(p);
  const XXH128_hash_t h = XXH3_128bits_withSeed(bytes.data(), bytes.size(), index);
  Rng rng(h.low64 ^ (h.high64 * 0x9e3779b97f4a7c15ull));
  return NewUuid(rng);
}

// Maps one tracker-protocol item onto an event; returns an error message, or "" when valid.
std::string MapItem(const Params& params, const rawlog::CollectorPayload& payload, size_t index,
                    event::Event* e) {
  const std::string* type = Find(params, "e");
  if (type == nullptr) return "field e: missing (every event needs a type)";
  e->event = std::string(EventTypeName(*type));
  if (e->event.empty()) return "field e: '" + *type + "' is not a tracker-protocol event type";

  std::string errors;
  const auto fail = [&](std::string_view field, const std::string& value, std::string_view want) {
    if (!errors.empty()) errors += "; ";
    errors += "field " + std::string(field) + ": '" + value + "' is not " + std::string(want);
  };
  const auto timestamp = [&](std::string_view field, std::optional<Micros>* to) {
    if (const std::string* v = Find(params, field)) {
      int64_t ms;
      if (ParseInt(*v, &ms) && ms >= 0 && ms < 253402300800000) {
        *to = ms * 1000;
      } else {
        fail(field, *v, "milliseconds since the epoch");
      }
    }
  };
  const auto integer = [&](std::string_view field, std::optional<int64_t>* to) {
    if (const std::string* v = Find(params, field)) {
      int64_t n;
      if (ParseInt(*v, &n)) {
        *to = n;
      } else {
        fail(field, *v, "an integer");
      }
    }
  };
  const auto text = [&](std::string_view field, std::string* to) {
    if (const std::string* v = Find(params, field)) *to = *v;
  };

  e->collector_tstamp = payload.timestamp;
  e->v_collector = payload.collector;
  text("aid", &e->app_id);
  text("p", &e->platform);
  text("tna", &e->name_tracker);
  text("tv", &e->v_tracker);
  text("uid", &e->user_id);
  text("duid", &e->domain_userid);
  text("sid", &e->domain_sessionid);
  text("url", &e->page_url);
  text("page", &e->page_title);
  text("refr", &e->page_referrer);
  text("se_ca", &e->se_category);
  text("se_ac", &e->se_action);
  text("se_la", &e->se_label);
  text("se_pr", &e->se_property);
  text("lang", &e->br_lang);
  text("tz", &e->os_timezone);
  timestamp("dtm", &e->dvce_created_tstamp);
  timestamp("stm", &e->dvce_sent_tstamp);
  timestamp("ttm", &e->true_tstamp);
  integer("vid", &e->domain_sessionidx);
  integer("pp_mix", &e->pp_xoffset_min);
  integer("pp_max", &e->pp_xoffset_max);
  integer("pp_miy", &e->pp_yoffset_min);
  integer("pp_may", &e->pp_yoffset_max);
  if (const std::string* v = Find(params, "se_va")) {
    double d;
    if (ParseDouble(*v, &d)) {
      e->se_value = d;
    } else {
      fail("se_va", *v, "a decimal number");
    }
  }
  if (e->event == "struct" && (e->se_category.empty() || e->se_action.empty())) {
    if (!errors.empty()) errors += "; ";
    errors += "fields se_ca and se_ac: both required for a structured event";
  }

  if (const std::string* eid = Find(params, "eid")) {
    if (!IsUuid(*eid)) fail("eid", *eid, "a UUID");
    e->event_id = *eid;
    for (char& c : e->event_id) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  } else {
    e->event_id = DerivedEventId(payload, index);
  }

  // Network user id precedence: cookie < nuid < tnuid.
  e->network_userid = payload.network_userid;
  text("nuid", &e->network_userid);
  text("tnuid", &e->network_userid);
  e->useragent = payload.user_agent;
  text("ua", &e->useragent);
  e->user_ipaddress = payload.ip;
  text("ip", &e->user_ipaddress);

  if (!e->page_url.empty()) {
    if (auto parts = SplitUrl(e->page_url)) {
      e->page_urlscheme = std::move(parts->scheme);
      e->page_urlhost = std::move(parts->host);
      e->page_urlport = parts->port;
      e->page_urlpath = std::move(parts->path);
      e->page_urlquery = std::move(parts->query);
      e->page_urlfragment = std::move(parts->fragment);
    } else {
      fail("url", e->page_url, "an absolute URL");
    }
  }

  // derived_tstamp, as Snowplow's enrich computes it.
  if (e->true_tstamp) {
    e->derived_tstamp = e->true_tstamp;
  } else if (e->dvce_created_tstamp && e->dvce_sent_tstamp &&
             *e->dvce_created_tstamp < *e->dvce_sent_tstamp) {
    e->derived_tstamp = *e->collector_tstamp - (*e->dvce_sent_tstamp - *e->dvce_created_tstamp);
  } else {
    e->derived_tstamp = e->collector_tstamp;
  }
  return errors;
}

void EmitItem(const Params& params, const rawlog::CollectorPayload& payload, size_t index,
              EnrichOutput* out) {
  event::Event e;
  std::string error = MapItem(params, payload, index, &e);
  if (error.empty()) {
    out->events.push_back(std::move(e));
  } else {
    AddBad(payload, BadRowType::kTrackerProtocolViolations, std::move(error), out);
  }
}

// tp2 POST: {"schema": "iglu:…/payload_data/jsonschema/1-0-x", "data": [{"e": "pv", …}, …]}.
void EnrichPost(const rawlog::CollectorPayload& payload, const Params& query, EnrichOutput* out) {
  const std::string_view ct = payload.content_type;
  if (!ct.starts_with("application/json")) {
    AddBad(payload, BadRowType::kAdapterFailures,
           "content type '" + payload.content_type + "' is not application/json", out);
    return;
  }
  simdjson::dom::parser parser;
  simdjson::dom::element root;
  if (parser.parse(payload.body).get(root) != simdjson::SUCCESS) {
    AddBad(payload, BadRowType::kAdapterFailures, "body is not valid JSON", out);
    return;
  }
  std::string_view schema;
  simdjson::dom::array items;
  if (root["schema"].get(schema) != simdjson::SUCCESS ||
      !schema.starts_with(kPayloadDataSchemaPrefix) ||
      root["data"].get(items) != simdjson::SUCCESS || items.size() == 0) {
    AddBad(payload, BadRowType::kTrackerProtocolViolations,
           "body is not a payload_data envelope with a non-empty data array", out);
    return;
  }
  size_t index = 0;
  for (simdjson::dom::element item : items) {
    simdjson::dom::object obj;
    Params params;
    bool valid = item.get(obj) == simdjson::SUCCESS;
    if (valid) {
      for (auto field : obj) {
        std::string_view v;
        if (field.value.get(v) != simdjson::SUCCESS) {
          valid = false;
          break;
        }
        params.emplace_back(std::string(field.key), std::string(v));
      }
    }
    if (!valid) {
      AddBad(payload, BadRowType::kTrackerProtocolViolations,
             "data[" + std::to_string(index) + "]: not an object of string values", out);
      ++index;
      continue;
    }
    // Query-string parameters are merged into every item and win on a clash.
    for (const auto& [k, v] : query) {
      bool replaced = false;
      for (auto& [pk, pv] : params) {
        if (pk == k) {
          pv = v;
          replaced = true;
        }
      }
      if (!replaced) params.emplace_back(k, v);
    }
    EmitItem(params, payload, index, out);
    ++index;
  }
}

}  // namespace

std::string_view BadRowTypeName(BadRowType type) {
  switch (type) {
    case BadRowType::kCollectorPayloadFormatViolation:
      return "collector_payload_format_violation";
    case BadRowType::kAdapterFailures:
      return "adapter_failures";
    case BadRowType::kTrackerProtocolViolations:
      return "tracker_protocol_violations";
    case BadRowType::kSizeViolation:
      return "size_violation";
  }
  return "unknown";
}

void EnrichPayload(const rawlog::CollectorPayload& payload, EnrichOutput* out) {
  for (const auto& [name, value] : payload.headers) {
    if (name == rawlog::kSizeViolationHeader) {
      AddBad(payload, BadRowType::kSizeViolation,
             "request of " + value + " bytes is over the collector's size limit", out);
      return;
    }
  }
  const Params query = ParseQueryString(payload.query);
  const std::string_view path = payload.path;
  if (path == "/i" || path == "/ice.png" || (path == kTp2Path && payload.method != "POST")) {
    if (query.empty()) {
      AddBad(payload, BadRowType::kTrackerProtocolViolations, "request has no query string", out);
      return;
    }
    EmitItem(query, payload, 0, out);
  } else if (path == kTp2Path) {
    EnrichPost(payload, query, out);
  } else {
    AddBad(payload, BadRowType::kAdapterFailures,
           "no adapter for path '" + payload.path + "' (unknown vendor or version)", out);
  }
}

void EnrichRecord(std::string_view record, EnrichOutput* out) {
  auto payload = rawlog::DecodePayload(record);
  if (!payload.ok()) {
    out->bad_rows.push_back(BadRow{BadRowType::kCollectorPayloadFormatViolation, 0,
                                   payload.status().message(), std::string()});
    return;
  }
  EnrichPayload(*payload, out);
}

}  // namespace footfall::enrich
