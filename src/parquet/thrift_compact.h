// The Thrift compact protocol, the encoding of Parquet's footer and page headers: just the
// parts Parquet uses (structs, lists, integers, binary, bool, double), no RPC messages.
//
// Wire format, as the Apache Thrift compact-protocol specification gives it: integers other
// than i8 are zigzag varints; binary is a varint length and the bytes; a struct is a sequence
// of field headers and values ended by a zero byte; a field header carries the type in its low
// four bits and the id as a delta to the previous field's id in the high four bits (or, when
// the delta is not in 1..15, a zero delta followed by the id as a zigzag varint); a bool field
// has no value, its type being true or false. A list header holds the size (high four bits, or
// 15 followed by a varint) and the element type.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"

namespace footfall::parquet::thrift {

// Compact-protocol type codes.
enum class CType : uint8_t {
  kStop = 0,
  kBoolTrue = 1,  // a bool field holding true; as a list element type: bool
  kBoolFalse = 2,
  kByte = 3,
  kI16 = 4,
  kI32 = 5,
  kI64 = 6,
  kDouble = 7,
  kBinary = 8,
  kList = 9,
  kSet = 10,
  kMap = 11,
  kStruct = 12,
  kUuid = 13,
};

// Appends compact-protocol values to a string. Tracks struct nesting, because field ids are
// delta-encoded against the previous field of the same struct. One owner; not thread-safe.
class CompactWriter {
 public:
  explicit CompactWriter(std::string* out) : out_(out) {}

  // A struct value (the top-level one, a list element, or after StructField): its fields, then
  // StructEnd writes the stop byte.
  void StructBegin();
  void StructEnd();

  void BoolField(int16_t id, bool v);
  void I8Field(int16_t id, int8_t v);
  void I16Field(int16_t id, int16_t v);
  void I32Field(int16_t id, int32_t v);
  void I64Field(int16_t id, int64_t v);
  void BinaryField(int16_t id, std::string_view v);
  // A struct-valued field: its fields follow, then StructEnd.
  void StructField(int16_t id);
  // A list-valued field of `size` elements of `element` type; the elements follow.
  void ListField(int16_t id, CType element, uint64_t size);

  // List elements.
  void I32(int32_t v);
  void I64(int64_t v);
  void Binary(std::string_view v);

 private:
  void FieldHeader(int16_t id, CType type);
  void Varint(uint64_t v);
  void Zigzag(int64_t v) {
    Varint((static_cast<uint64_t>(v) << 1) ^ static_cast<uint64_t>(v >> 63));
  }

  std::string* out_;
  int16_t last_id_ = 0;
  std::vector<int16_t> outer_ids_;  // last field id of each enclosing struct
};

struct FieldHeader {
  CType type = CType::kStop;  // kStop: the struct has no more fields
  int16_t id = 0;
};

struct ListHeader {
  CType element = CType::kStop;
  uint32_t size = 0;
};

// Reads compact-protocol values from a byte view. Every read is bounds-checked: input that
// ends early, an overlong varint, an integer out of its type's range, a list longer than the
// remaining bytes or structs nested deeper than kMaxDepth give kCorruption, never a read past
// the input. Errors name only what was wrong; callers add which file and structure. One owner.
class CompactReader {
 public:
  static constexpr int kMaxDepth = 64;

  explicit CompactReader(std::string_view in) : in_(in) {}
  // The reader keeps a view: a temporary string would be gone before the first read.
  explicit CompactReader(std::string&&) = delete;

  Status StructBegin();
  // After ReadFieldHeader returned kStop.
  void StructEnd();
  Status ReadFieldHeader(FieldHeader* f);

  Status ReadI8(int8_t* v);
  Status ReadI16(int16_t* v);
  Status ReadI32(int32_t* v);
  Status ReadI64(int64_t* v);
  Status ReadDouble(double* v);
  // A view into the input.
  Status ReadBinary(std::string_view* v);
  Status ReadListHeader(ListHeader* h);
  // A bool list element (one byte).
  Status ReadBoolElement(bool* v);

  // Skips the value of a field of type `type` (or a list element when `element` is true: a bool
  // element has a byte, a bool field none), with everything nested in it.
  Status Skip(CType type, bool element = false);

  size_t position() const { return pos_; }
  size_t remaining() const { return in_.size() - pos_; }

 private:
  Status Varint(uint64_t* v);
  Status Zigzag(int64_t* v);
  Status SkipAtDepth(CType type, bool element, int depth);

  std::string_view in_;
  size_t pos_ = 0;
  int depth_ = 0;
  int16_t last_id_ = 0;
  std::vector<int16_t> outer_ids_;
};

}  // namespace footfall::parquet::thrift
