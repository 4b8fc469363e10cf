// Single-thread cost of UaParser: loading the regex set, a parse that runs the regexes, and a
// parse answered by the cache. The user agents are a mix of what a retail site sees: desktop and
// mobile browsers, an in-app browser, a crawler and an HTTP library.
#include <benchmark/benchmark.h>

#include <array>
#include <cstdlib>
#include <iostream>
#include <string_view>

#include "enrich/ua_parser.h"

namespace footfall::enrich {
namespace {

constexpr std::array<std::string_view, 10> kUserAgents = {
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/120.0.6099.130 Safari/537.36",
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_1_2 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like "
    "Gecko) Version/17.1.2 Mobile/15E148 Safari/604.1",
    "Mozilla/5.0 (Linux; Android 13; SM-S918B) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/119.0.6045.163 Mobile Safari/537.36",
    "Mozilla/5.0 (X11; Ubuntu; Linux x86_64; rv:121.0) Gecko/20100101 Firefox/121.0",
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) "
    "Version/17.1 Safari/605.1.15",
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/120.0.0.0 Safari/537.36 Edg/120.0.2210.91",
    "Mozilla/5.0 (iPhone; CPU iPhone OS 16_6 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like "
    "Gecko) Mobile/15E148 Instagram 309.1.0.21.98 (iPhone14,5; iOS 16_6; en_GB; en-GB; "
    "scale=3.00; 1170x2532; 536506541)",
    "Mozilla/5.0 (Linux; Android 12; Pixel 6) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/120.0.6099.144 Mobile Safari/537.36",
    "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
    "python-requests/2.31.0",
};

std::unique_ptr<UaParser> LoadOrDie(const UaParserOptions& options) {
  auto parser = UaParser::Load(kDefaultUapRegexes, options);
  if (!parser.ok()) {
    std::cerr << parser.status().ToString() << "\n";
    std::abort();
  }
  return std::move(parser).value();
}

void BM_Load(benchmark::State& state) {
  for (auto _ : state) benchmark::DoNotOptimize(LoadOrDie(UaParserOptions()));
}
BENCHMARK(BM_Load)->Unit(benchmark::kMillisecond);

void BM_ParseUncached(benchmark::State& state) {
  const auto parser = LoadOrDie(UaParserOptions());
  size_t i = 0;
  for (auto _ : state) {
    benchmark::DoNotOptimize(parser->ParseUncached(kUserAgents[i++ % kUserAgents.size()]));
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations()));
}
BENCHMARK(BM_ParseUncached)->Unit(benchmark::kMicrosecond);

// Every regex run in order, as without the literal prefilter: the baseline it is measured by.
void BM_ParseUncachedNoPrefilter(benchmark::State& state) {
  UaParserOptions options;
  options.literal_prefilter = false;
  const auto parser = LoadOrDie(options);
  size_t i = 0;
  for (auto _ : state) {
    benchmark::DoNotOptimize(parser->ParseUncached(kUserAgents[i++ % kUserAgents.size()]));
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations()));
}
BENCHMARK(BM_ParseUncachedNoPrefilter)->Unit(benchmark::kMicrosecond);

void BM_ParseCached(benchmark::State& state) {
  const auto parser = LoadOrDie(UaParserOptions());
  for (std::string_view ua : kUserAgents) benchmark::DoNotOptimize(parser->Parse(ua));
  size_t i = 0;
  for (auto _ : state) {
    benchmark::DoNotOptimize(parser->Parse(kUserAgents[i++ % kUserAgents.size()]));
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations()));
}
BENCHMARK(BM_ParseCached);

}  // namespace
}  // namespace footfall::enrich
