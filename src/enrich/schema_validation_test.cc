// Enrichment with the schema registry: every self-describing event and context is validated.
#include <gtest/gtest.h>

#include "base/base64.h"
#include "base/url.h"
#include "enrich/enrich.h"
#include "iglu/registry.h"

namespace footfall::enrich {
namespace {

const iglu::SchemaRegistry& Registry() {
  static const iglu::SchemaRegistry* registry = [] {
    auto loaded = iglu::SchemaRegistry::Load("");
    if (!loaded.ok()) {
      ADD_FAILURE() << loaded.status().ToString();
      std::abort();
    }
    return new iglu::SchemaRegistry(std::move(*loaded));
  }();
  return *registry;
}

EnrichOutput Enrich(std::string query, std::string body = "") {
  EnrichConfig config;
  config.user_agent = false;
  auto enricher = Enricher::Create(config, &Registry(), nullptr);
  EXPECT_TRUE(enricher.ok());
  rawlog::CollectorPayload p;
  p.timestamp = 1764148502000000;
  p.method = body.empty() ? "GET" : "POST";
  p.path = body.empty() ? "/i" : "/com.snowplowanalytics.snowplow/tp2";
  p.content_type = "application/json";
  p.query = std::move(query);
  p.body = std::move(body);
  EnrichOutput out;
  enricher->Enrich(p, &out);
  return out;
}

std::string Ue(std::string_view schema, std::string_view data) {
  return "{\"schema\":\"iglu:com.snowplowanalytics.snowplow/unstruct_event/jsonschema/1-0-0\","
         "\"data\":{\"schema\":\"" +
         std::string(schema) + "\",\"data\":" + std::string(data) + "}}";
}

std::string Cx(std::string_view contexts) {
  return "{\"schema\":\"iglu:com.snowplowanalytics.snowplow/contexts/jsonschema/1-0-0\","
         "\"data\":[" +
         std::string(contexts) + "]}";
}

constexpr char kTryOn[] = "iglu:com.footfall/try_on/jsonschema/1-0-0";
constexpr char kWebPage[] = "iglu:com.snowplowanalytics.snowplow/web_page/jsonschema/1-0-0";

TEST(SchemaValidation, ValidEventAndContextsPass) {
  const EnrichOutput out = Enrich(
      "e=ue&ue_px=" +
      Base64Encode(Ue(kTryOn, R"({"product_id":"D-1"})"), Base64Alphabet::kUrlSafe) + "&cx=" +
      Base64Encode(Cx(std::string(R"({"schema":")") + kWebPage +
                      R"(","data":{"id":"0b1c2d3e-4f50-4a1b-8c2d-3e4f5a6b7c8d"}})"),
                   Base64Alphabet::kUrlSafe));
  ASSERT_EQ(out.events.size(), 1u) << (out.bad_rows.empty() ? "" : BadRowToJson(out.bad_rows[0]));
  EXPECT_EQ(out.events[0].event_name, "try_on");
}

TEST(SchemaValidation, EveryViolationIsReported) {
  const EnrichOutput out =
      Enrich("e=ue&ue_pr=" + PercentEncode(Ue(kTryOn, R"({"outcome":"nope","extra":1})")) + "&co=" +
             PercentEncode(Cx(std::string(R"({"schema":")") + kWebPage + R"(","data":{"id":5}})")));
  ASSERT_TRUE(out.events.empty());
  ASSERT_EQ(out.bad_rows.size(), 1u);
  const BadRow& bad = out.bad_rows[0];
  EXPECT_EQ(bad.type, BadRowType::kSchemaViolations);
  // Missing product_id, the enum, the extra property, and the context's id.
  EXPECT_GE(bad.messages.size(), 4u) << BadRowToJson(bad);
  bool saw_context = false;
  for (const BadRowMessage& m : bad.messages) {
    EXPECT_TRUE(m.field.starts_with("ue_pr/data") || m.field.starts_with("co/data/0")) << m.field;
    saw_context |= m.field.starts_with("co/data/0/data");
  }
  EXPECT_TRUE(saw_context) << BadRowToJson(bad);
}

TEST(SchemaValidation, UnknownSchema) {
  const EnrichOutput out =
      Enrich("e=ue&ue_pr=" + PercentEncode(Ue("iglu:com.acme/nothing/jsonschema/1-0-0", "{}")));
  ASSERT_EQ(out.bad_rows.size(), 1u);
  EXPECT_EQ(out.bad_rows[0].type, BadRowType::kSchemaViolations);
  EXPECT_EQ(out.bad_rows[0].messages.at(0).field, "ue_pr/data/schema");
  EXPECT_EQ(out.bad_rows[0].messages.at(0).value, "iglu:com.acme/nothing/jsonschema/1-0-0");
}

TEST(SchemaValidation, OneInvalidItemDoesNotRejectTheBatch) {
  std::string good = Ue(kTryOn, R"({"product_id":"D-1"})");
  std::string bad = Ue(kTryOn, R"({"product_id":""})");
  std::string body =
      R"({"schema":"iglu:com.snowplowanalytics.snowplow/payload_data/jsonschema/1-0-4","data":[)";
  for (const std::string* ue : {&good, &bad, &good}) {
    if (ue != &good || body.back() != '[') body += ',';
    body += R"({"e":"ue","p":"web","tv":"t","ue_px":")" +
            Base64Encode(*ue, Base64Alphabet::kUrlSafe) + "\"}";
  }
  body += "]}";
  const EnrichOutput out = Enrich("", body);
  EXPECT_EQ(out.events.size(), 2u);
  ASSERT_EQ(out.bad_rows.size(), 1u);
  EXPECT_EQ(out.bad_rows[0].type, BadRowType::kSchemaViolations);
}

}  // namespace
}  // namespace footfall::enrich
