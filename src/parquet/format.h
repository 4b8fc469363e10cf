// Constants of the Apache Parquet file format as footfall writes and reads it. What footfall
// writes, and what its reader accepts, is specified in docs/formats/parquet.md; change the two
// together. Enum values are those of the format's parquet.thrift and are stored on disk.
#pragma once

#include <cstdint>
#include <string_view>

namespace footfall::parquet {

// A file starts and ends with this; the footer (FileMetaData, Thrift compact protocol) is
// followed by its length (fixed32, little-endian) and the trailing magic.
inline constexpr std::string_view kMagic = "PAR1";
// Trailing magic of a file whose footer is encrypted (not supported).
inline constexpr std::string_view kEncryptedMagic = "PARE";
inline constexpr uint64_t kFooterTailSize = 8;  // footer length + trailing magic

// The FileMetaData.version footfall writes; readers accept 1 and 2 alike.
inline constexpr int32_t kFormatVersion = 1;

// Enums whose values are those of parquet.thrift. Declared with a fixed underlying type so
// that a value a newer writer uses, unknown here, is still representable and can be reported.
enum class PhysicalType : int32_t {
  kBoolean = 0,
  kInt32 = 1,
  kInt64 = 2,
  kInt96 = 3,
  kFloat = 4,
  kDouble = 5,
  kByteArray = 6,
  kFixedLenByteArray = 7,
};

enum class Repetition : int32_t {
  kRequired = 0,
  kOptional = 1,
  kRepeated = 2,
};

enum class Encoding : int32_t {
  kPlain = 0,
  kPlainDictionary = 2,  // deprecated spelling of a dictionary, still written by old writers
  kRle = 3,
  kBitPacked = 4,
  kDeltaBinaryPacked = 5,
  kDeltaLengthByteArray = 6,
  kDeltaByteArray = 7,
  kRleDictionary = 8,
  kByteStreamSplit = 9,
};

enum class Codec : int32_t {
  kUncompressed = 0,
  kSnappy = 1,
  kGzip = 2,
  kLzo = 3,
  kBrotli = 4,
  kLz4 = 5,
  kZstd = 6,
  kLz4Raw = 7,
};

enum class PageType : int32_t {
  kDataPage = 0,
  kIndexPage = 1,
  kDictionaryPage = 2,
  kDataPageV2 = 3,
};

// ConvertedType, the deprecated annotation that LogicalType replaced. Writers still set it
// beside LogicalType so that old readers understand the column.
enum class ConvertedType : int32_t {
  kUtf8 = 0,
  kMap = 1,
  kMapKeyValue = 2,
  kList = 3,
  kEnum = 4,
  kDecimal = 5,
  kDate = 6,
  kTimeMillis = 7,
  kTimeMicros = 8,
  kTimestampMillis = 9,
  kTimestampMicros = 10,
  kUint8 = 11,
  kUint16 = 12,
  kUint32 = 13,
  kUint64 = 14,
  kInt8 = 15,
  kInt16 = 16,
  kInt32 = 17,
  kInt64 = 18,
  kJson = 19,
  kBson = 20,
  kInterval = 21,
};

// BYTE_ARRAY or FIXED_LEN_BYTE_ARRAY: values kept as bytes with offsets.
inline bool IsByteArray(PhysicalType type) {
  return type == PhysicalType::kByteArray || type == PhysicalType::kFixedLenByteArray;
}

std::string_view PhysicalTypeName(PhysicalType type);
std::string_view EncodingName(Encoding encoding);
std::string_view CodecName(Codec codec);

// Bounds the reader enforces before it allocates, so that a damaged length field cannot make
// it reserve gigabytes. No footer or page of a footfall file comes near them; a footer of 64 MiB
// describes about half a million column chunks.
inline constexpr uint64_t kMaxFooterSize = 64u << 20;
inline constexpr uint64_t kMaxPageSize = 1u << 30;

}  // namespace footfall::parquet
