#include "enrich/adapters.h"

#include <simdjson.h>

#include <algorithm>

#include "base/ascii.h"
#include "base/json_writer.h"

namespace footfall::enrich {
namespace {

constexpr std::string_view kPayloadDataSchemaPrefix =
    "iglu:com.snowplowanalytics.snowplow/payload_data/jsonschema/1-0-";

std::string Lower(std::string_view s) {
  std::string out(s);
  AsciiLowerInPlace(&out);
  return out;
}

// The media type without parameters, lower case: "application/json; charset=utf-8" →
// "application/json".
std::string MediaType(std::string_view content_type) {
  const size_t semi = content_type.find(';');
  std::string_view t = content_type.substr(0, semi);
  while (!t.empty() && t.back() == ' ') t.remove_suffix(1);
  while (!t.empty() && t.front() == ' ') t.remove_prefix(1);
  return Lower(t);
}

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// Form decoding as base/url.h's PercentDecode (malformed escapes kept as they are), but copying
// runs without escapes in one append: long base64 values (ue_px, cx) have none.
void AppendFormDecoded(std::string_view in, std::string* out) {
  out->reserve(out->size() + in.size());
  // The next '%' and '+' at or after i, each found with a vectorized search and looked for
  // again only once passed (hex digits are never '+', so an escape never skips one).
  size_t pct = in.find('%'), plus = in.find('+'), i = 0;
  while (true) {
    const size_t special = std::min(pct, plus);
    if (special == std::string_view::npos) {
      out->append(in.substr(i));
      return;
    }
    out->append(in.substr(i, special - i));
    if (special == plus) {
      out->push_back(' ');
      i = special + 1;
      plus = in.find('+', i);
      continue;
    }
    if (special + 2 < in.size() && HexValue(in[special + 1]) >= 0 &&
        HexValue(in[special + 2]) >= 0) {
      out->push_back(static_cast<char>(HexValue(in[special + 1]) * 16 + HexValue(in[special + 2])));
      i = special + 3;
    } else {
      out->push_back('%');
      i = special + 1;
    }
    pct = in.find('%', i);
  }
}

const std::string* Find(const Params& params, std::string_view name) {
  for (const auto& [k, v] : params) {
    if (k == name) return &v;
  }
  return nullptr;
}

void Erase(Params* params, std::string_view name) {
  std::erase_if(*params, [&](const auto& kv) { return kv.first == name; });
}

constexpr size_t kTypicalParams = 48;  // a tracker's request carries 20 to 45

// One of 64 bits for a name, from its length and first and last characters. A set of them
// for the names added so far tells most new names apart without searching for an earlier one.
uint64_t NameBit(std::string_view name) {
  if (name.empty()) return 1;
  return uint64_t{1} << ((name.size() * 7 + static_cast<unsigned char>(name.front()) * 3 +
                          static_cast<unsigned char>(name.back())) &
                         63);
}

// Decoded (name, value) pairs of a query string or form body; the first occurrence of each
// name wins, as the mapping reads it; empty pieces are skipped.
Params ParseForm(std::string_view query) {
  Params out;
  out.reserve(kTypicalParams);
  std::string name, value;
  uint64_t seen = 0;  // NameBit of the names so far
  while (!query.empty()) {
    const size_t amp = query.find('&');
    const std::string_view piece = query.substr(0, amp);
    query.remove_prefix(amp == std::string_view::npos ? query.size() : amp + 1);
    if (piece.empty()) continue;
    const size_t eq = piece.find('=');
    name.clear();
    AppendFormDecoded(piece.substr(0, eq), &name);
    const uint64_t bit = NameBit(name);
    if ((seen & bit) != 0 && Find(out, name) != nullptr) continue;
    seen |= bit;
    value.clear();
    if (eq != std::string_view::npos) AppendFormDecoded(piece.substr(eq + 1), &value);
    out.emplace_back(name, std::move(value));
  }
  return out;
}

// The unstruct_event envelope around {"schema": schema, "data": data_json}.
std::string UnstructEnvelope(std::string_view schema, std::string_view data_json) {
  std::string out = "{\"schema\":";
  AppendJsonString(&out, kUnstructEventSchema);
  out += ",\"data\":{\"schema\":";
  AppendJsonString(&out, schema);
  out += ",\"data\":";
  out += data_json;
  out += "}}";
  return out;
}

void AddBad(const rawlog::CollectorPayload& p, BadRowType type, std::string field,
            std::string value, std::string expectation, std::vector<BadRow>* bad) {
  bad->push_back(MakeBadRow(
      p, type, {BadRowMessage{std::move(field), std::move(value), std::move(expectation)}}));
}

void AdaptQueryString(const rawlog::CollectorPayload& p, Params query,
                      std::vector<AdaptedItem>* items, std::vector<BadRow>* bad) {
  if (query.empty()) {
    AddBad(p, BadRowType::kTrackerProtocolViolations, "querystring", p.query,
           "tracker-protocol parameters", bad);
    return;
  }
  items->push_back(AdaptedItem{0, std::move(query)});
}

void AdaptPost(const rawlog::CollectorPayload& p, simdjson::dom::parser& parser,
               const Params& query, std::vector<AdaptedItem>* items, std::vector<BadRow>* bad) {
  if (MediaType(p.content_type) != "application/json") {
    AddBad(p, BadRowType::kAdapterFailures, "contentType", p.content_type, "application/json", bad);
    return;
  }
  simdjson::dom::element root;
  if (parser.parse(p.body).get(root) != simdjson::SUCCESS) {
    AddBad(p, BadRowType::kAdapterFailures, "body", p.body.substr(0, 256), "valid JSON", bad);
    return;
  }
  std::string_view schema;
  simdjson::dom::array data;
  if (root["schema"].get(schema) != simdjson::SUCCESS ||
      !schema.starts_with(kPayloadDataSchemaPrefix)) {
    AddBad(p, BadRowType::kTrackerProtocolViolations, "schema", std::string(schema),
           "iglu:com.snowplowanalytics.snowplow/payload_data/jsonschema/1-0-*", bad);
    return;
  }
  if (root["data"].get(data) != simdjson::SUCCESS || data.size() == 0) {
    AddBad(p, BadRowType::kTrackerProtocolViolations, "data", "",
           "a non-empty array of tracker-protocol items", bad);
    return;
  }
  size_t index = 0;
  for (simdjson::dom::element element : data) {
    simdjson::dom::object obj;
    Params params;
    std::string wrong;
    if (element.get(obj) != simdjson::SUCCESS) {
      wrong = "/data/" + std::to_string(index);
    } else {
      params.reserve(kTypicalParams);
      uint64_t seen = 0;  // NameBit of the names so far
      for (auto field : obj) {
        std::string_view v;
        if (field.value.get(v) != simdjson::SUCCESS) {
          wrong = "/data/" + std::to_string(index) + "/" + std::string(field.key);
          break;
        }
        const uint64_t bit = NameBit(field.key);
        if ((seen & bit) != 0 && Find(params, field.key) != nullptr) continue;
        seen |= bit;
        params.emplace_back(field.key, v);
      }
    }
    if (!wrong.empty()) {
      AddBad(p, BadRowType::kTrackerProtocolViolations, wrong,
             std::string(simdjson::minify(element)).substr(0, 256),
             "an object whose values are strings", bad);
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
    items->push_back(AdaptedItem{index, std::move(params)});
    ++index;
  }
}

void AdaptRedirect(const rawlog::CollectorPayload& p, Params query, std::vector<AdaptedItem>* items,
                   std::vector<BadRow>* bad) {
  const std::string* u = Find(query, "u");
  if (u == nullptr || u->empty()) {
    AddBad(p, BadRowType::kAdapterFailures, "u", "", "the redirect target URL", bad);
    return;
  }
  const std::string target = *u;
  Erase(&query, "u");
  if (Find(query, "e") != nullptr) {
    if (Find(query, "url") == nullptr) query.emplace_back("url", target);
  } else {
    std::string data = "{\"targetUrl\":";
    AppendJsonString(&data, target);
    data += '}';
    query.emplace_back("e", "ue");
    query.emplace_back("ue_pr", UnstructEnvelope(kLinkClickSchema, data));
    if (Find(query, "tv") == nullptr) query.emplace_back("tv", "r-tp2");
    if (Find(query, "p") == nullptr) query.emplace_back("p", "web");
  }
  items->push_back(AdaptedItem{0, std::move(query)});
}

// One iglu-webhook event: the platform is the query's `p` (default "app").
AdaptedItem IgluItem(size_t index, std::string_view platform, std::string_view schema,
                     std::string_view data_json) {
  AdaptedItem item;
  item.index = index;
  item.params = {{"e", "ue"},
                 {"p", std::string(platform)},
                 {"tv", "com.snowplowanalytics.iglu-v1"},
                 {"ue_pr", UnstructEnvelope(schema, data_json)}};
  return item;
}

std::string FieldsAsJson(const Params& fields) {
  JsonWriter w;
  w.BeginObject();
  for (const auto& [k, v] : fields) w.Key(k).String(v);
  w.EndObject();
  return w.Take();
}

// The iglu webhook: the schema comes from `schema=` in the query string, and the data from the
// other query parameters (GET, or an empty body), a form body, or a JSON body (an object, or an
// array of objects, one event each). Without `schema=` the body must be a self-describing JSON
// {"schema": …, "data": …}, or an array of them. `p` sets the platform and is not data.
void AdaptIglu(const rawlog::CollectorPayload& p, simdjson::dom::parser& parser, Params query,
               std::vector<AdaptedItem>* items, std::vector<BadRow>* bad) {
  std::string platform = "app";
  if (const std::string* v = Find(query, "p")) platform = *v;
  Erase(&query, "p");
  const std::string* schema_param = Find(query, "schema");
  const std::string schema = schema_param != nullptr ? *schema_param : std::string();
  Erase(&query, "schema");
  const std::string media = MediaType(p.content_type);

  if (!schema.empty() && p.body.empty()) {
    items->push_back(IgluItem(0, platform, schema, FieldsAsJson(query)));
    return;
  }
  if (!schema.empty() && media == "application/x-www-form-urlencoded") {
    items->push_back(IgluItem(0, platform, schema, FieldsAsJson(ParseForm(p.body))));
    return;
  }
  if (media != "application/json") {
    AddBad(p, BadRowType::kAdapterFailures, schema.empty() ? "schema" : "contentType",
           p.content_type,
           schema.empty() ? "schema=iglu:… in the query string, or a self-describing JSON body"
                          : "application/json or application/x-www-form-urlencoded",
           bad);
    return;
  }
  simdjson::dom::element root;
  if (parser.parse(p.body).get(root) != simdjson::SUCCESS) {
    AddBad(p, BadRowType::kAdapterFailures, "body", p.body.substr(0, 256), "valid JSON", bad);
    return;
  }
  std::vector<simdjson::dom::element> elements;
  simdjson::dom::array array;
  if (root.get(array) == simdjson::SUCCESS) {
    for (simdjson::dom::element e : array) elements.push_back(e);
  } else {
    elements.push_back(root);
  }
  if (elements.empty()) {
    AddBad(p, BadRowType::kAdapterFailures, "body", "[]", "at least one event", bad);
    return;
  }
  for (size_t i = 0; i < elements.size(); ++i) {
    const simdjson::dom::element e = elements[i];
    if (!e.is_object()) {
      AddBad(p, BadRowType::kAdapterFailures, "/" + std::to_string(i),
             std::string(simdjson::minify(e)).substr(0, 256), "a JSON object", bad);
      continue;
    }
    if (!schema.empty()) {
      items->push_back(IgluItem(i, platform, schema, simdjson::minify(e)));
      continue;
    }
    std::string_view inner_schema;
    simdjson::dom::element data;
    if (e["schema"].get(inner_schema) != simdjson::SUCCESS ||
        e["data"].get(data) != simdjson::SUCCESS) {
      AddBad(p, BadRowType::kAdapterFailures, "/" + std::to_string(i),
             std::string(simdjson::minify(e)).substr(0, 256),
             "a self-describing JSON {\"schema\": \"iglu:…\", \"data\": …}", bad);
      continue;
    }
    items->push_back(IgluItem(i, platform, inner_schema, simdjson::minify(data)));
  }
}

}  // namespace

std::string PayloadSummary(const rawlog::CollectorPayload& p) {
  std::string s = p.method + " " + p.path;
  if (!p.query.empty()) s += "?" + p.query;
  if (!p.body.empty()) s += "\n" + p.body;
  return s;
}

BadRow MakeBadRow(const rawlog::CollectorPayload& payload, BadRowType type,
                  std::vector<BadRowMessage> messages) {
  return BadRow{type, payload.timestamp, std::move(messages), PayloadSummary(payload)};
}

void Adapt(const rawlog::CollectorPayload& payload, simdjson::dom::parser& parser,
           std::vector<AdaptedItem>* items, std::vector<BadRow>* bad) {
  for (const auto& [name, value] : payload.headers) {
    if (name == rawlog::kSizeViolationHeader) {
      AddBad(payload, BadRowType::kSizeViolation, "body", value + " bytes",
             "a request within the collector's size limit", bad);
      return;
    }
  }
  Params query = ParseForm(payload.query);
  const std::string_view path = payload.path;
  if (path == "/i" || path == "/ice.png" || path == kTp1Path ||
      (path == kTp2Path && payload.method != "POST")) {
    AdaptQueryString(payload, std::move(query), items, bad);
  } else if (path == kTp2Path) {
    AdaptPost(payload, parser, query, items, bad);
  } else if (path == kRedirectPath) {
    AdaptRedirect(payload, std::move(query), items, bad);
  } else if (path == kIgluPath) {
    AdaptIglu(payload, parser, std::move(query), items, bad);
  } else {
    AddBad(payload, BadRowType::kAdapterFailures, "path", payload.path,
           "a known vendor and version: /i, /ice.png, /r/tp2, "
           "/com.snowplowanalytics.snowplow/tp2, /com.snowplowanalytics.iglu/v1",
           bad);
  }
}

}  // namespace footfall::enrich
