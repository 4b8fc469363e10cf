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

batch:
  interval_seconds: 300          # `footfall run` rebuilds the views this often

sessions:
  timeout_minutes: 30            # inactivity that ends a session without a tracker session id

serving:
  events_table_cap: 1000000      # most recent events kept in the SQL `events` table
  keep_versions: 3               # serving versions kept on disk
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
      {"ui.host", String(&Config::ui_host)},
      {"ui.port", Int(&Config::ui_port, 0, 65535)},
      {"raw.segment_max_mb", Int(&Config::segment_max_bytes, 1, 4096, 1 << 20)},
      {"raw.seal_after_seconds", Int(&Config::seal_after, 1, 86400, kMicrosPerSecond)},
      {"raw.durability", OneOf(&Config::durability, {"fsync", "interval", "none"})},
      {"raw.sync_interval_ms", Int(&Config::sync_interval, 1, 60'000, 1000)},
      {"raw.max_queued_mb", Int(&Config::max_queued_bytes, 1, 65536, 1 << 20)},
      {"batch.interval_seconds", Int(&Config::batch_interval, 1, 7 * 86400, kMicrosPerSecond)},
      {"sessions.timeout_minutes",
       Int(&Config::session_timeout, 1, 24 * 60, 60 * kMicrosPerSecond)},
      {"serving.events_table_cap", Int(&Config::events_table_cap, 0, 1'000'000'000)},
      {"serving.keep_versions", Int(&Config::keep_versions, 1, 1000)},
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
  return Status::Ok();
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
