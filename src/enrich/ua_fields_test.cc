#include "enrich/ua_fields.h"

#include <gtest/gtest.h>
#include <simdjson.h>

#include <memory>

namespace footfall::enrich {
namespace {

const UaParser& Parser() {
  static const std::unique_ptr<UaParser> parser = [] {
    auto loaded = UaParser::Load();
    if (!loaded.ok()) {
      ADD_FAILURE() << loaded.status().ToString();
      std::abort();
    }
    return std::move(*loaded);
  }();
  return *parser;
}

UaFields Map(std::string_view ua) { return MapUserAgent(Parser().Parse(ua), ua); }

TEST(UaFields, DesktopChromeOnWindows) {
  const UaFields f =
      Map("Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
          "Chrome/120.0.6099.109 Safari/537.36");
  EXPECT_EQ(f.br_family, "Chrome");
  EXPECT_EQ(f.br_version, "120.0.6099");
  EXPECT_EQ(f.br_name, "Chrome 120");
  EXPECT_EQ(f.os_family, "Windows");
  EXPECT_EQ(f.os_name, "Windows 10");
  EXPECT_EQ(f.os_manufacturer, "Microsoft Corporation");
  EXPECT_EQ(f.dvce_type, "Computer");
  EXPECT_FALSE(f.dvce_ismobile);
  EXPECT_FALSE(f.is_bot);
}

TEST(UaFields, PhonesTabletsAndRobots) {
  const UaFields iphone = Map(
      "Mozilla/5.0 (iPhone; CPU iPhone OS 17_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like "
      "Gecko) Version/17.1 Mobile/15E148 Safari/604.1");
  EXPECT_EQ(iphone.br_family, "Mobile Safari");
  EXPECT_EQ(iphone.os_family, "iOS");
  EXPECT_EQ(iphone.os_name, "iOS 17.1");
  EXPECT_EQ(iphone.os_manufacturer, "Apple Inc.");
  EXPECT_EQ(iphone.dvce_type, "Mobile");
  EXPECT_TRUE(iphone.dvce_ismobile);

  const UaFields ipad =
      Map("Mozilla/5.0 (iPad; CPU OS 16_6 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) "
          "Version/16.6 Mobile/15E148 Safari/604.1");
  EXPECT_EQ(ipad.dvce_type, "Tablet");
  EXPECT_TRUE(ipad.dvce_ismobile);

  const UaFields android_tablet =
      Map("Mozilla/5.0 (Linux; Android 13; SM-X700) AppleWebKit/537.36 (KHTML, like Gecko) "
          "Chrome/119.0.0.0 Safari/537.36");
  EXPECT_EQ(android_tablet.dvce_type, "Tablet") << "Android without Mobile";
  EXPECT_EQ(android_tablet.os_manufacturer, "Google Inc.");

  const UaFields android_phone =
      Map("Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) "
          "Chrome/120.0.0.0 Mobile Safari/537.36");
  EXPECT_EQ(android_phone.dvce_type, "Mobile");

  const UaFields bot =
      Map("Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)");
  EXPECT_EQ(bot.dvce_type, "Robot");
  EXPECT_TRUE(bot.is_bot);
  EXPECT_FALSE(bot.dvce_ismobile);

  const UaFields unknown = Map("curl/8.4.0");
  EXPECT_EQ(unknown.dvce_type, "Unknown");
  EXPECT_EQ(unknown.os_manufacturer, "");
}

TEST(UaFields, ParserContextIsASelfDescribingJson) {
  const UaFields f = Map("Mozilla/5.0 (X11; Linux x86_64; rv:121.0) Gecko/20100101 Firefox/121.0");
  simdjson::dom::parser parser;
  simdjson::dom::element root;
  ASSERT_EQ(parser.parse(f.ua_parser_context).get(root), simdjson::SUCCESS);
  EXPECT_EQ(std::string_view(root["schema"]),
            "iglu:com.snowplowanalytics.snowplow/ua_parser_context/jsonschema/1-0-0");
  EXPECT_EQ(std::string_view(root["data"]["useragentFamily"]), "Firefox");
  EXPECT_EQ(std::string_view(root["data"]["useragentMajor"]), "121");
  EXPECT_EQ(std::string_view(root["data"]["useragentVersion"]), "Firefox 121.0");
  EXPECT_TRUE(root["data"]["osMajor"].is_null());
  EXPECT_EQ(std::string_view(root["data"]["osFamily"]), "Linux");
  EXPECT_EQ(f.dvce_type, "Computer");
}

}  // namespace
}  // namespace footfall::enrich
