#include "pipeline/config.h"

#include <yaml-cpp/yaml.h>

#include <functional>
#include <map>
#include <vector>

namespace footfall::pipeline {
namespace {

constexpr std::string_view kDefaultYaml =
    R"(# footfall configuration. Every key is optional; these are the defaults.
data_dir: footfall-data          # the data directory (raw log, views, serving store)

collector:
  host: 0.0.0.0                  # the collector listens on every interface
  port: 8080
  cookie_domain: ""              # Domain= of the `sp` cookie; empty: the request's host
  trust_forwarded_for: false     # take the client IP from X-Forwarded-For (behind a proxy)
  body_limit_kb: 1024            # larger bodies are kept cut, as size-violation bad rows
  reject_body_kb: 2048           # larger bodies are refused with 413
  max_connections: 10000
  read_timeout_seconds: 25       # slow clients are answered 408 and dropped
  redirect_allowed_hosts: []     # /r/tp2 redirects to these hosts only; empty: /r/tp2 is off

ui:
  host: 127.0.0.1                # API and dashboard; local only by default
  port: 8081

raw:
  segment_max_mb: 64             # seal the active raw-log segment at this size
  seal_after_seconds: 60         # ... or when its first record is this old
  durability: fsync              # fsync: a 2xx means on disk (group commit); interval: synced
                                 # every sync_interval_ms (a crash loses up to that); none
  sync_interval_ms: 100
  max_queued_mb: 64              # requests waiting for the disk beyond this get 503 at once

enrich:
  threads: 0                     # 0: one per core
  schemas_dir: ""                # Iglu-layout JSON Schemas (vendor/name/jsonschema/M-R-A) of
                                 # your self-describing events; the standard ones are built in
  user_agent: true               # browser, OS and device from the user agent (uap-core)
  ua_parser_context: false       # also add the ua_parser_context to derived_contexts
  referer: true                  # refr_medium/source/term from the referer
  internal_domains: []           # hosts that count as internal besides the page's own
  campaign: true                 # utm_* and click ids -> mkt_*
  anonymize_ip: true             # mask the end of IP addresses
  ipv4_octets: 1                 # ... this many IPv4 octets
  ipv6_segments: 5               # ... this many IPv6 groups
  geo_database: ""               # a MaxMind-format City database (.mmdb) for geo_* fields
  fingerprint: true              # event_fingerprint, for finding retried events

batch:
  interval_seconds: 300          # `footfall run` rebuilds the views this often
  memory_mb: 2048                # the dataflow engine's memory; beyond it, it spills to disk

sessions:
  timeout_minutes: 30            # inactivity that ends a session without a tracker session id

web:
  heartbeat_seconds: 10          # the trackers' page ping interval (engaged time)
  min_visit_seconds: 5           # the time before the first ping
  journey_steps: 4               # pages in the journey paths from landing pages
  journey_keep_query: false      # keep query strings in journey page names

# Conversions: a session converts when one of its events matches. Each entry says which
# events it means with any of: page_path (with *), event_name, schema (vendor/name),
# se_category, se_action, where (a map of field or data.<property> to value).
conversions: []
#  - name: purchase
#    event_name: transaction

# Funnels: ordered steps (matched as conversions are), counted per session.
funnels: []
#  - name: checkout
#    consecutive: false           # true: no other page view between two steps
#    time_limit_minutes: 0        # from the first step; 0: none
#    steps:
#      - {name: product, page_path: /product/*}
#      - {name: cart, page_path: /cart}
#      - {name: purchase, event_name: transaction}

# Process flows: which events describe cases moving through activities (docs/views.md).
flows: []
#  - name: studio
#    schema: com.footfall/workflow_step   # or se_category: …, or page_views: true
#    case: data.case_id                   # an enriched-event field or data.<property>
#    activity: data.activity
#    lifecycle: data.lifecycle            # omit for instant events
#    start_value: start
#    complete_value: complete
#    timestamp: derived_tstamp
#    cost: data.cost
#    resource: data.resource
#    end_activities: [publish]

speed:
  enabled: true        # live numbers past the batch watermark in `run` and `serve`
  sample_rate: 1.0     # share of users counted live, in (0, 1]; answers state their error

serving:
  events_table_cap: 1000000      # most recent events kept in the SQL `events` table
  keep_versions: 3               # serving versions kept on disk
  # Bearer token of the JSON API, required when ui.host is not loopback (else the server refuses
  # to start); FOOTFALL_API_TOKEN in the environment is used when this is empty.
  api_token: ""
  # Also load every version into PostgreSQL (schema `footfall`), e.g.
  # postgresql://footfall:secret@db.internal:5432/analytics (docs/serving.md). Empty: off.
  postgres: ""
  postgres_readonly_role: footfall_reader  # given SELECT on schema footfall at each version
)";

using Setter = std::function<Status(const YAML::Node&, Config*)>;

template <typename T>
Result<T> As(const YAML::Node& node, const std::string& key, std::string_view expected) {
  try {
    return node.as<T>();
  } catch (const YAML::Exception&) {
    return InvalidArgument("key " + key + ": expected " + std::string(expected));
  }
}

Setter String(std::string Config::*field) {
  return [field](const YAML::Node& n, Config* c) -> Status {
    if (!n.IsScalar()) return InvalidArgument("expected a string");
    c->*field = n.Scalar();
    return Status::Ok();
  };
}

Setter OneOf(std::string Config::*field, std::vector<std::string> allowed) {
  return [field, allowed](const YAML::Node& n, Config* c) -> Status {
    for (const std::string& a : allowed) {
      if (n.IsScalar() && n.Scalar() == a) {
        c->*field = a;
        return Status::Ok();
      }
    }
    std::string list;
    for (const std::string& a : allowed) list += (list.empty() ? "" : ", ") + a;
    return InvalidArgument("expected one of " + list);
  };
}

Setter Bool(bool Config::*field) {
  return [field](const YAML::Node& n, Config* c) -> Status {
    FOOTFALL_ASSIGN_OR_RETURN(c->*field, As<bool>(n, "", "true or false"));
    return Status::Ok();
  };
}

// An integer in [lo, hi], stored after multiplying by `scale`.
template <typename T>
Setter Int(T Config::*field, int64_t lo, int64_t hi, int64_t scale = 1) {
  return [=](const YAML::Node& n, Config* c) -> Status {
    const std::string range = "an integer from " + std::to_string(lo) + " to " + std::to_string(hi);
    FOOTFALL_ASSIGN_OR_RETURN(int64_t v, As<int64_t>(n, "", range));
    if (v < lo || v > hi) return InvalidArgument(std::to_string(v) + " is not " + range);
    c->*field = static_cast<T>(v * scale);
    return Status::Ok();
  };
}

// Reads the keys of a mapping into fields, refusing any other key.
Status ReadMap(const YAML::Node& n,
               const std::map<std::string, std::function<Status(const YAML::Node&)>>& fields) {
  if (!n.IsMap()) return InvalidArgument("expected a mapping");
  for (const auto& kv : n) {
    const std::string key = kv.first.Scalar();
    const auto it = fields.find(key);
    if (it == fields.end()) return InvalidArgument("unknown key " + key);
    Status s = it->second(kv.second);
    if (!s.ok()) return InvalidArgument(key + ": " + s.message());
  }
  return Status::Ok();
}

std::function<Status(const YAML::Node&)> Text(std::string* out) {
  return [out](const YAML::Node& n) -> Status {
    if (!n.IsScalar()) return InvalidArgument("expected a string");
    *out = n.Scalar();
    return Status::Ok();
  };
}

std::function<Status(const YAML::Node&)> Texts(std::vector<std::string>* out) {
  return [out](const YAML::Node& n) -> Status {
    if (!n.IsSequence()) return InvalidArgument("expected a list of strings");
    for (const auto& item : n) {
      if (!item.IsScalar()) return InvalidArgument("expected a list of strings");
      out->push_back(item.Scalar());
    }
    return Status::Ok();
  };
}

std::function<Status(const YAML::Node&)> Flag(bool* out) {
  return [out](const YAML::Node& n) -> Status {
    FOOTFALL_ASSIGN_OR_RETURN(*out, As<bool>(n, "", "true or false"));
    return Status::Ok();
  };
}

Status ParseEventMatch(const YAML::Node& n, views::EventMatch* m) {
  return ReadMap(n, {{"name", Text(&m->name)},
                     {"page_path", Text(&m->page_path)},
                     {"event_name", Text(&m->event_name)},
                     {"schema", Text(&m->schema)},
                     {"se_category", Text(&m->se_category)},
                     {"se_action", Text(&m->se_action)},
                     {"where", [m](const YAML::Node& w) -> Status {
                        if (!w.IsMap())
                          return InvalidArgument("expected a mapping of field: value");
                        for (const auto& kv : w) {
                          if (!kv.second.IsScalar()) {
                            return InvalidArgument(kv.first.Scalar() + ": expected a value");
                          }
                          m->where.emplace_back(kv.first.Scalar(), kv.second.Scalar());
                        }
                        return Status::Ok();
                      }}});
}

Status ParseFunnel(const YAML::Node& n, views::FunnelSpec* f) {
  return ReadMap(n, {{"name", Text(&f->name)},
                     {"consecutive", Flag(&f->consecutive)},
                     {"time_limit_minutes",
                      [f](const YAML::Node& v) -> Status {
                        FOOTFALL_ASSIGN_OR_RETURN(int64_t m,
                                                  As<int64_t>(v, "", "a number of minutes"));
                        if (m < 0) return InvalidArgument("must not be negative");
                        f->time_limit = m * 60 * kMicrosPerSecond;
                        return Status::Ok();
                      }},
                     {"steps", [f](const YAML::Node& v) -> Status {
                        if (!v.IsSequence()) return InvalidArgument("expected a list of steps");
                        for (const auto& item : v) {
                          f->steps.emplace_back();
                          Status s = ParseEventMatch(item, &f->steps.back());
                          if (!s.ok()) {
                            return InvalidArgument("step " + std::to_string(f->steps.size()) +
                                                   ": " + s.message());
                          }
                        }
                        return Status::Ok();
                      }}});
}

Status ParseFlow(const YAML::Node& n, views::FlowSpec* f) {
  return ReadMap(n, {{"name", Text(&f->name)},
                     {"schema", Text(&f->schema)},
                     {"se_category", Text(&f->se_category)},
                     {"page_views", Flag(&f->page_views)},
                     {"case", Text(&f->case_field)},
                     {"activity", Text(&f->activity_field)},
                     {"lifecycle", Text(&f->lifecycle_field)},
                     {"start_value", Text(&f->start_value)},
                     {"complete_value", Text(&f->complete_value)},
                     {"timestamp", Text(&f->timestamp_field)},
                     {"cost", Text(&f->cost_field)},
                     {"resource", Text(&f->resource_field)},
                     {"end_activities", Texts(&f->end_activities)}});
}

Setter EnrichFlag(bool enrich::EnrichConfig::*field) {
  return [field](const YAML::Node& n, Config* c) { return Flag(&(c->enrich.*field))(n); };
}

Setter EnrichInt(int enrich::EnrichConfig::*field, int64_t lo, int64_t hi) {
  return [=](const YAML::Node& n, Config* c) -> Status {
    const std::string range = "an integer from " + std::to_string(lo) + " to " + std::to_string(hi);
    FOOTFALL_ASSIGN_OR_RETURN(int64_t v, As<int64_t>(n, "", range));
    if (v < lo || v > hi) return InvalidArgument(std::to_string(v) + " is not " + range);
    c->enrich.*field = static_cast<int>(v);
    return Status::Ok();
  };
}

// A list of entries, each read by `parse`.
template <typename T>
Setter List(std::vector<T> Config::*field, Status (*parse)(const YAML::Node&, T*)) {
  return [=](const YAML::Node& n, Config* c) -> Status {
    if (n.IsNull()) return Status::Ok();
    if (!n.IsSequence()) return InvalidArgument("expected a list");
    for (const auto& item : n) {
      T entry;
      Status s = parse(item, &entry);
      if (!s.ok()) {
        return InvalidArgument("entry " + std::to_string((c->*field).size() + 1) + ": " +
                               s.message());
      }
      (c->*field).push_back(std::move(entry));
    }
    return Status::Ok();
  };
}

const std::map<std::string, Setter>& Setters() {
  static const auto* kSetters = new std::map<std::string, Setter>{
      {"data_dir", String(&Config::data_dir)},
      {"collector.host", String(&Config::collector_host)},
      {"collector.port", Int(&Config::collector_port, 0, 65535)},
      {"collector.cookie_domain", String(&Config::cookie_domain)},
      {"collector.trust_forwarded_for", Bool(&Config::trust_forwarded_for)},
      {"collector.body_limit_kb", Int(&Config::body_limit_bytes, 1, 1 << 20, 1024)},
      {"collector.reject_body_kb", Int(&Config::reject_body_bytes, 1, 1 << 20, 1024)},
      {"collector.max_connections", Int(&Config::max_connections, 1, 1'000'000)},
      {"collector.read_timeout_seconds", Int(&Config::read_timeout_seconds, 1, 3600)},
      {"collector.redirect_allowed_hosts",
       [](const YAML::Node& n, Config* c) { return Texts(&c->redirect_allowed_hosts)(n); }},
      {"ui.host", String(&Config::ui_host)},
      {"ui.port", Int(&Config::ui_port, 0, 65535)},
      {"raw.segment_max_mb", Int(&Config::segment_max_bytes, 1, 4096, 1 << 20)},
      {"raw.seal_after_seconds", Int(&Config::seal_after, 1, 86400, kMicrosPerSecond)},
      {"raw.durability", OneOf(&Config::durability, {"fsync", "interval", "none"})},
      {"raw.sync_interval_ms", Int(&Config::sync_interval, 1, 60'000, 1000)},
      {"raw.max_queued_mb", Int(&Config::max_queued_bytes, 1, 65536, 1 << 20)},
      {"enrich.threads", Int(&Config::enrich_threads, 0, 1024)},
      {"enrich.schemas_dir", String(&Config::schemas_dir)},
      {"enrich.user_agent", EnrichFlag(&enrich::EnrichConfig::user_agent)},
      {"enrich.ua_parser_context", EnrichFlag(&enrich::EnrichConfig::ua_parser_context)},
      {"enrich.referer", EnrichFlag(&enrich::EnrichConfig::referer)},
      {"enrich.internal_domains",
       [](const YAML::Node& n, Config* c) { return Texts(&c->enrich.internal_domains)(n); }},
      {"enrich.campaign", EnrichFlag(&enrich::EnrichConfig::campaign)},
      {"enrich.anonymize_ip", EnrichFlag(&enrich::EnrichConfig::anonymize_ip)},
      {"enrich.ipv4_octets", EnrichInt(&enrich::EnrichConfig::ipv4_octets, 1, 4)},
      {"enrich.ipv6_segments", EnrichInt(&enrich::EnrichConfig::ipv6_segments, 1, 8)},
      {"enrich.geo_database",
       [](const YAML::Node& n, Config* c) { return Text(&c->enrich.geo_database)(n); }},
      {"enrich.fingerprint", EnrichFlag(&enrich::EnrichConfig::fingerprint)},
      {"batch.memory_mb", Int(&Config::batch_memory_mb, 16, 1 << 20)},
      {"batch.interval_seconds", Int(&Config::batch_interval, 1, 7 * 86400, kMicrosPerSecond)},
      {"sessions.timeout_minutes",
       Int(&Config::session_timeout, 1, 24 * 60, 60 * kMicrosPerSecond)},
      {"web.heartbeat_seconds", Int(&Config::heartbeat, 1, 3600, kMicrosPerSecond)},
      {"web.min_visit_seconds", Int(&Config::min_visit_length, 0, 3600, kMicrosPerSecond)},
      {"web.journey_steps", Int(&Config::journey_steps, 2, 20)},
      {"web.journey_keep_query", Bool(&Config::journey_keep_query)},
      {"conversions", List(&Config::conversions, ParseEventMatch)},
      {"funnels", List(&Config::funnels, ParseFunnel)},
      {"flows", List(&Config::flows, ParseFlow)},
      {"speed.enabled", Bool(&Config::speed_enabled)},
      {"speed.sample_rate",
       [](const YAML::Node& n, Config* c) -> Status {
         FOOTFALL_ASSIGN_OR_RETURN(double rate, As<double>(n, "", "a share in (0, 1]"));
         if (!(rate > 0 && rate <= 1)) {
           return InvalidArgument(std::to_string(rate) + " is not a share in (0, 1]");
         }
         c->speed_sample_rate = rate;
         return Status::Ok();
       }},
      {"serving.events_table_cap", Int(&Config::events_table_cap, 0, 1'000'000'000)},
      {"serving.keep_versions", Int(&Config::keep_versions, 1, 1000)},
      {"serving.api_token", String(&Config::api_token)},
      {"serving.postgres", String(&Config::postgres)},
      {"serving.postgres_readonly_role", String(&Config::postgres_readonly_role)},
  };
  return *kSetters;
}

Status Apply(const YAML::Node& node, const std::string& prefix, const std::string& path,
             Config* config) {
  if (!node.IsMap()) {
    return InvalidArgument(path + ": " + (prefix.empty() ? "the file" : "key " + prefix) +
                           " must be a mapping of keys to values");
  }
  for (const auto& kv : node) {
    const std::string key = prefix.empty() ? kv.first.Scalar() : prefix + "." + kv.first.Scalar();
    const auto it = Setters().find(key);
    if (it != Setters().end()) {
      Status s = it->second(kv.second, config);
      if (!s.ok()) return InvalidArgument(path + ": key " + key + ": " + s.message());
    } else if (kv.second.IsMap()) {
      FOOTFALL_RETURN_IF_ERROR(Apply(kv.second, key, path, config));
    } else {
      return InvalidArgument(path + ": unknown key " + key +
                             " (footfall config --print-defaults lists the keys)");
    }
  }
  return Status::Ok();
}

}  // namespace

Status Validate(const Config& c, const std::string& path) {
  if (c.body_limit_bytes > c.reject_body_bytes) {
    return InvalidArgument(path +
                           ": collector.body_limit_kb must not be above "
                           "collector.reject_body_kb");
  }
  if (Status s = views::ValidateWebModelOptions(WebModelOptionsFrom(c)); !s.ok()) {
    return InvalidArgument(path + ": " + s.message());
  }
  for (const views::FlowSpec& f : c.flows) {
    if (Status s = views::ValidateFlowSpec(f); !s.ok()) {
      return InvalidArgument(path + ": flows: " + s.message());
    }
  }
  return Status::Ok();
}

views::WebModelOptions WebModelOptionsFrom(const Config& c) {
  views::WebModelOptions o;
  o.session_timeout = c.session_timeout;
  o.heartbeat = c.heartbeat;
  o.min_visit_length = c.min_visit_length;
  o.journey_steps = c.journey_steps;
  o.journey_keep_query = c.journey_keep_query;
  o.conversions = c.conversions;
  o.funnels = c.funnels;
  return o;
}

void AddDemoDefinitions(Config* c) {
  const auto step = [](std::string name, std::string page_path, std::string event_name) {
    views::EventMatch m;
    m.name = std::move(name);
    m.page_path = std::move(page_path);
    m.event_name = std::move(event_name);
    return m;
  };
  if (c->conversions.empty()) c->conversions.push_back(step("purchase", "", "transaction"));
  if (c->funnels.empty()) {
    views::FunnelSpec f;
    f.name = "checkout";
    f.steps = {step("product", "/product/*", ""), step("cart", "/cart", ""),
               step("checkout", "/checkout", ""), step("purchase", "", "transaction")};
    c->funnels.push_back(std::move(f));
    views::FunnelSpec t;
    t.name = "try-on";
    t.steps = {step("try-on page", "/try-on/*", ""), step("try-on used", "", "try_on"),
               step("cart", "/cart", "")};
    c->funnels.push_back(std::move(t));
  }
  if (c->flows.empty()) {
    c->flows.push_back(views::StudioFlowSpec());
    // Web sessions through pages are a flow too: each session a case, each page an activity.
    views::FlowSpec site;
    site.name = "site";
    site.page_views = true;
    site.case_field = "domain_sessionid";
    site.activity_field = "page_urlpath";
    site.end_activities = {"/order/confirmation"};
    c->flows.push_back(std::move(site));
  }
}

Result<Config> LoadConfig(const std::string& path) {
  YAML::Node root;
  try {
    root = YAML::LoadFile(path);
  } catch (const YAML::BadFile&) {
    return NotFound("cannot read config file " + path);
  } catch (const YAML::Exception& e) {
    return InvalidArgument(path + ": not valid YAML: " + e.what());
  }
  Config config;
  if (root.IsNull()) return config;  // an empty file: all defaults
  FOOTFALL_RETURN_IF_ERROR(Apply(root, "", path, &config));
  FOOTFALL_RETURN_IF_ERROR(Validate(config, path));
  return config;
}

std::string DefaultConfigYaml() { return std::string(kDefaultYaml); }

}  // namespace footfall::pipeline
