#include "enrich/enrich.h"

#include <gtest/gtest.h>
#include <simdjson.h>

#include <memory>
#include <set>

#include "base/base64.h"
#include "base/json_writer.h"
#include "base/random.h"
#include "base/url.h"
#include "enrich/adapters.h"
#include "enrich/ua_parser.h"

namespace footfall::enrich {
namespace {

std::shared_ptr<const UaParser> Parser() {
  static const std::shared_ptr<const UaParser> parser = [] {
    auto loaded = UaParser::Load();
    if (!loaded.ok()) {
      ADD_FAILURE() << loaded.status().ToString();
      std::abort();
    }
    return std::shared_ptr<const UaParser>(std::move(*loaded));
  }();
  return parser;
}

Enricher Make(EnrichConfig config = {}) {
  auto e = Enricher::Create(std::move(config), nullptr, Parser());
  if (!e.ok()) {
    ADD_FAILURE() << e.status().ToString();
    std::abort();
  }
  return std::move(*e);
}

constexpr char kChrome[] =
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/120.0.6099.109 Safari/537.36";

rawlog::CollectorPayload Get(std::string query) {
  rawlog::CollectorPayload p;
  p.timestamp = 1764148502000000;
  p.method = "GET";
  p.path = "/i";
  p.query = std::move(query);
  p.ip = "203.0.113.9";
  p.user_agent = kChrome;
  p.network_userid = "11111111-1111-4111-8111-111111111111";
  p.collector = "footfall-0.1.0";
  return p;
}

rawlog::CollectorPayload Post(std::string body) {
  rawlog::CollectorPayload p = Get("");
  p.method = "POST";
  p.path = "/com.snowplowanalytics.snowplow/tp2";
  p.content_type = "application/json; charset=utf-8";
  p.body = std::move(body);
  return p;
}

EnrichOutput Enrich(const rawlog::CollectorPayload& p, EnrichConfig config = {}) {
  Enricher enricher = Make(std::move(config));
  EnrichOutput out;
  enricher.Enrich(p, &out);
  return out;
}

std::string Messages(const EnrichOutput& out) {
  std::string s;
  for (const BadRow& b : out.bad_rows) s += BadRowToJson(b) + "\n";
  return s;
}

// The single event of `query`, failing the test when there is none.
event::Event One(std::string query, EnrichConfig config = {}) {
  const EnrichOutput out = Enrich(Get(std::move(query)), std::move(config));
  EXPECT_EQ(out.events.size(), 1u) << Messages(out);
  return out.events.empty() ? event::Event() : out.events[0];
}

// The single bad row of `query`.
BadRow Bad(std::string query) {
  const EnrichOutput out = Enrich(Get(query));
  EXPECT_TRUE(out.events.empty()) << query;
  EXPECT_EQ(out.bad_rows.size(), 1u) << query;
  return out.bad_rows.empty() ? BadRow{} : out.bad_rows[0];
}

std::string Enc(std::string_view s) { return PercentEncode(s); }

constexpr char kUe[] =
    R"({"schema":"iglu:com.snowplowanalytics.snowplow/unstruct_event/jsonschema/1-0-0",)"
    R"("data":{"schema":"iglu:com.acme/try_on/jsonschema/1-2-0","data":{"sku":"D-1","size":38}}})";
constexpr char kCx[] =
    R"({"schema":"iglu:com.snowplowanalytics.snowplow/contexts/jsonschema/1-0-0","data":[)"
    R"({"schema":"iglu:com.snowplowanalytics.snowplow/web_page/jsonschema/1-0-0",)"
    R"("data":{"id":"0b1c2d3e-4f50-4a1b-8c2d-3e4f5a6b7c8d"}},)"
    R"({"schema":"iglu:com.acme/garment/jsonschema/1-0-0","data":{"sku":"D-1"}}]})";

TEST(Enrich, PageViewFromQueryString) {
  const event::Event e = One(
      "e=pv&eid=6E0B1C3A-2D4F-4A5B-8C6D-7E8F9A0B1C2D&aid=shop&p=web&tv=js-4.0.0&duid=u1&sid="
      "0b1c2d3e-4f50-4a1b-8c2d-3e4f5a6b7c8d&vid=3&url=https%3A%2F%2Fshop.example%2Fwomen%3Fc%3Dred&"
      "page=Women&dtm=1764148501000&stm=1764148501500&nuid=22222222-2222-4222-8222-222222222222");
  EXPECT_EQ(e.event, "page_view");
  EXPECT_EQ(e.event_id, "6e0b1c3a-2d4f-4a5b-8c6d-7e8f9a0b1c2d");
  EXPECT_EQ(e.app_id, "shop");
  EXPECT_EQ(e.platform, "web");
  EXPECT_EQ(e.v_tracker, "js-4.0.0");
  EXPECT_EQ(e.v_collector, "footfall-0.1.0");
  EXPECT_EQ(e.v_etl, "footfall-" + std::string(ProcessorVersion()));
  EXPECT_EQ(e.domain_userid, "u1");
  EXPECT_EQ(e.domain_sessionid, "0b1c2d3e-4f50-4a1b-8c2d-3e4f5a6b7c8d");
  EXPECT_EQ(e.domain_sessionidx, 3);
  EXPECT_EQ(e.page_urlscheme, "https");
  EXPECT_EQ(e.page_urlhost, "shop.example");
  EXPECT_EQ(e.page_urlport, 443);
  EXPECT_EQ(e.page_urlpath, "/women");
  EXPECT_EQ(e.page_urlquery, "c=red");
  EXPECT_EQ(e.page_title, "Women");
  EXPECT_EQ(e.network_userid, "22222222-2222-4222-8222-222222222222") << "nuid beats the cookie";
  EXPECT_EQ(e.collector_tstamp, 1764148502000000);
  // created < sent: collector time minus the device's send delay.
  EXPECT_EQ(e.derived_tstamp, 1764148502000000 - 500000);
  EXPECT_EQ(e.user_ipaddress, "203.0.113.x") << "anonymized by default";
  EXPECT_EQ(e.event_vendor, "com.snowplowanalytics.snowplow");
  EXPECT_EQ(e.event_name, "page_view");
  EXPECT_EQ(e.event_format, "jsonschema");
  EXPECT_EQ(e.event_version, "1-0-0");
  EXPECT_EQ(e.event_fingerprint.size(), 16u);
}

TEST(Enrich, EveryOtherParameterMapping) {
  const event::Event e = One(
      "e=tr&tna=sp1&uid=ann&tnuid=33333333-3333-4333-8333-333333333333&nuid=x&ip=198.51.100.7&"
      "ua=curl%2F8&tz=Europe%2FBerlin&lang=de-DE&cs=UTF-8&res=1920x1080&vp=1280x720&ds=1280x4000&"
      "cd=24&cookie=1&refr=https%3A%2F%2Fwww.google.de%2Fsearch%3Fq%3Dlinen&ttm=1764148400000&"
      "tr_id=o1&tr_af=web&tr_tt=99.95&tr_tx=15.96&tr_sh=4.5&tr_ci=Berlin&tr_st=BE&tr_co=DE&"
      "tr_cu=EUR&pp_mix=1&pp_max=2&pp_miy=3&pp_may=-4");
  EXPECT_EQ(e.event, "transaction");
  EXPECT_EQ(e.event_name, "transaction");
  EXPECT_EQ(e.name_tracker, "sp1");
  EXPECT_EQ(e.user_id, "ann");
  EXPECT_EQ(e.network_userid, "33333333-3333-4333-8333-333333333333") << "tnuid beats nuid";
  EXPECT_EQ(e.user_ipaddress, "198.51.100.x");
  EXPECT_EQ(e.useragent, "curl/8");
  EXPECT_EQ(e.os_timezone, "Europe/Berlin");
  EXPECT_EQ(e.br_lang, "de-DE");
  EXPECT_EQ(e.doc_charset, "UTF-8");
  EXPECT_EQ(e.dvce_screenwidth, 1920);
  EXPECT_EQ(e.dvce_screenheight, 1080);
  EXPECT_EQ(e.br_viewwidth, 1280);
  EXPECT_EQ(e.br_viewheight, 720);
  EXPECT_EQ(e.doc_width, 1280);
  EXPECT_EQ(e.doc_height, 4000);
  EXPECT_EQ(e.br_colordepth, "24");
  EXPECT_EQ(e.br_cookies, true);
  EXPECT_EQ(e.page_referrer, "https://www.google.de/search?q=linen");
  EXPECT_EQ(e.refr_urlhost, "www.google.de");
  EXPECT_EQ(e.refr_urlpath, "/search");
  EXPECT_EQ(e.refr_urlquery, "q=linen");
  EXPECT_EQ(e.true_tstamp, 1764148400000000);
  EXPECT_EQ(e.derived_tstamp, 1764148400000000);
  EXPECT_EQ(e.tr_orderid, "o1");
  EXPECT_EQ(e.tr_affiliation, "web");
  EXPECT_EQ(e.tr_total, 99.95);
  EXPECT_EQ(e.tr_tax, 15.96);
  EXPECT_EQ(e.tr_shipping, 4.5);
  EXPECT_EQ(e.tr_city, "Berlin");
  EXPECT_EQ(e.tr_state, "BE");
  EXPECT_EQ(e.tr_country, "DE");
  EXPECT_EQ(e.tr_currency, "EUR");
  EXPECT_EQ(e.pp_xoffset_min, 1);
  EXPECT_EQ(e.pp_xoffset_max, 2);
  EXPECT_EQ(e.pp_yoffset_min, 3);
  EXPECT_EQ(e.pp_yoffset_max, -4);

  const event::Event ti =
      One("e=ti&ti_id=o1&ti_sk=D-1&ti_nm=Dress&ti_ca=Women&ti_pr=49.5&ti_qu=2&ti_cu=EUR&cookie=0");
  EXPECT_EQ(ti.event, "transaction_item");
  EXPECT_EQ(ti.ti_orderid, "o1");
  EXPECT_EQ(ti.ti_sku, "D-1");
  EXPECT_EQ(ti.ti_name, "Dress");
  EXPECT_EQ(ti.ti_category, "Women");
  EXPECT_EQ(ti.ti_price, 49.5);
  EXPECT_EQ(ti.ti_quantity, 2);
  EXPECT_EQ(ti.ti_currency, "EUR");
  EXPECT_EQ(ti.br_cookies, false);

  const event::Event se = One("e=se&se_ca=shop&se_ac=add&se_la=D-1&se_pr=38&se_va=1.5");
  EXPECT_EQ(se.event, "struct");
  EXPECT_EQ(se.event_vendor, "com.google.analytics");
  EXPECT_EQ(se.event_name, "event");
  EXPECT_EQ(se.se_category, "shop");
  EXPECT_EQ(se.se_action, "add");
  EXPECT_EQ(se.se_label, "D-1");
  EXPECT_EQ(se.se_property, "38");
  EXPECT_EQ(se.se_value, 1.5);

  EXPECT_EQ(One("e=pp").event, "page_ping");
  EXPECT_EQ(One("e=ad").event, "ad_impression");
}

TEST(Enrich, TrueTimestampWinsAndCookieIsDefault) {
  const event::Event e = One("e=pv&ttm=1764148400000&dtm=1764148501000&stm=1764148501500");
  EXPECT_EQ(e.derived_tstamp, 1764148400000000);
  EXPECT_EQ(e.network_userid, "11111111-1111-4111-8111-111111111111");
  // Sent before created (a wrong device clock): the collector's time.
  EXPECT_EQ(One("e=pv&dtm=1764148501500&stm=1764148501000").derived_tstamp, 1764148502000000);
}

TEST(Enrich, PageUrlFallsBackToTheRequestReferer) {
  auto p = Get("e=pv");
  p.referer = "https://shop.example/men?utm_source=x";
  const EnrichOutput out = Enrich(p);
  ASSERT_EQ(out.events.size(), 1u);
  EXPECT_EQ(out.events[0].page_url, "https://shop.example/men?utm_source=x");
  EXPECT_EQ(out.events[0].page_urlpath, "/men");
  EXPECT_EQ(out.events[0].mkt_source, "x");
}

TEST(Enrich, MissingEventIdIsDerivedDeterministically) {
  const event::Event a = One("e=pv&aid=x"), b = One("e=pv&aid=x"), c = One("e=pv&aid=y");
  EXPECT_EQ(a.event_id, b.event_id);
  EXPECT_NE(a.event_id, c.event_id);
  EXPECT_TRUE(IsUuid(a.event_id));
}

TEST(Enrich, ProtocolViolationsBecomeBadRows) {
  for (const char* q :
       {"aid=no-type", "e=zz", "e=pv&eid=not-a-uuid", "e=pv&dtm=yesterday", "e=pv&stm=-5",
        "e=se&se_ca=only-category", "e=pv&url=relative/path", "e=pv&vid=x",
        "e=se&se_ca=a&se_ac=b&se_va=ten", "e=pv&sid=s1", "e=pv&res=1920", "e=pv&vp=axb",
        "e=pv&ds=-1x5", "e=pv&cookie=yes", "e=pv&p=desktop", "e=tr&tr_tt=lots", "e=ti&ti_qu=1.5",
        "e=pv&pp_mix=1.5", "e=pv&se_va=nan"}) {
    const BadRow bad = Bad(q);
    EXPECT_EQ(bad.type, BadRowType::kTrackerProtocolViolations) << q;
    EXPECT_EQ(bad.payload, std::string("GET /i?") + q) << "payload kept";
    ASSERT_EQ(bad.messages.size(), 1u) << q;
    EXPECT_FALSE(bad.messages[0].field.empty()) << q;
    EXPECT_FALSE(bad.messages[0].expectation.empty()) << q;
    EXPECT_EQ(bad.timestamp, 1764148502000000);
  }
  const BadRow many = Bad("e=pv&vid=x&dtm=y&res=z");
  ASSERT_EQ(many.messages.size(), 3u) << "every violation is reported";
  EXPECT_EQ(many.messages[0].field, "vid");
  EXPECT_EQ(many.messages[0].value, "x");
  EXPECT_EQ(Bad("").type, BadRowType::kTrackerProtocolViolations);
}

TEST(Enrich, SelfDescribingEventInEveryEncoding) {
  const std::string url_safe = Base64Encode(kUe, Base64Alphabet::kUrlSafe);
  std::string standard = url_safe;
  for (char& c : standard) c = c == '-' ? '+' : c == '_' ? '/' : c;
  while (standard.size() % 4 != 0) standard += '=';
  for (const std::string& q :
       {"e=ue&ue_pr=" + Enc(kUe), "e=ue&ue_px=" + url_safe, "e=ue&ue_px=" + Enc(standard)}) {
    const event::Event e = One(q);
    EXPECT_EQ(e.event, "unstruct") << q;
    EXPECT_EQ(e.event_vendor, "com.acme");
    EXPECT_EQ(e.event_name, "try_on");
    EXPECT_EQ(e.event_format, "jsonschema");
    EXPECT_EQ(e.event_version, "1-2-0");
    EXPECT_EQ(
        e.unstruct_event,
        R"({"schema":"iglu:com.acme/try_on/jsonschema/1-2-0","data":{"sku":"D-1","size":38}})");
  }
}

TEST(Enrich, ContextsAsJsonArray) {
  for (const std::string& q :
       {"e=pv&co=" + Enc(kCx), "e=pv&cx=" + Base64Encode(kCx, Base64Alphabet::kUrlSafe)}) {
    const event::Event e = One(q);
    simdjson::dom::parser parser;
    simdjson::dom::array contexts;
    ASSERT_EQ(parser.parse(e.contexts).get(contexts), simdjson::SUCCESS) << e.contexts;
    ASSERT_EQ(contexts.size(), 2u);
    EXPECT_EQ(std::string_view(contexts.at(1)["schema"]), "iglu:com.acme/garment/jsonschema/1-0-0");
  }
}

TEST(Enrich, EnvelopeErrors) {
  const std::string wrong_envelope =
      R"({"schema":"iglu:com.acme/other/jsonschema/1-0-0","data":{"schema":"iglu:a/b/jsonschema/1-0-0","data":{}}})";
  const std::string not_sdj =
      R"({"schema":"iglu:com.snowplowanalytics.snowplow/unstruct_event/jsonschema/1-0-0","data":{"x":1}})";
  const std::string no_data =
      R"({"schema":"iglu:com.snowplowanalytics.snowplow/unstruct_event/jsonschema/1-0-0"})";
  const std::string cx_not_array =
      R"({"schema":"iglu:com.snowplowanalytics.snowplow/contexts/jsonschema/1-0-0","data":{}})";
  const std::string cx_bad_item =
      R"({"schema":"iglu:com.snowplowanalytics.snowplow/contexts/jsonschema/1-0-0","data":[{"schema":"iglu:a/b/jsonschema/1-0-0","data":{}},7]})";
  for (const std::string& q : std::vector<std::string>{
           "e=ue", "e=ue&ue_pr=" + Enc(wrong_envelope), "e=ue&ue_pr=" + Enc(not_sdj),
           "e=ue&ue_pr=" + Enc(no_data), "e=ue&ue_pr=%7Bnot", "e=ue&ue_px=%21%21%21",
           "e=ue&ue_px=" + Base64Encode("[1,2", Base64Alphabet::kUrlSafe), "e=pv&cx=a",
           "e=pv&co=" + Enc(cx_not_array), "e=pv&co=" + Enc(cx_bad_item), "e=pv&co=" + Enc(kUe)}) {
    const BadRow bad = Bad(q);
    EXPECT_EQ(bad.type, BadRowType::kTrackerProtocolViolations) << q;
  }
  EXPECT_EQ(Bad("e=pv&co=" + Enc(cx_bad_item)).messages.at(0).field, "co/data/1");
  // A schema key that is not iglu:vendor/name/format/M-R-A is a schema violation.
  const std::string bad_key =
      R"({"schema":"iglu:com.snowplowanalytics.snowplow/unstruct_event/jsonschema/1-0-0","data":{"schema":"iglu:com.acme/x/jsonschema/1-0","data":{}}})";
  const BadRow schema = Bad("e=ue&ue_pr=" + Enc(bad_key));
  EXPECT_EQ(schema.type, BadRowType::kSchemaViolations);
  EXPECT_EQ(schema.messages.at(0).field, "ue_pr/data/schema");
}

TEST(Enrich, UserAgentEnrichment) {
  event::Event e = One("e=pv");
  EXPECT_EQ(e.br_family, "Chrome");
  EXPECT_EQ(e.br_name, "Chrome 120");
  EXPECT_EQ(e.br_version, "120.0.6099");
  EXPECT_EQ(e.os_family, "Windows");
  EXPECT_EQ(e.os_name, "Windows 10");
  EXPECT_EQ(e.os_manufacturer, "Microsoft Corporation");
  EXPECT_EQ(e.dvce_type, "Computer");
  EXPECT_EQ(e.dvce_ismobile, false);
  EXPECT_EQ(e.is_bot, false);
  EXPECT_EQ(e.derived_contexts, "");

  EnrichConfig with_context;
  with_context.ua_parser_context = true;
  e = One("e=pv", with_context);
  EXPECT_NE(e.derived_contexts.find("ua_parser_context/jsonschema/1-0-0"), std::string::npos);
  EXPECT_EQ(e.derived_contexts.front(), '[');

  e = One("e=pv&ua=" +
          Enc("Mozilla/5.0 (compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm)"));
  EXPECT_EQ(e.is_bot, true);
  EXPECT_EQ(e.dvce_type, "Robot");

  EnrichConfig off;
  off.user_agent = false;
  e = One("e=pv", off);
  EXPECT_EQ(e.br_family, "");
  EXPECT_EQ(e.is_bot, std::nullopt);
  EXPECT_EQ(Enricher::Create(EnrichConfig{}, nullptr, nullptr).status().code(),
            StatusCode::kFailedPrecondition);
  EXPECT_TRUE(Enricher::Create(off, nullptr, nullptr).ok());
}

TEST(Enrich, UserAgentCacheIsBoundedAndNeverChangesResults) {
  EnrichConfig tiny;
  tiny.ua_cache_entries = 2;
  Enricher cached = Make(tiny);
  Enricher fresh = Make();
  const std::vector<std::string> agents = {
      kChrome, "curl/8.4.0",
      "Mozilla/5.0 (X11; Linux x86_64; rv:121.0) Gecko/20100101 Firefox/121.0",
      "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)"};
  EnrichOutput a, b;
  for (int round = 0; round < 3; ++round) {
    for (const std::string& ua : agents) {
      auto p = Get("e=pv&eid=6e0b1c3a-2d4f-4a5b-8c6d-7e8f9a0b1c2d");
      p.user_agent = ua;
      cached.Enrich(p, &a);
      fresh.Enrich(p, &b);
    }
  }
  EXPECT_EQ(a.events, b.events);
  EXPECT_EQ(fresh.stats().ua_cache_misses, 4u);
  EXPECT_EQ(fresh.stats().ua_cache_hits, 8u);
  EXPECT_GT(cached.stats().ua_cache_misses, 4u) << "the tiny cache started over";
}

TEST(Enrich, RefererAndCampaign) {
  event::Event e = One("e=pv&url=" +
                       Enc("https://shop.example/p?utm_source=nl&utm_medium=email&"
                           "utm_campaign=spring&utm_term=linen&utm_content=hero&"
                           "gclid=g1") +
                       "&refr=" + Enc("https://www.google.co.uk/search?q=linen+dress"));
  EXPECT_EQ(e.refr_medium, "search");
  EXPECT_EQ(e.refr_source, "Google");
  EXPECT_EQ(e.refr_term, "linen dress");
  EXPECT_EQ(e.mkt_source, "nl");
  EXPECT_EQ(e.mkt_medium, "email");
  EXPECT_EQ(e.mkt_campaign, "spring");
  EXPECT_EQ(e.mkt_term, "linen");
  EXPECT_EQ(e.mkt_content, "hero");
  EXPECT_EQ(e.mkt_clickid, "g1");
  EXPECT_EQ(e.mkt_network, "Google");

  e = One("e=pv&url=" + Enc("https://shop.example/b") + "&refr=" + Enc("https://shop.example/a"));
  EXPECT_EQ(e.refr_medium, "internal");
  e = One("e=pv&url=" + Enc("https://shop.example/b") + "&refr=" + Enc("https://blog.example/x"));
  EXPECT_EQ(e.refr_medium, "unknown");
  EXPECT_EQ(e.refr_source, "");
  e = One("e=pv&url=" + Enc("https://shop.example/b") + "&refr=" + Enc("android-app://com.x"));
  EXPECT_EQ(e.refr_urlhost, "com.x");

  EnrichConfig config;
  config.referer = false;
  config.campaign = false;
  config.internal_domains = {"example"};
  e = One("e=pv&url=" + Enc("https://shop.example/?utm_source=x") +
              "&refr=" + Enc("https://www.bing.com/?q=a"),
          config);
  EXPECT_EQ(e.refr_medium, "");
  EXPECT_EQ(e.mkt_source, "");
  config.referer = true;
  config.extra_referers = {{"partner", "Lookbook", {"lookbook.test"}, {}}};
  e = One("e=pv&url=" + Enc("https://shop.example/") + "&refr=" + Enc("https://lookbook.test/"),
          config);
  EXPECT_EQ(e.refr_medium, "partner");
  EXPECT_EQ(e.refr_source, "Lookbook");
  e = One("e=pv&url=" + Enc("https://shop.example/") + "&refr=" + Enc("https://help.example/"),
          config);
  EXPECT_EQ(e.refr_medium, "internal");
}

TEST(Enrich, IpAnonymization) {
  EXPECT_EQ(One("e=pv").user_ipaddress, "203.0.113.x");
  EnrichConfig two;
  two.ipv4_octets = 2;
  two.ipv6_segments = 3;
  EXPECT_EQ(One("e=pv", two).user_ipaddress, "203.0.x.x");
  EXPECT_EQ(One("e=pv&ip=2001%3Adb8%3A%3A7", two).user_ipaddress, "2001:db8:0:0:0:x:x:x");
  EnrichConfig off;
  off.anonymize_ip = false;
  EXPECT_EQ(One("e=pv", off).user_ipaddress, "203.0.113.9");
  EnrichConfig wrong;
  wrong.ipv4_octets = 5;
  EXPECT_EQ(Enricher::Create(wrong, nullptr, Parser()).status().code(),
            StatusCode::kInvalidArgument);
}

TEST(Enrich, FingerprintIgnoresRetryParametersAndOrder) {
  const std::string base = One("e=pv&aid=a&url=https%3A%2F%2Fx.example%2F").event_fingerprint;
  EXPECT_EQ(base.size(), 16u);
  EXPECT_EQ(One("url=https%3A%2F%2Fx.example%2F&aid=a&e=pv").event_fingerprint, base);
  EXPECT_EQ(One("e=pv&aid=a&url=https%3A%2F%2Fx.example%2F&stm=1764148501500&cv=x&nuid=n&"
                "eid=6e0b1c3a-2d4f-4a5b-8c6d-7e8f9a0b1c2d")
                .event_fingerprint,
            base);
  EXPECT_NE(One("e=pv&aid=b&url=https%3A%2F%2Fx.example%2F").event_fingerprint, base);
  EXPECT_NE(One("e=pv&aid=a&url=https%3A%2F%2Fx.example%2F&dtm=1").event_fingerprint, base);
  // Name/value boundaries count: aid=ab is not a=... or aida=b.
  EXPECT_NE(One("e=pv&aid=ab").event_fingerprint, One("e=pv&aida=b").event_fingerprint);
  EnrichConfig off;
  off.fingerprint = false;
  EXPECT_EQ(One("e=pv", off).event_fingerprint, "");
}

TEST(Enrich, PostBatchWithQueryParametersWinning) {
  auto p = Post(R"({"schema":"iglu:com.snowplowanalytics.snowplow/payload_data/jsonschema/1-0-4",)"
                R"("data":[{"e":"pv","p":"web","tv":"node-4.8.0","aid":"a"},)"
                R"({"e":"se","p":"web","tv":"node-4.8.0","se_ca":"c","se_ac":"x","aid":"b"}]})");
  p.query = "aid=override";
  const auto out = Enrich(p);
  ASSERT_TRUE(out.bad_rows.empty()) << Messages(out);
  ASSERT_EQ(out.events.size(), 2u);
  EXPECT_EQ(out.events[0].event, "page_view");
  EXPECT_EQ(out.events[1].event, "struct");
  EXPECT_EQ(out.events[0].app_id, "override");
  EXPECT_EQ(out.events[1].app_id, "override");
  EXPECT_NE(out.events[0].event_id, out.events[1].event_id);
}

// The filter sees, for every item, the key its event would be sampled by (domain_userid, else
// network_userid by cookie < nuid < tnuid, else the event id as enrichment sets it), and skipped
// items yield nothing.
TEST(Enrich, ItemFilterSeesTheEventsSampleKey) {
  auto p = Post(R"({"schema":"iglu:com.snowplowanalytics.snowplow/payload_data/jsonschema/1-0-4",)"
                R"("data":[{"e":"pv","duid":"d1","nuid":"n1"},)"
                R"({"e":"pv","duid":"","nuid":"n2","tnuid":"t2"},)"
                R"({"e":"pv","nuid":"n3"},)"
                R"({"e":"pv"},)"
                R"({"e":"pv","duid":"skip-me"},)"
                R"({"e":"zz","duid":"skip-me"},)"
                R"({"e":"pv","duid":"","eid":"AAAAAAAA-BBBB-4CCC-8DDD-EEEEEEEEEEEE"}]})");
  p.network_userid = "";
  rawlog::CollectorPayload with_cookie = p;
  with_cookie.network_userid = "cookie";
  Enricher enricher = Make();
  for (const rawlog::CollectorPayload& payload : {p, with_cookie}) {
    std::vector<std::string> keys;
    EnrichOutput out;
    enricher.EnrichRecord(
        rawlog::EncodePayload(payload),
        [&](std::string_view key) {
          keys.emplace_back(key);
          return key != "skip-me";
        },
        &out);
    ASSERT_TRUE(out.bad_rows.empty()) << Messages(out);
    ASSERT_EQ(keys.size(), 7u);
    ASSERT_EQ(out.events.size(), 5u);
    EXPECT_EQ(keys[0], "d1");
    EXPECT_EQ(keys[1], "t2");
    EXPECT_EQ(keys[2], "n3");
    EXPECT_EQ(keys[3], payload.network_userid.empty() ? out.events[3].event_id : "cookie");
    EXPECT_EQ(keys[6],
              payload.network_userid.empty() ? "aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee" : "cookie");
    // Kept items are the events, in order, each with the key it was decided by.
    const std::vector<size_t> kept = {0, 1, 2, 3, 6};
    for (size_t i = 0; i < kept.size(); ++i) {
      const event::Event& e = out.events[i];
      const std::string& user = e.domain_userid.empty() ? e.network_userid : e.domain_userid;
      EXPECT_EQ(user.empty() ? e.event_id : user, keys[kept[i]]) << i;
    }
  }
}

TEST(Enrich, OneBadItemDoesNotSpoilTheBatch) {
  const auto out = Enrich(
      Post(R"({"schema":"iglu:com.snowplowanalytics.snowplow/payload_data/jsonschema/1-0-4",)"
           R"("data":[{"e":"pv","vid":1},{"e":"pv"},{"e":"ue","ue_px":"!!"},{"e":"pp"}]})"));
  EXPECT_EQ(out.events.size(), 2u);
  ASSERT_EQ(out.bad_rows.size(), 2u);
  EXPECT_EQ(out.bad_rows[0].type, BadRowType::kTrackerProtocolViolations);
  EXPECT_EQ(out.bad_rows[1].messages.at(0).field, "ue_px");
}

TEST(Enrich, RedirectAndIgluWebhookEvents) {
  auto r = Get("u=" + Enc("https://shop.example/sale") + "&aid=mail");
  r.path = "/r/tp2";
  event::Event e = Enrich(r).events.at(0);
  EXPECT_EQ(e.event, "unstruct");
  EXPECT_EQ(e.event_name, "link_click");
  EXPECT_EQ(e.event_version, "1-0-1");
  EXPECT_EQ(e.platform, "web");
  EXPECT_EQ(e.v_tracker, "r-tp2");
  EXPECT_EQ(e.unstruct_event,
            R"({"schema":"iglu:com.snowplowanalytics.snowplow/link_click/jsonschema/1-0-1",)"
            R"("data":{"targetUrl":"https://shop.example/sale"}})");

  auto w = Get("schema=" + Enc("iglu:com.acme/order/jsonschema/1-0-0") + "&id=7");
  w.path = "/com.snowplowanalytics.iglu/v1";
  e = Enrich(w).events.at(0);
  EXPECT_EQ(e.event_vendor, "com.acme");
  EXPECT_EQ(e.event_name, "order");
  EXPECT_EQ(e.platform, "app");
  EXPECT_EQ(e.unstruct_event,
            R"({"schema":"iglu:com.acme/order/jsonschema/1-0-0","data":{"id":"7"}})");
}

TEST(Enrich, BadRowJson) {
  const BadRow bad = Bad("e=pv&vid=x&page=%22quoted%22");
  const std::string json = BadRowToJson(bad);
  EXPECT_EQ(json.find('\n'), std::string::npos) << "one line";
  simdjson::dom::parser parser;
  simdjson::dom::element root;
  ASSERT_EQ(parser.parse(json).get(root), simdjson::SUCCESS) << json;
  EXPECT_EQ(std::string_view(root["type"]), "tracker_protocol_violations");
  EXPECT_EQ(std::string_view(root["processor"]["artifact"]), "footfall");
  EXPECT_EQ(std::string_view(root["processor"]["version"]), ProcessorVersion());
  EXPECT_EQ(std::string_view(root["timestamp"]), "2025-11-26T09:15:02Z");
  EXPECT_EQ(std::string_view(root["messages"].at(0)["field"]), "vid");
  EXPECT_EQ(std::string_view(root["messages"].at(0)["value"]), "x");
  EXPECT_EQ(std::string_view(root["messages"].at(0)["expectation"]), "an integer");
  EXPECT_EQ(std::string_view(root["payload"]), "GET /i?e=pv&vid=x&page=%22quoted%22");
  for (BadRowType t : {BadRowType::kCollectorPayloadFormatViolation, BadRowType::kAdapterFailures,
                       BadRowType::kTrackerProtocolViolations, BadRowType::kSchemaViolations,
                       BadRowType::kEnrichmentFailures, BadRowType::kSizeViolation}) {
    EXPECT_NE(BadRowTypeName(t), "unknown");
  }
}

TEST(Enrich, UndecodableRecord) {
  Enricher enricher = Make();
  EnrichOutput out;
  enricher.EnrichRecord("garbage", &out);
  ASSERT_EQ(out.bad_rows.size(), 1u);
  EXPECT_EQ(out.bad_rows[0].type, BadRowType::kCollectorPayloadFormatViolation);
  EXPECT_EQ(out.bad_rows[0].payload, "base64:" + Base64Encode("garbage", Base64Alphabet::kUrlSafe));
  simdjson::dom::parser parser;
  EXPECT_EQ(parser.parse(BadRowToJson(out.bad_rows[0])).error(), simdjson::SUCCESS);
  // A whole record round-trips through the raw-log encoding.
  out.clear();
  enricher.EnrichRecord(rawlog::EncodePayload(Get("e=pv")), &out);
  EXPECT_EQ(out.events.size(), 1u);
}

// A mix of valid, odd and garbled requests over every route, from a fixed seed.
std::vector<rawlog::CollectorPayload> RandomPayloads(uint64_t seed, size_t n,
                                                     std::vector<size_t>* post_items) {
  Rng rng(seed);
  const std::vector<std::string> pieces = {"e=pv",
                                           "e=pp",
                                           "e=se",
                                           "e=ue",
                                           "e=tr",
                                           "e=zz",
                                           "se_ca=a",
                                           "se_ac=b",
                                           "aid=shop",
                                           "eid=6e0b1c3a-2d4f-4a5b-8c6d-7e8f9a0b1c2d",
                                           "eid=x",
                                           "dtm=1764148501000",
                                           "stm=abc",
                                           "url=https%3A%2F%2Fshop.example%2F%3Futm_source%3Dx",
                                           "url=%%%",
                                           "res=1x2",
                                           "vp=q",
                                           "refr=https%3A%2F%2Fwww.google.com%2F%3Fq%3Dz",
                                           "ue_pr=" + PercentEncode(kUe),
                                           "ue_px=" + Base64Encode(kUe, Base64Alphabet::kUrlSafe),
                                           "ue_px=***",
                                           "cx=" + Base64Encode(kCx, Base64Alphabet::kUrlSafe),
                                           "co=%7B",
                                           "u=https%3A%2F%2Fx.example%2F",
                                           "schema=iglu%3Acom.acme%2Fo%2Fjsonschema%2F1-0-0",
                                           "sid=0b1c2d3e-4f50-4a1b-8c2d-3e4f5a6b7c8d",
                                           "p=web",
                                           "p=??",
                                           "cookie=1",
                                           "ip=::1",
                                           "&&",
                                           "="};
  const std::vector<std::string> paths = {"/i",
                                          "/ice.png",
                                          "/com.snowplowanalytics.snowplow/tp2",
                                          "/r/tp2",
                                          "/com.snowplowanalytics.iglu/v1",
                                          "/com.acme/v1",
                                          "/com.snowplowanalytics.snowplow/tp1"};
  std::vector<rawlog::CollectorPayload> out;
  for (size_t i = 0; i < n; ++i) {
    rawlog::CollectorPayload p = Get("");
    p.path = paths[rng.Uniform(paths.size())];
    p.method = rng.Chance(0.5) ? "POST" : "GET";
    const auto query = [&] {
      std::string q;
      const size_t k = rng.Uniform(6);
      for (size_t j = 0; j < k; ++j) q += (j ? "&" : "") + pieces[rng.Uniform(pieces.size())];
      return q;
    };
    p.query = query();
    size_t items = 0;
    if (p.method == "POST") {
      p.content_type = rng.Chance(0.9) ? "application/json" : "application/x-www-form-urlencoded";
      items = 1 + rng.Uniform(4);
      std::string body =
          R"({"schema":"iglu:com.snowplowanalytics.snowplow/payload_data/jsonschema/1-0-4","data":[)";
      for (size_t j = 0; j < items; ++j) {
        if (j) body += ',';
        if (rng.Chance(0.1)) {
          body += "[]";
          continue;
        }
        body += '{';
        const std::vector<std::pair<std::string, std::string>> kv = ParseQueryString(query());
        bool first = true;
        std::set<std::string> seen;
        for (const auto& [k, v] : kv) {
          if (!seen.insert(k).second) continue;
          if (!first) body += ',';
          first = false;
          AppendJsonString(&body, k);
          body += ':';
          AppendJsonString(&body, v);
        }
        body += '}';
      }
      body += "]}";
      if (rng.Chance(0.2)) {
        // Garble: flip a few bytes; the envelope may no longer parse.
        for (int f = 0; f < 3; ++f) body[rng.Uniform(body.size())] = static_cast<char>(rng.Next());
        items = 0;
      }
      p.body = std::move(body);
    }
    if (rng.Chance(0.05)) p.headers.emplace_back(std::string(rawlog::kSizeViolationHeader), "9");
    post_items->push_back(p.path == "/com.snowplowanalytics.snowplow/tp2" && p.method == "POST" &&
                                  p.content_type == "application/json" && p.headers.empty()
                              ? items
                              : 0);
    out.push_back(std::move(p));
  }
  return out;
}

TEST(Enrich, NoRecordIsLost) {
  std::vector<size_t> post_items;
  const auto payloads = RandomPayloads(20251126, 3000, &post_items);
  Enricher enricher = Make();
  size_t events = 0, bad = 0;
  for (size_t i = 0; i < payloads.size(); ++i) {
    EnrichOutput out;
    enricher.Enrich(payloads[i], &out);
    const size_t n = out.events.size() + out.bad_rows.size();
    if (post_items[i] > 0) {
      EXPECT_EQ(n, post_items[i]) << "each POST item gives one event or one bad row\n"
                                  << PayloadSummary(payloads[i]);
    } else {
      EXPECT_GE(n, 1u) << PayloadSummary(payloads[i]);
    }
    for (const BadRow& b : out.bad_rows) EXPECT_FALSE(b.messages.empty());
    events += out.events.size();
    bad += out.bad_rows.size();
  }
  // The mix must exercise both outcomes, or the property says little.
  EXPECT_GT(events, 300u);
  EXPECT_GT(bad, 300u);
}

TEST(Enrich, DeterministicAcrossEnrichers) {
  std::vector<size_t> post_items;
  const auto payloads = RandomPayloads(7, 800, &post_items);
  EnrichOutput a, b, c;
  {
    Enricher first = Make();
    for (const auto& p : payloads) first.Enrich(p, &a);
    for (const auto& p : payloads) first.Enrich(p, &c);  // warm caches give the same
  }
  EnrichConfig small;
  small.ua_cache_entries = 1;
  Enricher second = Make(small);
  for (const auto& p : payloads) second.Enrich(p, &b);
  EXPECT_EQ(a.events, b.events);
  EXPECT_EQ(a.bad_rows, b.bad_rows);
  EXPECT_EQ(a.events, c.events);
  EXPECT_EQ(a.bad_rows, c.bad_rows);
}

}  // namespace
}  // namespace footfall::enrich
