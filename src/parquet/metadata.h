// The Parquet footer and page headers (parquet.thrift) as plain structs, with their Thrift
// compact-protocol encoding. Only the fields footfall writes or reads are kept; a decoder skips
// every other field, so files of newer writers decode. Field ids are those of parquet.thrift.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "parquet/format.h"

namespace footfall::parquet {

struct Statistics {
  // Deprecated min/max, ordered by signed comparison whatever the column's type.
  std::optional<std::string> max;          // 1
  std::optional<std::string> min;          // 2
  std::optional<int64_t> null_count;       // 3
  std::optional<int64_t> distinct_count;   // 4
  std::optional<std::string> max_value;    // 5, in the column's sort order (ColumnOrder)
  std::optional<std::string> min_value;    // 6
  std::optional<bool> is_max_value_exact;  // 7
  std::optional<bool> is_min_value_exact;  // 8
  std::optional<int64_t> nan_count;        // 9
  bool operator==(const Statistics&) const = default;
};

enum class TimeUnit : uint8_t { kMillis, kMicros, kNanos };

// The LogicalType union (SchemaElement field 10): which member is set, and its parameters.
struct LogicalType {
  enum class Kind : uint8_t {
    kNone,  // no annotation: the physical type says it all
    kString,
    kMap,
    kList,
    kEnum,
    kDecimal,
    kDate,
    kTime,
    kTimestamp,
    kInteger,
    kUnknown,  // the NullType member: every value is null
    kJson,
    kBson,
    kUuid,
    kFloat16,
    kOther,  // a member this code does not know (a newer writer's)
  };
  Kind kind = Kind::kNone;
  TimeUnit unit = TimeUnit::kMicros;  // kTime, kTimestamp
  bool adjusted_to_utc = true;        // kTime, kTimestamp
  int32_t scale = 0;                  // kDecimal
  int32_t precision = 0;              // kDecimal
  int8_t bit_width = 0;               // kInteger: 8, 16, 32 or 64
  bool is_signed = true;              // kInteger

  static LogicalType None() { return {}; }
  static LogicalType String() { return {.kind = Kind::kString}; }
  static LogicalType Date() { return {.kind = Kind::kDate}; }
  static LogicalType Timestamp(TimeUnit unit = TimeUnit::kMicros, bool adjusted_to_utc = true) {
    return {.kind = Kind::kTimestamp, .unit = unit, .adjusted_to_utc = adjusted_to_utc};
  }
  static LogicalType Decimal(int32_t precision, int32_t scale) {
    return {.kind = Kind::kDecimal, .scale = scale, .precision = precision};
  }
  static LogicalType Integer(int8_t bit_width, bool is_signed) {
    return {.kind = Kind::kInteger, .bit_width = bit_width, .is_signed = is_signed};
  }
  bool operator==(const LogicalType&) const = default;
};

// "STRING", "TIMESTAMP(MICROS,UTC)", "DECIMAL(10,2)", "INT(16,unsigned)", ...
std::string LogicalTypeToString(const LogicalType& t);

struct SchemaElement {
  std::optional<PhysicalType> type;             // 1; unset for a group
  std::optional<int32_t> type_length;           // 2
  std::optional<Repetition> repetition_type;    // 3; unset for the root
  std::string name;                             // 4
  std::optional<int32_t> num_children;          // 5; set for a group
  std::optional<ConvertedType> converted_type;  // 6
  std::optional<int32_t> scale;                 // 7
  std::optional<int32_t> precision;             // 8
  std::optional<int32_t> field_id;              // 9
  std::optional<LogicalType> logical_type;      // 10
  bool operator==(const SchemaElement&) const = default;
};

struct KeyValue {
  std::string key;                   // 1
  std::optional<std::string> value;  // 2
  bool operator==(const KeyValue&) const = default;
};

struct PageEncodingStats {
  PageType page_type = PageType::kDataPage;  // 1
  Encoding encoding = Encoding::kPlain;      // 2
  int32_t count = 0;                         // 3
  bool operator==(const PageEncodingStats&) const = default;
};

struct ColumnMetaData {
  PhysicalType type = PhysicalType::kInt32;       // 1
  std::vector<Encoding> encodings;                // 2
  std::vector<std::string> path_in_schema;        // 3
  Codec codec = Codec::kUncompressed;             // 4
  int64_t num_values = 0;                         // 5; levels, so nulls included
  int64_t total_uncompressed_size = 0;            // 6; page headers included
  int64_t total_compressed_size = 0;              // 7; page headers included
  std::vector<KeyValue> key_value_metadata;       // 8
  int64_t data_page_offset = 0;                   // 9
  std::optional<int64_t> index_page_offset;       // 10
  std::optional<int64_t> dictionary_page_offset;  // 11
  std::optional<Statistics> statistics;           // 12
  std::vector<PageEncodingStats> encoding_stats;  // 13
  bool operator==(const ColumnMetaData&) const = default;
};

struct ColumnChunk {
  std::optional<std::string> file_path;     // 1; data in another file (not supported)
  int64_t file_offset = 0;                  // 2; deprecated, written as 0
  std::optional<ColumnMetaData> meta_data;  // 3
  // Fields 4-7 (page index) are skipped. Field 8/9 mark an encrypted column, which the reader
  // must refuse rather than misread.
  bool encrypted = false;
  bool operator==(const ColumnChunk&) const = default;
};

struct RowGroup {
  std::vector<ColumnChunk> columns;              // 1
  int64_t total_byte_size = 0;                   // 2
  int64_t num_rows = 0;                          // 3
  std::optional<int64_t> file_offset;            // 5
  std::optional<int64_t> total_compressed_size;  // 6
  std::optional<int16_t> ordinal;                // 7
  bool operator==(const RowGroup&) const = default;
};

// ColumnOrder union (FileMetaData field 7): which member is set for a leaf column.
enum class ColumnOrder : uint8_t { kTypeDefined, kIeee754Total, kOther };

struct FileMetaData {
  int32_t version = kFormatVersion;          // 1
  std::vector<SchemaElement> schema;         // 2; depth-first, root first
  int64_t num_rows = 0;                      // 3
  std::vector<RowGroup> row_groups;          // 4
  std::vector<KeyValue> key_value_metadata;  // 5
  std::optional<std::string> created_by;     // 6
  std::vector<ColumnOrder> column_orders;    // 7
  bool encrypted = false;                    // 8 (encryption_algorithm) present
  bool operator==(const FileMetaData&) const = default;
};

struct DataPageHeader {
  int32_t num_values = 0;                               // 1; nulls included
  Encoding encoding = Encoding::kPlain;                 // 2
  Encoding definition_level_encoding = Encoding::kRle;  // 3
  Encoding repetition_level_encoding = Encoding::kRle;  // 4
  std::optional<Statistics> statistics;                 // 5
  bool operator==(const DataPageHeader&) const = default;
};

struct DictionaryPageHeader {
  int32_t num_values = 0;                // 1
  Encoding encoding = Encoding::kPlain;  // 2
  std::optional<bool> is_sorted;         // 3
  bool operator==(const DictionaryPageHeader&) const = default;
};

struct DataPageHeaderV2 {
  int32_t num_values = 0;                     // 1
  int32_t num_nulls = 0;                      // 2
  int32_t num_rows = 0;                       // 3
  Encoding encoding = Encoding::kPlain;       // 4
  int32_t definition_levels_byte_length = 0;  // 5
  int32_t repetition_levels_byte_length = 0;  // 6
  bool is_compressed = true;                  // 7
  std::optional<Statistics> statistics;       // 8
  bool operator==(const DataPageHeaderV2&) const = default;
};

struct PageHeader {
  PageType type = PageType::kDataPage;             // 1
  int32_t uncompressed_page_size = 0;              // 2
  int32_t compressed_page_size = 0;                // 3
  std::optional<int32_t> crc;                      // 4; CRC-32 (gzip's) of the page as stored
  std::optional<DataPageHeader> data_page_header;  // 5
  std::optional<DictionaryPageHeader> dictionary_page_header;  // 7
  std::optional<DataPageHeaderV2> data_page_header_v2;         // 8
  bool operator==(const PageHeader&) const = default;
};

// Appends the compact-protocol encoding of a value to `out`.
void EncodeFileMetaData(const FileMetaData& m, std::string* out);
void EncodePageHeader(const PageHeader& h, std::string* out);

// Decodes a footer that must fill `in` exactly. kCorruption when it is malformed, misses a
// required field or is followed by extra bytes; the message says what was wrong.
Status DecodeFileMetaData(std::string_view in, FileMetaData* m);
// Decodes a page header at the start of `in` and sets `*size` to the bytes it took.
Status DecodePageHeader(std::string_view in, PageHeader* h, size_t* size);

}  // namespace footfall::parquet
