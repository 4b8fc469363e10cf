#include "parquet/metadata.h"

#include <gtest/gtest.h>

#include <random>

#include "parquet/thrift_compact.h"

namespace footfall::parquet {
namespace {

using thrift::CompactWriter;
using thrift::CType;

SchemaElement Leaf(std::string name, PhysicalType type, Repetition rep,
                   std::optional<LogicalType> logical = std::nullopt) {
  SchemaElement e;
  e.name = std::move(name);
  e.type = type;
  e.repetition_type = rep;
  e.logical_type = logical;
  return e;
}

FileMetaData SampleFooter() {
  FileMetaData m;
  SchemaElement root;
  root.name = "schema";
  root.num_children = 6;
  m.schema.push_back(root);
  m.schema.push_back(
      Leaf("s", PhysicalType::kByteArray, Repetition::kOptional, LogicalType::String()));
  m.schema.back().converted_type = ConvertedType::kUtf8;
  m.schema.push_back(Leaf("ts", PhysicalType::kInt64, Repetition::kRequired,
                          LogicalType::Timestamp(TimeUnit::kMicros, true)));
  m.schema.push_back(Leaf("local_ts", PhysicalType::kInt64, Repetition::kRequired,
                          LogicalType::Timestamp(TimeUnit::kMillis, false)));
  m.schema.push_back(Leaf("day", PhysicalType::kInt32, Repetition::kOptional, LogicalType::Date()));
  m.schema.push_back(
      Leaf("price", PhysicalType::kInt64, Repetition::kRequired, LogicalType::Decimal(10, 2)));
  m.schema.back().scale = 2;
  m.schema.back().precision = 10;
  m.schema.push_back(
      Leaf("port", PhysicalType::kInt32, Repetition::kRequired, LogicalType::Integer(16, false)));
  m.num_rows = 1000;
  RowGroup rg;
  rg.num_rows = 1000;
  rg.total_byte_size = 12345;
  rg.file_offset = 4;
  rg.total_compressed_size = 999;
  rg.ordinal = 0;
  ColumnChunk cc;
  ColumnMetaData& md = cc.meta_data.emplace();
  md.type = PhysicalType::kByteArray;
  md.encodings = {Encoding::kPlain, Encoding::kRleDictionary, Encoding::kRle};
  md.path_in_schema = {"s"};
  md.codec = Codec::kZstd;
  md.num_values = 1000;
  md.total_uncompressed_size = 5000;
  md.total_compressed_size = 800;
  md.data_page_offset = 100;
  md.dictionary_page_offset = 4;
  Statistics& st = md.statistics.emplace();
  st.null_count = 3;
  st.min_value = "a";
  st.max_value = std::string("\xff\x00z", 3);
  st.is_min_value_exact = true;
  st.is_max_value_exact = false;
  md.encoding_stats = {{PageType::kDictionaryPage, Encoding::kPlain, 1},
                       {PageType::kDataPage, Encoding::kRleDictionary, 2}};
  md.key_value_metadata = {{"k", "v"}, {"only-key", std::nullopt}};
  rg.columns.push_back(cc);
  m.row_groups.push_back(rg);
  m.key_value_metadata = {{"footfall.dataset", "enriched"}};
  m.created_by = "footfall version 0.1.0";
  m.column_orders.assign(6, ColumnOrder::kTypeDefined);
  return m;
}

TEST(MetadataTest, FileMetaDataRoundTrips) {
  const FileMetaData m = SampleFooter();
  std::string bytes;
  EncodeFileMetaData(m, &bytes);
  FileMetaData back;
  ASSERT_TRUE(DecodeFileMetaData(bytes, &back).ok());
  EXPECT_EQ(back, m);
}

TEST(MetadataTest, PageHeadersRoundTrip) {
  PageHeader data;
  data.type = PageType::kDataPage;
  data.uncompressed_page_size = 100;
  data.compressed_page_size = 60;
  data.crc = -123456;
  data.data_page_header.emplace();
  data.data_page_header->num_values = 17;
  data.data_page_header->encoding = Encoding::kRleDictionary;
  data.data_page_header->statistics.emplace().null_count = 2;

  PageHeader dict;
  dict.type = PageType::kDictionaryPage;
  dict.uncompressed_page_size = 10;
  dict.compressed_page_size = 10;
  dict.dictionary_page_header.emplace();
  dict.dictionary_page_header->num_values = 3;
  dict.dictionary_page_header->is_sorted = false;

  PageHeader v2;
  v2.type = PageType::kDataPageV2;
  v2.uncompressed_page_size = 50;
  v2.compressed_page_size = 40;
  v2.data_page_header_v2.emplace();
  v2.data_page_header_v2->num_values = 9;
  v2.data_page_header_v2->num_nulls = 1;
  v2.data_page_header_v2->num_rows = 9;
  v2.data_page_header_v2->definition_levels_byte_length = 3;
  v2.data_page_header_v2->is_compressed = false;

  for (const PageHeader& h : {data, dict, v2}) {
    std::string bytes;
    EncodePageHeader(h, &bytes);
    const size_t encoded = bytes.size();
    bytes += "page body follows";
    PageHeader back;
    size_t size = 0;
    ASSERT_TRUE(DecodePageHeader(bytes, &back, &size).ok());
    EXPECT_EQ(size, encoded);
    EXPECT_EQ(back, h);
  }
}

// A footer as a newer writer might write it: fields, union members and enum values this code
// does not know, which it must skip or carry.
TEST(MetadataTest, SkipsWhatNewerWritersAdd) {
  std::string bytes;
  CompactWriter w(&bytes);
  w.StructBegin();
  w.I32Field(1, 2);
  w.ListField(2, CType::kStruct, 2);
  w.StructBegin();
  w.BinaryField(4, "root");
  w.I32Field(5, 1);
  w.StructEnd();
  w.StructBegin();
  w.I32Field(1, static_cast<int32_t>(PhysicalType::kByteArray));
  w.I32Field(3, 1);
  w.BinaryField(4, "v");
  w.StructField(10);  // LogicalType
  w.StructField(16);  // VARIANT, unknown here
  w.I8Field(1, 1);
  w.StructEnd();
  w.StructEnd();
  w.I32Field(11, 7);  // vector_length
  w.StructEnd();
  w.I64Field(3, 0);
  w.ListField(4, CType::kStruct, 0);
  w.StructField(40);  // an unknown struct with a nested list
  w.ListField(1, CType::kDouble, 1);
  bytes.append(8, '\0');
  w.StructEnd();
  w.I32Field(41, 99);
  w.StructEnd();

  FileMetaData m;
  const Status s = DecodeFileMetaData(bytes, &m);
  ASSERT_TRUE(s.ok()) << s.ToString();
  EXPECT_EQ(m.version, 2);
  ASSERT_EQ(m.schema.size(), 2u);
  EXPECT_EQ(m.schema[1].name, "v");
  ASSERT_TRUE(m.schema[1].logical_type.has_value());
  EXPECT_EQ(m.schema[1].logical_type->kind, LogicalType::Kind::kOther);
}

TEST(MetadataTest, MissingRequiredFieldIsCorruption) {
  std::string bytes;
  CompactWriter w(&bytes);
  w.StructBegin();
  w.I32Field(1, 1);
  w.I64Field(3, 0);
  w.ListField(4, CType::kStruct, 0);
  w.StructEnd();  // no schema
  FileMetaData m;
  EXPECT_EQ(DecodeFileMetaData(bytes, &m).code(), StatusCode::kCorruption);
}

TEST(MetadataTest, WrongWireTypeIsCorruption) {
  std::string bytes;
  CompactWriter w(&bytes);
  w.StructBegin();
  w.BinaryField(1, "not an i32");
  w.StructEnd();
  FileMetaData m;
  EXPECT_EQ(DecodeFileMetaData(bytes, &m).code(), StatusCode::kCorruption);
}

TEST(MetadataTest, TrailingBytesAreCorruption) {
  std::string bytes;
  EncodeFileMetaData(SampleFooter(), &bytes);
  bytes.push_back('\0');
  FileMetaData m;
  EXPECT_EQ(DecodeFileMetaData(bytes, &m).code(), StatusCode::kCorruption);
}

TEST(MetadataTest, EveryTruncationIsCorruption) {
  std::string bytes;
  EncodeFileMetaData(SampleFooter(), &bytes);
  for (size_t n = 0; n < bytes.size(); ++n) {
    FileMetaData m;
    EXPECT_EQ(DecodeFileMetaData(std::string_view(bytes).substr(0, n), &m).code(),
              StatusCode::kCorruption)
        << "truncated to " << n;
  }
}

TEST(MetadataTest, FlippedBytesNeverCrash) {
  std::string bytes;
  EncodeFileMetaData(SampleFooter(), &bytes);
  std::mt19937 rng(11);
  for (size_t i = 0; i < bytes.size(); ++i) {
    for (int bit = 0; bit < 8; ++bit) {
      std::string damaged = bytes;
      damaged[i] = static_cast<char>(damaged[i] ^ (1 << bit));
      FileMetaData m;
      const Status s = DecodeFileMetaData(damaged, &m);
      EXPECT_TRUE(s.ok() || s.code() == StatusCode::kCorruption) << s.ToString();
    }
    std::string damaged = bytes;
    damaged[i] = static_cast<char>(rng());
    FileMetaData m;
    (void)DecodeFileMetaData(damaged, &m);
  }
}

}  // namespace
}  // namespace footfall::parquet
