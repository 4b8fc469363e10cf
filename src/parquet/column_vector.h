// ColumnVector: the values of one column for a run of rows, with a null flag per row. It is
// what ParquetWriter takes and ParquetReader returns.
#pragma once

#include <cassert>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "parquet/format.h"

namespace footfall::parquet {

// Values are stored per row, nulls included (a null row holds 0, false or an empty byte
// array), so row i is index i of every accessor and of the bulk spans. Byte arrays (BYTE_ARRAY
// and FIXED_LEN_BYTE_ARRAY) sit back to back in one buffer with size()+1 offsets.
//
// Appending a value of another type than type() is a programmer error (asserted in debug
// builds; ParquetWriter::Write rejects such a vector with kInvalidArgument). A value type,
// copyable and movable; not thread-safe for writing.
class ColumnVector {
 public:
  explicit ColumnVector(PhysicalType type = PhysicalType::kInt64) : type_(type) {}

  PhysicalType type() const { return type_; }
  size_t size() const { return nulls_.size(); }
  bool empty() const { return nulls_.empty(); }
  int64_t null_count() const { return null_count_; }
  bool IsNull(size_t row) const { return nulls_[row] != 0; }

  // Drops every row, keeping the capacity.
  void Clear();
  // Makes room for `rows` more rows and, for byte arrays, `bytes` more value bytes.
  void Reserve(size_t rows, size_t bytes = 0);

  void AppendNull();
  void AppendBool(bool v) {
    assert(type_ == PhysicalType::kBoolean);
    bools_.push_back(v ? 1 : 0);
    nulls_.push_back(0);
  }
  void AppendInt32(int32_t v) {
    assert(type_ == PhysicalType::kInt32);
    i32_.push_back(v);
    nulls_.push_back(0);
  }
  void AppendInt64(int64_t v) {
    assert(type_ == PhysicalType::kInt64);
    i64_.push_back(v);
    nulls_.push_back(0);
  }
  void AppendFloat(float v) {
    assert(type_ == PhysicalType::kFloat);
    f32_.push_back(v);
    nulls_.push_back(0);
  }
  void AppendDouble(double v) {
    assert(type_ == PhysicalType::kDouble);
    f64_.push_back(v);
    nulls_.push_back(0);
  }
  // For BYTE_ARRAY and FIXED_LEN_BYTE_ARRAY columns.
  void AppendBytes(std::string_view v) {
    assert(IsByteArray());
    data_.append(v);
    offsets_.push_back(data_.size());
    nulls_.push_back(0);
  }
  // Appends rows [begin, end) of `other`, which has the same type.
  void AppendRows(const ColumnVector& other, size_t begin, size_t end);

  bool GetBool(size_t row) const { return bools_[row] != 0; }
  int32_t GetInt32(size_t row) const { return i32_[row]; }
  int64_t GetInt64(size_t row) const { return i64_[row]; }
  float GetFloat(size_t row) const { return f32_[row]; }
  double GetDouble(size_t row) const { return f64_[row]; }
  std::string_view GetBytes(size_t row) const {
    return std::string_view(data_).substr(offsets_[row], offsets_[row + 1] - offsets_[row]);
  }

  // Whole-column views, for loops that should not pay a call per row.
  std::span<const uint8_t> null_flags() const { return nulls_; }  // 1 = null
  std::span<const uint8_t> bools() const { return bools_; }       // 0 or 1
  std::span<const int32_t> int32s() const { return i32_; }
  std::span<const int64_t> int64s() const { return i64_; }
  std::span<const float> floats() const { return f32_; }
  std::span<const double> doubles() const { return f64_; }
  std::span<const uint64_t> offsets() const { return offsets_; }  // size() + 1 entries
  std::string_view bytes_data() const { return data_; }

  // Same type, nulls and values (floating-point values compare with ==, so NaN differs).
  bool operator==(const ColumnVector&) const = default;

  // True when there is one value per row of this vector's type: what a reader of the vector
  // relies on, and what appending a value of a wrong type breaks.
  bool Consistent() const;

  // Storage, for decoders that fill a vector in bulk. Whoever writes through these keeps one
  // null flag per row, one value per row and null_count() in step (SetNullCount).
  std::vector<uint8_t>& mutable_null_flags() { return nulls_; }
  std::vector<uint8_t>& mutable_bools() { return bools_; }
  std::vector<int32_t>& mutable_int32s() { return i32_; }
  std::vector<int64_t>& mutable_int64s() { return i64_; }
  std::vector<float>& mutable_floats() { return f32_; }
  std::vector<double>& mutable_doubles() { return f64_; }
  std::vector<uint64_t>& mutable_offsets() { return offsets_; }
  std::string& mutable_bytes_data() { return data_; }
  void SetNullCount(int64_t n) { null_count_ = n; }

 private:
  bool IsByteArray() const {
    return type_ == PhysicalType::kByteArray || type_ == PhysicalType::kFixedLenByteArray;
  }

  PhysicalType type_;
  int64_t null_count_ = 0;
  std::vector<uint8_t> nulls_;
  // One of these holds the values, by type().
  std::vector<uint8_t> bools_;
  std::vector<int32_t> i32_;
  std::vector<int64_t> i64_;
  std::vector<float> f32_;
  std::vector<double> f64_;
  std::vector<uint64_t> offsets_{0};
  std::string data_;
};

}  // namespace footfall::parquet
