// The reader beyond plain decoding: row groups pruned by statistics, row groups read on several
// threads, byte arrays kept in dictionary form; and DECIMAL columns written and read back.
#include "parquet/reader.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <functional>
#include <map>
#include <mutex>
#include <random>

#include "base/temp_dir.h"
#include "parquet/writer.h"

namespace footfall::parquet {
namespace {

constexpr int kRows = 1000;
constexpr int kGroupRows = 100;

// Columns whose values rise with the row, so that each row group covers its own range, plus
// an unsigned one and one that is null in row group 3 only.
Schema PruningSchema() {
  ColumnSpec u32 = ColumnSpec::Int32("u32");
  u32.logical = LogicalType::Integer(32, false);
  return Schema{{ColumnSpec::Int64("id"), ColumnSpec::Date("day"), ColumnSpec::Double("price"),
                 ColumnSpec::String("url"), ColumnSpec::String("long", true), u32,
                 ColumnSpec::Int64("gap", true)}};
}

std::string Url(int i) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "u%03d", i / kGroupRows);
  return buf;
}

// Longer than the statistics keep (64 bytes), so that bounds are inexact prefixes.
std::string Long(int i) { return std::string(70, 'x') + std::to_string(i % 10 + i / 100 * 10); }

std::vector<ColumnVector> PruningRows() {
  std::vector<ColumnVector> c;
  for (const ColumnSpec& s : PruningSchema().columns) c.emplace_back(s.type);
  for (int i = 0; i < kRows; ++i) {
    c[0].AppendInt64(i);
    c[1].AppendInt32(20000 + i / kGroupRows);
    c[2].AppendDouble(i * 0.5);
    c[3].AppendBytes(Url(i));
    if (i % 4 == 0) {
      c[4].AppendNull();
    } else {
      c[4].AppendBytes(Long(i));
    }
    c[5].AppendInt32(static_cast<int32_t>(0x80000000u + static_cast<uint32_t>(i)));
    if (i / kGroupRows == 3) {
      c[6].AppendNull();
    } else {
      c[6].AppendInt64(i);
    }
  }
  return c;
}

class ReaderFeatureTest : public ::testing::Test {
 protected:
  void SetUp() override {
    path_ = tmp_.Sub("events.parquet");
    WriterOptions options;
    options.row_group_rows = kGroupRows;
    auto w = ParquetWriter::Create(path_, PruningSchema(), options);
    ASSERT_TRUE(w.ok());
    ASSERT_TRUE(w->Write(PruningRows()).ok());
    ASSERT_TRUE(w->Close().ok());
    auto r = ParquetReader::Open(path_);
    ASSERT_TRUE(r.ok());
    reader_.emplace(std::move(*r));
  }

  std::vector<size_t> Matching(std::vector<ColumnPredicate> predicates) {
    auto groups = reader_->RowGroupsMatching(predicates);
    EXPECT_TRUE(groups.ok()) << groups.status().ToString();
    return groups.ok() ? *groups : std::vector<size_t>{99};
  }

  TempDir tmp_;
  std::string path_;
  std::optional<ParquetReader> reader_;
};

using P = ColumnPredicate;
using Groups = std::vector<size_t>;

TEST_F(ReaderFeatureTest, PrunesRowGroupsByStatistics) {
  EXPECT_EQ(Matching({P::Equals("id", int64_t{250})}), Groups({2}));
  EXPECT_EQ(Matching({P::Between("id", int64_t{150}, int64_t{420})}), Groups({1, 2, 3, 4}));
  EXPECT_EQ(Matching({P::Between("id", std::nullopt, int64_t{-1})}), Groups({}));
  EXPECT_EQ(Matching({P::Between("id", int64_t{950}, std::nullopt)}), Groups({9}));
  EXPECT_EQ(Matching({P::Equals("day", int64_t{20007})}), Groups({7}));
  EXPECT_EQ(Matching({P::Between("price", 100.0, 149.9)}), Groups({2}));
  // An integer bound on a floating-point column is taken as a double.
  EXPECT_EQ(Matching({P::Equals("price", int64_t{499})}), Groups({9}));
  EXPECT_EQ(Matching({P::Equals("url", std::string("u005"))}), Groups({5}));
  EXPECT_EQ(Matching({P::Between("url", std::string("u003"), std::string("u0045"))}),
            Groups({3, 4}));
  // A conjunction.
  EXPECT_EQ(Matching({P::Between("id", int64_t{0}, int64_t{500}),
                      P::Between("url", std::string("u004"), std::nullopt)}),
            Groups({4, 5}));
  // Null satisfies nothing: row group 3 of "gap" is all null.
  EXPECT_EQ(Matching({P::Between("gap", std::nullopt, std::nullopt)}),
            Groups({0, 1, 2, 4, 5, 6, 7, 8, 9}));
  // Unsigned columns are not pruned.
  EXPECT_EQ(Matching({P::Equals("u32", int64_t{5})}).size(), 10u);
  EXPECT_EQ(Matching({}).size(), 10u);

  EXPECT_EQ(reader_->RowGroupsMatching(std::vector{P::Equals("nope", int64_t{1})}).status().code(),
            StatusCode::kNotFound);
  EXPECT_EQ(
      reader_->RowGroupsMatching(std::vector{P::Equals("id", std::string("1"))}).status().code(),
      StatusCode::kInvalidArgument);
  EXPECT_EQ(reader_->RowGroupsMatching(std::vector{P::Equals("url", 1.5)}).status().code(),
            StatusCode::kInvalidArgument);
}

// Pruning never drops a row group holding a matching row, whatever the predicate: checked
// against the rows themselves for random ranges, inexact (long) string bounds included.
TEST_F(ReaderFeatureTest, PruningIsSound) {
  const std::vector<ColumnVector> rows = PruningRows();
  std::mt19937_64 rng(7);
  size_t pruned = 0;
  for (int trial = 0; trial < 300; ++trial) {
    const int a = static_cast<int>(rng() % 1100) - 50;
    const int b = a + static_cast<int>(rng() % 300);
    std::vector<P> predicates;
    std::function<bool(int)> match;
    switch (trial % 3) {
      case 0:
        predicates = {P::Between("price", a * 0.5, b * 0.5)};
        match = [&](int i) { return i * 0.5 >= a * 0.5 && i * 0.5 <= b * 0.5; };
        break;
      case 1: {
        const std::string lo = Long(std::max(a, 0));
        const std::string hi = Long(std::max(b, 0));
        predicates = {P::Between("long", lo, hi)};
        match = [&, lo, hi](int i) {
          return !rows[4].IsNull(i) && rows[4].GetBytes(i) >= lo && rows[4].GetBytes(i) <= hi;
        };
        break;
      }
      default:
        predicates = {P::Equals("gap", int64_t{a})};
        match = [&](int i) { return !rows[6].IsNull(i) && rows[6].GetInt64(i) == a; };
        break;
    }
    const Groups kept = Matching(predicates);
    pruned += 10 - kept.size();
    for (int i = 0; i < kRows; ++i) {
      if (match(i)) {
        const size_t g = static_cast<size_t>(i / kGroupRows);
        ASSERT_TRUE(std::find(kept.begin(), kept.end(), g) != kept.end())
            << "trial " << trial << " dropped row group " << g << " holding row " << i;
      }
    }
  }
  EXPECT_GT(pruned, 1000u);  // and it does prune
}

TEST_F(ReaderFeatureTest, ReadsRowGroupsOnThreadsInOrder) {
  const std::vector<size_t> columns = {3, 0, 4};
  const std::vector<size_t> groups = {7, 0, 3, 9, 1, 2};
  std::vector<std::vector<ColumnVector>> want;
  for (size_t g : groups) want.push_back(reader_->ReadRowGroup(g, columns).value());
  for (int threads : {1, 2, 3, 8, 0}) {
    auto got = reader_->ReadRowGroups(groups, columns, threads);
    ASSERT_TRUE(got.ok()) << got.status().ToString();
    EXPECT_EQ(*got, want) << threads << " threads";
  }
  EXPECT_TRUE(reader_->ReadRowGroups({}, columns, 4)->empty());
  const std::vector<size_t> bad_groups = {1, 42, 2};
  EXPECT_EQ(reader_->ReadRowGroups(bad_groups, columns, 2).status().code(),
            StatusCode::kInvalidArgument);
  const std::vector<size_t> bad_columns = {0, 17};
  EXPECT_EQ(reader_->ReadRowGroups(groups, bad_columns, 2).status().code(),
            StatusCode::kInvalidArgument);
}

// A scan visits each row group once, with the same columns a plain read gives, whatever the
// thread count and although each thread reuses its vectors; the first error stops it.
TEST_F(ReaderFeatureTest, ScansRowGroupsOnThreads) {
  const std::vector<size_t> columns = {3, 0, 4};
  const std::vector<size_t> groups = {7, 0, 3, 9, 1, 2};
  std::map<size_t, std::vector<ColumnVector>> want;
  for (size_t g : groups) want[g] = reader_->ReadRowGroup(g, columns).value();
  for (int threads : {1, 2, 3, 0}) {
    std::mutex mu;
    std::map<size_t, std::vector<ColumnVector>> got;
    Status s = reader_->ScanRowGroups(
        groups, columns, threads, [&](size_t g, std::span<const ColumnVector> cols) {
          std::lock_guard<std::mutex> l(mu);
          EXPECT_TRUE(got.emplace(g, std::vector<ColumnVector>(cols.begin(), cols.end())).second);
          return Status::Ok();
        });
    ASSERT_TRUE(s.ok()) << s.ToString();
    EXPECT_EQ(got, want) << threads << " threads";
  }
  std::atomic<int> visits{0};
  Status s = reader_->ScanRowGroups(groups, columns, 1, [&](size_t g, auto) {
    ++visits;
    return g == 3 ? Corruption("row group 3 rejected") : Status::Ok();
  });
  EXPECT_EQ(s.code(), StatusCode::kCorruption);
  EXPECT_EQ(visits.load(), 3);  // 7, 0, 3, then no further row group
  const std::vector<size_t> bad_groups = {1, 42, 2};
  EXPECT_EQ(
      reader_->ScanRowGroups(bad_groups, columns, 2, [](size_t, auto) { return Status::Ok(); })
          .code(),
      StatusCode::kInvalidArgument);
}

// Dictionary form gives the same rows as the plain read, for dictionary chunks, PLAIN chunks
// and chunks whose dictionary grew too large (written PLAIN).
TEST(DictionaryColumnTest, SameRowsAsPlainRead) {
  TempDir tmp;
  std::mt19937_64 rng(3);
  ColumnVector urls(PhysicalType::kByteArray);
  for (int i = 0; i < 5000; ++i) {
    if (rng() % 5 == 0) {
      urls.AppendNull();
    } else {
      urls.AppendBytes("https://shop.example/p/" + std::to_string(rng() % (i < 2500 ? 40 : 4000)));
    }
  }
  const Schema schema{{ColumnSpec::String("url", true)}};
  struct Case {
    const char* name;
    bool dictionary;
    size_t dictionary_page_bytes;
  } cases[] = {{"dictionary", true, 1 << 20}, {"plain", false, 1 << 20}, {"fallback", true, 2000}};
  for (const Case& c : cases) {
    WriterOptions options;
    options.dictionary = c.dictionary;
    options.dictionary_page_bytes = c.dictionary_page_bytes;
    options.data_page_bytes = 4096;
    options.row_group_rows = 2500;
    const std::string path = tmp.Sub(std::string(c.name) + ".parquet");
    auto w = ParquetWriter::Create(path, schema, options);
    ASSERT_TRUE(w.ok());
    ASSERT_TRUE(w->Write(std::span(&urls, 1)).ok());
    ASSERT_TRUE(w->Close().ok());
    auto r = ParquetReader::Open(path);
    ASSERT_TRUE(r.ok());
    size_t row = 0;
    for (size_t g = 0; g < r->num_row_groups(); ++g) {
      DictionaryColumn d;
      ASSERT_TRUE(r->ReadDictionaryColumn(g, 0, &d).ok()) << c.name;
      ASSERT_EQ(static_cast<int64_t>(d.size()), r->row_group_num_rows(g));
      for (size_t i = 0; i < d.size(); ++i, ++row) {
        ASSERT_EQ(d.IsNull(i), urls.IsNull(row)) << c.name << " row " << row;
        if (!d.IsNull(i)) {
          ASSERT_EQ(d.Get(i), urls.GetBytes(row)) << c.name << " row " << row;
        }
      }
      if (c.dictionary && c.dictionary_page_bytes > 2000 && g == 0) {
        EXPECT_LE(d.dictionary.size(), 40u);  // distinct values, not one per row
      }
    }
    EXPECT_EQ(row, urls.size());
  }
}

// DuckDB's dictionary pages (PLAIN_DICTIONARY), read in dictionary form.
TEST(DictionaryColumnTest, ReadsDuckDbStrings) {
  auto r = ParquetReader::Open(std::string(FOOTFALL_PARQUET_TESTDATA) + "/duckdb_zstd.parquet");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  for (const char* name : {"s", "u"}) {
    const size_t c = *r->schema().Find(name);
    for (size_t g = 0; g < r->num_row_groups(); ++g) {
      ColumnVector plain(PhysicalType::kByteArray);
      ASSERT_TRUE(r->ReadColumnChunk(g, c, &plain).ok());
      DictionaryColumn d;
      ASSERT_TRUE(r->ReadDictionaryColumn(g, c, &d).ok());
      ASSERT_EQ(d.size(), plain.size());
      for (size_t i = 0; i < d.size(); ++i) {
        ASSERT_EQ(d.IsNull(i), plain.IsNull(i)) << name << " row " << i;
        if (!d.IsNull(i)) {
          ASSERT_EQ(d.Get(i), plain.GetBytes(i)) << name << " row " << i;
        }
      }
    }
  }
}

TEST(DictionaryColumnTest, RefusesOtherTypes) {
  TempDir tmp;
  const std::string path = tmp.Sub("n.parquet");
  auto w = ParquetWriter::Create(path, Schema{{ColumnSpec::Int64("n")}});
  ASSERT_TRUE(w.ok());
  ColumnVector n(PhysicalType::kInt64);
  n.AppendInt64(1);
  ASSERT_TRUE(w->Write(std::span(&n, 1)).ok());
  ASSERT_TRUE(w->Close().ok());
  auto r = ParquetReader::Open(path);
  ASSERT_TRUE(r.ok());
  DictionaryColumn d;
  EXPECT_EQ(r->ReadDictionaryColumn(0, 0, &d).code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(r->ReadDictionaryColumn(1, 0, &d).code(), StatusCode::kInvalidArgument);
}

int64_t Pow10(int n) {
  int64_t v = 1;
  for (int i = 0; i < n; ++i) v *= 10;
  return v;
}

TEST(DecimalTest, RoundTripsOnInt32AndInt64) {
  TempDir tmp;
  const Schema schema{{ColumnSpec::Decimal("price", 9, 2),
                       ColumnSpec::Decimal("total", 18, 4, true), ColumnSpec::Decimal("rate", 5, 5),
                       ColumnSpec::Decimal("tiny", 1, 0)}};
  EXPECT_EQ(schema.columns[0].type, PhysicalType::kInt32);
  EXPECT_EQ(schema.columns[1].type, PhysicalType::kInt64);
  EXPECT_EQ(schema.columns[2].type, PhysicalType::kInt32);
  EXPECT_EQ(schema.columns[1].logical, LogicalType::Decimal(18, 4));
  std::mt19937_64 rng(11);
  std::vector<ColumnVector> cols;
  for (const ColumnSpec& c : schema.columns) cols.emplace_back(c.type);
  for (int i = 0; i < 3000; ++i) {
    const int64_t max9 = Pow10(9) - 1;
    const int64_t max18 = Pow10(18) - 1;
    const int64_t a = i == 0 ? max9 : i == 1 ? -max9 : static_cast<int64_t>(rng() % 2000) - 1000;
    const int64_t b = i == 0   ? max18
                      : i == 1 ? -max18
                               : static_cast<int64_t>(rng() % (2 * max18)) - max18;
    cols[0].AppendInt32(static_cast<int32_t>(a));
    if (i % 7 == 3) {
      cols[1].AppendNull();
    } else {
      cols[1].AppendInt64(b);
    }
    cols[2].AppendInt32(static_cast<int32_t>(static_cast<int64_t>(rng() % Pow10(5))));
    cols[3].AppendInt32(static_cast<int32_t>(i % 19) - 9);
  }
  for (Codec codec : {Codec::kZstd, Codec::kSnappy, Codec::kUncompressed}) {
    const std::string path = tmp.Sub("decimal-" + std::to_string(static_cast<int>(codec)));
    WriterOptions options;
    options.compression = codec;
    options.row_group_rows = 1000;
    auto w = ParquetWriter::Create(path, schema, options);
    ASSERT_TRUE(w.ok()) << w.status().ToString();
    ASSERT_TRUE(w->Write(cols).ok());
    ASSERT_TRUE(w->Close().ok());
    auto r = ParquetReader::Open(path);
    ASSERT_TRUE(r.ok()) << r.status().ToString();
    EXPECT_EQ(r->schema(), schema);
    // Old readers see DECIMAL through ConvertedType with its precision and scale.
    const SchemaElement& e = r->metadata().schema[2];
    EXPECT_EQ(e.converted_type, ConvertedType::kDecimal);
    EXPECT_EQ(e.precision, 18);
    EXPECT_EQ(e.scale, 4);
    auto back = r->ReadAll();
    ASSERT_TRUE(back.ok());
    EXPECT_EQ(*back, cols);
    // Statistics prune on the unscaled values.
    EXPECT_EQ(
        r->RowGroupsMatching(std::vector{ColumnPredicate::Equals("price", Pow10(9) - 1)}).value(),
        std::vector<size_t>{0});
  }
}

TEST(DecimalTest, RefusesPrecisionAndScaleOutOfRange) {
  for (const ColumnSpec& c : {ColumnSpec::Decimal("a", 19, 2), ColumnSpec::Decimal("b", 0, 0),
                              ColumnSpec::Decimal("c", 5, 6), ColumnSpec::Decimal("d", 5, -1)}) {
    EXPECT_EQ(ValidateSchemaForWriting(Schema{{c}}).code(), StatusCode::kInvalidArgument) << c.name;
  }
  ColumnSpec on_int32 = ColumnSpec::Decimal("e", 12, 2);
  on_int32.type = PhysicalType::kInt32;  // 12 digits do not fit INT32
  EXPECT_EQ(ValidateSchemaForWriting(Schema{{on_int32}}).code(), StatusCode::kInvalidArgument);
  ColumnSpec small_on_int64 = ColumnSpec::Decimal("f", 4, 2);
  small_on_int64.type = PhysicalType::kInt64;  // allowed by the format
  EXPECT_TRUE(ValidateSchemaForWriting(Schema{{small_on_int64}}).ok());
}

}  // namespace
}  // namespace footfall::parquet
