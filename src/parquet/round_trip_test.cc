// Files written by ParquetWriter and read back by ParquetReader: every type, nulls, encodings,
// codecs, row groups, pages, statistics and the atomic publish.
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <chrono>
#include <cmath>
#include <cstring>
#include <limits>
#include <random>

#include "base/temp_dir.h"
#include "parquet/reader.h"
#include "parquet/statistics.h"
#include "parquet/writer.h"

namespace footfall::parquet {
namespace {

bool Exists(const std::string& path) {
  struct stat st {};
  return ::stat(path.c_str(), &st) == 0;
}

// Deterministic values for a column: with `cardinality` > 0 drawn from that many distinct
// values, else (nearly) all distinct; a fifth of the rows of an optional column are null.
ColumnVector MakeColumn(const ColumnSpec& spec, size_t rows, uint64_t seed,
                        uint64_t cardinality = 0) {
  std::mt19937_64 rng(seed);
  ColumnVector v(spec.type);
  for (size_t i = 0; i < rows; ++i) {
    const uint64_t r = rng();
    if (spec.optional && r % 5 == 0) {
      v.AppendNull();
      continue;
    }
    const uint64_t x = cardinality > 0 ? (r >> 8) % cardinality : (r >> 8);
    switch (spec.type) {
      case PhysicalType::kBoolean:
        v.AppendBool(x & 1);
        break;
      case PhysicalType::kInt32:
        v.AppendInt32(static_cast<int32_t>(static_cast<uint32_t>(x * 2654435761u)));
        break;
      case PhysicalType::kInt64:
        v.AppendInt64(static_cast<int64_t>(x * 0x9e3779b97f4a7c15ull));
        break;
      case PhysicalType::kFloat:
        v.AppendFloat(static_cast<float>(static_cast<int64_t>(x % 200001) - 100000) / 8);
        break;
      case PhysicalType::kDouble:
        v.AppendDouble(static_cast<double>(static_cast<int64_t>(x % 2000000001) - 1000000000) /
                       1024);
        break;
      case PhysicalType::kByteArray: {
        std::string s = (x % 7 == 0) ? "" : "v" + std::to_string(x);
        if (x % 3 == 0) s += "-é€";  // multi-byte UTF-8
        v.AppendBytes(s);
        break;
      }
      default:
        break;
    }
  }
  return v;
}

// Rows [begin, end) of every column.
std::vector<ColumnVector> Slice(const std::vector<ColumnVector>& columns, size_t begin,
                                size_t end) {
  std::vector<ColumnVector> out;
  for (const ColumnVector& c : columns) {
    out.emplace_back(c.type());
    out.back().AppendRows(c, begin, end);
  }
  return out;
}

void ExpectSameColumn(const ColumnVector& want, const ColumnVector& got, const std::string& what) {
  ASSERT_EQ(got.type(), want.type()) << what;
  ASSERT_EQ(got.size(), want.size()) << what;
  EXPECT_EQ(got.null_count(), want.null_count()) << what;
  ASSERT_TRUE(got.Consistent()) << what;
  for (size_t i = 0; i < want.size(); ++i) {
    ASSERT_EQ(got.IsNull(i), want.IsNull(i)) << what << " row " << i;
    if (want.IsNull(i)) continue;
    switch (want.type()) {
      case PhysicalType::kBoolean:
        ASSERT_EQ(got.GetBool(i), want.GetBool(i)) << what << " row " << i;
        break;
      case PhysicalType::kInt32:
        ASSERT_EQ(got.GetInt32(i), want.GetInt32(i)) << what << " row " << i;
        break;
      case PhysicalType::kInt64:
        ASSERT_EQ(got.GetInt64(i), want.GetInt64(i)) << what << " row " << i;
        break;
      case PhysicalType::kFloat: {
        const float a = want.GetFloat(i), b = got.GetFloat(i);
        ASSERT_EQ(std::memcmp(&a, &b, sizeof a), 0) << what << " row " << i;
        break;
      }
      case PhysicalType::kDouble: {
        const double a = want.GetDouble(i), b = got.GetDouble(i);
        ASSERT_EQ(std::memcmp(&a, &b, sizeof a), 0) << what << " row " << i;
        break;
      }
      default:
        ASSERT_EQ(got.GetBytes(i), want.GetBytes(i)) << what << " row " << i;
        break;
    }
  }
}

// Writes `columns` in batches of `batch` rows and returns the writer's footer.
FileMetaData WriteFile(const std::string& path, const Schema& schema,
                       const std::vector<ColumnVector>& columns, WriterOptions options = {},
                       size_t batch = std::numeric_limits<size_t>::max()) {
  Result<ParquetWriter> w = ParquetWriter::Create(path, schema, std::move(options));
  EXPECT_TRUE(w.ok()) << w.status().ToString();
  if (!w.ok()) return {};
  const size_t rows = columns.empty() ? 0 : columns[0].size();
  for (size_t pos = 0; pos < rows; pos += batch) {
    const std::vector<ColumnVector> part = Slice(columns, pos, std::min(rows, pos + batch));
    const Status s = w->Write(part);
    EXPECT_TRUE(s.ok()) << s.ToString();
  }
  const Status s = w->Close();
  EXPECT_TRUE(s.ok()) << s.ToString();
  return w->metadata();
}

void ExpectFileHolds(const std::string& path, const Schema& schema,
                     const std::vector<ColumnVector>& columns) {
  Result<ParquetReader> r = ParquetReader::Open(path);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->schema(), schema);
  Result<std::vector<ColumnVector>> got = r->ReadAll();
  ASSERT_TRUE(got.ok()) << got.status().ToString();
  ASSERT_EQ(got->size(), columns.size());
  for (size_t c = 0; c < columns.size(); ++c) {
    ExpectSameColumn(columns[c], (*got)[c], schema.columns[c].name);
  }
}

Schema EveryType() {
  Schema s;
  for (bool optional : {false, true}) {
    const std::string suffix = optional ? "_opt" : "";
    s.columns.push_back(ColumnSpec::Boolean("bool" + suffix, optional));
    s.columns.push_back(ColumnSpec::Int32("int32" + suffix, optional));
    s.columns.push_back(ColumnSpec::Int64("int64" + suffix, optional));
    s.columns.push_back(ColumnSpec::Float("float" + suffix, optional));
    s.columns.push_back(ColumnSpec::Double("double" + suffix, optional));
    s.columns.push_back(ColumnSpec::String("string" + suffix, optional));
    s.columns.push_back(ColumnSpec::Bytes("bytes" + suffix, optional));
    s.columns.push_back(ColumnSpec::TimestampMicros("ts" + suffix, optional));
    s.columns.push_back(ColumnSpec::Date("date" + suffix, optional));
  }
  return s;
}

std::vector<ColumnVector> MakeTable(const Schema& schema, size_t rows, uint64_t cardinality = 0) {
  std::vector<ColumnVector> out;
  for (size_t c = 0; c < schema.columns.size(); ++c) {
    out.push_back(MakeColumn(schema.columns[c], rows, 1000 + c, cardinality));
  }
  return out;
}

TEST(RoundTripTest, EveryTypeRequiredAndOptional) {
  TempDir dir;
  const Schema schema = EveryType();
  for (uint64_t cardinality : {uint64_t{0}, uint64_t{20}}) {
    const std::vector<ColumnVector> table = MakeTable(schema, 5000, cardinality);
    const std::string path = dir.Sub("every_type_" + std::to_string(cardinality) + ".parquet");
    WriteFile(path, schema, table);
    ExpectFileHolds(path, schema, table);
  }
}

class CodecRoundTripTest : public testing::TestWithParam<Codec> {};

TEST_P(CodecRoundTripTest, EveryTypeWithCodec) {
  TempDir dir;
  const Schema schema = EveryType();
  const std::vector<ColumnVector> table = MakeTable(schema, 3000, 50);
  const std::string path = dir.Sub("codec.parquet");
  WriterOptions options;
  options.compression = GetParam();
  const FileMetaData m = WriteFile(path, schema, table, options);
  ASSERT_EQ(m.row_groups.size(), 1u);
  for (const ColumnChunk& c : m.row_groups[0].columns) EXPECT_EQ(c.meta_data->codec, GetParam());
  ExpectFileHolds(path, schema, table);
}

INSTANTIATE_TEST_SUITE_P(AllCodecs, CodecRoundTripTest,
                         testing::Values(Codec::kUncompressed, Codec::kSnappy, Codec::kZstd),
                         [](const auto& info) { return std::string(CodecName(info.param)); });

bool HasEncoding(const ColumnMetaData& m, Encoding e) {
  return std::find(m.encodings.begin(), m.encodings.end(), e) != m.encodings.end();
}

TEST(RoundTripTest, DictionaryAndPlainFallback) {
  TempDir dir;
  Schema schema;
  schema.columns = {ColumnSpec::String("few_strings", true), ColumnSpec::String("unique_strings"),
                    ColumnSpec::Int64("unique_ids"), ColumnSpec::Int32("few_ints"),
                    ColumnSpec::Double("few_doubles", true)};
  const size_t rows = 50000;
  std::vector<ColumnVector> table;
  table.push_back(MakeColumn(schema.columns[0], rows, 1, 12));
  ColumnVector unique(PhysicalType::kByteArray);
  for (size_t i = 0; i < rows; ++i) {
    unique.AppendBytes("https://shop.example.com/products/item-" + std::to_string(i) + "?ref=x");
  }
  table.push_back(std::move(unique));
  table.push_back(MakeColumn(schema.columns[2], rows, 3));
  table.push_back(MakeColumn(schema.columns[3], rows, 4, 5));
  table.push_back(MakeColumn(schema.columns[4], rows, 5, 9));

  const std::string path = dir.Sub("dict.parquet");
  const FileMetaData m = WriteFile(path, schema, table);
  ASSERT_EQ(m.row_groups.size(), 1u);
  const auto& cols = m.row_groups[0].columns;
  for (size_t c : {0u, 3u, 4u}) {
    const ColumnMetaData& md = *cols[c].meta_data;
    EXPECT_TRUE(HasEncoding(md, Encoding::kRleDictionary)) << schema.columns[c].name;
    EXPECT_TRUE(md.dictionary_page_offset.has_value()) << schema.columns[c].name;
    ASSERT_FALSE(md.encoding_stats.empty());
    EXPECT_EQ(md.encoding_stats[0].page_type, PageType::kDictionaryPage);
  }
  // Over 1 MiB of distinct strings, and distinct integers a dictionary cannot make smaller.
  for (size_t c : {1u, 2u}) {
    const ColumnMetaData& md = *cols[c].meta_data;
    EXPECT_FALSE(HasEncoding(md, Encoding::kRleDictionary)) << schema.columns[c].name;
    EXPECT_FALSE(md.dictionary_page_offset.has_value()) << schema.columns[c].name;
  }
  ExpectFileHolds(path, schema, table);

  WriterOptions small_dictionary;
  small_dictionary.dictionary_page_bytes = 40;  // 5 ints fit, the 12 strings do not
  const std::string path2 = dir.Sub("dict_limit.parquet");
  const FileMetaData m2 = WriteFile(path2, schema, table, small_dictionary);
  EXPECT_FALSE(HasEncoding(*m2.row_groups[0].columns[0].meta_data, Encoding::kRleDictionary));
  EXPECT_TRUE(HasEncoding(*m2.row_groups[0].columns[3].meta_data, Encoding::kRleDictionary));
  ExpectFileHolds(path2, schema, table);

  WriterOptions no_dictionary;
  no_dictionary.dictionary = false;
  const std::string path3 = dir.Sub("no_dict.parquet");
  const FileMetaData m3 = WriteFile(path3, schema, table, no_dictionary);
  for (const ColumnChunk& c : m3.row_groups[0].columns) {
    EXPECT_FALSE(HasEncoding(*c.meta_data, Encoding::kRleDictionary));
  }
  ExpectFileHolds(path3, schema, table);
}

TEST(RoundTripTest, MultipleRowGroupsFromUnevenBatches) {
  TempDir dir;
  const Schema schema = EveryType();
  const std::vector<ColumnVector> table = MakeTable(schema, 3500, 30);
  WriterOptions options;
  options.row_group_rows = 1000;
  const std::string path = dir.Sub("groups.parquet");
  const FileMetaData m = WriteFile(path, schema, table, options, 333);
  ASSERT_EQ(m.row_groups.size(), 4u);
  EXPECT_EQ(m.num_rows, 3500);
  int64_t last_offset = 0;
  for (size_t g = 0; g < 4; ++g) {
    EXPECT_EQ(m.row_groups[g].num_rows, g < 3 ? 1000 : 500);
    EXPECT_EQ(m.row_groups[g].ordinal, static_cast<int16_t>(g));
    EXPECT_GT(*m.row_groups[g].file_offset, last_offset);
    last_offset = *m.row_groups[g].file_offset;
  }
  ExpectFileHolds(path, schema, table);

  Result<ParquetReader> r = ParquetReader::Open(path);
  ASSERT_TRUE(r.ok());
  const std::vector<size_t> columns = {5, 14};
  Result<std::vector<ColumnVector>> group = r->ReadRowGroup(2, columns);
  ASSERT_TRUE(group.ok()) << group.status().ToString();
  const std::vector<ColumnVector> expected = Slice(table, 2000, 3000);
  ExpectSameColumn(expected[5], (*group)[0], "row group 2, column 5");
  ExpectSameColumn(expected[14], (*group)[1], "row group 2, column 14");
}

TEST(RoundTripTest, SmallPagesSplitColumnChunks) {
  TempDir dir;
  Schema schema;
  schema.columns = {ColumnSpec::String("s", true), ColumnSpec::Int64("i"),
                    ColumnSpec::String("d", true), ColumnSpec::Boolean("b", true)};
  std::vector<ColumnVector> table = {
      MakeColumn(schema.columns[0], 20000, 1), MakeColumn(schema.columns[1], 20000, 2),
      MakeColumn(schema.columns[2], 20000, 3, 40), MakeColumn(schema.columns[3], 20000, 4)};
  WriterOptions options;
  options.data_page_bytes = 1000;
  const std::string path = dir.Sub("pages.parquet");
  const FileMetaData m = WriteFile(path, schema, table, options);
  for (const ColumnChunk& c : m.row_groups[0].columns) {
    const auto& stats = c.meta_data->encoding_stats;
    ASSERT_FALSE(stats.empty());
    EXPECT_GT(stats.back().count, 1) << c.meta_data->path_in_schema[0];
  }
  ExpectFileHolds(path, schema, table);
}

TEST(RoundTripTest, EmptyFile) {
  TempDir dir;
  const Schema schema = EveryType();
  const std::string path = dir.Sub("empty.parquet");
  Result<ParquetWriter> w = ParquetWriter::Create(path, schema);
  ASSERT_TRUE(w.ok());
  std::vector<ColumnVector> none;
  for (const ColumnSpec& c : schema.columns) none.emplace_back(c.type);
  ASSERT_TRUE(w->Write(none).ok());
  ASSERT_TRUE(w->Close().ok());
  EXPECT_EQ(w->rows_written(), 0);

  Result<ParquetReader> r = ParquetReader::Open(path);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->num_rows(), 0);
  EXPECT_EQ(r->num_row_groups(), 0u);
  EXPECT_EQ(r->schema(), schema);
  Result<std::vector<ColumnVector>> all = r->ReadAll();
  ASSERT_TRUE(all.ok());
  ASSERT_EQ(all->size(), schema.columns.size());
  for (size_t c = 0; c < all->size(); ++c) {
    EXPECT_EQ((*all)[c].size(), 0u);
    EXPECT_EQ((*all)[c].type(), schema.columns[c].type);
  }
}

TEST(RoundTripTest, LargeStringsAndTheirStatistics) {
  TempDir dir;
  Schema schema;
  schema.columns = {ColumnSpec::String("body", true)};
  ColumnVector v(PhysicalType::kByteArray);
  std::string huge(3 << 20, 'm');
  huge[12345] = 'q';
  v.AppendBytes(huge);
  v.AppendNull();
  v.AppendBytes(std::string(100000, 'b') + "tail");
  v.AppendBytes("");
  v.AppendBytes(std::string(200, 'z') + "\xc3\xa9");  // the max, longer than 64 bytes
  v.AppendBytes("short");
  const std::vector<ColumnVector> table = {v};
  const std::string path = dir.Sub("large.parquet");
  const FileMetaData m = WriteFile(path, schema, table);
  ExpectFileHolds(path, schema, table);

  const Statistics& st = *m.row_groups[0].columns[0].meta_data->statistics;
  EXPECT_EQ(st.null_count, 1);
  EXPECT_EQ(st.min_value, "");
  EXPECT_EQ(st.is_min_value_exact, true);
  // The max is cut to 64 bytes and made larger than any string starting with them.
  ASSERT_TRUE(st.max_value.has_value());
  EXPECT_EQ(*st.max_value, std::string(63, 'z') + "{");
  EXPECT_EQ(st.is_max_value_exact, false);
  EXPECT_FALSE(st.min.has_value());  // signed order is not a string's order
}

// Writes one column and returns its chunk statistics.
Statistics StatsOf(const ColumnSpec& spec, const ColumnVector& values) {
  TempDir dir;
  Schema schema;
  schema.columns = {spec};
  const FileMetaData m = WriteFile(dir.Sub("stats.parquet"), schema, {values});
  // Read them back from the file, as a reader would see them.
  Result<ParquetReader> r = ParquetReader::Open(dir.Sub("stats.parquet"));
  EXPECT_TRUE(r.ok());
  if (!r.ok() || r->num_row_groups() == 0) return {};
  EXPECT_EQ(r->metadata().column_orders.size(), 1u);
  return *r->metadata().row_groups[0].columns[0].meta_data->statistics;
}

template <typename T>
T Decoded(PhysicalType type, const std::optional<std::string>& bytes) {
  EXPECT_TRUE(bytes.has_value());
  if (!bytes) return T{};
  Result<StatValue> v = DecodeStatValue(type, *bytes);
  EXPECT_TRUE(v.ok());
  return std::get<T>(*v);
}

TEST(StatisticsTest, IntegersUseSignedOrder) {
  ColumnVector v(PhysicalType::kInt32);
  for (int32_t x : {7, -5, 100, 3}) v.AppendInt32(x);
  v.AppendNull();
  const Statistics s = StatsOf(ColumnSpec::Int32("x", true), v);
  EXPECT_EQ(s.null_count, 1);
  EXPECT_EQ(Decoded<int32_t>(PhysicalType::kInt32, s.min_value), -5);
  EXPECT_EQ(Decoded<int32_t>(PhysicalType::kInt32, s.max_value), 100);
  EXPECT_EQ(s.min, s.min_value);  // the deprecated fields agree for a signed order
  EXPECT_EQ(s.max, s.max_value);

  ColumnVector ts(PhysicalType::kInt64);
  for (int64_t x : {1704067200000000LL, -86400000000LL, 0LL}) ts.AppendInt64(x);
  const Statistics t = StatsOf(ColumnSpec::TimestampMicros("ts"), ts);
  EXPECT_EQ(Decoded<int64_t>(PhysicalType::kInt64, t.min_value), -86400000000LL);
  EXPECT_EQ(Decoded<int64_t>(PhysicalType::kInt64, t.max_value), 1704067200000000LL);
  EXPECT_EQ(t.null_count, 0);
}

TEST(StatisticsTest, UnsignedIntegersUseUnsignedOrder) {
  ColumnSpec spec = ColumnSpec::Int64("u");
  spec.logical = LogicalType::Integer(64, false);
  ColumnVector v(PhysicalType::kInt64);
  v.AppendInt64(1);
  v.AppendInt64(-1);  // 2^64 - 1 as unsigned
  const Statistics s = StatsOf(spec, v);
  EXPECT_EQ(Decoded<int64_t>(PhysicalType::kInt64, s.min_value), 1);
  EXPECT_EQ(Decoded<int64_t>(PhysicalType::kInt64, s.max_value), -1);
  EXPECT_FALSE(s.min.has_value());
}

TEST(StatisticsTest, StringsUseUnsignedBytewiseOrder) {
  ColumnVector v(PhysicalType::kByteArray);
  for (const char* x : {"z", "\xc3\xa9", "a", "ab"}) v.AppendBytes(x);
  v.AppendNull();
  const Statistics s = StatsOf(ColumnSpec::String("s", true), v);
  EXPECT_EQ(s.min_value, "a");
  EXPECT_EQ(s.max_value, "\xc3\xa9");  // 0xc3 sorts after 'z' when bytes are unsigned
  EXPECT_EQ(s.null_count, 1);
}

TEST(StatisticsTest, FloatingPointLeavesOutNaNAndSignsZeros) {
  ColumnVector v(PhysicalType::kDouble);
  v.AppendDouble(std::nan(""));
  v.AppendDouble(0.0);
  v.AppendDouble(2.5);
  v.AppendNull();
  const Statistics s = StatsOf(ColumnSpec::Double("d", true), v);
  EXPECT_EQ(s.nan_count, 1);
  const double min = Decoded<double>(PhysicalType::kDouble, s.min_value);
  EXPECT_EQ(min, 0.0);
  EXPECT_TRUE(std::signbit(min));  // a zero min is written as -0
  EXPECT_EQ(Decoded<double>(PhysicalType::kDouble, s.max_value), 2.5);

  ColumnVector nans(PhysicalType::kFloat);
  nans.AppendFloat(std::nanf(""));
  const Statistics n = StatsOf(ColumnSpec::Float("f"), nans);
  EXPECT_EQ(n.nan_count, 1);
  EXPECT_FALSE(n.min_value.has_value());
  EXPECT_FALSE(n.max_value.has_value());
}

TEST(StatisticsTest, BooleansAndAllNullColumns) {
  ColumnVector b(PhysicalType::kBoolean);
  b.AppendBool(true);
  b.AppendBool(false);
  b.AppendBool(true);
  const Statistics s = StatsOf(ColumnSpec::Boolean("b"), b);
  EXPECT_EQ(Decoded<bool>(PhysicalType::kBoolean, s.min_value), false);
  EXPECT_EQ(Decoded<bool>(PhysicalType::kBoolean, s.max_value), true);

  ColumnVector nulls(PhysicalType::kInt32);
  for (int i = 0; i < 10; ++i) nulls.AppendNull();
  const Statistics n = StatsOf(ColumnSpec::Date("d", true), nulls);
  EXPECT_EQ(n.null_count, 10);
  EXPECT_FALSE(n.min_value.has_value());
}

TEST(RoundTripTest, ProjectionAndColumnNames) {
  TempDir dir;
  const Schema schema = EveryType();
  const std::vector<ColumnVector> table = MakeTable(schema, 700);
  const std::string path = dir.Sub("projection.parquet");
  WriteFile(path, schema, table);
  Result<ParquetReader> r = ParquetReader::Open(path);
  ASSERT_TRUE(r.ok());
  const std::vector<std::string> names = {"string_opt", "bool"};
  Result<std::vector<size_t>> idx = r->ColumnIndices(names);
  ASSERT_TRUE(idx.ok());
  EXPECT_EQ(*idx, (std::vector<size_t>{14, 0}));
  Result<std::vector<ColumnVector>> got = r->Read(*idx);
  ASSERT_TRUE(got.ok());
  ASSERT_EQ(got->size(), 2u);
  ExpectSameColumn(table[14], (*got)[0], "string_opt");
  ExpectSameColumn(table[0], (*got)[1], "bool");

  const std::vector<std::string> missing = {"bool", "no_such_column"};
  EXPECT_EQ(r->ColumnIndices(missing).status().code(), StatusCode::kNotFound);
  const std::vector<size_t> out_of_range = {99};
  EXPECT_EQ(r->Read(out_of_range).status().code(), StatusCode::kInvalidArgument);
  ColumnVector wrong_type(PhysicalType::kInt32);
  EXPECT_EQ(r->ReadColumnChunk(0, 0, &wrong_type).code(), StatusCode::kInvalidArgument);
}

TEST(RoundTripTest, FooterNamesFootfallAndKeepsKeyValues) {
  TempDir dir;
  Schema schema;
  schema.columns = {ColumnSpec::Int64("x")};
  WriterOptions options;
  options.key_value_metadata = {{"footfall.dataset", "enriched"}, {"flag", std::nullopt}};
  const std::string path = dir.Sub("kv.parquet");
  WriteFile(path, schema, {MakeColumn(schema.columns[0], 10, 1)}, options);
  Result<ParquetReader> r = ParquetReader::Open(path);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->metadata().created_by, "footfall version 0.1.0");
  EXPECT_EQ(r->metadata().version, 1);
  EXPECT_EQ(r->metadata().key_value_metadata, options.key_value_metadata);
  EXPECT_EQ(r->metadata().column_orders, std::vector<ColumnOrder>{ColumnOrder::kTypeDefined});
  // Logical types and their converted types, as older readers need them.
  const SchemaElement& e = r->metadata().schema[1];
  EXPECT_FALSE(e.logical_type.has_value());
  EXPECT_EQ(e.repetition_type, Repetition::kRequired);
}

TEST(RoundTripTest, LogicalTypesCarryConvertedTypes) {
  TempDir dir;
  Schema schema;
  schema.columns = {ColumnSpec::String("s"), ColumnSpec::TimestampMicros("ts"),
                    ColumnSpec::Date("d")};
  const std::string path = dir.Sub("logical.parquet");
  WriteFile(path, schema, MakeTable(schema, 5));
  Result<ParquetReader> r = ParquetReader::Open(path);
  ASSERT_TRUE(r.ok());
  const auto& elements = r->metadata().schema;
  ASSERT_EQ(elements.size(), 4u);
  EXPECT_EQ(elements[0].num_children, 3);
  EXPECT_EQ(elements[1].converted_type, ConvertedType::kUtf8);
  EXPECT_EQ(elements[2].converted_type, ConvertedType::kTimestampMicros);
  EXPECT_EQ(elements[2].logical_type, LogicalType::Timestamp(TimeUnit::kMicros, true));
  EXPECT_EQ(elements[3].converted_type, ConvertedType::kDate);
}

TEST(PublishTest, NothingUnderThePathUntilClose) {
  TempDir dir;
  Schema schema;
  schema.columns = {ColumnSpec::Int64("x")};
  const std::string path = dir.Sub("out.parquet");
  {
    Result<ParquetWriter> w = ParquetWriter::Create(path, schema);
    ASSERT_TRUE(w.ok());
    ASSERT_TRUE(w->Write(std::vector<ColumnVector>{MakeColumn(schema.columns[0], 100, 1)}).ok());
    EXPECT_TRUE(Exists(path + ".tmp"));
    EXPECT_FALSE(Exists(path));
    ASSERT_TRUE(w->Close().ok());
    EXPECT_TRUE(Exists(path));
    EXPECT_FALSE(Exists(path + ".tmp"));
    EXPECT_EQ(w->Close().code(), StatusCode::kFailedPrecondition);
    EXPECT_EQ(w->Write(std::vector<ColumnVector>{ColumnVector(PhysicalType::kInt64)}).code(),
              StatusCode::kFailedPrecondition);
  }
  // An abandoned writer leaves nothing behind, and the published file is untouched.
  const std::string other = dir.Sub("abandoned.parquet");
  {
    Result<ParquetWriter> w = ParquetWriter::Create(other, schema);
    ASSERT_TRUE(w.ok());
    ASSERT_TRUE(w->Write(std::vector<ColumnVector>{MakeColumn(schema.columns[0], 100, 1)}).ok());
  }
  EXPECT_FALSE(Exists(other));
  EXPECT_FALSE(Exists(other + ".tmp"));
  // Publishing over an existing file replaces it whole.
  const std::vector<ColumnVector> second = {MakeColumn(schema.columns[0], 7, 2)};
  WriteFile(path, schema, second);
  ExpectFileHolds(path, schema, second);
}

TEST(WriterTest, RejectsBatchesThatDoNotFitTheSchema) {
  TempDir dir;
  Schema schema;
  schema.columns = {ColumnSpec::Int64("a"), ColumnSpec::String("b", true)};
  Result<ParquetWriter> w = ParquetWriter::Create(dir.Sub("x.parquet"), schema);
  ASSERT_TRUE(w.ok());
  ColumnVector a(PhysicalType::kInt64), b(PhysicalType::kByteArray);
  a.AppendInt64(1);
  b.AppendBytes("x");
  EXPECT_EQ(w->Write(std::vector<ColumnVector>{a}).code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(w->Write(std::vector<ColumnVector>{b, a}).code(), StatusCode::kInvalidArgument);
  ColumnVector longer = b;
  longer.AppendBytes("y");
  EXPECT_EQ(w->Write(std::vector<ColumnVector>{a, longer}).code(), StatusCode::kInvalidArgument);
  ColumnVector a_null(PhysicalType::kInt64);
  a_null.AppendNull();
  EXPECT_EQ(w->Write(std::vector<ColumnVector>{a_null, b}).code(), StatusCode::kInvalidArgument);
  ColumnVector broken(PhysicalType::kInt64);
  broken.mutable_int64s().push_back(5);  // a value without a null flag
  EXPECT_EQ(w->Write(std::vector<ColumnVector>{broken, b}).code(), StatusCode::kInvalidArgument);
  // Nothing was appended by the rejected batches, and the writer goes on.
  ASSERT_TRUE(w->Write(std::vector<ColumnVector>{a, b}).ok());
  ASSERT_TRUE(w->Close().ok());
  EXPECT_EQ(w->rows_written(), 1);
}

TEST(WriterTest, RejectsSchemasAndOptionsItCannotWrite) {
  TempDir dir;
  const std::string path = dir.Sub("x.parquet");
  EXPECT_EQ(ParquetWriter::Create(path, Schema{}).status().code(), StatusCode::kInvalidArgument);
  Schema dup;
  dup.columns = {ColumnSpec::Int64("a"), ColumnSpec::Int32("a")};
  EXPECT_EQ(ParquetWriter::Create(path, dup).status().code(), StatusCode::kInvalidArgument);
  Schema bad_logical;
  bad_logical.columns = {ColumnSpec::Int32("a")};
  bad_logical.columns[0].logical = LogicalType::String();
  EXPECT_EQ(ParquetWriter::Create(path, bad_logical).status().code(), StatusCode::kInvalidArgument);
  Schema int96;
  int96.columns = {ColumnSpec::Int64("a")};
  int96.columns[0].type = PhysicalType::kInt96;
  EXPECT_EQ(ParquetWriter::Create(path, int96).status().code(), StatusCode::kInvalidArgument);
  Schema ok;
  ok.columns = {ColumnSpec::Int64("a")};
  WriterOptions gzip;
  gzip.compression = Codec::kGzip;
  EXPECT_EQ(ParquetWriter::Create(path, ok, gzip).status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(ParquetWriter::Create(dir.Sub("no/such/dir/x.parquet"), ok).status().code(),
            StatusCode::kIoError);
  EXPECT_FALSE(Exists(path + ".tmp"));
}

TEST(ReaderTest, MissingFileIsNotFound) {
  TempDir dir;
  EXPECT_EQ(ParquetReader::Open(dir.Sub("none.parquet")).status().code(), StatusCode::kNotFound);
}

// Not run by default (it takes seconds): prints write and read throughput for the numbers the
// design asks for. Run with --gtest_also_run_disabled_tests --gtest_filter=*Speed*.
TEST(SpeedTest, DISABLED_MillionRowsTenColumns) {
  TempDir dir;
  Schema schema;
  schema.columns = {ColumnSpec::TimestampMicros("collector_tstamp"),
                    ColumnSpec::String("event_id"),
                    ColumnSpec::String("app_id"),
                    ColumnSpec::String("page_url", true),
                    ColumnSpec::String("domain_userid", true),
                    ColumnSpec::Int32("doc_height", true),
                    ColumnSpec::Int64("engaged_ms", true),
                    ColumnSpec::Double("revenue", true),
                    ColumnSpec::Boolean("is_bot"),
                    ColumnSpec::Date("event_date")};
  const size_t rows = 1'000'000;
  std::mt19937_64 rng(42);
  std::vector<ColumnVector> table;
  for (const ColumnSpec& c : schema.columns) table.emplace_back(c.type);
  for (size_t i = 0; i < rows; ++i) {
    const uint64_t r = rng();
    table[0].AppendInt64(1704067200000000LL + static_cast<int64_t>(i) * 2500);
    char id[40];
    std::snprintf(id, sizeof id, "%016llx-%08zx", static_cast<unsigned long long>(r), i);
    table[1].AppendBytes(id);
    table[2].AppendBytes(r % 4 == 0 ? "shop-web" : r % 4 == 1 ? "shop-ios" : "studio");
    if (r % 10 == 0) {
      table[3].AppendNull();
    } else {
      table[3].AppendBytes("https://shop.example.com/products/" + std::to_string(r % 5000));
    }
    if (r % 20 == 0) {
      table[4].AppendNull();
    } else {
      table[4].AppendBytes("user-" + std::to_string((r >> 20) % 50000));
    }
    if (r % 3 == 0)
      table[5].AppendNull();
    else
      table[5].AppendInt32(static_cast<int32_t>(r % 9000));
    if (r % 2 == 0)
      table[6].AppendNull();
    else
      table[6].AppendInt64(static_cast<int64_t>(r % 600000));
    if (r % 50 != 0)
      table[7].AppendNull();
    else
      table[7].AppendDouble(static_cast<double>(r % 100000) / 100);
    table[8].AppendBool(r % 97 == 0);
    table[9].AppendInt32(19723 + static_cast<int32_t>(i / 100000));
  }
  for (Codec codec : {Codec::kZstd, Codec::kSnappy, Codec::kUncompressed}) {
    const std::string path = dir.Sub(std::string(CodecName(codec)) + ".parquet");
    WriterOptions options;
    options.compression = codec;
    const auto t0 = std::chrono::steady_clock::now();
    WriteFile(path, schema, table, options, 100000);
    const auto t1 = std::chrono::steady_clock::now();
    Result<ParquetReader> r = ParquetReader::Open(path);
    ASSERT_TRUE(r.ok());
    Result<std::vector<ColumnVector>> all = r->ReadAll();
    ASSERT_TRUE(all.ok());
    const auto t2 = std::chrono::steady_clock::now();
    struct stat st {};
    ::stat(path.c_str(), &st);
    std::printf("%-12s write %.3f s, read %.3f s, %.1f MiB\n",
                std::string(CodecName(codec)).c_str(),
                std::chrono::duration<double>(t1 - t0).count(),
                std::chrono::duration<double>(t2 - t1).count(), st.st_size / 1048576.0);
    for (size_t c = 0; c < table.size(); ++c) ExpectSameColumn(table[c], (*all)[c], "speed");
  }
}

}  // namespace
}  // namespace footfall::parquet
