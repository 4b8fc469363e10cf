#include "pipeline/traffic.h"

#include <algorithm>
#include <array>
#include <string_view>

#include "base/json_writer.h"
#include "pipeline/tracker_params.h"

namespace footfall::pipeline {
namespace {

struct Page {
  std::string_view path;
  std::string_view title;
};

constexpr std::array<Page, 10> kLandingPages = {{
    {"/", "Atelier — New season"},
    {"/women", "Women"},
    {"/women/dresses", "Dresses"},
    {"/men", "Men"},
    {"/men/jackets", "Jackets"},
    {"/sale", "Sale"},
    {"/lookbook/autumn", "Autumn lookbook"},
    {"/product/linen-shirt-white", "Linen shirt, white"},
    {"/product/wrap-dress-emerald", "Wrap dress, emerald"},
    {"/journal/how-to-style-a-trench", "How to style a trench"},
}};

constexpr std::array<std::string_view, 12> kProducts = {
    "linen-shirt-white",  "wrap-dress-emerald", "trench-coat-camel",  "wool-blazer-navy",
    "silk-scarf-print",   "denim-jacket-blue",  "knit-sweater-oat",   "leather-boots-black",
    "pleated-skirt-sage", "chino-trousers-tan", "cashmere-coat-grey", "sneakers-white",
};

struct Referrer {
  std::string_view url;
  int weight;
};
constexpr std::array<Referrer, 7> kReferrers = {{
    {"", 30},  // direct
    {"https://www.google.com/search?q=emerald+wrap+dress", 30},
    {"https://www.bing.com/search?q=linen+shirt", 5},
    {"https://www.instagram.com/", 15},
    {"https://www.pinterest.com/pin/123/", 8},
    {"https://mail.google.com/", 7},
    {"https://www.fashion-blog.example/best-autumn-coats", 5},
}};

constexpr std::array<std::string_view, 4> kCampaigns = {
    "", "?utm_source=newsletter&utm_medium=email&utm_campaign=autumn_drop",
    "?utm_source=instagram&utm_medium=social&utm_campaign=try_on_launch",
    "?utm_source=google&utm_medium=cpc&utm_campaign=brand&gclid=Cj0KCQ"};

constexpr std::array<std::string_view, 5> kUserAgents = {
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/130.0.0.0 Safari/537.36",
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like "
    "Gecko) Version/17.5 Mobile/15E148 Safari/604.1",
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) "
    "Version/17.5 Safari/605.1.15",
    "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/130.0.0.0 Mobile Safari/537.36",
    "Mozilla/5.0 (X11; Linux x86_64; rv:131.0) Gecko/20100101 Firefox/131.0",
};

constexpr std::string_view kSite = "https://shop.example";
// Events per session, on average, with the page and ping counts drawn below.
constexpr uint64_t kEventsPerSession = 9;
constexpr Micros kPingInterval = 10 * kMicrosPerSecond;

}  // namespace

TrafficGenerator::TrafficGenerator(TrafficOptions options)
    : options_(std::move(options)), rng_(options_.seed) {
  const double days = static_cast<double>(options_.span) / kMicrosPerDay;
  const double studio_rate = options_.studio_cases_per_day.value_or(
      options_.realtime ? 60.0
      : days > 0        ? 3.0 * static_cast<double>(options_.events) / 1000.0 / days
                        : 0.0);
  if (studio_rate > 0) {
    studio_.emplace(options_.seed, studio_rate, options_.realtime ? NowMicros() : options_.start);
  }
  // About one visitor per four sessions: some come back.
  constexpr uint64_t kMaxDerivedVisitors = 1'000'000;
  const uint64_t visitors =
      options_.visitors > 0
          ? options_.visitors
          : std::clamp<uint64_t>(options_.events / kEventsPerSession / 4, 1, kMaxDerivedVisitors);
  visitors_.resize(visitors);
  for (Visitor& v : visitors_) {
    v.domain_userid = NewUuid(rng_);
    v.network_userid = NewUuid(rng_);
    v.user_agent = static_cast<int>(rng_.Uniform(kUserAgents.size()));
  }
}

void TrafficGenerator::StartSession() {
  visitor_ = &visitors_[rng_.Uniform(visitors_.size())];
  ++visitor_->sessions;
  session_id_ = NewUuid(rng_);
  int total = 0;
  for (const Referrer& r : kReferrers) total += r.weight;
  int pick = static_cast<int>(rng_.Uniform(total));
  referrer_.clear();
  for (const Referrer& r : kReferrers) {
    if ((pick -= r.weight) < 0) {
      referrer_ = r.url;
      break;
    }
  }
  const Page& landing = kLandingPages[rng_.Uniform(kLandingPages.size())];
  page_url_ = std::string(kSite) + std::string(landing.path) +
              std::string(kCampaigns[rng_.Chance(0.25) ? 1 + rng_.Uniform(3) : 0]);
  page_title_ = landing.title;
  pages_left_ = 1 + static_cast<int>(rng_.Uniform(6));
  pings_left_ = -1;  // the landing page view comes first
  post_ = rng_.Chance(options_.post_share);
  product_.clear();
  follow_ = Follow::kNone;
  // Sessions start evenly over the span, in the order they are generated.
  const double progress = static_cast<double>(produced_) / static_cast<double>(options_.events);
  clock_ = options_.start + static_cast<Micros>(progress * static_cast<double>(options_.span)) +
           static_cast<Micros>(rng_.Uniform(60 * kMicrosPerSecond));
}

void TrafficGenerator::NextPage() {
  referrer_ = page_url_;
  const uint64_t roll = rng_.Uniform(100);
  const std::string_view product = kProducts[rng_.Uniform(kProducts.size())];
  std::string path, title;
  follow_ = Follow::kNone;
  if (roll < 45) {
    path = "/product/" + std::string(product);
    title = std::string(product);
    product_ = product;
  } else if (roll < 60) {
    path = "/try-on/" + std::string(product);
    title = "Virtual try-on: " + std::string(product);
    product_ = product;
    follow_ = Follow::kTryOn;
  } else if (roll < 75) {
    const Page& p = kLandingPages[rng_.Uniform(kLandingPages.size())];
    path = p.path;
    title = p.title;
  } else if (roll < 88) {
    path = "/cart";
    title = "Your bag";
    if (!product_.empty()) follow_ = Follow::kAddToCart;
  } else if (roll < 95) {
    path = "/checkout";
    title = "Checkout";
  } else {
    path = "/order/confirmation";
    title = "Thank you for your order";
    follow_ = Follow::kTransaction;
  }
  page_url_ = std::string(kSite) + path;
  page_title_ = std::move(title);
  clock_ += 5 * kMicrosPerSecond + static_cast<Micros>(rng_.Uniform(40 * kMicrosPerSecond));
}

Micros TrafficGenerator::WebEvent(Params* params) {
  const auto add = [&](std::string_view k, std::string v) {
    params->emplace_back(k, std::move(v));
  };
  const Follow follow = pings_left_ < 0 ? Follow::kNone : follow_;
  if (follow != Follow::kNone) {
    // Reported right after the page view, before its pings.
    follow_ = Follow::kNone;
    clock_ += 2 * kMicrosPerSecond + static_cast<Micros>(rng_.Uniform(20 * kMicrosPerSecond));
    if (follow == Follow::kTryOn) {
      static constexpr std::array<std::string_view, 4> kOutcomes = {"completed", "abandoned",
                                                                    "added_to_cart", "started"};
      JsonWriter data;
      data.BeginObject()
          .Key("product_id")
          .String(product_)
          .Key("garment_category")
          .String(product_.substr(product_.find('-') + 1))
          .Key("outcome")
          .String(kOutcomes[rng_.Uniform(kOutcomes.size())])
          .Key("duration_ms")
          .Int(static_cast<int64_t>(5000 + rng_.Uniform(90'000)))
          .EndObject();
      add("e", "ue");
      add("ue_px", EncodeSelfDescribingEvent(kTryOnSchema, data.str()));
    } else if (follow == Follow::kAddToCart) {
      add("e", "se");
      add("se_ca", "cart");
      add("se_ac", "add");
      add("se_la", product_);
      add("se_va", std::to_string(29 + rng_.Uniform(300)) + ".00");
    } else {
      add("e", "tr");
      add("tr_id", "order-" + std::to_string(rng_.Uniform(1'000'000'000)));
      add("tr_af", "shop.example");
      add("tr_tt", std::to_string(40 + rng_.Uniform(600)) + ".90");
      add("tr_cu", "EUR");
    }
  } else {
    const bool page_view = pings_left_ <= 0;
    if (page_view) {
      if (pings_left_ == 0) NextPage();
      --pages_left_;
      pings_left_ = static_cast<int>(rng_.Uniform(4));
      page_view_id_ = NewUuid(rng_);
    } else {
      --pings_left_;
      clock_ += kPingInterval;
    }
    add("e", page_view ? "pv" : "pp");
    if (page_view && !referrer_.empty()) add("refr", referrer_);
    if (!page_view) {
      add("pp_mix", "0");
      add("pp_max", "0");
      add("pp_miy", std::to_string(rng_.Uniform(400)));
      add("pp_may", std::to_string(400 + rng_.Uniform(2400)));
    }
  }
  add("url", page_url_);
  add("page", page_title_);
  add("tv", "js-4.1.0");
  add("tna", "sp");
  add("aid", options_.app_id);
  add("p", "web");
  add("tz", "Europe/Paris");
  add("lang", "fr-FR");
  add("cs", "UTF-8");
  add("res", "1920x1080");
  add("vp", "1280x720");
  add("ds", "1280x" + std::to_string(2800 + rng_.Uniform(1200)));
  add("eid", NewUuid(rng_));
  add("duid", visitor_->domain_userid);
  add("sid", session_id_);
  add("vid", std::to_string(visitor_->sessions));
  add("cx", EncodeContexts({{kWebPageSchema, "{\"id\":\"" + page_view_id_ + "\"}"}}));
  const Micros now = options_.realtime ? NowMicros() : clock_;
  add("dtm", std::to_string(now / 1000));
  return now;
}

void TrafficGenerator::Emit(Params params, Micros sent, rawlog::CollectorPayload* out) {
  params.emplace_back("stm", std::to_string(sent / 1000));
  out->query.clear();
  out->body.clear();
  out->content_type.clear();
  if (post_) {
    out->method = "POST";
    out->path = "/com.snowplowanalytics.snowplow/tp2";
    out->body = EncodePayloadData({params});
    out->content_type = "application/json; charset=UTF-8";
  } else {
    out->method = "GET";
    out->path = "/i";
    out->query.reserve(1024);
    for (const auto& [k, v] : params) AppendParam(&out->query, k, v);
  }
  out->timestamp = sent + static_cast<Micros>(rng_.Uniform(200'000));
  out->ip = "198.51.100." + std::to_string(1 + (visitor_ - visitors_.data()) % 254);
  out->user_agent = kUserAgents[visitor_->user_agent];
  out->referer = page_url_;
  out->hostname = "collector.shop.example";
  out->network_userid = visitor_->network_userid;
  out->collector = "footfall-gen";
  out->headers.clear();
}

bool TrafficGenerator::Next(rawlog::CollectorPayload* out) {
  if (produced_ >= options_.events) return false;
  const Micros wall = options_.realtime ? NowMicros() : horizon_;
  if (studio_ && studio_->NextDue(wall, wall + static_cast<Micros>(rng_.Uniform(300'000)), out)) {
    ++produced_;
    return true;
  }
  if (visitor_ == nullptr || (pings_left_ == 0 && pages_left_ == 0 && follow_ == Follow::kNone)) {
    StartSession();
  }
  Params params;
  params.reserve(24);
  const Micros now = WebEvent(&params);
  horizon_ = std::max(horizon_, clock_);
  Emit(std::move(params), now + static_cast<Micros>(rng_.Uniform(800'000)), out);
  ++produced_;
  return true;
}

}  // namespace footfall::pipeline
