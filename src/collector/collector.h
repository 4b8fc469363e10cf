// The Snowplow-compatible collector: the tracker-protocol routes on top of http::Server. Every
// tracking request becomes one rawlog::CollectorPayload handed to an append function; the client
// is answered only once that record is durable (the routes and their answers:
// docs/collector.md; the record: docs/formats/rawlog.md).
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "http/message.h"
#include "rawlog/log_writer.h"

namespace footfall::collector {

// Appends one encoded rawlog::CollectorPayload, taking the bytes of `*record` (and leaving it
// empty, to be reused); calls `done` once, from any thread, when the record is durable (OK) or
// could not be stored (error). rawlog::LogWriter::Append fits.
using AppendFn = std::function<void(std::string* record, rawlog::LogWriter::Done done)>;

struct CollectorOptions {
  std::string cookie_domain;  // Domain= of the network user id cookie; empty: none
  std::string cookie_name = "sp";
  int cookie_max_age_days = 365;
  // Take the client IP from the first X-Forwarded-For address; only behind a trusted proxy.
  bool trust_forwarded_for = false;
  // Hosts /r/tp2 may redirect to: exact names, any case. Empty: /r/tp2 is off and answers 404.
  std::vector<std::string> redirect_allowed_hosts;
  std::string collector_name = "footfall-0.1.0";
  // Bodies longer than this are stored truncated to it, marked as a size violation. Keep it
  // equal to http::ServerOptions::soft_body_limit.
  size_t max_stored_body = 1 << 20;
  // Health of what stores the payloads (the raw log): while it is not OK, /health answers 503
  // with its message (a full disk, say). Null: always healthy.
  std::function<Status()> storage_health;
  // Appends further Prometheus text (the raw log's own metrics) to /metrics. May be null.
  std::function<void(std::string*)> extra_metrics;
};

enum class Route {
  kPixel,      // GET|HEAD /i, /ice.png
  kTp2,        // /com.snowplowanalytics.snowplow/tp2
  kVendor,     // any other /{vendor}/{version}
  kRedirect,   // /r/tp2
  kPreflight,  // OPTIONS, any path
  kHealth,
  kRobots,
  kMetrics,
  kNotFound,
};
inline constexpr int kRouteCount = 9;
std::string_view RouteName(Route route);  // "pixel", "tp2", ... as used in /metrics

// The network user id of requests sent with "SP-Anonymous: *".
inline constexpr std::string_view kAnonymousUserId = "00000000-0000-0000-0000-000000000000";

struct CollectorCounters {
  struct Requests {
    Route route;
    int status;
    uint64_t count;
  };
  std::vector<Requests> requests;  // answered requests by route and status; non-zero only
  uint64_t bytes_received = 0;     // request target and body bytes
  uint64_t records_stored = 0;     // payloads the append function acknowledged as durable
  uint64_t append_failures = 0;    // payloads it refused (answered 503)
  uint64_t size_violations = 0;    // payloads stored with a truncated body
  uint64_t appends_in_flight = 0;  // payloads handed over and not yet acknowledged
};

// Collector answers tracker requests; it is the http::Handler of the collector's server.
//
// Handle() may be called concurrently from any number of threads and never blocks: a request
// to store is encoded and handed to the append function, and its answer is sent from `done`.
// The options are constant after construction. Counters live in shared state that pending
// `done` callbacks keep alive, so the Collector may be destroyed while appends are in flight
// (their clients are still answered); the append function itself must stay callable while
// Handle() runs.
class Collector {
 public:
  Collector(CollectorOptions options, AppendFn append);
  ~Collector();
  Collector(const Collector&) = delete;
  Collector& operator=(const Collector&) = delete;

  void Handle(http::Request&& request, http::Responder respond);

  // A Handler for http::Server::Start that forwards to this Collector, which must outlive the
  // server.
  http::Handler AsHandler();

  CollectorCounters Counters() const;
  // The counters in the Prometheus text exposition format (version 0.0.4), as /metrics serves.
  std::string MetricsText() const;

  struct Metrics;  // shared with in-flight callbacks; defined in collector.cc

 private:
  // Constant after construction.
  const CollectorOptions options_;
  const AppendFn append_;
  const std::shared_ptr<Metrics> metrics_;
};

}  // namespace footfall::collector
