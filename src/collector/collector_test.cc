#include "collector/collector.h"

#include <gtest/gtest.h>

#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "base/random.h"
#include "http/server.h"
#include "http/test_client.h"
#include "rawlog/payload.h"

namespace footfall::collector {
namespace {

using http::Request;
using http::Response;

const std::string kGif(
    "GIF89a\x01\x00\x01\x00\xf0\x00\x00\xff\xff\xff\x00\x00\x00\x21\xf9\x04"
    "\x01\x00\x00\x00\x00\x2c\x00\x00\x00\x00\x01\x00\x01\x00\x00\x02\x02"
    "\x44\x01\x00\x3b",
    43);

// Stands in for the raw-log writer: keeps every record, and either acknowledges at once with
// `result` or, when `hold` is set, keeps the callbacks for the test to run.
class FakeLog {
 public:
  AppendFn Fn() {
    return [this](std::string* record, rawlog::LogWriter::Done done) {
      std::unique_lock<std::mutex> lock(mu_);
      records_.push_back(std::move(*record));
      record->clear();
      if (hold_) {
        pending_.push_back(std::move(done));
        return;
      }
      const Status result = result_;
      lock.unlock();
      done(result);
    };
  }

  void Hold() { hold_ = true; }
  void FailWith(Status s) { result_ = std::move(s); }

  void CompletePending(const Status& status) {
    std::vector<rawlog::LogWriter::Done> pending;
    {
      std::lock_guard<std::mutex> lock(mu_);
      pending.swap(pending_);
    }
    for (auto& done : pending) done(status);
  }

  size_t size() {
    std::lock_guard<std::mutex> lock(mu_);
    return records_.size();
  }

  rawlog::CollectorPayload Payload(size_t i) {
    std::lock_guard<std::mutex> lock(mu_);
    EXPECT_LT(i, records_.size());
    if (i >= records_.size()) return {};
    auto p = rawlog::DecodePayload(records_[i]);
    EXPECT_TRUE(p.ok()) << p.status().ToString();
    return p.ok() ? std::move(p).value() : rawlog::CollectorPayload{};
  }

 private:
  std::mutex mu_;
  bool hold_ = false;
  Status result_;
  std::vector<std::string> records_;
  std::vector<rawlog::LogWriter::Done> pending_;
};

// Records what the collector answered, and how often (copies share what they saw).
class Answer {
 public:
  http::Responder Responder() { return capture_.NewResponder(); }
  int calls() const { return capture_.sends(); }
  const Response& response() const { return capture_.sent(); }
  const std::string* Header(std::string_view name) const {
    for (const auto& [n, v] : capture_.headers()) {
      if (http::EqualsIgnoreCase(n, name)) return &v;
    }
    return nullptr;
  }

 private:
  http::ResponseCapture capture_;
};

Request MakeRequest(std::string method, std::string target, http::HeaderList headers = {},
                    std::string body = "") {
  Request r;
  r.method = std::move(method);
  r.target = std::move(target);
  const size_t q = r.target.find('?');
  r.path = r.target.substr(0, q);
  r.query = q == std::string::npos ? "" : r.target.substr(q + 1);
  r.headers = std::move(headers);
  r.body = std::move(body);
  r.peer_ip = "203.0.113.9";
  return r;
}

const std::string* PayloadHeader(const rawlog::CollectorPayload& p, std::string_view name) {
  for (const auto& [n, v] : p.headers) {
    if (http::EqualsIgnoreCase(n, name)) return &v;
  }
  return nullptr;
}

// The value of the cookie set by `answer`, or "" when none.
std::string CookieId(const Answer& answer) {
  const std::string* set_cookie = answer.Header("Set-Cookie");
  if (set_cookie == nullptr) return "";
  const size_t eq = set_cookie->find('=');
  return set_cookie->substr(eq + 1, set_cookie->find(';') - eq - 1);
}

class CollectorTest : public ::testing::Test {
 protected:
  Answer Run(Request req) {
    Answer answer;
    collector_->Handle(std::move(req), answer.Responder());
    return answer;
  }
  void Reset(CollectorOptions options) {
    collector_ = std::make_unique<Collector>(std::move(options), log_.Fn());
  }

  FakeLog log_;
  std::unique_ptr<Collector> collector_ =
      std::make_unique<Collector>(CollectorOptions{}, log_.Fn());
};

TEST_F(CollectorTest, PixelAnswersTheGifAndStoresTheRequest) {
  Answer a = Run(MakeRequest("GET", "/i?e=pv&url=http%3A%2F%2Fa.example%2F",
                             {{"Host", "collector.example:8080"},
                              {"User-Agent", "Mozilla/5.0"},
                              {"Referer", "http://a.example/"},
                              {"Accept-Language", "en-GB"},
                              {"Cookie", "other=1"},
                              {"X-Unrelated", "x"}}));
  ASSERT_EQ(a.calls(), 1);
  EXPECT_EQ(a.response().status, 200);
  EXPECT_EQ(a.response().body, kGif);
  EXPECT_EQ(a.response().content_type, "image/gif");
  ASSERT_NE(a.Header("Cache-Control"), nullptr);
  EXPECT_EQ(*a.Header("Cache-Control"), "no-cache, no-store, must-revalidate");
  ASSERT_NE(a.Header("Access-Control-Allow-Origin"), nullptr);
  EXPECT_EQ(*a.Header("Access-Control-Allow-Origin"), "*");
  EXPECT_EQ(*a.Header("Access-Control-Allow-Credentials"), "true");

  ASSERT_EQ(log_.size(), 1u);
  const rawlog::CollectorPayload p = log_.Payload(0);
  EXPECT_GT(p.timestamp, 0);
  EXPECT_EQ(p.ip, "203.0.113.9");
  EXPECT_EQ(p.method, "GET");
  EXPECT_EQ(p.path, "/i");
  EXPECT_EQ(p.query, "e=pv&url=http%3A%2F%2Fa.example%2F");
  EXPECT_EQ(p.user_agent, "Mozilla/5.0");
  EXPECT_EQ(p.referer, "http://a.example/");
  EXPECT_EQ(p.hostname, "collector.example");
  EXPECT_EQ(p.collector, "footfall-0.1.0");
  EXPECT_TRUE(IsUuid(p.network_userid));
  EXPECT_EQ(p.network_userid, CookieId(a));
  ASSERT_EQ(p.headers.size(), 1u);
  EXPECT_EQ(p.headers[0].first, "Accept-Language");
  EXPECT_EQ(p.headers[0].second, "en-GB");
  EXPECT_EQ(PayloadHeader(p, "Cookie"), nullptr);
}

TEST_F(CollectorTest, IcePngAndHeadAreAlsoPixels) {
  Answer ice = Run(MakeRequest("GET", "/ice.png?e=pv"));
  EXPECT_EQ(ice.response().body, kGif);
  Answer head = Run(MakeRequest("HEAD", "/i?e=pv"));
  EXPECT_EQ(head.response().status, 200);
  EXPECT_EQ(head.response().content_type, "image/gif");
  EXPECT_EQ(log_.size(), 2u);
  EXPECT_EQ(log_.Payload(1).method, "HEAD");
  Answer post = Run(MakeRequest("POST", "/i"));
  EXPECT_EQ(post.response().status, 405);
  EXPECT_EQ(log_.size(), 2u);
}

TEST_F(CollectorTest, SetCookieHasTheSnowplowAttributes) {
  CollectorOptions options;
  options.cookie_domain = ".example.com";
  Reset(options);
  Answer a = Run(MakeRequest("GET", "/i"));
  const std::string* cookie = a.Header("Set-Cookie");
  ASSERT_NE(cookie, nullptr);
  EXPECT_EQ(cookie->rfind("sp=", 0), 0u) << *cookie;
  const size_t expires = cookie->find("; Expires=");
  ASSERT_NE(expires, std::string::npos);
  EXPECT_EQ(cookie->substr(expires + 10 + 25, 4), " GMT") << *cookie;
  for (const char* attribute :
       {"; Path=/", "; Domain=.example.com", "; SameSite=None", "; Secure", "; HttpOnly"}) {
    EXPECT_NE(cookie->find(attribute), std::string::npos) << attribute << " in " << *cookie;
  }
}

TEST_F(CollectorTest, Tp2PostIsStoredWithItsBody) {
  const std::string body =
      R"({"schema":"iglu:com.snowplowanalytics.snowplow/payload_data/jsonschema/1-0-4",)"
      R"("data":[{"e":"pv","p":"web","tv":"js-3.0.0"}]})";
  Answer a = Run(MakeRequest(
      "POST", "/com.snowplowanalytics.snowplow/tp2",
      {{"Content-Type", "application/json; charset=utf-8"}, {"Origin", "https://a.example"}},
      body));
  ASSERT_EQ(a.calls(), 1);
  EXPECT_EQ(a.response().status, 200);
  EXPECT_EQ(a.response().body, "ok");
  EXPECT_EQ(a.response().content_type.rfind("text/plain", 0), 0u);
  ASSERT_NE(a.Header("Access-Control-Allow-Origin"), nullptr);
  EXPECT_EQ(*a.Header("Access-Control-Allow-Origin"), "https://a.example");
  const rawlog::CollectorPayload p = log_.Payload(0);
  EXPECT_EQ(p.method, "POST");
  EXPECT_EQ(p.path, "/com.snowplowanalytics.snowplow/tp2");
  EXPECT_EQ(p.body, body);
  EXPECT_EQ(p.content_type, "application/json; charset=utf-8");
  ASSERT_NE(PayloadHeader(p, "Origin"), nullptr);
  EXPECT_EQ(*PayloadHeader(p, "Origin"), "https://a.example");
}

TEST_F(CollectorTest, OtherVendorPathsAreStored) {
  Answer a = Run(MakeRequest("GET", "/com.snowplowanalytics.iglu/v1?schema=iglu%3Acom.acme"));
  EXPECT_EQ(a.response().status, 200);
  EXPECT_EQ(a.response().body, "ok");
  Answer post = Run(MakeRequest("POST", "/com.acme/v2", {}, "a=1"));
  EXPECT_EQ(post.response().body, "ok");
  ASSERT_EQ(log_.size(), 2u);
  EXPECT_EQ(log_.Payload(0).path, "/com.snowplowanalytics.iglu/v1");
  EXPECT_EQ(log_.Payload(1).body, "a=1");
}

TEST_F(CollectorTest, AnswerWaitsUntilTheRecordIsDurable) {
  log_.Hold();
  Answer a = Run(MakeRequest("GET", "/i"));
  EXPECT_EQ(log_.size(), 1u);
  EXPECT_EQ(a.calls(), 0);
  EXPECT_EQ(collector_->Counters().appends_in_flight, 1u);
  log_.CompletePending(Status::Ok());
  ASSERT_EQ(a.calls(), 1);
  EXPECT_EQ(a.response().status, 200);
  EXPECT_EQ(collector_->Counters().appends_in_flight, 0u);
  EXPECT_EQ(collector_->Counters().records_stored, 1u);
}

TEST_F(CollectorTest, AppendErrorIs503) {
  log_.FailWith(IoError("disk full"));
  Answer a = Run(MakeRequest("POST", "/com.snowplowanalytics.snowplow/tp2", {}, "{}"));
  ASSERT_EQ(a.calls(), 1);
  EXPECT_EQ(a.response().status, 503);
  EXPECT_FALSE(a.response().body.empty());
  EXPECT_EQ(a.Header("Set-Cookie"), nullptr);
  EXPECT_NE(a.Header("Access-Control-Allow-Origin"), nullptr);
  EXPECT_EQ(collector_->Counters().append_failures, 1u);
  EXPECT_EQ(collector_->Counters().records_stored, 0u);
}

TEST_F(CollectorTest, NetworkUserIdPrefersNuidThenCookieThenNew) {
  const std::string nuid = "11111111-2222-4333-8444-555555555555";
  const std::string cookie = "aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee";
  Answer both = Run(MakeRequest("GET", "/i?e=pv&nuid=" + nuid, {{"Cookie", "x=1; sp=" + cookie}}));
  EXPECT_EQ(log_.Payload(0).network_userid, nuid);
  EXPECT_EQ(CookieId(both), nuid);

  Answer from_cookie = Run(MakeRequest("GET", "/i?e=pv", {{"Cookie", "x=1; sp=" + cookie}}));
  EXPECT_EQ(log_.Payload(1).network_userid, cookie);
  EXPECT_EQ(CookieId(from_cookie), cookie);

  Answer fresh = Run(MakeRequest("GET", "/i?e=pv"));
  const std::string id = log_.Payload(2).network_userid;
  EXPECT_TRUE(IsUuid(id));
  EXPECT_NE(id, nuid);
  EXPECT_NE(id, cookie);
  EXPECT_EQ(CookieId(fresh), id);

  // A value that would break the Set-Cookie header is not taken.
  Run(MakeRequest("GET", "/i?nuid=a%3B%20Domain%3Devil", {{"Cookie", "sp=" + cookie}}));
  EXPECT_EQ(log_.Payload(3).network_userid, cookie);
}

TEST_F(CollectorTest, SpAnonymousHidesIdentity) {
  CollectorOptions options;
  options.trust_forwarded_for = true;
  Reset(options);
  Answer a = Run(MakeRequest("GET", "/i?e=pv&nuid=11111111-2222-4333-8444-555555555555",
                             {{"SP-Anonymous", "*"},
                              {"Cookie", "sp=aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee"},
                              {"X-Forwarded-For", "198.51.100.1"},
                              {"X-Real-Ip", "198.51.100.1"}}));
  EXPECT_EQ(a.response().status, 200);
  EXPECT_EQ(a.Header("Set-Cookie"), nullptr);
  const rawlog::CollectorPayload p = log_.Payload(0);
  EXPECT_EQ(p.network_userid, "00000000-0000-0000-0000-000000000000");
  EXPECT_EQ(p.ip, "");
  EXPECT_EQ(PayloadHeader(p, "X-Forwarded-For"), nullptr);
  EXPECT_EQ(PayloadHeader(p, "X-Real-Ip"), nullptr);
  EXPECT_EQ(PayloadHeader(p, "Cookie"), nullptr);
  ASSERT_NE(PayloadHeader(p, "SP-Anonymous"), nullptr);
}

TEST_F(CollectorTest, ForwardedForOnlyWhenTrusted) {
  const http::HeaderList headers = {{"X-Forwarded-For", " 198.51.100.7, 10.0.0.1"}};
  Run(MakeRequest("GET", "/i", headers));
  EXPECT_EQ(log_.Payload(0).ip, "203.0.113.9");
  ASSERT_NE(PayloadHeader(log_.Payload(0), "X-Forwarded-For"), nullptr);

  CollectorOptions options;
  options.trust_forwarded_for = true;
  Reset(options);
  Run(MakeRequest("GET", "/i", headers));
  EXPECT_EQ(log_.Payload(1).ip, "198.51.100.7");
  Run(MakeRequest("GET", "/i"));
  EXPECT_EQ(log_.Payload(2).ip, "203.0.113.9");
}

TEST_F(CollectorTest, CorsPreflight) {
  Answer a = Run(MakeRequest("OPTIONS", "/com.snowplowanalytics.snowplow/tp2",
                             {{"Origin", "https://shop.example"}}));
  ASSERT_EQ(a.calls(), 1);
  EXPECT_EQ(a.response().status, 200);
  EXPECT_EQ(*a.Header("Access-Control-Allow-Origin"), "https://shop.example");
  EXPECT_EQ(*a.Header("Access-Control-Allow-Credentials"), "true");
  EXPECT_EQ(*a.Header("Access-Control-Allow-Headers"), "Content-Type, SP-Anonymous");
  EXPECT_EQ(*a.Header("Access-Control-Allow-Methods"), "POST, GET, OPTIONS");
  EXPECT_NE(a.Header("Access-Control-Max-Age"), nullptr);
  Answer no_origin = Run(MakeRequest("OPTIONS", "/anything/at/all"));
  EXPECT_EQ(*no_origin.Header("Access-Control-Allow-Origin"), "*");
  EXPECT_EQ(log_.size(), 0u);
}

TEST_F(CollectorTest, HealthRobotsAndUnknownPaths) {
  Answer health = Run(MakeRequest("GET", "/health"));
  EXPECT_EQ(health.response().status, 200);
  EXPECT_EQ(health.response().body, "ok");
  Answer robots = Run(MakeRequest("GET", "/robots.txt"));
  EXPECT_EQ(robots.response().body, "User-agent: *\nDisallow: /\n");
  for (const char* path : {"/", "/nope", "/a/b/c", "//x", "/a/"}) {
    Answer a = Run(MakeRequest("GET", path));
    EXPECT_EQ(a.response().status, 404) << path;
  }
  EXPECT_EQ(log_.size(), 0u);
}

TEST_F(CollectorTest, HealthShowsAStorageError) {
  Status storage = IoError("write to raw/000000000003.open: No space left on device");
  CollectorOptions options;
  options.storage_health = [&storage] { return storage; };
  options.extra_metrics = [](std::string* out) { *out += "footfall_rawlog_test_metric 1\n"; };
  Reset(options);
  Answer sick = Run(MakeRequest("GET", "/health"));
  EXPECT_EQ(sick.response().status, 503);
  EXPECT_NE(sick.response().body.find("No space left"), std::string::npos);
  storage = Status::Ok();
  EXPECT_EQ(Run(MakeRequest("GET", "/health")).response().status, 200);
  EXPECT_NE(
      Run(MakeRequest("GET", "/metrics")).response().body.find("footfall_rawlog_test_metric 1"),
      std::string::npos);
}

TEST_F(CollectorTest, RedirectDisabledIs404) {
  Answer a = Run(MakeRequest("GET", "/r/tp2?u=https%3A%2F%2Fshop.example%2F"));
  EXPECT_EQ(a.response().status, 404);
  EXPECT_EQ(log_.size(), 0u);
}

TEST_F(CollectorTest, RedirectToAllowedHostOnly) {
  CollectorOptions options;
  options.redirect_allowed_hosts = {"shop.example"};
  Reset(options);
  Answer allowed =
      Run(MakeRequest("GET", "/r/tp2?e=pv&u=https%3A%2F%2FShop.Example%3A443%2Fp%3Fq"));
  EXPECT_EQ(allowed.response().status, 302);
  ASSERT_NE(allowed.Header("Location"), nullptr);
  EXPECT_EQ(*allowed.Header("Location"), "https://Shop.Example:443/p?q");
  EXPECT_NE(allowed.Header("Set-Cookie"), nullptr);

  for (const char* target :
       {"/r/tp2?u=https%3A%2F%2Fevil.example%2F",
        "/r/tp2?u=https%3A%2F%2Fshop.example%40evil.example", "/r/tp2?u=javascript%3Aalert(1)",
        "/r/tp2?u=https%3A%2F%2Fshop.example%0D%0AX%3A1", "/r/tp2"}) {
    Answer denied = Run(MakeRequest("GET", target));
    EXPECT_EQ(denied.response().status, 400) << target;
    EXPECT_EQ(denied.Header("Location"), nullptr);
  }
  EXPECT_EQ(log_.size(), 6u);
  EXPECT_EQ(log_.Payload(0).path, "/r/tp2");
}

TEST_F(CollectorTest, OversizedBodyIsStoredTruncatedAsASizeViolation) {
  CollectorOptions options;
  options.max_stored_body = 10;
  Reset(options);
  Request req =
      MakeRequest("POST", "/com.snowplowanalytics.snowplow/tp2", {}, std::string(25, 'x'));
  req.body_over_soft_limit = true;
  Answer a = Run(std::move(req));
  EXPECT_EQ(a.response().status, 200);
  const rawlog::CollectorPayload p = log_.Payload(0);
  EXPECT_EQ(p.body, std::string(10, 'x'));
  ASSERT_NE(PayloadHeader(p, rawlog::kSizeViolationHeader), nullptr);
  EXPECT_EQ(*PayloadHeader(p, rawlog::kSizeViolationHeader), "25");
  EXPECT_EQ(collector_->Counters().size_violations, 1u);
}

TEST_F(CollectorTest, MetricsCountRequestsBytesAndStores) {
  Run(MakeRequest("GET", "/i?e=pv"));
  Run(MakeRequest("GET", "/i?e=pv"));
  Run(MakeRequest("GET", "/missing"));
  Run(MakeRequest("POST", "/com.snowplowanalytics.snowplow/tp2", {}, "{}"));
  Answer m = Run(MakeRequest("GET", "/metrics"));
  EXPECT_EQ(m.response().status, 200);
  EXPECT_EQ(m.response().content_type.rfind("text/plain; version=0.0.4", 0), 0u);
  const std::string& text = m.response().body;
  for (const char* line : {
           "# TYPE footfall_collector_requests_total counter\n",
           "footfall_collector_requests_total{route=\"pixel\",code=\"200\"} 2\n",
           "footfall_collector_requests_total{route=\"not_found\",code=\"404\"} 1\n",
           "footfall_collector_requests_total{route=\"tp2\",code=\"200\"} 1\n",
           "footfall_collector_stored_total 3\n",
           "footfall_collector_append_failures_total 0\n",
           "footfall_collector_appends_in_flight 0\n",
       }) {
    EXPECT_NE(text.find(line), std::string::npos) << line << "\nin:\n" << text;
  }
  const uint64_t bytes = std::string("/i?e=pv").size() * 2 + std::string("/missing").size() +
                         std::string("/com.snowplowanalytics.snowplow/tp2").size() + 2 +
                         std::string("/metrics").size();
  EXPECT_NE(text.find("footfall_collector_received_bytes_total " + std::to_string(bytes) + "\n"),
            std::string::npos)
      << text;
}

TEST(CollectorServerTest, PixelOverARealSocket) {
  FakeLog log;
  Collector collector(CollectorOptions{}, log.Fn());
  auto server = http::Server::Start(http::LoopbackServerOptions(), collector.AsHandler());
  ASSERT_TRUE(server.ok()) << server.status().ToString();
  auto client = http::TestClient::Connect((*server)->port());
  ASSERT_TRUE(client.ok()) << client.status().ToString();
  ASSERT_TRUE(
      client->Send(http::MakeRequest("GET", "/i?e=pv&tv=js-3.0.0", "User-Agent: test-agent\r\n"))
          .ok());
  auto r = client->ReadResponse();
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(r->body, kGif);
  ASSERT_NE(r->Header("Content-Type"), nullptr);
  EXPECT_EQ(*r->Header("Content-Type"), "image/gif");
  ASSERT_NE(r->Header("Set-Cookie"), nullptr);
  ASSERT_EQ(log.size(), 1u);
  const rawlog::CollectorPayload p = log.Payload(0);
  EXPECT_EQ(p.ip, "127.0.0.1");
  EXPECT_EQ(p.query, "e=pv&tv=js-3.0.0");
  EXPECT_EQ(p.user_agent, "test-agent");
  EXPECT_EQ(p.hostname, "test");
  (*server)->Stop();
}

}  // namespace
}  // namespace footfall::collector
