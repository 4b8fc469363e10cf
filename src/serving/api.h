// The JSON API on the ui listener (docs/api.md): overview KPIs, time series, top-N, acquisition,
// funnels, journeys, flows, bad rows, live numbers, metadata for pickers, status, read-only SQL
// and a batch trigger. Analytical answers come from the current serving version merged with the
// speed layer's state past that version's watermark (when a LiveSource is given).
//
// Thread-safe: Handle() runs on the server's I/O threads and answers before it returns. Each
// request leases a connection to the current version from a small pool (a ReadOnlyStore
// serializes its queries, so parallel requests need their own connections); when CURRENT moves
// on, new requests get a pool of the new version while requests in flight finish on the old
// one, whose file stays open until its last lease ends. Batch-only answers are cached per
// (version, request), and the cache is emptied when the version changes.
#pragma once

#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "base/status.h"
#include "base/time.h"
#include "http/message.h"

namespace footfall::serving {

class LiveSource;
class ApiCache;
class StorePool;
class StoreLease;

struct ApiOptions {
  std::string serving_dir;
  // JSON object describing the running process and its data directory (GET /api/v1/status).
  std::function<std::string()> status_json;
  // Starts a rebuild in the background (POST /api/v1/batch); null when this process cannot.
  std::function<void()> trigger_batch;
  size_t max_sql_rows = 10000;
  // The speed layer's state past the batch watermark; null when the process runs none. Must
  // outlive the Api.
  const LiveSource* live = nullptr;
  // Where bad-row files are (`<data>/bad`), for the samples of GET /api/v1/bad_rows; "" = none.
  std::string bad_dir;
  // When true, every /api/ request must carry `Authorization: Bearer <api_token>`.
  bool require_token = false;
  std::string api_token;
  // Cached answers, least recently used dropped first.
  size_t cache_entries = 256;
  // When a new version is first used, compute the dashboard's default answers (kWarmTargets) on
  // a background thread, so that its first page load is answered from the cache.
  bool warm_cache = false;
  // The clock of the live endpoint's "last N minutes" and of defaults when no data exists.
  std::function<Micros()> now;
};

// The token the API requires: `configured` (serving.api_token), else $FOOTFALL_API_TOKEN.
std::string ResolveApiToken(const std::string& configured);

// True for 127.0.0.0/8, ::1 and "localhost".
bool IsLoopbackHost(const std::string& host);

// Options for a ui listener on `host`: a token is required beyond loopback.
// kFailedPrecondition, naming the host and the config key, when it is required but empty.
Status ConfigureApiAccess(const std::string& host, const std::string& token, ApiOptions* options);

class Api {
 public:
  explicit Api(ApiOptions options);
  ~Api();

  void Handle(http::Request&& request, http::Responder respond);

  // With warm_cache: blocks until the warmer has filled the cache for the current version and
  // waits for another (for tests and benchmarks).
  void AwaitWarmed();

  // Requests answered from the cache, and those computed (for tests and metrics).
  uint64_t cache_hits() const;
  uint64_t cache_misses() const;

 private:
  http::Response Dispatch(const http::Request& request);
  // A connection to the current version, from that version's pool.
  Result<StoreLease> Lease();
  // The warming thread: waits for a version to warm, then asks for each default answer.
  void WarmLoop();

  // Constant after construction.
  const ApiOptions options_;
  const std::unique_ptr<ApiCache> cache_;

  std::mutex mu_;
  std::shared_ptr<StorePool> pool_;  // guarded by mu_: the pool of the current version
  std::condition_variable warm_cv_;
  int64_t warm_version_ = 0;  // guarded by mu_: the version the warmer should fill, 0: none
  bool stopping_ = false;     // guarded by mu_
  bool warming_ = false;      // guarded by mu_: the warmer is at work (true from its start)
  std::thread warmer_;        // started in the constructor when options_.warm_cache
};

}  // namespace footfall::serving
