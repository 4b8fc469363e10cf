#include "enrich/ua_parser.h"

#include <gtest/gtest.h>
#include <yaml-cpp/yaml.h>

#include <fstream>
#include <iostream>
#include <string>
#include <thread>
#include <unordered_map>
#include <vector>

#include "base/temp_dir.h"

namespace footfall::enrich {
namespace {

constexpr char kUapTests[] = "/usr/share/uap-core/tests/";
constexpr char kUapResources[] = "/usr/share/uap-core/test_resources/";

constexpr char kChromeWindows[] =
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/120.0.6099.130 Safari/537.36";
constexpr char kSafariIphone[] =
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_1_2 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like "
    "Gecko) Version/17.1.2 Mobile/15E148 Safari/604.1";
constexpr char kChromeSamsung[] =
    "Mozilla/5.0 (Linux; Android 13; SM-S918B) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/119.0.6045.163 Mobile Safari/537.36";
constexpr char kFirefoxLinux[] =
    "Mozilla/5.0 (X11; Ubuntu; Linux x86_64; rv:121.0) Gecko/20100101 Firefox/121.0";
constexpr char kGooglebot[] =
    "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)";

enum class Section { kUserAgent, kUserAgentPatchMinor, kOs, kDevice };

struct SuiteOutcome {
  size_t total = 0;
  std::vector<std::string> failures;  // one line per failing case: the user agent and the diff
};

std::optional<std::string> Expected(const YAML::Node& test_case, const char* key) {
  const YAML::Node node = test_case[key];
  if (!node || node.IsNull()) return std::nullopt;
  return node.as<std::string>();
}

std::string Show(const std::optional<std::string>& v) { return v ? "'" + *v + "'" : "null"; }

std::vector<std::string> UserAgentsIn(const std::string& path) {
  std::vector<std::string> out;
  for (const YAML::Node& test_case : YAML::LoadFile(path)["test_cases"]) {
    out.push_back(test_case["user_agent_string"].as<std::string>());
  }
  return out;
}

// Runs one uap-core test file through `parser`, comparing the fields that uap-core's own test
// runner (tests/test.js) compares for `section`; null in the file means absent.
SuiteOutcome RunSuite(const UaParser& parser, const std::string& path, Section section) {
  SuiteOutcome outcome;
  const YAML::Node root = YAML::LoadFile(path);
  for (const YAML::Node& test_case : root["test_cases"]) {
    const std::string ua = test_case["user_agent_string"].as<std::string>();
    const UserAgent got = parser.ParseUncached(ua);
    std::vector<std::pair<const char*, std::optional<std::string>>> actual;
    switch (section) {
      case Section::kUserAgent:
        actual = {{"family", got.ua_family},
                  {"major", got.ua_major},
                  {"minor", got.ua_minor},
                  {"patch", got.ua_patch}};
        break;
      case Section::kUserAgentPatchMinor:
        // uap-core's runner never compares a browser's patch_minor; some cases state one.
        if (!test_case["patch_minor"]) continue;
        actual = {{"patch_minor", got.ua_patch_minor}};
        break;
      case Section::kOs:
        actual = {{"family", got.os_family},
                  {"major", got.os_major},
                  {"minor", got.os_minor},
                  {"patch", got.os_patch},
                  {"patch_minor", got.os_patch_minor}};
        break;
      case Section::kDevice:
        actual = {{"family", got.device_family},
                  {"brand", got.device_brand},
                  {"model", got.device_model}};
        break;
    }
    ++outcome.total;
    std::string diff;
    for (const auto& [key, value] : actual) {
      const std::optional<std::string> want = Expected(test_case, key);
      if (want != value) {
        diff += std::string(" ") + key + ": expected " + Show(want) + ", got " + Show(value) + ";";
      }
    }
    if (!diff.empty()) outcome.failures.push_back("'" + ua + "'" + diff);
  }
  return outcome;
}

class UapCoreSuites : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    auto loaded = UaParser::Load();
    if (loaded.ok()) {
      parser_ = std::move(loaded).value();
    } else {
      load_error_ = loaded.status().ToString();
    }
  }
  static void TearDownTestSuite() { parser_.reset(); }

  // Runs `file`, reports its pass rate, and checks that exactly `expected_failures` cases fail,
  // so that a regression (or a fix, which should then update the count) cannot go unnoticed.
  void Check(const std::string& dir, const std::string& file, Section section,
             size_t expected_failures, const std::string& label = "") {
    ASSERT_NE(parser_, nullptr) << load_error_;
    const SuiteOutcome outcome = RunSuite(*parser_, dir + file, section);
    const std::string name = file + label;
    const size_t passed = outcome.total - outcome.failures.size();
    std::cout << name << ": " << passed << "/" << outcome.total << " passed\n";
    RecordProperty(name + ".passed", std::to_string(passed));
    RecordProperty(name + ".total", std::to_string(outcome.total));
    ASSERT_GT(outcome.total, 0u) << file << " has no test cases";
    std::string listing;
    for (const std::string& f : outcome.failures) listing += "\n  " + f;
    EXPECT_EQ(outcome.failures.size(), expected_failures) << name << " failures:" << listing;
  }

  static std::unique_ptr<UaParser> parser_;
  static std::string load_error_;
};

std::unique_ptr<UaParser> UapCoreSuites::parser_;
std::string UapCoreSuites::load_error_;

// The three suites the brief and uap-core name as the conformance tests.
TEST_F(UapCoreSuites, TestUa) { Check(kUapTests, "test_ua.yaml", Section::kUserAgent, 0); }
TEST_F(UapCoreSuites, TestOs) { Check(kUapTests, "test_os.yaml", Section::kOs, 0); }
TEST_F(UapCoreSuites, TestDevice) { Check(kUapTests, "test_device.yaml", Section::kDevice, 0); }

// 103 browser cases also state patch_minor, which uap-core's runner does not check. Nine of them
// contradict regexes.yaml itself, so no implementation of the specification can meet them:
//  - 'S40OviBrowser/2.2.0.0.31': the matching regex
//    '(S40OviBrowser)/(\d+)\.(\d+)\.(\d+)\.(\d+)' captures a fifth group, '0'; the case says null.
//  - '[FBAN/FBIOS;FBAV/194.0.0.38.99;…]': the matching regex
//    '\[FB.{0,300};(FBAV)/(\d+)(?:\.(\d+)|)(?:\.(\d+)|)' has no fifth group; the case says '38'.
//  - 'aws-sdk-dotnet-45/3.3.11.0 …': the matching regex '\b(Boto3?|…|aws-(?:…))/(\d+)\.(\d+)
//    (?:\.(\d+)|)' has no fifth group; the case says '0'.
//  - 'MinIO (linux; …) minio-go/v6.0.39 …', 'MinIO (darwin; …) minio-go/v6.0.45 …',
//    'http.rb/4.1.1', 'ureq/1.5.1', 'Transmit/5.6.0', 'GuzzleHttp/6.3.3 …': the case says ''
//    (an empty string), which the specification's "empty is absent" rule makes null.
TEST_F(UapCoreSuites, TestUaPatchMinor) {
  Check(kUapTests, "test_ua.yaml", Section::kUserAgentPatchMinor, 9, " (patch_minor)");
}

// The extra suites uap-core's runner also uses.
TEST_F(UapCoreSuites, AdditionalOs) {
  Check(kUapResources, "additional_os_tests.yaml", Section::kOs, 0);
}
TEST_F(UapCoreSuites, Firefox) {
  Check(kUapResources, "firefox_user_agent_strings.yaml", Section::kUserAgent, 0);
}
TEST_F(UapCoreSuites, OperaMini) {
  Check(kUapResources, "opera_mini_user_agent_strings.yaml", Section::kUserAgent, 0);
}
TEST_F(UapCoreSuites, Pgts) {
  Check(kUapResources, "pgts_browser_list.yaml", Section::kUserAgent, 0);
}
TEST_F(UapCoreSuites, Podcasting) {
  Check(kUapResources, "podcasting_user_agent_strings.yaml", Section::kUserAgent, 0);
}

TEST_F(UapCoreSuites, LoadsEveryRegexWithJit) {
  ASSERT_NE(parser_, nullptr) << load_error_;
  const UaParser::Stats stats = parser_->GetStats();
  EXPECT_GT(stats.ua_regexes, 0u);
  EXPECT_GT(stats.os_regexes, 0u);
  EXPECT_GT(stats.device_regexes, 0u);
  const size_t total = stats.ua_regexes + stats.os_regexes + stats.device_regexes;
  EXPECT_EQ(stats.jit_compiled, total);
  // Most uap-core regexes name a literal the prefilter can look for.
  EXPECT_GT(stats.prefiltered, total * 9 / 10);
}

// The prefilter only skips regexes that cannot match: results equal those of running every
// regex, over the browser and OS suites and a stride of the device suite.
TEST_F(UapCoreSuites, PrefilterChangesNoResult) {
  ASSERT_NE(parser_, nullptr) << load_error_;
  UaParserOptions options;
  options.literal_prefilter = false;
  auto unfiltered = UaParser::Load(kDefaultUapRegexes, options);
  ASSERT_TRUE(unfiltered.ok()) << unfiltered.status().ToString();
  std::vector<std::string> uas = UserAgentsIn(std::string(kUapTests) + "test_ua.yaml");
  for (std::string& ua : UserAgentsIn(std::string(kUapTests) + "test_os.yaml")) {
    uas.push_back(std::move(ua));
  }
  const std::vector<std::string> devices =
      UserAgentsIn(std::string(kUapTests) + "test_device.yaml");
  for (size_t i = 0; i < devices.size(); i += 8) uas.push_back(devices[i]);
  for (const std::string& ua : uas) {
    EXPECT_EQ(parser_->ParseUncached(ua), (*unfiltered)->ParseUncached(ua)) << ua;
  }
}

TEST_F(UapCoreSuites, CommonBrowsers) {
  ASSERT_NE(parser_, nullptr) << load_error_;
  const UserAgent chrome = parser_->Parse(kChromeWindows);
  EXPECT_EQ(chrome.ua_family, "Chrome");
  EXPECT_EQ(chrome.ua_major, "120");
  EXPECT_EQ(chrome.os_family, "Windows");
  EXPECT_EQ(chrome.os_major, "10");
  EXPECT_EQ(chrome.device_family, "Other");
  EXPECT_EQ(chrome.device_brand, std::nullopt);

  const UserAgent iphone = parser_->Parse(kSafariIphone);
  EXPECT_EQ(iphone.ua_family, "Mobile Safari");
  EXPECT_EQ(iphone.os_family, "iOS");
  EXPECT_EQ(iphone.os_major, "17");
  EXPECT_EQ(iphone.device_family, "iPhone");
  EXPECT_EQ(iphone.device_brand, "Apple");

  const UserAgent samsung = parser_->Parse(kChromeSamsung);
  EXPECT_EQ(samsung.ua_family, "Chrome Mobile");
  EXPECT_EQ(samsung.os_family, "Android");
  EXPECT_EQ(samsung.device_brand, "Samsung");
  EXPECT_EQ(samsung.device_model, "SM-S918B");

  EXPECT_EQ(parser_->Parse(kGooglebot).device_family, "Spider");

  const UserAgent empty = parser_->Parse("");
  EXPECT_EQ(empty, UserAgent());
  EXPECT_EQ(empty.ua_family, "Other");
  EXPECT_EQ(empty.ua_major, std::nullopt);
}

TEST(LiteralsRequiredBy, RequiresOnlyWhatEveryMatchContains) {
  using ua_internal::LiteralsRequiredBy;
  using Literals = std::vector<std::vector<std::string>>;
  EXPECT_EQ(LiteralsRequiredBy(R"((Firefox)/(\d+)\.(\d+))"), (Literals{{"firefox"}}));
  EXPECT_EQ(LiteralsRequiredBy(R"((TCL)[ _](\w+)(?: Build|\) AppleWebKit))"),
            (Literals{{"tcl"}, {" build", ") applewebkit"}}));
  EXPECT_EQ(LiteralsRequiredBy("(Namoroka|Shiretoko)/"), (Literals{{"namoroka", "shiretoko"}}));
  EXPECT_EQ(LiteralsRequiredBy("Opera|Mini"), (Literals{{"opera", "mini"}}));
  EXPECT_EQ(LiteralsRequiredBy("[Bb]ot|[Ss]pider"), (Literals{{"bot", "spider"}}));
  EXPECT_EQ(LiteralsRequiredBy("abc+def"), (Literals{{"abc"}, {"def"}}));
  EXPECT_EQ(LiteralsRequiredBy("ab{2}cdef"), (Literals{{"cdef"}}));
  EXPECT_EQ(LiteralsRequiredBy(R"(Nokia\.Browser)"), (Literals{{"nokia.browser"}}));
  // Bytes outside ASCII end a literal: only ASCII case is folded.
  EXPECT_EQ(LiteralsRequiredBy("Seznam prohlížeč"), (Literals{{"seznam prohl"}}));
  // Nothing is required of an alternative that may be empty, of optional parts, or of an
  // alternative shorter than a trigram.
  EXPECT_EQ(LiteralsRequiredBy("(Opera|)Mini"), (Literals{{"mini"}}));
  EXPECT_EQ(LiteralsRequiredBy("x(Opera)?y"), Literals{});
  EXPECT_EQ(LiteralsRequiredBy("x(?:Opera){0,2}y"), Literals{});
  EXPECT_EQ(LiteralsRequiredBy("Operax?"), (Literals{{"opera"}}));
  EXPECT_EQ(LiteralsRequiredBy("(LG|Samsung)"), Literals{});
  EXPECT_EQ(LiteralsRequiredBy("[A-Z]ot"), Literals{});
  // Syntax outside the model gives up rather than guess.
  EXPECT_EQ(LiteralsRequiredBy("(?=Opera)Oper"), Literals{});
  EXPECT_EQ(LiteralsRequiredBy(R"(\x41pple)"), Literals{});
  EXPECT_EQ(LiteralsRequiredBy("(?i)opera"), Literals{});
  EXPECT_EQ(LiteralsRequiredBy("(unclosed"), Literals{});
}

// Writes `text` to `path`, for the tests below that need a regexes file of their own.
void WriteFile(const std::string& path, const std::string& text) {
  std::ofstream out(path);
  out << text;
}

Result<std::unique_ptr<UaParser>> LoadText(const TempDir& dir, const std::string& text) {
  const std::string path = dir.Sub("regexes.yaml");
  WriteFile(path, text);
  return UaParser::Load(path);
}

TEST(UaParserSpec, ReplacementsGroupsAndDefaults) {
  TempDir dir;
  auto parser = LoadText(dir, R"(
user_agent_parsers:
  - regex: '(FooBrowser)/(\d+)(?:\.(\d+)|)'
    family_replacement: ' $1 Pro '
  - regex: 'Twelve (a)(b)(c)(d)(e)(f)(g)(h)(i)(j)(k)(l)'
    family_replacement: '$9$1'
    v1_replacement: '$5'
  - regex: 'Blank/(\d+)'
    family_replacement: '$2'
    v1_replacement: '  '
os_parsers:
  - regex: 'Win(NT|95)(?: (\d+)|)'
    os_replacement: 'Windows $1'
  - regex: 'Plan9/(\d+)\.(\d+)\.(\d+)\.(\d+)'
    os_replacement: 'Plan 9'
    os_v4_replacement: 'p$4'
device_parsers:
  - regex: 'acme-(\w+)'
    regex_flag: 'i'
    device_replacement: 'Acme $1'
    brand_replacement: 'Acme'
  - regex: '; (Widget) Build'
)");
  ASSERT_TRUE(parser.ok()) << parser.status().ToString();
  const UaParser& p = **parser;

  UserAgent ua = p.Parse("FooBrowser/7 (WinNT 10; ACME-Rocket)");
  EXPECT_EQ(ua.ua_family, "FooBrowser Pro");  // substituted, then trimmed
  EXPECT_EQ(ua.ua_major, "7");
  EXPECT_EQ(ua.ua_minor, std::nullopt);  // the optional group did not take part
  EXPECT_EQ(ua.os_family, "Windows NT");
  EXPECT_EQ(ua.os_major, "10");
  EXPECT_EQ(ua.device_family, "Acme Rocket");  // regex_flag 'i' matched "ACME-"
  EXPECT_EQ(ua.device_brand, "Acme");
  EXPECT_EQ(ua.device_model, "Rocket");  // no model_replacement: the first group

  ua = p.Parse("Twelve abcdefghijkl Plan9/4.3.2.1");
  EXPECT_EQ(ua.ua_family, "ia");
  EXPECT_EQ(ua.ua_major, "e");
  EXPECT_EQ(ua.ua_minor, "c");  // without v2_replacement, the third group
  EXPECT_EQ(ua.os_family, "Plan 9");
  EXPECT_EQ(ua.os_major, "3");  // fields keep their group even when the family is replaced
  EXPECT_EQ(ua.os_patch, "1");
  EXPECT_EQ(ua.os_patch_minor, "p1");

  // Empty after substitution and trimming: absent, and "Other" for a family.
  ua = p.Parse("Blank/3 Win95; Widget Build");
  EXPECT_EQ(ua.ua_family, "Other");
  EXPECT_EQ(ua.ua_major, std::nullopt);
  EXPECT_EQ(ua.os_family, "Windows 95");
  EXPECT_EQ(ua.os_major, std::nullopt);
  EXPECT_EQ(ua.device_family, "Widget");
  EXPECT_EQ(ua.device_brand, std::nullopt);  // brand comes only from brand_replacement
  EXPECT_EQ(ua.device_model, "Widget");

  EXPECT_EQ(p.Parse("nothing matches"), UserAgent());
}

TEST(UaParserCache, HitsReturnWhatAParseReturns) {
  auto parser = UaParser::Load();
  ASSERT_TRUE(parser.ok()) << parser.status().ToString();
  const UaParser& p = **parser;
  for (const char* ua : {kChromeWindows, kSafariIphone, kChromeSamsung, kFirefoxLinux}) {
    const UserAgent first = p.Parse(ua);
    const UserAgent second = p.Parse(ua);
    EXPECT_EQ(first, second);
    EXPECT_EQ(second, p.ParseUncached(ua));
  }
  const UaParser::Stats stats = p.GetStats();
  EXPECT_EQ(stats.cache_misses, 4u);
  EXPECT_EQ(stats.cache_hits, 4u);
  EXPECT_EQ(stats.cache_entries, 4u);
}

TEST(UaParserCache, StaysWithinCapacity) {
  UaParserOptions options;
  options.cache_capacity = 32;  // two entries in each of the 16 shards
  options.max_cached_length = 200;
  auto parser = UaParser::Load(kDefaultUapRegexes, options);
  ASSERT_TRUE(parser.ok()) << parser.status().ToString();
  const UaParser& p = **parser;
  const std::vector<std::string> uas = UserAgentsIn(std::string(kUapTests) + "test_os.yaml");
  for (int round = 0; round < 2; ++round) {
    for (const std::string& ua : uas) EXPECT_EQ(p.Parse(ua), p.ParseUncached(ua)) << ua;
  }
  UaParser::Stats stats = p.GetStats();
  EXPECT_LE(stats.cache_entries, 32u);
  EXPECT_GT(stats.cache_entries, 0u);

  // Longer than max_cached_length: parsed, never cached.
  const std::string long_ua = std::string(kChromeWindows) + std::string(200, ' ');
  const uint64_t lookups = stats.cache_hits + stats.cache_misses;
  EXPECT_EQ(p.Parse(long_ua).ua_family, "Chrome");
  stats = p.GetStats();
  EXPECT_EQ(stats.cache_hits + stats.cache_misses, lookups);
}

TEST(UaParserCache, CapacityZeroTurnsItOff) {
  UaParserOptions options;
  options.cache_capacity = 0;
  auto parser = UaParser::Load(kDefaultUapRegexes, options);
  ASSERT_TRUE(parser.ok()) << parser.status().ToString();
  EXPECT_EQ((*parser)->Parse(kFirefoxLinux).ua_family, "Firefox");
  EXPECT_EQ((*parser)->Parse(kFirefoxLinux).ua_family, "Firefox");
  const UaParser::Stats stats = (*parser)->GetStats();
  EXPECT_EQ(stats.cache_hits + stats.cache_misses + stats.cache_entries, 0u);
}

// Four threads parse the same user agents and user agents of their own at once, through a small
// cache so that entries are evicted and re-inserted while other threads read them. Every result
// must equal the single-threaded parse.
TEST(UaParserThreads, FourThreadsAgreeWithOne) {
  UaParserOptions options;
  options.cache_capacity = 64;
  auto parser = UaParser::Load(kDefaultUapRegexes, options);
  ASSERT_TRUE(parser.ok()) << parser.status().ToString();
  const UaParser& p = **parser;

  const std::vector<std::string> shared = {kChromeWindows, kSafariIphone, kChromeSamsung,
                                           kFirefoxLinux, kGooglebot};
  const std::vector<std::string> all = UserAgentsIn(std::string(kUapTests) + "test_ua.yaml");
  constexpr int kThreads = 4;
  std::vector<std::vector<std::string>> own(kThreads);
  for (size_t i = 0; i < all.size() && i < 400 * kThreads; ++i) own[i % kThreads].push_back(all[i]);

  std::unordered_map<std::string, UserAgent> expected;
  for (const std::string& ua : shared) expected[ua] = p.ParseUncached(ua);
  for (const auto& list : own) {
    for (const std::string& ua : list) expected[ua] = p.ParseUncached(ua);
  }

  std::vector<int> mismatches(kThreads, 0);
  std::vector<std::thread> threads;
  threads.reserve(kThreads);
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int round = 0; round < 3; ++round) {
        for (size_t i = 0; i < own[t].size(); ++i) {
          const std::string& mine = own[t][i];
          const std::string& common = shared[(i + t) % shared.size()];
          if (p.Parse(mine) != expected.at(mine)) ++mismatches[t];
          if (p.Parse(common) != expected.at(common)) ++mismatches[t];
        }
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  for (int t = 0; t < kThreads; ++t) EXPECT_EQ(mismatches[t], 0) << "thread " << t;
  const UaParser::Stats stats = p.GetStats();
  EXPECT_LE(stats.cache_entries, 64u);
  EXPECT_GT(stats.cache_hits, 0u);
}

TEST(UaParserLoad, MissingFileIsNotFound) {
  TempDir dir;
  auto parser = UaParser::Load(dir.Sub("no-such-regexes.yaml"));
  ASSERT_FALSE(parser.ok());
  EXPECT_EQ(parser.status().code(), StatusCode::kNotFound);
  EXPECT_NE(parser.status().message().find(dir.Sub("no-such-regexes.yaml")), std::string::npos);
}

TEST(UaParserLoad, DirectoryIsIoError) {
  TempDir dir;
  auto parser = UaParser::Load(dir.path());
  ASSERT_FALSE(parser.ok());
  EXPECT_EQ(parser.status().code(), StatusCode::kIoError);
}

TEST(UaParserLoad, BrokenFilesAreInvalidArgument) {
  TempDir dir;
  const std::string sections_ok = "user_agent_parsers: []\nos_parsers: []\ndevice_parsers:\n";
  const std::vector<std::pair<std::string, std::string>> broken = {
      {"not YAML", "user_agent_parsers: [\n  - regex: 'x'\n"},
      {"not a map", "- just\n- a list\n"},
      {"section missing", "user_agent_parsers: []\nos_parsers: []\n"},
      {"section not a list", "user_agent_parsers: []\nos_parsers: []\ndevice_parsers: 3\n"},
      {"entry not a map", sections_ok + "  - 'x'\n"},
      {"entry without regex", sections_ok + "  - device_replacement: 'x'\n"},
      {"regex does not compile", sections_ok + "  - regex: 'fine'\n  - regex: '(unclosed'\n"},
      {"unknown regex_flag", sections_ok + "  - regex: 'x'\n    regex_flag: 'u'\n"},
      {"key of another section", sections_ok + "  - regex: 'x'\n    v1_replacement: '1'\n"},
      {"replacement not a string", sections_ok + "  - regex: 'x'\n    brand_replacement: [1]\n"},
  };
  for (const auto& [what, text] : broken) {
    auto parser = LoadText(dir, text);
    ASSERT_FALSE(parser.ok()) << what;
    EXPECT_EQ(parser.status().code(), StatusCode::kInvalidArgument) << what;
    // A user must be able to tell which file is wrong.
    EXPECT_NE(parser.status().message().find(dir.Sub("regexes.yaml")), std::string::npos)
        << what << ": " << parser.status().ToString();
  }
  // Which entry is wrong, too: the second regex of device_parsers.
  auto parser = LoadText(dir, sections_ok + "  - regex: 'fine'\n  - regex: '(unclosed'\n");
  ASSERT_FALSE(parser.ok());
  EXPECT_NE(parser.status().message().find("device_parsers[1]"), std::string::npos)
      << parser.status().ToString();
}

}  // namespace
}  // namespace footfall::enrich
