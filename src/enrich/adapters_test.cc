#include "enrich/adapters.h"

#include <gtest/gtest.h>
#include <simdjson.h>

namespace footfall::enrich {
namespace {

rawlog::CollectorPayload Request(std::string method, std::string path, std::string query,
                                 std::string content_type = "", std::string body = "") {
  rawlog::CollectorPayload p;
  p.timestamp = 1764148502000000;
  p.method = std::move(method);
  p.path = std::move(path);
  p.query = std::move(query);
  p.content_type = std::move(content_type);
  p.body = std::move(body);
  return p;
}

struct Adapted {
  std::vector<AdaptedItem> items;
  std::vector<BadRow> bad;
};

Adapted AdaptAll(const rawlog::CollectorPayload& p) {
  simdjson::dom::parser parser;
  Adapted a;
  Adapt(p, parser, &a.items, &a.bad);
  EXPECT_GE(a.items.size() + a.bad.size(), 1u) << "every payload gives an item or a bad row";
  return a;
}

std::string Get(const Params& params, std::string_view name) {
  for (const auto& [k, v] : params) {
    if (k == name) return v;
  }
  return "<absent>";
}

TEST(Adapters, QueryStringRoutes) {
  for (const auto& [method, path] : std::vector<std::pair<std::string, std::string>>{
           {"GET", "/i"},
           {"HEAD", "/i"},
           {"GET", "/ice.png"},
           {"GET", "/com.snowplowanalytics.snowplow/tp2"},
           {"GET", "/com.snowplowanalytics.snowplow/tp1"}}) {
    const Adapted a = AdaptAll(Request(method, path, "e=pv&aid=shop&e=se&page=A%20B"));
    ASSERT_EQ(a.items.size(), 1u) << path;
    EXPECT_TRUE(a.bad.empty());
    EXPECT_EQ(Get(a.items[0].params, "e"), "pv") << "the first of repeated names wins";
    EXPECT_EQ(Get(a.items[0].params, "page"), "A B");
  }
  // Form decoding: '+' is a space, malformed escapes are kept, a name alone has an empty value.
  const Adapted odd = AdaptAll(Request("GET", "/i", "e=pv&&x=%zz%4&y=a+b%2Bc%20&flag"));
  ASSERT_EQ(odd.items.size(), 1u);
  EXPECT_EQ(Get(odd.items[0].params, "x"), "%zz%4");
  EXPECT_EQ(Get(odd.items[0].params, "y"), "a b+c ");
  EXPECT_EQ(Get(odd.items[0].params, "flag"), "");
  EXPECT_EQ(odd.items[0].params.size(), 4u);
  const Adapted empty = AdaptAll(Request("GET", "/i", ""));
  ASSERT_EQ(empty.bad.size(), 1u);
  EXPECT_EQ(empty.bad[0].type, BadRowType::kTrackerProtocolViolations);
}

TEST(Adapters, PostItemsWithQueryParametersWinning) {
  const Adapted a = AdaptAll(Request(
      "POST", "/com.snowplowanalytics.snowplow/tp2", "aid=q&extra=1",
      "Application/JSON; charset=UTF-8",
      R"({"schema":"iglu:com.snowplowanalytics.snowplow/payload_data/jsonschema/1-0-4",)"
      R"("data":[{"e":"pv","aid":"a"},{"e":"pp","aid":"b"},[1],{"e":"pv","vid":3},{"e":"se"}]})"));
  ASSERT_EQ(a.items.size(), 3u);
  ASSERT_EQ(a.bad.size(), 2u) << "an array item and a non-string value";
  EXPECT_EQ(a.items[0].index, 0u);
  EXPECT_EQ(a.items[1].index, 1u);
  EXPECT_EQ(a.items[2].index, 4u);
  for (const AdaptedItem& item : a.items) {
    EXPECT_EQ(Get(item.params, "aid"), "q");
    EXPECT_EQ(Get(item.params, "extra"), "1");
  }
  EXPECT_EQ(a.bad[0].messages.at(0).field, "/data/2");
  EXPECT_EQ(a.bad[1].messages.at(0).field, "/data/3/vid");
}

TEST(Adapters, PostFailures) {
  const std::string tp2 = "/com.snowplowanalytics.snowplow/tp2";
  EXPECT_EQ(AdaptAll(Request("POST", tp2, "", "text/plain", "{}")).bad.at(0).type,
            BadRowType::kAdapterFailures);
  EXPECT_EQ(AdaptAll(Request("POST", tp2, "", "application/json", "{nope")).bad.at(0).type,
            BadRowType::kAdapterFailures);
  EXPECT_EQ(AdaptAll(Request("POST", tp2, "", "application/json",
                             R"({"schema":"iglu:x/y/jsonschema/1-0-0","data":[{"e":"pv"}]})"))
                .bad.at(0)
                .type,
            BadRowType::kTrackerProtocolViolations);
  EXPECT_EQ(
      AdaptAll(
          Request(
              "POST", tp2, "", "application/json",
              R"({"schema":"iglu:com.snowplowanalytics.snowplow/payload_data/jsonschema/1-0-4","data":[]})"))
          .bad.at(0)
          .type,
      BadRowType::kTrackerProtocolViolations);
}

TEST(Adapters, RedirectBecomesALinkClick) {
  const Adapted a =
      AdaptAll(Request("GET", "/r/tp2", "u=https%3A%2F%2Fshop.example%2Fsale&aid=mail"));
  ASSERT_EQ(a.items.size(), 1u);
  const Params& p = a.items[0].params;
  EXPECT_EQ(Get(p, "e"), "ue");
  EXPECT_EQ(Get(p, "tv"), "r-tp2");
  EXPECT_EQ(Get(p, "p"), "web");
  EXPECT_EQ(Get(p, "aid"), "mail");
  EXPECT_EQ(Get(p, "u"), "<absent>");
  simdjson::dom::parser parser;
  simdjson::dom::element ue;
  ASSERT_EQ(parser.parse(Get(p, "ue_pr")).get(ue), simdjson::SUCCESS);
  EXPECT_EQ(std::string_view(ue["schema"]), kUnstructEventSchema);
  EXPECT_EQ(std::string_view(ue["data"]["schema"]), kLinkClickSchema);
  EXPECT_EQ(std::string_view(ue["data"]["data"]["targetUrl"]), "https://shop.example/sale");

  const Adapted with_type = AdaptAll(Request("GET", "/r/tp2", "e=se&u=https%3A%2F%2Fx.example%2F"));
  EXPECT_EQ(Get(with_type.items.at(0).params, "url"), "https://x.example/");
  EXPECT_EQ(Get(with_type.items.at(0).params, "e"), "se");

  EXPECT_EQ(AdaptAll(Request("GET", "/r/tp2", "aid=x")).bad.at(0).type,
            BadRowType::kAdapterFailures);
}

TEST(Adapters, IgluWebhookFromQueryFormAndJson) {
  const std::string path = "/com.snowplowanalytics.iglu/v1";
  const std::string schema = "iglu:com.acme/order/jsonschema/1-0-0";
  simdjson::dom::parser parser;
  const auto inner = [&](const AdaptedItem& item, std::string_view key) {
    simdjson::dom::element ue;
    EXPECT_EQ(parser.parse(Get(item.params, "ue_pr")).get(ue), simdjson::SUCCESS);
    EXPECT_EQ(std::string_view(ue["data"]["schema"]), schema);
    simdjson::dom::element value;
    if (ue["data"]["data"][key].get(value) != simdjson::SUCCESS) return std::string("<absent>");
    return std::string(simdjson::minify(value));
  };

  Adapted a = AdaptAll(Request("GET", path, "schema=" + schema + "&id=7&name=Lin&p=srv"));
  ASSERT_EQ(a.items.size(), 1u);
  EXPECT_EQ(Get(a.items[0].params, "e"), "ue");
  EXPECT_EQ(Get(a.items[0].params, "p"), "srv");
  EXPECT_EQ(Get(a.items[0].params, "tv"), "com.snowplowanalytics.iglu-v1");
  EXPECT_EQ(inner(a.items[0], "id"), "\"7\"");
  EXPECT_EQ(inner(a.items[0], "name"), "\"Lin\"");
  EXPECT_EQ(inner(a.items[0], "p"), "<absent>") << "p is the platform, not data";

  a = AdaptAll(Request("POST", path, "schema=" + schema, "application/x-www-form-urlencoded",
                       "id=8&name=A+B"));
  ASSERT_EQ(a.items.size(), 1u);
  EXPECT_EQ(Get(a.items[0].params, "p"), "app");
  EXPECT_EQ(inner(a.items[0], "name"), "\"A B\"");

  a = AdaptAll(
      Request("POST", path, "schema=" + schema, "application/json", R"([{"id":1},{"id":2},3])"));
  ASSERT_EQ(a.items.size(), 2u);
  EXPECT_EQ(inner(a.items[1], "id"), "2");
  EXPECT_EQ(a.items[1].index, 1u);
  ASSERT_EQ(a.bad.size(), 1u);
  EXPECT_EQ(a.bad[0].type, BadRowType::kAdapterFailures);

  a = AdaptAll(Request("POST", path, "", "application/json",
                       R"({"schema":")" + schema + R"(","data":{"id":9}})"));
  ASSERT_EQ(a.items.size(), 1u);
  EXPECT_EQ(inner(a.items[0], "id"), "9");

  for (const auto& bad : {Request("POST", path, "", "application/json", R"({"id":1})"),
                          Request("POST", path, "", "text/plain", "x"), Request("GET", path, ""),
                          Request("POST", path, "schema=" + schema, "application/json", "{")}) {
    a = AdaptAll(bad);
    EXPECT_TRUE(a.items.empty()) << bad.query << " " << bad.body;
    ASSERT_EQ(a.bad.size(), 1u);
    EXPECT_EQ(a.bad[0].type, BadRowType::kAdapterFailures);
  }
}

TEST(Adapters, UnknownVendorAndSizeViolation) {
  Adapted a = AdaptAll(Request("GET", "/com.acme/v9", "e=pv"));
  ASSERT_EQ(a.bad.size(), 1u);
  EXPECT_EQ(a.bad[0].type, BadRowType::kAdapterFailures);
  EXPECT_EQ(a.bad[0].messages.at(0).value, "/com.acme/v9");
  EXPECT_EQ(a.bad[0].payload, "GET /com.acme/v9?e=pv");

  auto big = Request("POST", "/com.snowplowanalytics.snowplow/tp2", "", "application/json", "{");
  big.headers.emplace_back(std::string(rawlog::kSizeViolationHeader), "3000000");
  a = AdaptAll(big);
  ASSERT_EQ(a.bad.size(), 1u);
  EXPECT_TRUE(a.items.empty());
  EXPECT_EQ(a.bad[0].type, BadRowType::kSizeViolation);
}

}  // namespace
}  // namespace footfall::enrich
