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

}  // namespace
}  // namespace footfall::pipeline
