#include "collector/collector.h"

#include <array>
#include <atomic>
#include <optional>
#include <utility>

#include "base/log.h"
#include "base/random.h"
#include "base/time.h"
#include "base/url.h"
#include "http/date.h"
#include "rawlog/payload.h"

namespace footfall::collector {

namespace {

using http::EqualsIgnoreCase;
using http::Request;
using http::Responder;
using http::Response;

constexpr std::string_view kComponent = "collector";

// The standard 1x1 transparent GIF89a that Snowplow's collector answers pixel requests with.
constexpr char kPixelGifBytes[] = {
    '\x47', '\x49', '\x46', '\x38', '\x39', '\x61', '\x01', '\x00', '\x01', '\x00', '\xf0',
    '\x00', '\x00', '\xff', '\xff', '\xff', '\x00', '\x00', '\x00', '\x21', '\xf9', '\x04',
    '\x01', '\x00', '\x00', '\x00', '\x00', '\x2c', '\x00', '\x00', '\x00', '\x00', '\x01',
    '\x00', '\x01', '\x00', '\x00', '\x02', '\x02', '\x44', '\x01', '\x00', '\x3b'};
constexpr std::string_view kPixelGif(kPixelGifBytes, sizeof(kPixelGifBytes));
static_assert(kPixelGif.size() == 43);

constexpr std::string_view kTp2Path = "/com.snowplowanalytics.snowplow/tp2";
constexpr std::string_view kRobots = "User-agent: *\nDisallow: /\n";

// Headers copied into the payload, under these names, besides those with their own field.
// Cookie is never kept; the address headers are dropped for SP-Anonymous requests.
constexpr std::array<std::string_view, 5> kKeptHeaders = {"Origin", "X-Forwarded-For", "X-Real-Ip",
                                                          "Accept-Language", "SP-Anonymous"};

// Status codes the collector answers with; anything else is counted in a last bucket.
constexpr std::array<int, 6> kStatuses = {200, 302, 400, 404, 405, 503};
constexpr int kStatusSlots = static_cast<int>(kStatuses.size()) + 1;

int StatusSlot(int status) {
  for (size_t i = 0; i < kStatuses.size(); ++i) {
    if (kStatuses[i] == status) return static_cast<int>(i);
  }
  return kStatusSlots - 1;
}

Route Classify(const Request& req) {
  if (req.method == "OPTIONS") return Route::kPreflight;
  const std::string_view path = req.path;
  if (path == "/i" || path == "/ice.png") return Route::kPixel;
  if (path == kTp2Path) return Route::kTp2;
  if (path == "/r/tp2") return Route::kRedirect;
  if (path == "/health") return Route::kHealth;
  if (path == "/robots.txt") return Route::kRobots;
  if (path == "/metrics") return Route::kMetrics;
  // Any other /{vendor}/{version}: enrichment decides whether an adapter knows it.
  if (path.size() > 1 && path[0] == '/') {
    const size_t slash = path.find('/', 1);
    if (slash != std::string_view::npos && slash > 1 && slash + 1 < path.size() &&
        path.find('/', slash + 1) == std::string_view::npos) {
      return Route::kVendor;
    }
  }
  return Route::kNotFound;
}

bool MethodIn(const std::string& method, std::initializer_list<std::string_view> allowed) {
  for (const std::string_view m : allowed) {
    if (method == m) return true;
  }
  return false;
}

constexpr std::string_view kPlainText = "text/plain; charset=utf-8";

Response TextResponse(int status, std::string_view body) {
  return Response(status, kPlainText, body);
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

// The decoded value of the first `name` parameter of a raw query string, without building the
// whole parameter list.
std::optional<std::string> QueryParam(std::string_view query, std::string_view name) {
  while (!query.empty()) {
    const size_t amp = query.find('&');
    const std::string_view piece = query.substr(0, amp);
    const size_t eq = piece.find('=');
    if (piece.substr(0, eq) == name) {
      return PercentDecode(eq == std::string_view::npos ? std::string_view()
                                                        : piece.substr(eq + 1));
    }
    if (amp == std::string_view::npos) break;
    query.remove_prefix(amp + 1);
  }
  return std::nullopt;
}

std::optional<std::string_view> CookieValue(const Request& req, std::string_view cookie_name) {
  for (const auto& [name, value] : req.headers) {
    if (!EqualsIgnoreCase(name, "Cookie")) continue;
    std::string_view rest = value;
    while (!rest.empty()) {
      const size_t semi = rest.find(';');
      const std::string_view pair = Trim(rest.substr(0, semi));
      const size_t eq = pair.find('=');
      if (eq != std::string_view::npos && Trim(pair.substr(0, eq)) == cookie_name) {
        std::string_view v = Trim(pair.substr(eq + 1));
        if (v.size() >= 2 && v.front() == '"' && v.back() == '"') v = v.substr(1, v.size() - 2);
        return v;
      }
      if (semi == std::string_view::npos) break;
      rest.remove_prefix(semi + 1);
    }
  }
  return std::nullopt;
}

// A network user id taken from a client goes back out in Set-Cookie, so it must be a plain
// cookie-octet string (RFC 6265) of sane length.
bool IsCookieValue(std::string_view v) {
  if (v.empty() || v.size() > 128) return false;
  for (const char c : v) {
    if (c < 0x21 || c > 0x7e || c == '"' || c == ',' || c == ';' || c == '\\') return false;
  }
  return true;
}

void NewNetworkUserId(std::string* out) {
  // One generator per thread: no lock.
  thread_local Rng rng(RandomSeed());
  out->clear();
  AppendUuid(rng, out);
}

std::string_view HostWithoutPort(std::string_view host) {
  if (!host.empty() && host.front() == '[') {
    const size_t close = host.find(']');
    return host.substr(1, close == std::string_view::npos ? close : close - 1);
  }
  const size_t colon = host.rfind(':');
  if (colon != std::string_view::npos && host.find(':') == colon) host = host.substr(0, colon);
  return host;
}

std::string ToLower(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

// The host of an absolute http(s) URL, lower-cased; nullopt for anything else (relative,
// javascript:, or with control characters that could split the Location header).
std::optional<std::string> RedirectHost(std::string_view url) {
  for (const char c : url) {
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) return std::nullopt;
  }
  std::string_view rest;
  if (url.size() > 7 && EqualsIgnoreCase(url.substr(0, 7), "http://")) {
    rest = url.substr(7);
  } else if (url.size() > 8 && EqualsIgnoreCase(url.substr(0, 8), "https://")) {
    rest = url.substr(8);
  } else {
    return std::nullopt;
  }
  std::string_view authority = rest.substr(0, rest.find_first_of("/?#\\"));
  const size_t at = authority.rfind('@');
  if (at != std::string_view::npos) authority.remove_prefix(at + 1);
  std::string host(HostWithoutPort(authority));
  if (host.empty()) return std::nullopt;
  return ToLower(host);
}

void AddCorsHeaders(const Request& req, Response* r) {
  const std::string* origin = req.Header("Origin");
  r->AddHeader("Access-Control-Allow-Origin",
               origin != nullptr ? std::string_view(*origin) : std::string_view("*"));
  r->AddHeader("Access-Control-Allow-Credentials", "true");
  r->AddHeader("Vary", "Origin");
}

}  // namespace

struct Collector::Metrics {
  void CountRequest(Route route, int status) {
    requests[static_cast<int>(route)][StatusSlot(status)].fetch_add(1, std::memory_order_relaxed);
  }

  std::atomic<uint64_t> requests[kRouteCount][kStatusSlots] = {};
  std::atomic<uint64_t> bytes_received{0};
  std::atomic<uint64_t> records_stored{0};
  std::atomic<uint64_t> append_failures{0};
  std::atomic<uint64_t> size_violations{0};
  std::atomic<uint64_t> appends_in_flight{0};
  std::atomic<bool> append_failing{false};  // logs a failure streak once, not per request
};

std::string_view RouteName(Route route) {
  switch (route) {
    case Route::kPixel:
      return "pixel";
    case Route::kTp2:
      return "tp2";
    case Route::kVendor:
      return "vendor";
    case Route::kRedirect:
      return "redirect";
    case Route::kPreflight:
      return "preflight";
    case Route::kHealth:
      return "health";
    case Route::kRobots:
      return "robots";
    case Route::kMetrics:
      return "metrics";
    case Route::kNotFound:
      return "not_found";
  }
  return "unknown";
}

Collector::Collector(CollectorOptions options, AppendFn append)
    : options_(std::move(options)),
      append_(std::move(append)),
      metrics_(std::make_shared<Metrics>()) {}

Collector::~Collector() = default;

http::Handler Collector::AsHandler() {
  return [this](Request&& request, Responder respond) {
    Handle(std::move(request), std::move(respond));
  };
}

void Collector::Handle(Request&& req, Responder respond) {
  const Micros received = NowMicros();
  metrics_->bytes_received.fetch_add(req.target.size() + req.body.size(),
                                     std::memory_order_relaxed);
  const Route route = Classify(req);
  auto answer = [&](Response r) {
    metrics_->CountRequest(route, r.status);
    respond(std::move(r));
  };
  auto not_allowed = [&](std::string_view allow) {
    Response r = TextResponse(405, "method not allowed\n");
    r.AddHeader("Allow", allow);
    answer(std::move(r));
  };
  const bool get_or_head = MethodIn(req.method, {"GET", "HEAD"});

  switch (route) {
    case Route::kPreflight: {
      Response r;
      AddCorsHeaders(req, &r);
      r.AddHeader("Access-Control-Allow-Headers", "Content-Type, SP-Anonymous");
      r.AddHeader("Access-Control-Allow-Methods", "POST, GET, OPTIONS");
      r.AddHeader("Access-Control-Max-Age", "3600");
      return answer(std::move(r));
    }
    case Route::kHealth: {
      if (!get_or_head) return not_allowed("GET, HEAD");
      const Status storage = options_.storage_health ? options_.storage_health() : Status::Ok();
      if (!storage.ok())
        return answer(TextResponse(503, "unhealthy: " + storage.ToString() + "\n"));
      return answer(TextResponse(200, "ok"));
    }
    case Route::kRobots:
      if (!get_or_head) return not_allowed("GET, HEAD");
      return answer(TextResponse(200, kRobots));
    case Route::kMetrics: {
      if (!get_or_head) return not_allowed("GET, HEAD");
      Response r = TextResponse(200, MetricsText());
      r.content_type = "text/plain; version=0.0.4; charset=utf-8";
      return answer(std::move(r));
    }
    case Route::kNotFound:
      return answer(TextResponse(404, "not found\n"));
    case Route::kPixel:
      if (!get_or_head) return not_allowed("GET, HEAD");
      break;
    case Route::kTp2:
    case Route::kVendor:
      if (!get_or_head && req.method != "POST") return not_allowed("GET, HEAD, POST, OPTIONS");
      break;
    case Route::kRedirect:
      if (options_.redirect_allowed_hosts.empty()) return answer(TextResponse(404, "not found\n"));
      if (!get_or_head) return not_allowed("GET, HEAD");
      break;
  }

  // The payload to store: views of the request's bytes and of the strings below, encoded into
  // the record before this function returns. This thread's vector and strings keep their
  // capacity from one request to the next, so storing a request allocates nothing.
  thread_local rawlog::CollectorPayloadView p;
  thread_local std::string network_userid;
  thread_local std::string original_size;  // of a body cut to the limit
  p.timestamp = received;
  // Settle identity first: it shapes both the payload and the answer.
  const bool anonymous = req.Header("SP-Anonymous") != nullptr;
  bool set_cookie = false;
  if (anonymous) {
    network_userid = kAnonymousUserId;
  } else {
    set_cookie = true;
    std::optional<std::string> nuid = QueryParam(req.query, "nuid");
    if (nuid && IsCookieValue(*nuid)) {
      network_userid = *nuid;
    } else if (auto cookie = CookieValue(req, options_.cookie_name);
               cookie && IsCookieValue(*cookie)) {
      network_userid.assign(*cookie);
    } else {
      NewNetworkUserId(&network_userid);
    }
  }
  p.network_userid = network_userid;

  // The answer is written into the connection's own Response, whose strings keep their
  // capacity from one request to the next; it is sent once the record is durable.
  Response& ok = respond.response();
  AddCorsHeaders(req, &ok);
  const size_t cors_headers = ok.header_lines().size();  // all a 503 keeps
  if (set_cookie) {
    thread_local std::string cookie;
    cookie.assign(options_.cookie_name).append("=").append(network_userid).append("; Expires=");
    http::AppendHttpDate(
        received / kMicrosPerSecond + int64_t{options_.cookie_max_age_days} * 86400, &cookie);
    cookie.append("; Path=/");
    if (!options_.cookie_domain.empty()) cookie.append("; Domain=").append(options_.cookie_domain);
    cookie.append("; SameSite=None; Secure; HttpOnly");
    ok.AddHeader("Set-Cookie", cookie);
  }
  switch (route) {
    case Route::kPixel:
      ok.content_type = "image/gif";
      ok.AddHeader("Cache-Control", "no-cache, no-store, must-revalidate");
      ok.body.assign(kPixelGif);
      break;
    case Route::kRedirect: {
      // Stored either way: the click happened, whether or not it may be forwarded.
      std::optional<std::string> target = QueryParam(req.query, "u");
      std::optional<std::string> host = target ? RedirectHost(*target) : std::nullopt;
      bool allowed = false;
      if (host) {
        for (const std::string& h : options_.redirect_allowed_hosts) {
          if (EqualsIgnoreCase(h, *host)) allowed = true;
        }
      }
      if (allowed) {
        ok.status = 302;
        ok.AddHeader("Location", *target);
      } else {
        ok.status = 400;
        ok.content_type = kPlainText;
        ok.body = "redirect target not allowed\n";
      }
      break;
    }
    default:
      ok.content_type = kPlainText;
      ok.body = "ok";
      break;
  }

  p.ip = {};
  if (!anonymous) {
    const std::string* forwarded =
        options_.trust_forwarded_for ? req.Header("X-Forwarded-For") : nullptr;
    std::string_view first;
    if (forwarded != nullptr)
      first = Trim(std::string_view(*forwarded).substr(0, forwarded->find(',')));
    p.ip = first.empty() ? std::string_view(req.peer_ip) : first;
  }
  p.content_type = {};
  p.user_agent = {};
  p.referer = {};
  p.hostname = {};
  p.headers.clear();
  const auto keep = [&](std::string_view name, std::string_view value) {
    p.headers.emplace_back(name, value);
  };
  for (const auto& [name, value] : req.headers) {
    if (EqualsIgnoreCase(name, "Content-Type")) {
      if (p.content_type.empty()) p.content_type = value;
    } else if (EqualsIgnoreCase(name, "User-Agent")) {
      if (p.user_agent.empty()) p.user_agent = value;
    } else if (EqualsIgnoreCase(name, "Referer")) {
      if (p.referer.empty()) p.referer = value;
    } else if (EqualsIgnoreCase(name, "Host")) {
      if (p.hostname.empty()) p.hostname = HostWithoutPort(value);
    } else {
      for (const std::string_view kept : kKeptHeaders) {
        if (!EqualsIgnoreCase(name, kept)) continue;
        if (anonymous && (kept == "X-Forwarded-For" || kept == "X-Real-Ip")) break;
        keep(kept, value);
        break;
      }
    }
  }
  std::string_view body = req.body;
  if (req.body_over_soft_limit || body.size() > options_.max_stored_body) {
    original_size = std::to_string(body.size());
    keep(rawlog::kSizeViolationHeader, original_size);
    body = body.substr(0, options_.max_stored_body);
    metrics_->size_violations.fetch_add(1, std::memory_order_relaxed);
  }
  p.method = req.method;
  p.path = req.path;
  p.query = req.query;
  p.body = body;
  p.collector = options_.collector_name;

  metrics_->appends_in_flight.fetch_add(1, std::memory_order_relaxed);
  // Runs on the appender's thread (the raw-log writer's): it only sends the answer. What it
  // captures stays within rawlog::LogWriter::Done's inline room, so it allocates nothing.
  auto done = [metrics = metrics_, route, cors_headers,
               respond = std::move(respond)](const Status& status) mutable {
    metrics->appends_in_flight.fetch_sub(1, std::memory_order_relaxed);
    Response& r = respond.response();
    if (status.ok()) {
      metrics->records_stored.fetch_add(1, std::memory_order_relaxed);
      if (metrics->append_failing.load(std::memory_order_relaxed) &&
          metrics->append_failing.exchange(false)) {
        LogInfo(kComponent, "storing requests again");
      }
    } else {
      metrics->append_failures.fetch_add(1, std::memory_order_relaxed);
      if (!metrics->append_failing.exchange(true)) {
        LogError(kComponent,
                 "cannot store requests, answering 503 until it recovers: " + status.ToString());
      }
      r.status = 503;
      r.content_type = kPlainText;
      r.body = "could not store the request; retry later\n";
      r.TruncateHeaders(cors_headers);
      r.AddHeader("Retry-After", "1");
    }
    metrics->CountRequest(route, r.status);
    respond.Send();
  };
  // The record is encoded into this thread's buffer, which the append swaps for one emptied
  // earlier.
  thread_local std::string record;
  record.clear();
  rawlog::EncodePayload(p, &record);
  append_(&record, std::move(done));
}

CollectorCounters Collector::Counters() const {
  CollectorCounters c;
  for (int r = 0; r < kRouteCount; ++r) {
    for (int s = 0; s < kStatusSlots; ++s) {
      const uint64_t n = metrics_->requests[r][s].load(std::memory_order_relaxed);
      if (n == 0) continue;
      c.requests.push_back(
          {static_cast<Route>(r), s < static_cast<int>(kStatuses.size()) ? kStatuses[s] : 0, n});
    }
  }
  c.bytes_received = metrics_->bytes_received.load(std::memory_order_relaxed);
  c.records_stored = metrics_->records_stored.load(std::memory_order_relaxed);
  c.append_failures = metrics_->append_failures.load(std::memory_order_relaxed);
  c.size_violations = metrics_->size_violations.load(std::memory_order_relaxed);
  c.appends_in_flight = metrics_->appends_in_flight.load(std::memory_order_relaxed);
  return c;
}

std::string Collector::MetricsText() const {
  const CollectorCounters c = Counters();
  std::string out;
  out.reserve(2048);
  out +=
      "# HELP footfall_collector_requests_total Requests answered by the collector, by route "
      "and status code.\n"
      "# TYPE footfall_collector_requests_total counter\n";
  for (const auto& r : c.requests) {
    out += "footfall_collector_requests_total{route=\"";
    out += RouteName(r.route);
    out += "\",code=\"";
    out += r.status == 0 ? std::string("other") : std::to_string(r.status);
    out += "\"} " + std::to_string(r.count) + "\n";
  }
  auto scalar = [&out](std::string_view name, std::string_view type, std::string_view help,
                       uint64_t value) {
    out.append("# HELP ").append(name).append(" ").append(help).append("\n");
    out.append("# TYPE ").append(name).append(" ").append(type).append("\n");
    out.append(name).append(" ").append(std::to_string(value)).append("\n");
  };
  scalar("footfall_collector_received_bytes_total", "counter",
         "Request target and body bytes received.", c.bytes_received);
  scalar("footfall_collector_stored_total", "counter",
         "Requests stored in the raw log and answered 2xx (each holds one or more events).",
         c.records_stored);
  scalar("footfall_collector_append_failures_total", "counter",
         "Requests the raw log could not store; answered 503.", c.append_failures);
  scalar("footfall_collector_size_violations_total", "counter",
         "Requests stored with their body truncated to the size limit.", c.size_violations);
  scalar("footfall_collector_appends_in_flight", "gauge",
         "Requests handed to the raw log and not yet durable.", c.appends_in_flight);
  if (options_.extra_metrics) options_.extra_metrics(&out);
  return out;
}

}  // namespace footfall::collector
