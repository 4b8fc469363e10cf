#include "pipeline/traffic.h"

#include <array>
#include <charconv>

#include "base/json_writer.h"
#include "base/url.h"
#include "pipeline/tracker_params.h"
#include "pipeline/traffic_catalog.h"

namespace footfall::pipeline {
namespace {

constexpr std::string_view kSite = "https://shop.example";
constexpr std::string_view kPayloadDataStart =
    "{\"schema\":\"iglu:com.snowplowanalytics.snowplow/payload_data/jsonschema/1-0-4\","
    "\"data\":[";
constexpr Micros kPingInterval = 10 * kMicrosPerSecond;
constexpr double kIpv6Share = 0.3;

void AppendNumber(std::string* out, int64_t v) {
  char text[24];
  const auto end = std::to_chars(text, text + sizeof text, v).ptr;
  out->append(text, end);
}

// A visitor's identity and surroundings follow from the seed and the visitor's number alone.
uint64_t VisitorSeed(uint64_t seed, uint32_t visitor) {
  return seed * 0x9e3779b97f4a7c15ull ^ (uint64_t{visitor} + 1) * 0xbf58476d1ce4e5b9ull;
}

}  // namespace

SessionRenderer::SessionRenderer(const TrafficOptions& options) : options_(options) {}

std::string_view SessionRenderer::EventCode(EventKind kind) {
  switch (kind) {
    case EventKind::kPageView:
      return "pv";
    case EventKind::kPagePing:
      return "pp";
    case EventKind::kBodyModel:
    case EventKind::kTryOn:
      return "ue";
    case EventKind::kAddToCart:
      return "se";
    case EventKind::kOrder:
      return "tr";
  }
  return "";
}

void SessionRenderer::Field(std::string* out, std::string_view key, std::string_view value) const {
  if (post_) {
    out->append(",\"");
    out->append(key);
    out->append("\":\"");
    out->append(value);
    out->push_back('"');
  } else {
    out->push_back('&');
    out->append(key);
    out->push_back('=');
    out->append(value);
  }
}

void SessionRenderer::Encode(std::string* out, std::string_view value) const {
  if (!post_) {
    AppendPercentEncoded(out, value);
    return;
  }
  const size_t at = out->size();
  AppendJsonString(out, value);
  out->pop_back();    // the closing quote
  out->erase(at, 1);  // the opening one
}

void SessionRenderer::Start(const SessionPlan& plan) {
  plan_ = &plan;
  rng_ = Rng(plan.seed);
  post_ = plan.batch > 0;
  events_left_ = plan.events;
  page_ = -1;
  event_count_ = next_event_ = 0;
  clock_ = plan.start;
  page_url_.clear();

  Rng visitor(VisitorSeed(options_.seed, plan.visitor));
  std::string domain_userid;
  AppendUuid(visitor, &domain_userid);
  network_userid_.clear();
  AppendUuid(visitor, &network_userid_);
  const catalog::Device& device =
      catalog::Devices()[catalog::PickWeighted(catalog::Devices(), visitor.Unit())];
  const size_t country_index = catalog::PickWeighted(catalog::Countries(), visitor.Unit());
  const catalog::Country& country = catalog::Countries()[country_index];
  user_agent_ = device.user_agent;
  if (visitor.Chance(kIpv6Share)) {
    ip_ = catalog::Ipv6Address(country_index, static_cast<uint16_t>(visitor.Uniform(0x10000)),
                               static_cast<uint16_t>(visitor.Uniform(0x10000)));
  } else {
    ip_ = catalog::Ipv4Address(country_index, visitor.Uniform(catalog::kIpv4HostsPerCountry));
  }

  std::string& s = session_fields_;
  s.clear();
  Field(&s, "tv", "js-4.1.0");
  Field(&s, "tna", "sp");
  scratch_.clear();
  Encode(&scratch_, options_.app_id);
  Field(&s, "aid", scratch_);
  Field(&s, "p", "web");
  scratch_.clear();
  Encode(&scratch_, country.time_zone);
  Field(&s, "tz", scratch_);
  Field(&s, "lang", country.language);
  Field(&s, "cs", "UTF-8");
  Field(&s, "res", device.screen);
  Field(&s, "vp", device.viewport);
  Field(&s, "duid", domain_userid);
  scratch_.clear();
  AppendUuid(rng_, &scratch_);
  Field(&s, "sid", scratch_);
  scratch_.clear();
  AppendNumber(&scratch_, plan.visit);
  Field(&s, "vid", scratch_);
  viewport_width_ = device.viewport.substr(0, device.viewport.find('x'));
}

void SessionRenderer::StartPage() {
  ++page_;
  const PlannedPage& page = plan_->pages[page_];
  std::string referrer = std::move(page_url_);
  if (page_ == 0) referrer = catalog::Referrers()[plan_->referrer].url;
  page_url_ = kSite;
  std::string title;
  const std::string_view product = catalog::Products()[page.item % catalog::Products().size()];
  const catalog::Page& landing =
      catalog::LandingPages()[page.item % catalog::LandingPages().size()];
  using Kind = PlannedPage::Kind;
  switch (page.kind) {
    case Kind::kLanding:
    case Kind::kListing:
      page_url_.append(landing.path);
      if (page.kind == Kind::kLanding) page_url_.append(catalog::Campaigns()[plan_->campaign]);
      title = landing.title;
      break;
    case Kind::kProduct:
      page_url_.append("/product/").append(product);
      title = product;
      break;
    case Kind::kTryOn:
      page_url_.append("/try-on/").append(product);
      title = "Virtual try-on: " + std::string(product);
      break;
    case Kind::kCart:
      page_url_.append("/cart");
      title = "Your bag";
      break;
    case Kind::kCheckout:
      page_url_.append("/checkout");
      title = "Checkout";
      break;
    case Kind::kOrder:
      page_url_.append("/order/confirmation");
      title = "Thank you for your order";
      break;
  }
  if (page_ > 0) {
    clock_ += 5 * kMicrosPerSecond + static_cast<Micros>(rng_.Uniform(40 * kMicrosPerSecond));
  }

  referrer_fields_.clear();
  if (!referrer.empty()) {
    scratch_.clear();
    Encode(&scratch_, referrer);
    Field(&referrer_fields_, "refr", scratch_);
  }
  std::string& f = page_fields_;
  f.clear();
  scratch_.clear();
  Encode(&scratch_, page_url_);
  Field(&f, "url", scratch_);
  scratch_.clear();
  Encode(&scratch_, title);
  Field(&f, "page", scratch_);
  scratch_.assign(viewport_width_).push_back('x');
  AppendNumber(&scratch_, static_cast<int64_t>(2800 + rng_.Uniform(1200)));
  Field(&f, "ds", scratch_);
  std::string context = "{\"id\":\"";
  AppendUuid(rng_, &context);
  context.append("\"}");
  scratch_.clear();
  Encode(&scratch_, EncodeContexts({{kWebPageSchema, std::move(context)}}));
  Field(&f, "cx", scratch_);

  using Follow = PlannedPage::Follow;
  event_count_ = 0;
  next_event_ = 0;
  events_[event_count_++] = EventKind::kPageView;
  if (page.follow == Follow::kBodyModelAndTryOn) events_[event_count_++] = EventKind::kBodyModel;
  if (page.follow == Follow::kBodyModelAndTryOn || page.follow == Follow::kTryOn) {
    events_[event_count_++] = EventKind::kTryOn;
  }
  if (page.follow == Follow::kAddToCart) events_[event_count_++] = EventKind::kAddToCart;
  if (page.follow == Follow::kTransaction) events_[event_count_++] = EventKind::kOrder;
  for (int i = 0; i < page.pings; ++i) events_[event_count_++] = EventKind::kPagePing;
}

Micros SessionRenderer::AppendEvent(std::string* out) {
  if (next_event_ == event_count_) StartPage();
  const EventKind kind = events_[next_event_++];
  --events_left_;
  if (post_) {
    out->append("{\"e\":\"").append(EventCode(kind)).push_back('"');
  } else {
    out->append("e=").append(EventCode(kind));
  }

  const PlannedPage& page = plan_->pages[page_];
  const std::string_view product = catalog::Products()[page.item % catalog::Products().size()];
  const auto pause = [&](Micros least, Micros spread) {
    clock_ += least + static_cast<Micros>(rng_.Uniform(spread));
  };
  const auto number = [&](std::string_view key, int64_t value) {
    scratch_.clear();
    AppendNumber(&scratch_, value);
    Field(out, key, scratch_);
  };
  const auto self_describing = [&](std::string_view schema, const JsonWriter& data) {
    scratch_.clear();
    Encode(&scratch_, EncodeSelfDescribingEvent(schema, data.str()));
    Field(out, "ue_px", scratch_);
  };
  switch (kind) {
    case EventKind::kPageView:
      out->append(referrer_fields_);
      break;
    case EventKind::kPagePing:
      clock_ += kPingInterval;
      Field(out, "pp_mix", "0");
      Field(out, "pp_max", "0");
      number("pp_miy", static_cast<int64_t>(rng_.Uniform(400)));
      number("pp_may", static_cast<int64_t>(400 + rng_.Uniform(2400)));
      break;
    case EventKind::kBodyModel: {
      pause(20 * kMicrosPerSecond, 60 * kMicrosPerSecond);
      static constexpr std::array<std::string_view, 3> kMethods = {"measurements", "photo",
                                                                   "size_quiz"};
      static constexpr std::array<std::string_view, 3> kFits = {"slim", "regular", "relaxed"};
      JsonWriter data;
      data.BeginObject()
          .Key("method")
          .String(kMethods[rng_.Uniform(kMethods.size())])
          .Key("height_cm")
          .Int(static_cast<int64_t>(150 + rng_.Uniform(50)))
          .Key("fit_preference")
          .String(kFits[rng_.Uniform(kFits.size())])
          .Key("duration_ms")
          .Int(static_cast<int64_t>(20'000 + rng_.Uniform(120'000)))
          .EndObject();
      self_describing(kBodyModelSchema, data);
      break;
    }
    case EventKind::kTryOn: {
      pause(2 * kMicrosPerSecond, 20 * kMicrosPerSecond);
      static constexpr std::array<std::string_view, 4> kOutcomes = {"completed", "abandoned",
                                                                    "added_to_cart", "started"};
      JsonWriter data;
      data.BeginObject()
          .Key("product_id")
          .String(product)
          .Key("garment_category")
          .String(product.substr(product.find('-') + 1))
          .Key("outcome")
          .String(kOutcomes[rng_.Uniform(kOutcomes.size())])
          .Key("duration_ms")
          .Int(static_cast<int64_t>(5000 + rng_.Uniform(90'000)))
          .EndObject();
      self_describing(kTryOnSchema, data);
      break;
    }
    case EventKind::kAddToCart:
      pause(2 * kMicrosPerSecond, 20 * kMicrosPerSecond);
      Field(out, "se_ca", "cart");
      Field(out, "se_ac", "add");
      Field(out, "se_la", product);
      scratch_.clear();
      AppendNumber(&scratch_, static_cast<int64_t>(29 + rng_.Uniform(300)));
      scratch_.append(".00");
      Field(out, "se_va", scratch_);
      break;
    case EventKind::kOrder:
      pause(2 * kMicrosPerSecond, 20 * kMicrosPerSecond);
      scratch_.assign("order-");
      AppendNumber(&scratch_, static_cast<int64_t>(rng_.Uniform(1'000'000'000)));
      Field(out, "tr_id", scratch_);
      Field(out, "tr_af", "shop.example");
      scratch_.clear();
      AppendNumber(&scratch_, static_cast<int64_t>(40 + rng_.Uniform(600)));
      scratch_.append(".90");
      Field(out, "tr_tt", scratch_);
      Field(out, "tr_cu", "EUR");
      break;
  }
  out->append(page_fields_);
  out->append(session_fields_);
  scratch_.clear();
  AppendUuid(rng_, &scratch_);
  Field(out, "eid", scratch_);
  const Micros now = options_.realtime ? NowMicros() : clock_;
  number("dtm", now / 1000);
  return now;
}

uint32_t SessionRenderer::Next(rawlog::CollectorPayload* out) {
  if (events_left_ == 0) return 0;
  uint32_t events = 0;
  Micros sent = 0;
  if (!post_) {
    out->method = "GET";
    out->path = "/i";
    out->query.clear();
    out->body.clear();
    out->content_type.clear();
    const Micros now = AppendEvent(&out->query);
    sent = now + static_cast<Micros>(rng_.Uniform(800'000));
    scratch_.clear();
    AppendNumber(&scratch_, sent / 1000);
    Field(&out->query, "stm", scratch_);
    events = 1;
  } else {
    out->method = "POST";
    out->path = "/com.snowplowanalytics.snowplow/tp2";
    out->query.clear();
    out->content_type = "application/json; charset=UTF-8";
    std::string& body = out->body;
    body.assign(kPayloadDataStart);
    // Every item carries the time of sending, known once the last event is in: remember where
    // each one's `stm` value goes, and fill them in at the end.
    std::array<size_t, 256> stm_at;
    Micros now = 0;
    while (events < plan_->batch && events_left_ > 0) {
      if (events > 0) body.push_back(',');
      now = AppendEvent(&body);
      body.append(",\"stm\":\"");
      stm_at[events++] = body.size();
      body.append("\"}");
    }
    body.append("]}");
    sent = now + static_cast<Micros>(rng_.Uniform(800'000));
    scratch_.clear();
    AppendNumber(&scratch_, sent / 1000);
    for (uint32_t i = events; i-- > 0;) body.insert(stm_at[i], scratch_);
  }
  out->timestamp = sent + static_cast<Micros>(rng_.Uniform(200'000));
  out->ip = ip_;
  out->user_agent = user_agent_;
  out->referer = page_url_;
  out->hostname = "collector.shop.example";
  out->network_userid = network_userid_;
  out->collector = "footfall-gen";
  out->headers.clear();
  return events;
}

TrafficGenerator::TrafficGenerator(TrafficOptions options)
    : options_(std::move(options)), planner_(options_), renderer_(options_) {}

bool TrafficGenerator::Next(rawlog::CollectorPayload* out) {
  while (true) {
    if (rendering_) {
      if (const uint32_t events = renderer_.Next(out); events > 0) {
        produced_ += events;
        return true;
      }
      rendering_ = false;
    }
    if (!planner_.Next(&item_)) return false;
    if (item_.studio) {
      std::swap(*out, item_.studio_payload);
      ++produced_;
      return true;
    }
    renderer_.Start(item_.session);
    rendering_ = true;
  }
}

}  // namespace footfall::pipeline
