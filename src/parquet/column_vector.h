// ColumnVector: the values of one column for a run of rows, with a null flag per row. It is
// what ParquetWriter takes and ParquetReader returns.
#pragma once

#include <cassert>
#include <cstdint>
#include <memory>
#include <new>
#include <span>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

#include "parquet/format.h"

namespace footfall::parquet {

// std::allocator, except that growing a vector with resize(n) leaves the new elements
// default-initialized: for trivial types, not zeroed. For decoders that write every new element
// right after growing; resize(n, value) and everything else behave as with std::allocator.
template <typename T>
struct DefaultInitAllocator : std::allocator<T> {
  template <typename U>
  struct rebind {
    using other = DefaultInitAllocator<U>;
  };
  DefaultInitAllocator() = default;
  template <typename U>
  DefaultInitAllocator(const DefaultInitAllocator<U>&) noexcept {}

  template <typename U>
  void construct(U* p) noexcept(std::is_nothrow_default_constructible_v<U>) {
    ::new (static_cast<void*>(p)) U;
  }
  template <typename U, typename... Args>
  void construct(U* p, Args&&... args) {
    ::new (static_cast<void*>(p)) U(std::forward<Args>(args)...);
  }
};

// A vector of values as ColumnVector keeps them.
template <typename T>
using ValueBuffer = std::vector<T, DefaultInitAllocator<T>>;

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
    data_.insert(data_.end(), v.begin(), v.end());
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
    return std::string_view(data_.data() + offsets_[row], offsets_[row + 1] - offsets_[row]);
  }

  // Whole-column views, for loops that should not pay a call per row.
  std::span<const uint8_t> null_flags() const { return nulls_; }  // 1 = null
  std::span<const uint8_t> bools() const { return bools_; }       // 0 or 1
  std::span<const int32_t> int32s() const { return i32_; }
  std::span<const int64_t> int64s() const { return i64_; }
  std::span<const float> floats() const { return f32_; }
  std::span<const double> doubles() const { return f64_; }
  std::span<const uint64_t> offsets() const { return offsets_; }  // size() + 1 entries
  std::string_view bytes_data() const { return std::string_view(data_.data(), data_.size()); }

  // Same type, nulls and values (floating-point values compare with ==, so NaN differs).
  bool operator==(const ColumnVector&) const = default;

  // True when there is one value per row of this vector's type: what a reader of the vector
  // relies on, and what appending a value of a wrong type breaks.
  bool Consistent() const;

  // Storage, for decoders that fill a vector in bulk. Whoever writes through these keeps one
  // null flag per row, one value per row and null_count() in step (SetNullCount). resize(n)
  // leaves new elements uninitialized (DefaultInitAllocator).
  ValueBuffer<uint8_t>& mutable_null_flags() { return nulls_; }
  ValueBuffer<uint8_t>& mutable_bools() { return bools_; }
  ValueBuffer<int32_t>& mutable_int32s() { return i32_; }
  ValueBuffer<int64_t>& mutable_int64s() { return i64_; }
  ValueBuffer<float>& mutable_floats() { return f32_; }
  ValueBuffer<double>& mutable_doubles() { return f64_; }
  ValueBuffer<uint64_t>& mutable_offsets() { return offsets_; }
  ValueBuffer<char>& mutable_bytes_data() { return data_; }
  void SetNullCount(int64_t n) { null_count_ = n; }

 private:
  bool IsByteArray() const { return parquet::IsByteArray(type_); }

  PhysicalType type_;
  int64_t null_count_ = 0;
  ValueBuffer<uint8_t> nulls_;
  // One of these holds the values, by type().
  ValueBuffer<uint8_t> bools_;
  ValueBuffer<int32_t> i32_;
  ValueBuffer<int64_t> i64_;
  ValueBuffer<float> f32_;
  ValueBuffer<double> f64_;
  ValueBuffer<uint64_t> offsets_{0};
  ValueBuffer<char> data_;
};

}  // namespace footfall::parquet
