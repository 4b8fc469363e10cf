// Routing, authentication and the per-version connection pools of the JSON API.
#include "serving/api.h"

#include <cstdlib>

#include "base/url.h"
#include "serving/api_internal.h"
#include "serving/layout.h"

namespace footfall::serving {

// The connections to one version and what is known about it. Shared by the Api (while the
// version is current) and by the leases of requests in flight, so the file stays open until
// the last of them ends. Thread-safe.
class StorePool {
 public:
  static constexpr size_t kMaxIdle = 4;

  StorePool(VersionInfo info, std::string path) : info_(info), path_(std::move(path)) {}

  const VersionInfo& info() const { return info_; }

  Result<std::unique_ptr<ReadOnlyStore>> Take() {
    {
      std::lock_guard<std::mutex> l(mu_);
      if (!idle_.empty()) {
        auto store = std::move(idle_.back());
        idle_.pop_back();
        return store;
      }
    }
    return ReadOnlyStore::Open(path_);
  }

  void Return(std::unique_ptr<ReadOnlyStore> store) {
    std::lock_guard<std::mutex> l(mu_);
    if (idle_.size() < kMaxIdle) idle_.push_back(std::move(store));
  }

 private:
  // Constant after construction.
  const VersionInfo info_;
  const std::string path_;

  std::mutex mu_;
  std::vector<std::unique_ptr<ReadOnlyStore>> idle_;  // guarded by mu_
};

// One request's connection, handed back to its pool at the end. Move-only.
class StoreLease {
 public:
  StoreLease(std::shared_ptr<StorePool> pool, std::unique_ptr<ReadOnlyStore> store)
      : pool_(std::move(pool)), store_(std::move(store)) {}
  StoreLease(StoreLease&&) noexcept = default;
  StoreLease& operator=(StoreLease&&) = delete;
  ~StoreLease() {
    if (pool_ && store_) pool_->Return(std::move(store_));
  }

  ReadOnlyStore* store() const { return store_.get(); }
  const VersionInfo& info() const { return pool_->info(); }

 private:
  std::shared_ptr<StorePool> pool_;
  std::unique_ptr<ReadOnlyStore> store_;
};

namespace {

// What every answer says about the version; read once per version. Missing tables (a store
// that is not a full batch version) leave the fields unknown.
VersionInfo ReadVersionInfo(ReadOnlyStore& store) {
  VersionInfo info;
  info.version = store.version();
  if (auto r = store.Query("SELECT watermark_segment FROM pipeline_versions WHERE version = " +
                           std::to_string(info.version));
      r.ok() && !r->rows.empty()) {
    if (const auto* w = std::get_if<int64_t>(&r->rows[0][0])) info.watermark = *w;
  }
  const auto time_of = [&store](const std::string& sql) -> std::optional<Micros> {
    auto r = store.Query(sql);
    if (!r.ok() || r->rows.empty()) return std::nullopt;
    const auto* text = std::get_if<std::string>(&r->rows[0][0]);
    if (text == nullptr) return std::nullopt;
    auto t = ParseIso8601(*text);
    return t.ok() ? std::optional<Micros>(*t) : std::nullopt;
  };
  const auto later = [](std::optional<Micros> a, std::optional<Micros> b) {
    if (!a) return b;
    if (!b) return a;
    return std::optional<Micros>(std::max(*a, *b));
  };
  const auto earlier = [](std::optional<Micros> a, std::optional<Micros> b) {
    if (!a) return b;
    if (!b) return a;
    return std::optional<Micros>(std::min(*a, *b));
  };
  // The events table holds the most recent events (so its maximum is the last event), sessions
  // every session; traffic_hourly starts at the first event's hour.
  info.exact_until = later(time_of("SELECT max(derived_tstamp) FROM events"),
                           time_of("SELECT max(end_tstamp) FROM sessions"));
  info.first_event = earlier(time_of("SELECT min(start_tstamp) FROM sessions"),
                             time_of("SELECT min(hour) FROM traffic_hourly"));
  return info;
}

bool TokenMatches(const std::string* header, const std::string& token) {
  if (header == nullptr || token.empty()) return false;
  constexpr std::string_view kBearer = "Bearer ";
  if (header->size() < kBearer.size() ||
      !http::EqualsIgnoreCase(std::string_view(*header).substr(0, kBearer.size()), kBearer)) {
    return false;
  }
  const std::string_view given = std::string_view(*header).substr(kBearer.size());
  // Compared in constant time for a given length, so the answer time tells nothing about it.
  unsigned char diff = given.size() == token.size() ? 0 : 1;
  for (size_t i = 0; i < token.size(); ++i) {
    diff |= static_cast<unsigned char>(token[i] ^ (i < given.size() ? given[i] : 0));
  }
  return diff == 0;
}

bool IsGet(const http::Request& r) { return r.method == "GET" || r.method == "HEAD"; }

}  // namespace

std::string ResolveApiToken(const std::string& configured) {
  if (!configured.empty()) return configured;
  const char* env = std::getenv("FOOTFALL_API_TOKEN");
  return env != nullptr ? std::string(env) : std::string();
}

bool IsLoopbackHost(const std::string& host) {
  return host == "localhost" || host == "::1" || host == "[::1]" || host.starts_with("127.");
}

Status ConfigureApiAccess(const std::string& host, const std::string& token, ApiOptions* options) {
  options->api_token = token;
  options->require_token = !IsLoopbackHost(host);
  if (options->require_token && token.empty()) {
    return FailedPrecondition("the API would listen on " + host +
                              ", beyond loopback, without a token: set serving.api_token in the "
                              "config or FOOTFALL_API_TOKEN, or bind ui.host to 127.0.0.1");
  }
  return Status::Ok();
}

// What a dashboard asks first, with default ranges; warmed per version.
constexpr std::string_view kWarmTargets[] = {
    "/api/v1/meta",
    "/api/v1/overview",
    "/api/v1/timeseries?metric=page_views&granularity=hour",
    "/api/v1/timeseries?metric=sessions&granularity=hour",
    "/api/v1/top?dimension=page&metric=page_views",
    "/api/v1/top?dimension=medium&metric=page_views",
    "/api/v1/top?dimension=referrer&metric=sessions",
    "/api/v1/top?dimension=campaign&metric=sessions",
    "/api/v1/top?dimension=country&metric=sessions",
    "/api/v1/top?dimension=device&metric=sessions",
    "/api/v1/acquisition?by=medium&granularity=day",
    "/api/v1/funnels",
    "/api/v1/journeys",
    "/api/v1/flows",
};

Api::Api(ApiOptions options)
    : options_(std::move(options)), cache_(std::make_unique<ApiCache>(options_.cache_entries)) {
  if (options_.warm_cache) {
    warming_ = true;
    warmer_ = std::thread([this] { WarmLoop(); });
  }
}

void Api::AwaitWarmed() {
  std::unique_lock<std::mutex> l(mu_);
  warm_cv_.wait(l, [this] { return stopping_ || (!warming_ && warm_version_ == 0); });
}

Api::~Api() {
  {
    std::lock_guard<std::mutex> l(mu_);
    stopping_ = true;
  }
  warm_cv_.notify_all();
  if (warmer_.joinable()) warmer_.join();
}

void Api::WarmLoop() {
  // Opening the current version (if there is one) asks for it to be warmed.
  (void)Lease();
  std::unique_lock<std::mutex> l(mu_);
  while (true) {
    warming_ = false;
    warm_cv_.notify_all();
    warm_cv_.wait(l, [this] { return stopping_ || warm_version_ != 0; });
    if (stopping_) return;
    warming_ = true;
    warm_version_ = 0;
    for (std::string_view target : kWarmTargets) {
      if (stopping_ || warm_version_ != 0) break;  // stopping, or a newer version to warm
      l.unlock();
      http::Request r;
      r.method = "GET";
      r.target = std::string(target);
      const size_t q = target.find('?');
      r.path = std::string(target.substr(0, q));
      r.query = q == std::string_view::npos ? "" : std::string(target.substr(q + 1));
      // Should a newer version appear meanwhile, the answer warms that one.
      (void)Dispatch(r);
      l.lock();
    }
  }
}

uint64_t Api::cache_hits() const { return cache_->hits(); }
uint64_t Api::cache_misses() const { return cache_->misses(); }

Result<StoreLease> Api::Lease() {
  // A pool read from CURRENT may be of a version that newer ones have replaced and removed by
  // the time it opens another connection; the next look at CURRENT settles that.
  constexpr int kAttempts = 3;
  Status last;
  for (int attempt = 0; attempt < kAttempts; ++attempt) {
    FOOTFALL_ASSIGN_OR_RETURN(const int64_t version, CurrentVersion(options_.serving_dir));
    std::shared_ptr<StorePool> pool;
    {
      std::lock_guard<std::mutex> l(mu_);
      if (!pool_ || pool_->info().version != version) {
        // OpenCurrent settles a race with a publish between reading CURRENT and opening the
        // file; the pool is of the version it opened.
        FOOTFALL_ASSIGN_OR_RETURN(auto store, ReadOnlyStore::OpenCurrent(options_.serving_dir));
        const VersionInfo info = ReadVersionInfo(*store);
        auto fresh = std::make_shared<StorePool>(info, store->path());
        fresh->Return(std::move(store));
        pool_ = std::move(fresh);
        if (options_.warm_cache) {
          warm_version_ = info.version;
          warm_cv_.notify_all();
        }
      }
      pool = pool_;
    }
    Result<std::unique_ptr<ReadOnlyStore>> store = pool->Take();
    if (store.ok()) return StoreLease(std::move(pool), std::move(*store));
    if (store.status().code() != StatusCode::kNotFound) return store.status();
    last = store.status();
  }
  return last;
}

void Api::Handle(http::Request&& request, http::Responder respond) {
  if (request.path.starts_with("/api/") && options_.require_token &&
      !TokenMatches(request.Header("Authorization"), options_.api_token)) {
    http::Response r = ErrorResponse(
        401, "this API needs a bearer token: send Authorization: Bearer <serving.api_token>");
    r.AddHeader("WWW-Authenticate", "Bearer realm=\"footfall\"");
    respond(std::move(r));
    return;
  }
  respond(Dispatch(request));
}

http::Response Api::Dispatch(const http::Request& request) {
  const std::string& path = request.path;
  const std::string& method = request.method;
  if (path == "/api/v1/status" && IsGet(request)) {
    return JsonResponse(200, options_.status_json ? options_.status_json() : "{}");
  }
  if (path == "/api/v1/batch" && method == "POST") {
    if (!options_.trigger_batch) {
      return ErrorResponse(
          503, "this process does not run batches; use `footfall run` or `footfall batch`");
    }
    options_.trigger_batch();
    return JsonResponse(202, R"({"triggered":true})");
  }
  if (path == "/" || path == "/api/v1" || path == "/api/v1/") {
    return JsonResponse(
        200, R"({"endpoints":["GET /api/v1/overview","GET /api/v1/timeseries","GET /api/v1/top",)"
             R"("GET /api/v1/acquisition","GET /api/v1/funnels","GET /api/v1/journeys",)"
             R"("GET /api/v1/flows","GET /api/v1/flows/<name>","GET /api/v1/bad_rows",)"
             R"("GET /api/v1/live","GET /api/v1/meta","GET /api/v1/status","POST /api/v1/sql",)"
             R"("POST /api/v1/batch"],"docs":"docs/api.md"})");
  }

  using Handler = Result<std::string> (*)(const RequestContext&, const http::Request&);
  static constexpr std::pair<std::string_view, Handler> kGets[] = {
      {"/api/v1/overview", &OverviewAnswer}, {"/api/v1/timeseries", &TimeseriesAnswer},
      {"/api/v1/top", &TopAnswer},           {"/api/v1/acquisition", &AcquisitionAnswer},
      {"/api/v1/funnels", &FunnelsAnswer},   {"/api/v1/journeys", &JourneysAnswer},
      {"/api/v1/flows", &FlowsAnswer},       {"/api/v1/bad_rows", &BadRowsAnswer},
      {"/api/v1/meta", &MetaAnswer},         {"/api/v1/live", &LiveAnswer}};
  Handler handler = nullptr;
  std::string flow;
  constexpr std::string_view kFlowPrefix = "/api/v1/flows/";
  bool sql = false;
  if (IsGet(request)) {
    for (const auto& [p, h] : kGets) {
      if (path == p) handler = h;
    }
    if (handler == nullptr && path.starts_with(kFlowPrefix) && path.size() > kFlowPrefix.size()) {
      flow = PercentDecode(std::string_view(path).substr(kFlowPrefix.size()), false);
    }
  } else if (path == "/api/v1/sql" && method == "POST") {
    sql = true;
  }
  if (handler == nullptr && flow.empty() && !sql) {
    // A known path asked with another method: 405, with the methods it takes.
    std::string_view allow;
    if (path == "/api/v1/sql" || path == "/api/v1/batch") allow = "POST";
    if (path == "/api/v1/status" ||
        (path.starts_with(kFlowPrefix) && path.size() > kFlowPrefix.size())) {
      allow = "GET, HEAD";
    }
    for (const auto& [p, h] : kGets) {
      if (path == p) allow = "GET, HEAD";
    }
    if (!allow.empty()) {
      http::Response r = ErrorResponse(405, "method " + method + " is not allowed on " + path);
      r.AddHeader("Allow", allow);
      return r;
    }
    return ErrorResponse(404, path.starts_with("/api/") ? "no such endpoint: " + method + " " +
                                                              path + " (GET /api/v1 lists them)"
                                                        : "not found: " + path);
  }

  RequestContext c;
  c.live = options_.live;
  c.cache = cache_.get();
  c.options = &options_;
  c.now = options_.now ? options_.now() : NowMicros();
  // The live endpoint works before any version is published: everything is then past the
  // (absent) watermark.
  static const VersionInfo kNoVersion;
  if (handler == &LiveAnswer && !CurrentVersion(options_.serving_dir).ok()) {
    c.info = &kNoVersion;
    return Answer(LiveAnswer(c, request));
  }
  Result<StoreLease> lease = Lease();
  if (!lease.ok()) {
    if (lease.status().code() == StatusCode::kNotFound) {
      return ErrorResponse(503, "no version is published yet: run `footfall batch` (" +
                                    lease.status().message() + ")");
    }
    return ErrorResponse(500, lease.status().message());
  }
  c.store = lease->store();
  c.info = &lease->info();
  if (sql) return SqlAnswer(c, request);
  if (!flow.empty()) return Answer(FlowAnswer(c, request, flow));
  return Answer(handler(c, request));
}

}  // namespace footfall::serving
