#include "iglu/validator.h"

#include <gtest/gtest.h>
#include <simdjson.h>

#include <atomic>
#include <string>
#include <vector>

// Defined with the replaced allocation functions in allocation_counter_for_test.cc.
extern std::atomic<bool> g_count_allocations;
extern std::atomic<size_t> g_allocations;

namespace footfall::iglu {
namespace {

// The violations of `data` against `schema`; both must be valid JSON and the schema must compile.
std::vector<Violation> Check(std::string_view schema, std::string_view data) {
  Result<CompiledSchema> compiled = CompiledSchema::Parse(schema, "test schema");
  EXPECT_TRUE(compiled.ok()) << compiled.status().ToString();
  if (!compiled.ok()) return {{"", "schema did not compile"}};
  simdjson::dom::parser parser;
  simdjson::dom::element root;
  EXPECT_EQ(parser.parse(data.data(), data.size()).get(root), simdjson::SUCCESS) << data;
  std::vector<Violation> violations;
  const bool valid = compiled->Validate(root, &violations);
  EXPECT_EQ(valid, violations.empty());
  // Without an output the verdict is the same.
  EXPECT_EQ(compiled->Validate(root, nullptr), valid);
  return violations;
}

bool Valid(std::string_view schema, std::string_view data) { return Check(schema, data).empty(); }

Status CompileError(std::string_view schema) {
  Result<CompiledSchema> compiled = CompiledSchema::Parse(schema, "schema-under-test");
  EXPECT_FALSE(compiled.ok()) << schema;
  return compiled.ok() ? Status::Ok() : compiled.status();
}

TEST(ValidatorTest, EmptySchemaAcceptsAnything) {
  for (const char* data : {"null", "true", "1", "1.5", "\"s\"", "[]", "{}", "{\"a\":[1]}"}) {
    EXPECT_TRUE(Valid("{}", data)) << data;
  }
}

TEST(ValidatorTest, SingleTypes) {
  struct Case {
    const char* type;
    const char* good;
    const char* bad;
  };
  const Case cases[] = {
      {"null", "null", "0"},        {"boolean", "false", "\"true\""},
      {"object", "{}", "[]"},       {"array", "[1]", "{}"},
      {"number", "1.5", "\"1.5\""}, {"integer", "-3", "3.5"},
      {"string", "\"\"", "null"},   {"number", "7", "true"},
      {"integer", "2.0", "\"2\""},  {"integer", "18446744073709551615", "1.0e-5"},
  };
  for (const Case& c : cases) {
    std::string schema = std::string("{\"type\":\"") + c.type + "\"}";
    EXPECT_TRUE(Valid(schema, c.good)) << c.type << " " << c.good;
    EXPECT_FALSE(Valid(schema, c.bad)) << c.type << " " << c.bad;
  }
}

TEST(ValidatorTest, TypeViolationSaysExpectedAndGot) {
  std::vector<Violation> v = Check(R"({"type":"string"})", "5");
  ASSERT_EQ(v.size(), 1u);
  EXPECT_EQ(v[0].path, "");
  EXPECT_EQ(v[0].message, "expected type string, got integer 5");
  v = Check(R"({"type":"integer"})", "2.5");
  ASSERT_EQ(v.size(), 1u);
  EXPECT_EQ(v[0].message, "expected type integer, got number 2.5");
  v = Check(R"({"type":"object"})", "[1]");
  ASSERT_EQ(v.size(), 1u);
  EXPECT_EQ(v[0].message, "expected type object, got array");
}

TEST(ValidatorTest, NullableUnion) {
  const char* schema = R"({"type":["string","null"],"minLength":2,"format":"uuid"})";
  EXPECT_TRUE(Valid(schema, "null"));
  EXPECT_TRUE(Valid(schema, "\"b7d2a1c0-5f3e-4c2a-9d8b-0e1f2a3b4c5d\""));
  std::vector<Violation> v = Check(schema, "42");
  ASSERT_EQ(v.size(), 1u);
  EXPECT_EQ(v[0].message, "expected type string or null, got integer 42");
  v = Check(schema, "\"x\"");
  ASSERT_EQ(v.size(), 2u);  // too short and not a uuid: both reported
  EXPECT_EQ(v[0].message, "expected at least 2 characters, got 1");
  EXPECT_EQ(v[1].message, "expected format uuid, got \"x\"");
}

TEST(ValidatorTest, PropertiesAndRequired) {
  const char* schema = R"({"type":"object",
      "properties":{"id":{"type":"string"},"n":{"type":"integer"}},
      "required":["id","n"]})";
  EXPECT_TRUE(Valid(schema, R"({"id":"a","n":1})"));
  EXPECT_TRUE(Valid(schema, R"({"id":"a","n":1,"other":[true]})"));  // additional allowed
  std::vector<Violation> v = Check(schema, R"({"n":"one"})");
  ASSERT_EQ(v.size(), 2u);
  EXPECT_EQ(v[0].path, "/n");
  EXPECT_EQ(v[0].message, "expected type integer, got string \"one\"");
  EXPECT_EQ(v[1].path, "/id");
  EXPECT_EQ(v[1].message, "expected required property \"id\", got none");
  // `properties` and `required` say nothing about non-objects.
  EXPECT_TRUE(Valid(R"({"properties":{"a":{"type":"string"}},"required":["a"]})", "[1]"));
}

TEST(ValidatorTest, AdditionalProperties) {
  const char* closed = R"({"properties":{"a":{}},"additionalProperties":false})";
  EXPECT_TRUE(Valid(closed, R"({"a":1})"));
  std::vector<Violation> v = Check(closed, R"({"a":1,"b":2,"c":3})");
  ASSERT_EQ(v.size(), 2u);
  EXPECT_EQ(v[0].path, "/b");
  EXPECT_EQ(v[0].message, "expected no additional properties, got \"b\"");
  EXPECT_EQ(v[1].path, "/c");

  EXPECT_TRUE(Valid(R"({"additionalProperties":true})", R"({"x":1})"));
  const char* typed = R"({"properties":{"a":{}},"additionalProperties":{"type":"boolean"}})";
  EXPECT_TRUE(Valid(typed, R"({"a":"anything","b":true})"));
  v = Check(typed, R"({"a":"anything","b":"yes"})");
  ASSERT_EQ(v.size(), 1u);
  EXPECT_EQ(v[0].path, "/b");
}

TEST(ValidatorTest, Enum) {
  const char* schema = R"({"enum":["start","complete",1,null,[1,{"k":"v"}],{"a":[true]}]})";
  for (const char* good :
       {"\"start\"", "\"complete\"", "1", "1.0", "null", R"([1,{"k":"v"}])", R"({"a":[true]})"}) {
    EXPECT_TRUE(Valid(schema, good)) << good;
  }
  for (const char* bad : {"\"Start\"", "2", "false", "[1]", R"([1,{"k":"w"}])", R"({"a":[false]})",
                          R"({"a":[true],"b":1})"}) {
    EXPECT_FALSE(Valid(schema, bad)) << bad;
  }
  std::vector<Violation> v = Check(R"({"enum":["start","complete"]})", "\"begin\"");
  ASSERT_EQ(v.size(), 1u);
  EXPECT_EQ(v[0].message, "expected one of \"start\", \"complete\", got \"begin\"");
}

TEST(ValidatorTest, MinimumAndMaximum) {
  const char* inclusive = R"({"minimum":0,"maximum":100})";
  EXPECT_TRUE(Valid(inclusive, "0"));
  EXPECT_TRUE(Valid(inclusive, "100"));
  EXPECT_TRUE(Valid(inclusive, "99.5"));
  EXPECT_TRUE(Valid(inclusive, "\"-5\""));  // not a number: the bounds do not apply
  std::vector<Violation> v = Check(inclusive, "-1");
  ASSERT_EQ(v.size(), 1u);
  EXPECT_EQ(v[0].message, "expected a number >= 0, got -1");
  v = Check(inclusive, "100.25");
  ASSERT_EQ(v.size(), 1u);
  EXPECT_EQ(v[0].message, "expected a number <= 100, got 100.25");

  const char* exclusive =
      R"({"minimum":0,"exclusiveMinimum":true,"maximum":1.5,"exclusiveMaximum":true})";
  EXPECT_TRUE(Valid(exclusive, "0.0001"));
  EXPECT_TRUE(Valid(exclusive, "1"));
  v = Check(exclusive, "0");
  ASSERT_EQ(v.size(), 1u);
  EXPECT_EQ(v[0].message, "expected a number > 0, got 0");
  v = Check(exclusive, "1.5");
  ASSERT_EQ(v.size(), 1u);
  EXPECT_EQ(v[0].message, "expected a number < 1.5, got 1.5");

  // Integers beyond a double's precision still compare exactly.
  const char* big = R"({"maximum":9223372036854775806})";
  EXPECT_TRUE(Valid(big, "9223372036854775806"));
  EXPECT_FALSE(Valid(big, "9223372036854775807"));
  EXPECT_FALSE(Valid(big, "18446744073709551615"));
}

TEST(ValidatorTest, StringLengthsCountCodePoints) {
  const char* schema = R"({"minLength":2,"maxLength":5})";
  EXPECT_TRUE(Valid(schema, "\"h\u00e9llo\""));                        // 5 code points, 6 bytes
  EXPECT_TRUE(Valid(schema, "\"\xf0\x9f\x91\x97\xf0\x9f\x91\x98\""));  // 2 emoji, 8 bytes
  EXPECT_FALSE(Valid(schema, "\"\xf0\x9f\x91\x97\""));
  std::vector<Violation> v = Check(schema, "\"abcdef\"");
  ASSERT_EQ(v.size(), 1u);
  EXPECT_EQ(v[0].message, "expected at most 5 characters, got 6");
  EXPECT_TRUE(Valid(schema, "5"));  // not a string
}

TEST(ValidatorTest, PatternSearchesUnlessAnchored) {
  EXPECT_TRUE(Valid(R"({"pattern":"[0-9]+"})", "\"abc123\""));
  EXPECT_FALSE(Valid(R"({"pattern":"^[0-9]+$"})", "\"abc123\""));
  EXPECT_TRUE(Valid(R"({"pattern":"^[0-9]+$"})", "\"123\""));
  EXPECT_TRUE(Valid(R"({"pattern":"^.{2}$"})", "\"\u00e9\u00e8\""));  // UTF-8 aware
  std::vector<Violation> v = Check(R"({"pattern":"^a"})", "\"ba\"");
  ASSERT_EQ(v.size(), 1u);
  EXPECT_EQ(v[0].message, "expected a string matching \"^a\", got \"ba\"");
}

TEST(ValidatorTest, FormatsInSchemas) {
  struct Case {
    const char* format;
    const char* good;
    const char* bad;
  };
  const Case cases[] = {
      {"uuid", "b7d2a1c0-5f3e-4c2a-9d8b-0e1f2a3b4c5d", "b7d2a1c05f3e4c2a9d8b0e1f2a3b4c5d"},
      {"date-time", "2025-11-26T09:30:00.123Z", "2025-11-26 09:30:00"},
      {"date", "2024-02-29", "2023-02-29"},
      {"uri", "https://shop.example/p?id=1#top", "not a uri"},
      {"email", "ada@example.org", "ada@"},
      {"ipv4", "192.168.0.1", "192.168.0.256"},
      {"ipv6", "2001:db8::1", "2001:db8:::1"},
      {"hostname", "cdn-1.shop.example", "-bad.example"},
  };
  for (const Case& c : cases) {
    std::string schema = std::string("{\"format\":\"") + c.format + "\"}";
    EXPECT_TRUE(Valid(schema, std::string("\"") + c.good + "\"")) << c.format;
    std::vector<Violation> v = Check(schema, std::string("\"") + c.bad + "\"");
    ASSERT_EQ(v.size(), 1u) << c.format;
    EXPECT_EQ(v[0].message, std::string("expected format ") + c.format + ", got \"" + c.bad + "\"");
  }
}

TEST(FormatsTest, Uuid) {
  EXPECT_TRUE(formats::IsUuid("B7D2A1C0-5F3E-4C2A-9D8B-0E1F2A3B4C5D"));
  EXPECT_FALSE(formats::IsUuid("b7d2a1c0-5f3e-4c2a-9d8b-0e1f2a3b4c5"));
  EXPECT_FALSE(formats::IsUuid("b7d2a1c0-5f3e-4c2a-9d8b-0e1f2a3b4c5g"));
  EXPECT_FALSE(formats::IsUuid("b7d2a1c0_5f3e-4c2a-9d8b-0e1f2a3b4c5d"));
  EXPECT_FALSE(formats::IsUuid(""));
}

TEST(FormatsTest, DateTime) {
  for (const char* good :
       {"2025-11-26T09:30:00Z", "2025-11-26t09:30:00z", "2025-11-26T09:30:00+01:00",
        "2025-11-26T23:59:60.5-08:30", "2000-02-29T00:00:00.000000Z"}) {
    EXPECT_TRUE(formats::IsDateTime(good)) << good;
  }
  for (const char* bad : {"2025-11-26T09:30:00", "2025-11-26T24:00:00Z", "2025-13-01T00:00:00Z",
                          "2025-11-31T00:00:00Z", "1900-02-29T00:00:00Z", "2025-11-26T09:30:00.Z",
                          "2025-11-26T09:30:00+0100", "2025-11-26T09:30Z", "2025-11-26T09:30:00Zx",
                          "2025-11-26T09:61:00Z"}) {
    EXPECT_FALSE(formats::IsDateTime(bad)) << bad;
  }
}

TEST(FormatsTest, Uri) {
  for (const char* good : {"https://a.example/b?c=d&e=%20#f", "mailto:ada@example.org",
                           "urn:isbn:0451450523", "http://[::1]:8080/", "app+x.y-z:rest"}) {
    EXPECT_TRUE(formats::IsUri(good)) << good;
  }
  for (const char* bad : {"", "/relative/path", "://x", "1http://x", "http://a b", "http://x/%zz",
                          "http://x/%2", "http://x/#a#b", "http://x/\xc3\xa9", "http://x/<y>"}) {
    EXPECT_FALSE(formats::IsUri(bad)) << bad;
  }
}

TEST(FormatsTest, EmailHostnameAndAddresses) {
  EXPECT_TRUE(formats::IsEmail("first.last+tag@mail.example.org"));
  EXPECT_FALSE(formats::IsEmail("first..last@example.org"));
  EXPECT_FALSE(formats::IsEmail(".first@example.org"));
  EXPECT_FALSE(formats::IsEmail("@example.org"));
  EXPECT_FALSE(formats::IsEmail("a b@example.org"));
  EXPECT_FALSE(formats::IsEmail("ada@exa_mple.org"));

  EXPECT_TRUE(formats::IsHostname("localhost"));
  EXPECT_TRUE(formats::IsHostname("xn--bcher-kva.example"));
  EXPECT_FALSE(formats::IsHostname("a..b"));
  EXPECT_FALSE(formats::IsHostname("a-.example"));
  EXPECT_FALSE(formats::IsHostname(std::string(64, 'a') + ".example"));
  EXPECT_FALSE(formats::IsHostname(""));

  EXPECT_TRUE(formats::IsIpv4("0.0.0.0"));
  EXPECT_TRUE(formats::IsIpv4("255.255.255.255"));
  EXPECT_FALSE(formats::IsIpv4("1.2.3"));
  EXPECT_FALSE(formats::IsIpv4("1.2.3.4.5"));
  EXPECT_FALSE(formats::IsIpv4("01.2.3.4"));
  EXPECT_FALSE(formats::IsIpv4("1.2.3.4 "));
  EXPECT_FALSE(formats::IsIpv4("1234.2.3.4"));

  EXPECT_TRUE(formats::IsIpv6("::"));
  EXPECT_TRUE(formats::IsIpv6("::ffff:192.0.2.1"));
  EXPECT_TRUE(formats::IsIpv6("fe80:0:0:0:200:f8ff:fe21:67cf"));
  EXPECT_FALSE(formats::IsIpv6("fe80::1%eth0"));
  EXPECT_FALSE(formats::IsIpv6("1.2.3.4"));
  EXPECT_FALSE(formats::IsIpv6(std::string_view("::1\0x", 5)));
  EXPECT_FALSE(formats::IsIpv6(std::string(100, ':')));
}

TEST(ValidatorTest, ItemsAndArraySizes) {
  const char* schema = R"({"type":"array","items":{"type":"string"},"minItems":1,"maxItems":3})";
  EXPECT_TRUE(Valid(schema, R"(["a"])"));
  EXPECT_TRUE(Valid(schema, R"(["a","b","c"])"));
  std::vector<Violation> v = Check(schema, "[]");
  ASSERT_EQ(v.size(), 1u);
  EXPECT_EQ(v[0].message, "expected at least 1 items, got 0");
  v = Check(schema, R"(["a",2,"c",null])");
  ASSERT_EQ(v.size(), 3u);
  EXPECT_EQ(v[0].message, "expected at most 3 items, got 4");
  EXPECT_EQ(v[1].path, "/1");
  EXPECT_EQ(v[2].path, "/3");
}

TEST(ValidatorTest, NestedPathsAreJsonPointers) {
  const char* schema = R"({"type":"object","properties":{
      "elements":{"type":"array","items":{"type":"object",
          "properties":{"name":{"type":"string"},"a/b":{"type":"string"},"m~n":{"type":"string"}},
          "required":["name"]}}}})";
  std::vector<Violation> v =
      Check(schema, R"({"elements":[{"name":"ok"},{"name":1,"a/b":2,"m~n":3},{}]})");
  ASSERT_EQ(v.size(), 4u);
  EXPECT_EQ(v[0].path, "/elements/1/name");
  EXPECT_EQ(v[1].path, "/elements/1/a~1b");
  EXPECT_EQ(v[2].path, "/elements/1/m~0n");
  EXPECT_EQ(v[3].path, "/elements/2/name");
  EXPECT_EQ(v[3].message, "expected required property \"name\", got none");
}

TEST(ValidatorTest, ViolationsAreCapped) {
  std::string data = "[";
  for (int i = 0; i < 100; ++i) data += (i > 0 ? ",1" : "1");
  data += "]";
  std::vector<Violation> v = Check(R"({"items":{"type":"string"}})", data);
  EXPECT_EQ(v.size(), kMaxViolations);
  EXPECT_EQ(v.back().path, "/" + std::to_string(kMaxViolations - 1));
}

TEST(ValidatorTest, LongStringsAreCutInMessages) {
  std::string data = "\"" + std::string(1000, 'x') + "\"";
  std::vector<Violation> v = Check(R"({"format":"uuid"})", data);
  ASSERT_EQ(v.size(), 1u);
  EXPECT_LT(v[0].message.size(), 120u);
  EXPECT_TRUE(v[0].message.ends_with("...")) << v[0].message;
}

TEST(ValidatorTest, AnnotationsAreIgnored) {
  EXPECT_TRUE(Valid(R"({"$schema":"http://json-schema.org/draft-04/schema#",
      "self":{"vendor":"v","name":"n","format":"jsonschema","version":"1-0-0"},
      "description":"d","title":"t","type":"object"})",
                    "{}"));
}

TEST(ValidatorTest, CompileErrorsNameTheSchemaAndKeyword) {
  Status s = CompileError(R"({"properties":{"a":{"$ref":"#/definitions/x"}}})");
  EXPECT_EQ(s.code(), StatusCode::kInvalidArgument);
  EXPECT_NE(s.message().find("schema-under-test"), std::string::npos) << s.message();
  EXPECT_NE(s.message().find("$ref"), std::string::npos) << s.message();
  EXPECT_NE(s.message().find("/properties/a"), std::string::npos) << s.message();

  for (const char* bad : {
           R"({"definitions":{}})",
           R"({"oneOf":[{}]})",
           R"({"default":1})",
           R"({"items":[{},{}]})",
           R"({"minimum":0,"exclusiveMinimum":0})",
           R"({"type":"str"})",
           R"({"type":[]})",
           R"({"type":["string",1]})",
           R"({"pattern":"(unclosed"})",
           R"({"pattern":1})",
           R"({"format":"color"})",
           R"({"minLength":-1})",
           R"({"maxItems":1.5})",
           R"({"minimum":"0"})",
           R"({"enum":[]})",
           R"({"required":"a"})",
           R"({"required":[1]})",
           R"({"properties":[]})",
           R"({"properties":{"a":true}})",
           R"({"additionalProperties":"no"})",
           R"([])",
       }) {
    EXPECT_EQ(CompileError(bad).code(), StatusCode::kInvalidArgument) << bad;
  }
  EXPECT_EQ(CompileError("{\"type\":").code(), StatusCode::kInvalidArgument);
}

TEST(ValidatorTest, ValidDataAllocateNothing) {
  Result<CompiledSchema> schema = CompiledSchema::Parse(R"({
      "type":"object","additionalProperties":false,"required":["id","kind","list"],
      "properties":{
        "id":{"type":"string","format":"uuid"},
        "kind":{"enum":["a","b",{"k":[1]}]},
        "name":{"type":["string","null"],"pattern":"^[a-z]+$","maxLength":10},
        "n":{"type":"integer","minimum":0,"maximum":10,"exclusiveMaximum":true},
        "list":{"type":"array","minItems":1,"items":{"type":"object",
            "additionalProperties":{"type":"string","format":"date-time"}}}}})",
                                                        "schema");
  ASSERT_TRUE(schema.ok()) << schema.status().ToString();
  const std::string data = R"({"id":"b7d2a1c0-5f3e-4c2a-9d8b-0e1f2a3b4c5d","kind":{"k":[1]},
      "name":"abc","n":9,"list":[{"at":"2025-11-26T09:30:00Z"},{}]})";
  simdjson::dom::parser parser;
  simdjson::dom::element root;
  ASSERT_EQ(parser.parse(data.data(), data.size()).get(root), simdjson::SUCCESS);
  std::vector<Violation> violations;
  ASSERT_TRUE(schema->Validate(root, &violations));  // the first pattern match sets up the thread

  g_allocations = 0;
  g_count_allocations = true;
  bool all_valid = true;
  for (int i = 0; i < 100; ++i) all_valid = schema->Validate(root, &violations) && all_valid;
  g_count_allocations = false;
  EXPECT_TRUE(all_valid);
  EXPECT_EQ(g_allocations.load(), 0u);

  // The counter does count: reporting a violation allocates its message.
  ASSERT_EQ(parser.parse(R"({"id":"x"})", 10).get(root), simdjson::SUCCESS);
  g_count_allocations = true;
  EXPECT_FALSE(schema->Validate(root, &violations));
  g_count_allocations = false;
  EXPECT_GT(g_allocations.load(), 0u);
}

TEST(ValidatorTest, DeepSchemasAreRefused) {
  std::string deep = "{}";
  for (int i = 0; i <= kMaxSchemaDepth; ++i) deep = R"({"items":)" + deep + "}";
  EXPECT_EQ(CompileError(deep).code(), StatusCode::kInvalidArgument);
  std::string ok = "{}";
  for (int i = 0; i < kMaxSchemaDepth; ++i) ok = R"({"items":)" + ok + "}";
  EXPECT_TRUE(CompiledSchema::Parse(ok, "deep").ok());
}

}  // namespace
}  // namespace footfall::iglu
