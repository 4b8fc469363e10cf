// Files written by another Parquet implementation, read by footfall's reader. The files in
// testdata/ were written by DuckDB 1.5.6 (@duckdb/node-api) from this query over range(N) t(i):
//
//   SELECT CASE WHEN i % 7 = 0 THEN NULL ELSE i % 3 = 0 END AS b,
//          ((i * 7919) % 100000 - 50000)::INTEGER AS i32,
//          CASE WHEN i % 11 = 0 THEN NULL ELSE i * 1000000007 END::BIGINT AS i64,
//          i / 8.0 AS d,
//          CASE WHEN i % 5 = 0 THEN NULL ELSE 'user-' || (i % 50) END AS s,
//          substr(md5(i::VARCHAR), 1, 8) AS u,
//          TIMESTAMPTZ '2024-01-01 00:00:00+00' + i * INTERVAL 1 SECOND AS ts,
//          (DATE '2024-01-01' + (i % 365)::INTEGER) AS dt,
//          (i / 4)::FLOAT AS f,
//          (i % 1000)::SMALLINT AS sm,
//          (i / 100.0)::DECIMAL(10,2) AS dec
//
// duckdb_zstd.parquet: N = 2100, (FORMAT PARQUET, COMPRESSION ZSTD, ROW_GROUP_SIZE 2048): two
// row groups. duckdb_snappy.parquet: N = 1200, (FORMAT PARQUET, COMPRESSION SNAPPY). DuckDB
// writes data pages v1, PLAIN and RLE_DICTIONARY values (listed as PLAIN_DICTIONARY) and
// ConvertedType annotations beside or instead of LogicalType.
#include <gtest/gtest.h>

#include <fstream>
#include <map>
#include <sstream>

#include "parquet/reader.h"
#include "parquet/statistics.h"

namespace footfall::parquet {
namespace {

std::string TestFile(const std::string& name) {
  return std::string(FOOTFALL_PARQUET_TESTDATA) + "/" + name;
}

void ExpectDuckDbFixture(const std::string& name, int64_t rows, Codec codec,
                         const std::map<int64_t, std::string>& md5_prefixes) {
  Result<ParquetReader> r = ParquetReader::Open(TestFile(name));
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->num_rows(), rows);
  EXPECT_EQ(r->metadata().row_groups[0].columns[0].meta_data->codec, codec);
  ASSERT_TRUE(r->metadata().created_by.has_value());
  EXPECT_NE(r->metadata().created_by->find("DuckDB"), std::string::npos);

  const Schema& schema = r->schema();
  ASSERT_EQ(schema.columns.size(), 11u);
  using Kind = LogicalType::Kind;
  const struct {
    const char* name;
    PhysicalType type;
    Kind logical;
  } expected[] = {
      {"b", PhysicalType::kBoolean, Kind::kNone},
      {"i32", PhysicalType::kInt32, Kind::kInteger},
      {"i64", PhysicalType::kInt64, Kind::kInteger},
      {"d", PhysicalType::kDouble, Kind::kNone},
      {"s", PhysicalType::kByteArray, Kind::kString},
      {"u", PhysicalType::kByteArray, Kind::kString},
      {"ts", PhysicalType::kInt64, Kind::kTimestamp},
      {"dt", PhysicalType::kInt32, Kind::kDate},
      {"f", PhysicalType::kFloat, Kind::kNone},
      {"sm", PhysicalType::kInt32, Kind::kInteger},
      {"dec", PhysicalType::kInt64, Kind::kDecimal},
  };
  for (size_t c = 0; c < 11; ++c) {
    EXPECT_EQ(schema.columns[c].name, expected[c].name);
    EXPECT_EQ(schema.columns[c].type, expected[c].type) << expected[c].name;
    EXPECT_EQ(schema.columns[c].logical.kind, expected[c].logical) << expected[c].name;
  }
  EXPECT_EQ(schema.columns[6].logical, LogicalType::Timestamp(TimeUnit::kMicros, true));
  EXPECT_EQ(schema.columns[9].logical, LogicalType::Integer(16, true));
  EXPECT_EQ(schema.columns[10].logical, LogicalType::Decimal(10, 2));

  Result<std::vector<ColumnVector>> all = r->ReadAll();
  ASSERT_TRUE(all.ok()) << all.status().ToString();
  const std::vector<ColumnVector>& v = *all;
  for (const ColumnVector& col : v) ASSERT_EQ(static_cast<int64_t>(col.size()), rows);
  for (int64_t i = 0; i < rows; ++i) {
    const auto row = static_cast<size_t>(i);
    ASSERT_EQ(v[0].IsNull(row), i % 7 == 0) << i;
    if (i % 7 != 0) {
      ASSERT_EQ(v[0].GetBool(row), i % 3 == 0) << i;
    }
    ASSERT_EQ(v[1].GetInt32(row), (i * 7919) % 100000 - 50000) << i;
    ASSERT_EQ(v[2].IsNull(row), i % 11 == 0) << i;
    if (i % 11 != 0) {
      ASSERT_EQ(v[2].GetInt64(row), i * 1000000007) << i;
    }
    ASSERT_EQ(v[3].GetDouble(row), static_cast<double>(i) / 8.0) << i;
    ASSERT_EQ(v[4].IsNull(row), i % 5 == 0) << i;
    if (i % 5 != 0) {
      ASSERT_EQ(v[4].GetBytes(row), "user-" + std::to_string(i % 50)) << i;
    }
    ASSERT_EQ(v[5].GetBytes(row).size(), 8u) << i;
    ASSERT_EQ(v[6].GetInt64(row), 1704067200000000LL + i * 1000000) << i;
    ASSERT_EQ(v[7].GetInt32(row), 19723 + i % 365) << i;  // 2024-01-01 is day 19723
    ASSERT_EQ(v[8].GetFloat(row), static_cast<float>(i) / 4) << i;
    ASSERT_EQ(v[9].GetInt32(row), i % 1000) << i;
    ASSERT_EQ(v[10].GetInt64(row), i) << i;  // i / 100 with scale 2: unscaled i
  }
  for (const auto& [row, prefix] : md5_prefixes) {
    EXPECT_EQ(v[5].GetBytes(static_cast<size_t>(row)), prefix) << row;
  }
  EXPECT_EQ(v[0].null_count(), (rows + 6) / 7);
  EXPECT_EQ(v[4].null_count(), (rows + 4) / 5);

  // DuckDB's statistics decode to what the data holds.
  const Statistics& st = *r->metadata().row_groups[0].columns[1].meta_data->statistics;
  Result<StatValue> min = DecodeStatValue(PhysicalType::kInt32, *st.min_value);
  ASSERT_TRUE(min.ok());
  EXPECT_EQ(std::get<int32_t>(*min), -50000);
  const Statistics& s_st = *r->metadata().row_groups[0].columns[4].meta_data->statistics;
  EXPECT_EQ(s_st.min_value, "user-1");
  EXPECT_EQ(s_st.max_value, "user-9");
}

TEST(InteropTest, ReadsDuckDbZstdFile) {
  ExpectDuckDbFixture("duckdb_zstd.parquet", 2100, Codec::kZstd,
                      {{0, "cfcd2084"}, {1, "c4ca4238"}, {2047, "a501bebf"}, {2099, "978d7667"}});
  Result<ParquetReader> r = ParquetReader::Open(TestFile("duckdb_zstd.parquet"));
  ASSERT_TRUE(r.ok());
  ASSERT_EQ(r->num_row_groups(), 2u);
  EXPECT_EQ(r->row_group_num_rows(0), 2048);
  EXPECT_EQ(r->row_group_num_rows(1), 52);
}

TEST(InteropTest, ReadsDuckDbSnappyFile) {
  ExpectDuckDbFixture("duckdb_snappy.parquet", 1200, Codec::kSnappy,
                      {{0, "cfcd2084"}, {2, "c81e728d"}, {1199, "4d2e7bd3"}});
}

TEST(InteropTest, FuzzEntryPointReadsDuckDbFiles) {
  for (const char* name : {"duckdb_zstd.parquet", "duckdb_snappy.parquet"}) {
    std::ifstream in(TestFile(name), std::ios::binary);
    std::stringstream bytes;
    bytes << in.rdbuf();
    const Status s = ReadWholeFileForFuzzing(bytes.str());
    EXPECT_TRUE(s.ok()) << name << ": " << s.ToString();
  }
}

}  // namespace
}  // namespace footfall::parquet
