#include "pipeline/config.h"

#include <gtest/gtest.h>

#include <fstream>

#include "base/temp_dir.h"

namespace footfall::pipeline {
namespace {

Result<Config> LoadText(const TempDir& tmp, const std::string& text) {
  const std::string path = tmp.Sub("footfall.yaml");
  std::ofstream(path) << text;
  return LoadConfig(path);
}

TEST(Config, DefaultsFileLoadsToDefaults) {
  TempDir tmp;
  auto c = LoadText(tmp, DefaultConfigYaml());
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  const Config d;
  EXPECT_EQ(c->collector_port, d.collector_port);
  EXPECT_EQ(c->ui_host, d.ui_host);
  EXPECT_EQ(c->segment_max_bytes, d.segment_max_bytes);
  EXPECT_EQ(c->seal_after, d.seal_after);
  EXPECT_EQ(c->batch_interval, d.batch_interval);
  EXPECT_EQ(c->session_timeout, d.session_timeout);
  EXPECT_EQ(c->events_table_cap, d.events_table_cap);
  EXPECT_EQ(c->durability, d.durability);
  EXPECT_EQ(c->sync_interval, d.sync_interval);
  EXPECT_EQ(c->max_queued_bytes, d.max_queued_bytes);
  EXPECT_EQ(c->heartbeat, d.heartbeat);
  EXPECT_EQ(c->journey_steps, d.journey_steps);
  EXPECT_TRUE(c->funnels.empty());
}

TEST(Config, OverridesAndEmptyFile) {
  TempDir tmp;
  auto c = LoadText(tmp, "collector:\n  port: 9000\nsessions:\n  timeout_minutes: 45\n");
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->collector_port, 9000);
  EXPECT_EQ(c->session_timeout, 45 * 60 * kMicrosPerSecond);
  EXPECT_TRUE(LoadText(tmp, "").ok());
}

TEST(Config, ErrorsNameTheKey) {
  TempDir tmp;
  for (const char* text :
       {"collector:\n  prot: 9000\n", "collector:\n  port: 70000\n", "collector:\n  port: lots\n",
        "ui: 3\n", "a: [1, 2\n", "collector:\n  trust_forwarded_for: maybe\n"}) {
    auto c = LoadText(tmp, text);
    EXPECT_EQ(c.status().code(), StatusCode::kInvalidArgument) << text;
  }
  EXPECT_NE(LoadText(tmp, "collector:\n  prot: 9000\n").status().message().find("collector.prot"),
            std::string::npos);
  EXPECT_EQ(LoadConfig(tmp.Sub("missing.yaml")).status().code(), StatusCode::kNotFound);
}

TEST(Config, ConversionsFunnelsAndFlows) {
  TempDir tmp;
  auto c = LoadText(tmp, R"(
web:
  heartbeat_seconds: 15
conversions:
  - name: signup
    page_path: /welcome
    where: {app_id: shop}
funnels:
  - name: checkout
    consecutive: true
    time_limit_minutes: 30
    steps:
      - {name: product, page_path: /product/*}
      - {name: bought, event_name: transaction}
flows:
  - name: studio
    schema: com.footfall/workflow_step
    case: data.case_id
    activity: data.activity
    lifecycle: data.lifecycle
    end_activities: [publish]
  - name: site
    page_views: true
    case: domain_sessionid
    activity: page_urlpath
)");
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  ASSERT_EQ(c->conversions.size(), 1u);
  EXPECT_EQ(c->conversions[0].where[0], (std::pair<std::string, std::string>{"app_id", "shop"}));
  ASSERT_EQ(c->funnels.size(), 1u);
  EXPECT_TRUE(c->funnels[0].consecutive);
  EXPECT_EQ(c->funnels[0].time_limit, 30 * 60 * kMicrosPerSecond);
  EXPECT_EQ(c->funnels[0].steps[1].event_name, "transaction");
  ASSERT_EQ(c->flows.size(), 2u);
  EXPECT_EQ(c->flows[0].end_activities, std::vector<std::string>{"publish"});
  EXPECT_TRUE(c->flows[1].page_views);
  EXPECT_EQ(WebModelOptionsFrom(*c).heartbeat, 15 * kMicrosPerSecond);
}

TEST(Config, BadDefinitionsNameTheEntryAndProblem) {
  TempDir tmp;
  const std::pair<const char*, const char*> cases[] = {
      {"funnels:\n  - name: f\n    steps:\n      - {page_path: /a}\n", "two steps"},
      {"funnels:\n  - name: f\n    steps:\n      - {page_path: /a}\n      - {colour: red}\n",
       "colour"},
      {"flows:\n  - name: s\n    page_views: true\n    case: nope\n    activity: page_urlpath\n",
       "nope"},
      {"flows:\n  - name: s\n    case: domain_sessionid\n    activity: page_urlpath\n",
       "exactly one"},
      {"conversions: {name: x}\n", "list"},
  };
  for (const auto& [text, expected] : cases) {
    auto c = LoadText(tmp, text);
    ASSERT_EQ(c.status().code(), StatusCode::kInvalidArgument) << text;
    EXPECT_NE(c.status().message().find(expected), std::string::npos) << c.status().message();
  }
}

TEST(Config, DemoDefinitionsAreValid) {
  Config c;
  AddDemoDefinitions(&c);
  EXPECT_FALSE(c.funnels.empty());
  EXPECT_TRUE(views::ValidateWebModelOptions(WebModelOptionsFrom(c)).ok());
  for (const auto& f : c.flows) EXPECT_TRUE(views::ValidateFlowSpec(f).ok());
}

}  // namespace
}  // namespace footfall::pipeline
