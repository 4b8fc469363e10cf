#include "iglu/builtin_schemas.h"

#include <gtest/gtest.h>
#include <simdjson.h>

#include <cstring>
#include <memory>
#include <set>
#include <string>

#include "iglu/registry.h"

namespace footfall::iglu {
namespace {

// For every built-in schema: an instance as a tracker sends it, and a broken one.
struct Sample {
  const char* uri;
  const char* good;
  const char* bad;
};

constexpr char kUuid[] = "b7d2a1c0-5f3e-4c2a-9d8b-0e1f2a3b4c5d";

const Sample kSamples[] = {
    {"iglu:com.footfall/body_model/jsonschema/1-0-0",
     R"({"method":"measurements","height_cm":172,"fit_preference":"regular","duration_ms":64000})",
     R"({"method":"guess","height_cm":172.5})"},
    {"iglu:com.footfall/try_on/jsonschema/1-0-0",
     R"({"product_id":"SKU-1042","garment_category":"dresses","outcome":"added_to_cart",
         "duration_ms":48250})",
     R"({"product_id":"SKU-1042","outcome":"bought","duration_ms":-1})"},
    {"iglu:com.footfall/workflow_step/jsonschema/1-0-0",
     R"({"case_id":"garment-7781","activity":"restyle_garment","lifecycle":"complete",
         "resource":"stylist-3","cost":42.5})",
     R"({"case_id":"garment-7781","activity":"composite","lifecycle":"done","cost":-1})"},
    {"iglu:com.google.analytics/cookies/jsonschema/1-0-0",
     R"({"_ga":"GA1.2.123456789.1700000000","__utma":"1.2.3.4.5.6"})", R"({"_ga":1})"},
    {"iglu:com.snowplowanalytics.snowplow/add_to_cart/jsonschema/1-0-0",
     R"({"sku":"SKU-1042","name":"Linen dress","category":"dresses","unitPrice":89.9,
         "quantity":1,"currency":"EUR"})",
     R"({"sku":"SKU-1042","quantity":1,"currency":"EURO"})"},
    {"iglu:com.snowplowanalytics.snowplow/application_error/jsonschema/1-0-2",
     R"({"programmingLanguage":"JAVASCRIPT","message":"TypeError: x is undefined",
         "fileName":"https://shop.example/app.js","lineNumber":12,"lineColumn":7,
         "stackTrace":null,"isFatal":true})",
     R"({"programmingLanguage":"COBOL","message":""})"},
    {"iglu:com.snowplowanalytics.snowplow/change_form/jsonschema/1-0-0",
     R"({"formId":"checkout","elementId":"email","nodeName":"INPUT","type":"email",
         "elementClasses":["field"],"value":"ada@example.org"})",
     R"({"formId":"checkout","elementId":"email","nodeName":"DIV","value":"x"})"},
    {"iglu:com.snowplowanalytics.snowplow/client_session/jsonschema/1-0-1",
     R"({"userId":"9f0e1d2c-3b4a-4958-8776-a5b4c3d2e1f0","sessionId":"b7d2a1c0-5f3e-4c2a-9d8b-0e1f2a3b4c5d",
         "sessionIndex":3,"previousSessionId":null,"storageMechanism":"COOKIE_1",
         "firstEventId":"0e1f2a3b-4c5d-4e6f-8a9b-0c1d2e3f4a5b"})",
     R"({"userId":"u","sessionId":"s","sessionIndex":-1,"previousSessionId":null,
         "storageMechanism":"COOKIE_1"})"},
    {"iglu:com.snowplowanalytics.snowplow/client_session/jsonschema/1-0-2",
     R"({"userId":"9f0e1d2c-3b4a-4958-8776-a5b4c3d2e1f0","sessionId":"b7d2a1c0-5f3e-4c2a-9d8b-0e1f2a3b4c5d",
         "sessionIndex":1,"previousSessionId":"0e1f2a3b-4c5d-4e6f-8a9b-0c1d2e3f4a5b",
         "storageMechanism":"LOCAL_STORAGE","firstEventId":"0e1f2a3b-4c5d-4e6f-8a9b-0c1d2e3f4a5c",
         "firstEventTimestamp":"2025-11-26T09:30:00.123Z","eventIndex":12})",
     R"({"userId":"9f0e1d2c-3b4a-4958-8776-a5b4c3d2e1f0","sessionId":"b7d2a1c0-5f3e-4c2a-9d8b-0e1f2a3b4c5d",
         "sessionIndex":1,"previousSessionId":null,"storageMechanism":"LOCAL_STORAGE",
         "firstEventTimestamp":"yesterday"})"},
    {"iglu:com.snowplowanalytics.snowplow/consent_document/jsonschema/1-0-0",
     R"({"id":"privacy-policy","version":"3.1","name":"Privacy policy",
         "description":"How we use your data"})",
     R"({"id":"privacy-policy"})"},
    {"iglu:com.snowplowanalytics.snowplow/contexts/jsonschema/1-0-0",
     R"([{"schema":"iglu:com.snowplowanalytics.snowplow/web_page/jsonschema/1-0-0",
          "data":{"id":"b7d2a1c0-5f3e-4c2a-9d8b-0e1f2a3b4c5d"}}])",
     R"([{"schema":"com.acme/x/jsonschema/1-0-0","data":{}}])"},
    {"iglu:com.snowplowanalytics.snowplow/desktop_context/jsonschema/1-0-0",
     R"({"osType":"Windows","osVersion":"10.0.19045","osServicePack":"","osIs64Bit":true,
         "deviceManufacturer":"LENOVO","deviceModel":"20XW","deviceProcessorCount":8})",
     R"({"osType":"Windows","osIs64Bit":"yes"})"},
    {"iglu:com.snowplowanalytics.snowplow/focus_form/jsonschema/1-0-0",
     R"({"formId":"newsletter","elementId":"message","nodeName":"TEXTAREA","type":null,
         "elementClasses":[],"value":null})",
     R"({"formId":"newsletter","elementId":"message","nodeName":"TEXTAREA"})"},
    {"iglu:com.snowplowanalytics.snowplow/geolocation_context/jsonschema/1-1-0",
     R"({"latitude":48.8566,"longitude":2.3522,"latitudeLongitudeAccuracy":12.5,
         "altitude":null,"altitudeAccuracy":null,"bearing":null,"speed":null,
         "timestamp":1764149400000})",
     R"({"latitude":91,"longitude":2.3522})"},
    {"iglu:com.snowplowanalytics.snowplow/link_click/jsonschema/1-0-1",
     R"({"targetUrl":"https://shop.example/dresses?color=green","elementId":"nav-dresses",
         "elementClasses":["nav","nav-item"],"elementTarget":"_self","elementContent":"Dresses"})",
     R"({"elementId":"nav-dresses"})"},
    {"iglu:com.snowplowanalytics.snowplow/mobile_context/jsonschema/1-0-2",
     R"({"osType":"ios","osVersion":"17.1","deviceManufacturer":"Apple Inc.",
         "deviceModel":"iPhone15,2","carrier":null,"networkType":"wifi",
         "networkTechnology":null,"appleIdfv":"0E1F2A3B-4C5D-4E6F-8A9B-0C1D2E3F4A5B",
         "physicalMemory":6144000000,"batteryLevel":80,"batteryState":"charging",
         "lowPowerMode":false,"isPortrait":true,"resolution":"1179x2556","scale":3,
         "language":"fr"})",
     R"({"osType":"ios","osVersion":"17.1","deviceManufacturer":"Apple Inc.",
         "deviceModel":"iPhone15,2","networkType":"5g","batteryLevel":180})"},
    {"iglu:com.snowplowanalytics.snowplow/remove_from_cart/jsonschema/1-0-0",
     R"({"sku":"SKU-1042","unitPrice":89.9,"quantity":1,"currency":"EUR"})",
     R"({"sku":"SKU-1042","quantity":"one"})"},
    {"iglu:com.snowplowanalytics.snowplow/screen_view/jsonschema/1-0-0",
     R"({"name":"ProductDetail","id":"b7d2a1c0-5f3e-4c2a-9d8b-0e1f2a3b4c5d","type":"product",
         "previousName":"Catalog","previousId":"0e1f2a3b-4c5d-4e6f-8a9b-0c1d2e3f4a5b",
         "previousType":"list","transitionType":"push"})",
     R"({"name":"ProductDetail","id":"screen-2"})"},
    {"iglu:com.snowplowanalytics.snowplow/site_search/jsonschema/1-0-0",
     R"({"terms":["green","linen","dress"],"filters":{"category":"dresses","in_stock":true},
         "totalResults":42,"pageResults":20})",
     R"({"terms":["dress"],"filters":{"size":38}})"},
    {"iglu:com.snowplowanalytics.snowplow/submit_form/jsonschema/1-0-0",
     R"({"formId":"checkout","formClasses":["form","wide"],"elements":[
         {"name":"email","value":"ada@example.org","nodeName":"INPUT","type":"email"},
         {"name":"note","value":null,"nodeName":"TEXTAREA"},
         {"name":"size","value":"38","nodeName":"SELECT","type":null}]})",
     R"({"formId":"checkout","elements":[{"name":"email","nodeName":"INPUT"}]})"},
    {"iglu:com.snowplowanalytics.snowplow/timing/jsonschema/1-0-0",
     R"({"category":"try_on","variable":"render","timing":350,"label":"3d"})",
     R"({"category":"try_on","variable":"render","timing":"350ms"})"},
    {"iglu:com.snowplowanalytics.snowplow/ua_parser_context/jsonschema/1-0-0",
     R"({"useragentFamily":"Firefox","useragentMajor":"120","useragentMinor":"0",
         "useragentPatch":null,"useragentVersion":"Firefox 120.0","osFamily":"Ubuntu",
         "osMajor":null,"osMinor":null,"osPatch":null,"osPatchMinor":null,"osVersion":"Ubuntu",
         "deviceFamily":"Other"})",
     R"({"useragentFamily":"Firefox","osFamily":"Ubuntu"})"},
    {"iglu:com.snowplowanalytics.snowplow/unstruct_event/jsonschema/1-0-0",
     R"({"schema":"iglu:com.footfall/try_on/jsonschema/1-0-0","data":{"product_id":"SKU-1"}})",
     R"({"schema":"iglu:com.footfall/try_on/jsonschema/1-0-0"})"},
    {"iglu:com.snowplowanalytics.snowplow/web_page/jsonschema/1-0-0",
     R"({"id":"b7d2a1c0-5f3e-4c2a-9d8b-0e1f2a3b4c5d"})", R"({"id":"not-a-uuid"})"},
};

class BuiltinSchemasTest : public ::testing::Test {
 protected:
  void SetUp() override {
    Result<SchemaRegistry> loaded = SchemaRegistry::Load("");
    ASSERT_TRUE(loaded.ok()) << loaded.status().ToString();
    registry_ = std::make_unique<SchemaRegistry>(std::move(loaded).value());
  }

  Status Validate(const char* uri, const char* json, std::vector<Violation>* violations) {
    Result<SchemaKey> key = SchemaKey::Parse(uri);
    EXPECT_TRUE(key.ok()) << uri;
    simdjson::dom::element root;
    EXPECT_EQ(parser_.parse(json, std::strlen(json)).get(root), simdjson::SUCCESS) << json;
    return registry_->Validate(*key, root, violations);
  }

  std::unique_ptr<SchemaRegistry> registry_;
  simdjson::dom::parser parser_;
};

TEST_F(BuiltinSchemasTest, EverySchemaHasASample) {
  std::set<std::string> builtin, sampled;
  for (const BuiltinSchema& s : BuiltinSchemas()) builtin.emplace(s.uri);
  for (const Sample& s : kSamples) sampled.emplace(s.uri);
  EXPECT_EQ(builtin, sampled);
  EXPECT_EQ(builtin.size(), BuiltinSchemas().size()) << "a built-in schema is listed twice";
}

TEST_F(BuiltinSchemasTest, AcceptWhatTrackersSend) {
  for (const Sample& s : kSamples) {
    std::vector<Violation> violations;
    Status status = Validate(s.uri, s.good, &violations);
    EXPECT_TRUE(status.ok()) << s.uri << ": " << status.ToString();
  }
}

TEST_F(BuiltinSchemasTest, RejectBrokenInstances) {
  for (const Sample& s : kSamples) {
    std::vector<Violation> violations;
    Status status = Validate(s.uri, s.bad, &violations);
    EXPECT_EQ(status.code(), StatusCode::kInvalidArgument) << s.uri;
    EXPECT_FALSE(violations.empty()) << s.uri;
  }
}

TEST_F(BuiltinSchemasTest, WebPageAsTheJavaScriptTrackerSendsIt) {
  std::string json = std::string(R"({"id":")") + kUuid + "\"}";
  EXPECT_TRUE(Validate("iglu:com.snowplowanalytics.snowplow/web_page/jsonschema/1-0-0",
                       json.c_str(), nullptr)
                  .ok());
}

TEST_F(BuiltinSchemasTest, WorkflowStepNullablesAndRequired) {
  const char* uri = "iglu:com.footfall/workflow_step/jsonschema/1-0-0";
  EXPECT_TRUE(Validate(uri, R"({"case_id":"shoot-12","activity":"shoot_model",
      "lifecycle":"start","resource":null,"cost":null})",
                       nullptr)
                  .ok());
  std::vector<Violation> violations;
  EXPECT_FALSE(
      Validate(uri, R"({"activity":"publish","lifecycle":"start","extra":1})", &violations).ok());
  ASSERT_EQ(violations.size(), 2u);
  EXPECT_EQ(violations[0].path, "/extra");
  EXPECT_EQ(violations[1].path, "/case_id");
}

}  // namespace
}  // namespace footfall::iglu
