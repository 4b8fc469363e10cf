#include "enrich/geo.h"

#include <gtest/gtest.h>

#include <fstream>

#include "base/temp_dir.h"
#include "enrich/enrich.h"

namespace footfall::enrich {
namespace {

TEST(GeoDatabase, OpenErrors) {
  TempDir tmp;
  EXPECT_EQ(GeoDatabase::Open(tmp.Sub("missing.mmdb")).status().code(), StatusCode::kNotFound);
  std::ofstream(tmp.Sub("text.mmdb")) << "not a MaxMind database";
  EXPECT_EQ(GeoDatabase::Open(tmp.Sub("text.mmdb")).status().code(), StatusCode::kInvalidArgument);
  EnrichConfig config;
  config.user_agent = false;
  config.geo_database = tmp.Sub("missing.mmdb");
  EXPECT_EQ(Enricher::Create(config, nullptr, nullptr).status().code(), StatusCode::kNotFound);
}

TEST(GeoDatabase, Lookups) {
  // Needs a MaxMind-format City database, which cannot be shipped with the sources; a writer of
  // test databases is not there yet.
  GTEST_SKIP() << "no MaxMind-format test database: geo lookups are not covered by unit tests";
}

}  // namespace
}  // namespace footfall::enrich
