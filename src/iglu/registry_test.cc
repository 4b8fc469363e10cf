#include "iglu/registry.h"

#include <gtest/gtest.h>
#include <simdjson.h>

#include <fstream>
#include <string>
#include <thread>
#include <vector>

#include "base/files.h"
#include "base/temp_dir.h"
#include "iglu/builtin_schemas.h"

namespace footfall::iglu {
namespace {

SchemaKey Key(std::string_view uri) {
  Result<SchemaKey> key = SchemaKey::Parse(uri);
  EXPECT_TRUE(key.ok()) << key.status().ToString();
  return key.ok() ? *key : SchemaKey{};
}

TEST(SchemaKeyTest, ParsesAndPrints) {
  SchemaKey key = Key("iglu:com.snowplowanalytics.snowplow/web_page/jsonschema/1-0-0");
  EXPECT_EQ(key.vendor, "com.snowplowanalytics.snowplow");
  EXPECT_EQ(key.name, "web_page");
  EXPECT_EQ(key.model, 1);
  EXPECT_EQ(key.revision, 0);
  EXPECT_EQ(key.addition, 0);
  EXPECT_EQ(key.ToUri(), "iglu:com.snowplowanalytics.snowplow/web_page/jsonschema/1-0-0");

  key = Key("iglu:com.acme-corp/Try_On-2/jsonschema/12-30-405");
  EXPECT_EQ(key.model, 12);
  EXPECT_EQ(key.revision, 30);
  EXPECT_EQ(key.addition, 405);
  EXPECT_EQ(key.ToUri(), "iglu:com.acme-corp/Try_On-2/jsonschema/12-30-405");
}

TEST(SchemaKeyTest, RejectsMalformedUris) {
  for (const char* bad : {
           "",
           "iglu:",
           "com.acme/x/jsonschema/1-0-0",                 // no scheme
           "http://com.acme/x/jsonschema/1-0-0",          // another scheme
           "IGLU:com.acme/x/jsonschema/1-0-0",            // the scheme is lower case
           "iglu:/x/jsonschema/1-0-0",                    // empty vendor
           "iglu:com.acme//jsonschema/1-0-0",             // empty name
           "iglu:com.acme/x/avro/1-0-0",                  // not jsonschema
           "iglu:com.acme/x/jsonschema",                  // no version
           "iglu:com.acme/x/jsonschema/",                 // empty version
           "iglu:com.acme/x/jsonschema/1-0",              // two parts
           "iglu:com.acme/x/jsonschema/1-0-0-0",          // four parts
           "iglu:com.acme/x/jsonschema/1-0-a",            // not a number
           "iglu:com.acme/x/jsonschema/-1-0-0",           // negative
           "iglu:com.acme/x/jsonschema/1--1-0",           // negative
           "iglu:com.acme/x/jsonschema/1-+1-0",           // signed
           "iglu:com.acme/x/jsonschema/01-0-0",           // leading zero
           "iglu:com.acme/x/jsonschema/0-1-0",            // models start at 1
           "iglu:com.acme/x/jsonschema/1-0-99999999999",  // too large
           "iglu:com.acme/x/jsonschema/1-0-0/",           // trailing part
           "iglu:com.acme/x/y/jsonschema/1-0-0",          // five parts
           "iglu:com acme/x/jsonschema/1-0-0",            // space in the vendor
           "iglu:../x/jsonschema/1-0-0",                  // a path, not a vendor
           "iglu:com.acme/x.y/jsonschema/1-0-0",          // dot in the name
       }) {
    Result<SchemaKey> key = SchemaKey::Parse(bad);
    ASSERT_FALSE(key.ok()) << bad;
    EXPECT_EQ(key.status().code(), StatusCode::kInvalidArgument) << bad;
  }
}

TEST(SchemaKeyTest, ErrorsSayWhatIsWrong) {
  EXPECT_NE(SchemaKey::Parse("x/y").status().message().find("iglu:"), std::string::npos);
  EXPECT_NE(SchemaKey::Parse("iglu:/x/jsonschema/1-0-0").status().message().find("vendor"),
            std::string::npos);
  EXPECT_NE(SchemaKey::Parse("iglu:v//jsonschema/1-0-0").status().message().find("name"),
            std::string::npos);
  EXPECT_NE(SchemaKey::Parse("iglu:v/n/jsonschema/1-x-0").status().message().find("version"),
            std::string::npos);
}

// Writes `text` to `dir/relative`, creating folders.
void WriteFile(const std::string& dir, const std::string& relative, const std::string& text) {
  const std::string path = dir + "/" + relative;
  ASSERT_TRUE(MakeDirs(path.substr(0, path.rfind('/'))).ok());
  std::ofstream out(path, std::ios::binary);
  out << text;
  ASSERT_TRUE(out.good());
}

std::string SchemaText(std::string_view vendor, std::string_view name, std::string_view version,
                       std::string_view body) {
  std::string s = R"({"self":{"vendor":")";
  s.append(vendor).append(R"(","name":")").append(name);
  s.append(R"(","format":"jsonschema","version":")").append(version).append("\"}");
  if (!body.empty()) s.append(",").append(body);
  s.append("}");
  return s;
}

// Parses JSON for the tests; the parser must outlive the element.
simdjson::dom::element Json(simdjson::dom::parser* parser, std::string_view json) {
  simdjson::dom::element root;
  EXPECT_EQ(parser->parse(json.data(), json.size()).get(root), simdjson::SUCCESS) << json;
  return root;
}

constexpr char kWebPage[] = "iglu:com.snowplowanalytics.snowplow/web_page/jsonschema/1-0-0";

TEST(SchemaRegistryTest, BuiltInsOnly) {
  Result<SchemaRegistry> registry = SchemaRegistry::Load("");
  ASSERT_TRUE(registry.ok()) << registry.status().ToString();
  EXPECT_EQ(registry->size(), BuiltinSchemas().size());
  EXPECT_EQ(registry->Keys().size(), registry->size());
  EXPECT_TRUE(registry->Contains(Key(kWebPage)));
  EXPECT_TRUE(registry->Contains(Key("iglu:com.footfall/workflow_step/jsonschema/1-0-0")));
  EXPECT_TRUE(registry->Contains(Key("iglu:com.footfall/try_on/jsonschema/1-0-0")));
  EXPECT_FALSE(
      registry->Contains(Key("iglu:com.snowplowanalytics.snowplow/web_page/jsonschema/1-0-1")));

  simdjson::dom::parser parser;
  EXPECT_TRUE(registry
                  ->Validate(Key(kWebPage),
                             Json(&parser, R"({"id":"b7d2a1c0-5f3e-4c2a-9d8b-0e1f2a3b4c5d"})"),
                             nullptr)
                  .ok());
  Status missing = registry->Validate(Key("iglu:com.acme/nothing/jsonschema/1-0-0"),
                                      Json(&parser, "{}"), nullptr);
  EXPECT_EQ(missing.code(), StatusCode::kNotFound);
}

TEST(SchemaRegistryTest, ValidateAppendsViolationsAndSummarizes) {
  Result<SchemaRegistry> registry = SchemaRegistry::Load("");
  ASSERT_TRUE(registry.ok());
  simdjson::dom::parser parser;
  std::vector<Violation> violations = {{"/earlier", "kept"}};
  Status s =
      registry->Validate(Key(kWebPage), Json(&parser, R"({"id":"abc","extra":1})"), &violations);
  EXPECT_EQ(s.code(), StatusCode::kInvalidArgument);
  ASSERT_EQ(violations.size(), 3u);
  EXPECT_EQ(violations[0].path, "/earlier");
  EXPECT_EQ(violations[1].path, "/id");
  EXPECT_EQ(violations[1].message, "expected format uuid, got \"abc\"");
  EXPECT_EQ(violations[2].path, "/extra");
  EXPECT_EQ(s.message(),
            std::string(kWebPage) + ": /id: expected format uuid, got \"abc\" (and 1 more)");
  // Without an output the status says the same.
  EXPECT_EQ(registry->Validate(Key(kWebPage), Json(&parser, R"({"id":"abc","extra":1})"), nullptr)
                .message(),
            s.message());
}

TEST(SchemaRegistryTest, LoadsADirectoryAndOverridesBuiltIns) {
  TempDir dir;
  WriteFile(dir.path(), "com.acme/garment/jsonschema/1-0-0",
            SchemaText("com.acme", "garment", "1-0-0",
                       R"("type":"object","properties":{"sku":{"type":"string"}},
                          "required":["sku"])"));
  WriteFile(dir.path(), "com.acme/garment/jsonschema/1-1-0",
            SchemaText("com.acme", "garment", "1-1-0", R"("type":"object")"));
  // The same key as the built-in web_page, accepting any object.
  WriteFile(
      dir.path(), "com.snowplowanalytics.snowplow/web_page/jsonschema/1-0-0",
      SchemaText("com.snowplowanalytics.snowplow", "web_page", "1-0-0", R"("type":"object")"));
  WriteFile(dir.path(), ".git/config", "not a schema");  // hidden folders are skipped
  WriteFile(dir.path(), "com.acme/.DS_Store", "not a schema");

  Result<SchemaRegistry> registry = SchemaRegistry::Load(dir.path());
  ASSERT_TRUE(registry.ok()) << registry.status().ToString();
  EXPECT_EQ(registry->size(), BuiltinSchemas().size() + 2);

  simdjson::dom::parser parser;
  const SchemaKey garment = Key("iglu:com.acme/garment/jsonschema/1-0-0");
  EXPECT_TRUE(registry->Validate(garment, Json(&parser, R"({"sku":"G-1"})"), nullptr).ok());
  EXPECT_EQ(registry->Validate(garment, Json(&parser, R"({})"), nullptr).code(),
            StatusCode::kInvalidArgument);
  EXPECT_TRUE(
      registry
          ->Validate(Key("iglu:com.acme/garment/jsonschema/1-1-0"), Json(&parser, "{}"), nullptr)
          .ok());
  // The built-in would refuse this (no id); the directory's schema replaced it.
  EXPECT_TRUE(registry->Validate(Key(kWebPage), Json(&parser, R"({"x":1})"), nullptr).ok());

  Result<SchemaRegistry> with_slash = SchemaRegistry::Load(dir.path() + "/");
  ASSERT_TRUE(with_slash.ok()) << with_slash.status().ToString();
  EXPECT_EQ(with_slash->size(), registry->size());
}

// Loads a directory holding one file and returns the error, which must name the file.
Status LoadError(const std::string& relative, const std::string& text) {
  TempDir dir;
  WriteFile(dir.path(), relative, text);
  Result<SchemaRegistry> registry = SchemaRegistry::Load(dir.path());
  EXPECT_FALSE(registry.ok()) << relative;
  if (registry.ok()) return Status::Ok();
  EXPECT_NE(registry.status().message().find(dir.path() + "/" + relative), std::string::npos)
      << registry.status().message();
  return registry.status();
}

TEST(SchemaRegistryTest, DirectoryErrorsNameTheFile) {
  const std::string path = "com.acme/x/jsonschema/1-0-0";
  EXPECT_EQ(LoadError(path, "{\"self\":").code(), StatusCode::kInvalidArgument);  // bad JSON

  Status unsupported =
      LoadError(path, SchemaText("com.acme", "x", "1-0-0", R"("properties":{"a":{"$ref":"#"}})"));
  EXPECT_EQ(unsupported.code(), StatusCode::kInvalidArgument);
  EXPECT_NE(unsupported.message().find("$ref"), std::string::npos);

  Status mismatch = LoadError(path, SchemaText("com.acme", "y", "1-0-0", R"("type":"object")"));
  EXPECT_EQ(mismatch.code(), StatusCode::kInvalidArgument);
  EXPECT_NE(mismatch.message().find("iglu:com.acme/y/jsonschema/1-0-0"), std::string::npos);

  EXPECT_EQ(LoadError(path, SchemaText("com.acme", "x", "1-0-1", "")).code(),
            StatusCode::kInvalidArgument);                   // version
  EXPECT_EQ(LoadError(path, R"({"type":"object"})").code(),  // no self
            StatusCode::kInvalidArgument);
  EXPECT_EQ(LoadError(path, R"({"self":{"vendor":"com.acme","name":"x"}})").code(),
            StatusCode::kInvalidArgument);  // partial self
  EXPECT_EQ(LoadError("README.md", "# schemas").code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(LoadError("com.acme/x/jsonschema/1-0", "{}").code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(LoadError("com.acme/x/jsonschema/1-0-0.json", "{}").code(),
            StatusCode::kInvalidArgument);
}

TEST(SchemaRegistryTest, MissingDirectory) {
  TempDir dir;
  EXPECT_EQ(SchemaRegistry::Load(dir.Sub("absent")).status().code(), StatusCode::kNotFound);
  WriteFile(dir.path(), "file", "x");
  EXPECT_EQ(SchemaRegistry::Load(dir.Sub("file")).status().code(), StatusCode::kInvalidArgument);
}

TEST(SchemaRegistryTest, ValidatesFromManyThreads) {
  Result<SchemaRegistry> loaded = SchemaRegistry::Load("");
  ASSERT_TRUE(loaded.ok());
  const SchemaRegistry& registry = *loaded;
  const SchemaKey step = Key("iglu:com.footfall/workflow_step/jsonschema/1-0-0");
  const SchemaKey link = Key("iglu:com.snowplowanalytics.snowplow/link_click/jsonschema/1-0-1");
  const SchemaKey search = Key("iglu:com.snowplowanalytics.snowplow/site_search/jsonschema/1-0-0");
  // The contexts envelope checks schema URIs with a pattern, which runs on per-thread match data.
  const SchemaKey contexts = Key("iglu:com.snowplowanalytics.snowplow/contexts/jsonschema/1-0-0");

  constexpr int kThreads = 4;
  constexpr int kRounds = 300;
  std::vector<int> failures(kThreads, 0);
  std::vector<std::thread> threads;
  threads.reserve(kThreads);
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      simdjson::dom::parser parser;
      for (int i = 0; i < kRounds; ++i) {
        const bool good = (i + t) % 2 == 0;
        std::string step_json = good ? R"({"case_id":"G-)" + std::to_string(i) +
                                           R"(","activity":"style_garment","lifecycle":"start"})"
                                     : R"({"case_id":"","activity":"x","lifecycle":"begin"})";
        std::string link_json =
            good ? R"({"targetUrl":"https://shop.example/p/)" + std::to_string(i) + "\"}"
                 : R"({"targetUrl":"not a url"})";
        std::string search_json =
            good ? R"({"terms":["dress"],"totalResults":3})" : R"({"terms":[],"totalResults":-3})";
        std::string contexts_json =
            good ? std::string(R"([{"schema":")") + kWebPage + R"(","data":{}}])"
                 : R"([{"schema":"iglu:bad","data":{}}])";
        std::vector<Violation> violations;
        const std::pair<const SchemaKey*, std::string*> cases[] = {{&step, &step_json},
                                                                   {&link, &link_json},
                                                                   {&search, &search_json},
                                                                   {&contexts, &contexts_json}};
        for (const auto& [key, json] : cases) {
          violations.clear();
          Status s = registry.Validate(*key, Json(&parser, *json), &violations);
          if (s.ok() != good || violations.empty() != good) ++failures[t];
        }
      }
    });
  }
  for (std::thread& th : threads) th.join();
  for (int t = 0; t < kThreads; ++t) EXPECT_EQ(failures[t], 0) << "thread " << t;
}

}  // namespace
}  // namespace footfall::iglu
