// footfall's configuration: every component's settings in one struct, with defaults that work
// without any file, loaded from YAML (`--config footfall.yaml`). docs/config.md lists the keys.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "base/status.h"
#include "base/time.h"
#include "enrich/config.h"
#include "views/flow_spec.h"
#include "views/web_model.h"

namespace footfall::pipeline {

struct Config {
  std::string data_dir = "footfall-data";

  std::string collector_host = "0.0.0.0";
  uint16_t collector_port = 8080;
  std::string cookie_domain;
  bool trust_forwarded_for = false;
  uint64_t body_limit_bytes = 1 << 20;   // larger bodies are stored cut, as size violations
  uint64_t reject_body_bytes = 2 << 20;  // larger bodies are refused with 413
  uint64_t max_connections = 10000;
  int read_timeout_seconds = 25;  // a request not complete in time is answered 408
  // Hosts /r/tp2 may redirect to (exact names, any case); empty turns /r/tp2 off (404).
  std::vector<std::string> redirect_allowed_hosts;

  std::string ui_host = "127.0.0.1";
  uint16_t ui_port = 8081;
  // Bearer token the JSON API requires (serving.api_token, else $FOOTFALL_API_TOKEN); a ui
  // listener beyond loopback refuses to start without one.
  std::string api_token;

  uint64_t segment_max_bytes = 64ull << 20;
  Micros seal_after = 60 * kMicrosPerSecond;
  // "fsync" (a 2xx means durable), "interval" (synced every sync_interval) or "none".
  std::string durability = "fsync";
  Micros sync_interval = 100'000;
  uint64_t max_queued_bytes = 64ull << 20;  // beyond: 503 at once (backpressure)

  // Enrichment (enrich/config.h) and the Iglu-layout schema directory ("": built-ins only).
  enrich::EnrichConfig enrich;
  std::string schemas_dir;
  int enrich_threads = 0;  // 0: one per core

  Micros batch_interval = 5 * 60 * kMicrosPerSecond;
  uint64_t batch_memory_mb = 2048;  // the dataflow engine's budget; over it, it spills to disk
  Micros session_timeout = 30 * 60 * kMicrosPerSecond;

  // The web model (views/web_model.h).
  Micros heartbeat = 10 * kMicrosPerSecond;
  Micros min_visit_length = 5 * kMicrosPerSecond;
  int journey_steps = 4;
  bool journey_keep_query = false;
  std::vector<views::EventMatch> conversions;
  std::vector<views::FunnelSpec> funnels;
  // Process flows (views/flow_spec.h).
  std::vector<views::FlowSpec> flows;

  // The speed layer (speed/speed_layer.h) in `footfall run` and `footfall serve`.
  bool speed_enabled = true;
  double speed_sample_rate = 1.0;  // share of users whose live events are counted, (0, 1]

  size_t events_table_cap = 1'000'000;
  int keep_versions = 3;
  // libpq connection string; when set, each version is also loaded into PostgreSQL.
  std::string postgres;
  std::string postgres_readonly_role = "footfall_reader";
};

// Reads `path` over the defaults. Unknown keys, wrong types and out-of-range values are
// kInvalidArgument naming the file, the key and what is expected.
Result<Config> LoadConfig(const std::string& path);

// The defaults as a commented YAML file (`footfall config --print-defaults`).
std::string DefaultConfigYaml();

// The web model's options from the config.
views::WebModelOptions WebModelOptionsFrom(const Config& config);

// What `footfall run --demo` adds to a config without conversions, funnels or flows: a purchase
// conversion, checkout and try-on funnels, the studio flow and the site's sessions as a flow,
// matching the demo's synthetic traffic.
void AddDemoDefinitions(Config* config);

}  // namespace footfall::pipeline
