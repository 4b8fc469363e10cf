#include "parquet/column_vector.h"

namespace footfall::parquet {

void ColumnVector::Clear() {
  null_count_ = 0;
  nulls_.clear();
  bools_.clear();
  i32_.clear();
  i64_.clear();
  f32_.clear();
  f64_.clear();
  offsets_.assign(1, 0);
  data_.clear();
}

void ColumnVector::Reserve(size_t rows, size_t bytes) {
  nulls_.reserve(nulls_.size() + rows);
  switch (type_) {
    case PhysicalType::kBoolean:
      bools_.reserve(bools_.size() + rows);
      break;
    case PhysicalType::kInt32:
      i32_.reserve(i32_.size() + rows);
      break;
    case PhysicalType::kInt64:
      i64_.reserve(i64_.size() + rows);
      break;
    case PhysicalType::kFloat:
      f32_.reserve(f32_.size() + rows);
      break;
    case PhysicalType::kDouble:
      f64_.reserve(f64_.size() + rows);
      break;
    case PhysicalType::kByteArray:
    case PhysicalType::kFixedLenByteArray:
      offsets_.reserve(offsets_.size() + rows);
      data_.reserve(data_.size() + bytes);
      break;
    case PhysicalType::kInt96:
      break;
  }
}

void ColumnVector::AppendNull() {
  switch (type_) {
    case PhysicalType::kBoolean:
      bools_.push_back(0);
      break;
    case PhysicalType::kInt32:
      i32_.push_back(0);
      break;
    case PhysicalType::kInt64:
      i64_.push_back(0);
      break;
    case PhysicalType::kFloat:
      f32_.push_back(0);
      break;
    case PhysicalType::kDouble:
      f64_.push_back(0);
      break;
    case PhysicalType::kByteArray:
    case PhysicalType::kFixedLenByteArray:
      offsets_.push_back(data_.size());
      break;
    case PhysicalType::kInt96:
      break;
  }
  nulls_.push_back(1);
  ++null_count_;
}

namespace {

template <typename T>
void AppendSlice(ValueBuffer<T>& to, const ValueBuffer<T>& from, size_t begin, size_t end) {
  to.insert(to.end(), from.begin() + static_cast<ptrdiff_t>(begin),
            from.begin() + static_cast<ptrdiff_t>(end));
}

}  // namespace

void ColumnVector::AppendRows(const ColumnVector& other, size_t begin, size_t end) {
  assert(other.type_ == type_ && begin <= end && end <= other.size());
  for (size_t i = begin; i < end; ++i) null_count_ += other.nulls_[i];
  AppendSlice(nulls_, other.nulls_, begin, end);
  switch (type_) {
    case PhysicalType::kBoolean:
      AppendSlice(bools_, other.bools_, begin, end);
      break;
    case PhysicalType::kInt32:
      AppendSlice(i32_, other.i32_, begin, end);
      break;
    case PhysicalType::kInt64:
      AppendSlice(i64_, other.i64_, begin, end);
      break;
    case PhysicalType::kFloat:
      AppendSlice(f32_, other.f32_, begin, end);
      break;
    case PhysicalType::kDouble:
      AppendSlice(f64_, other.f64_, begin, end);
      break;
    case PhysicalType::kByteArray:
    case PhysicalType::kFixedLenByteArray: {
      const uint64_t from = other.offsets_[begin];
      const uint64_t shift = data_.size() - from;
      data_.insert(data_.end(), other.data_.begin() + static_cast<ptrdiff_t>(from),
                   other.data_.begin() + static_cast<ptrdiff_t>(other.offsets_[end]));
      offsets_.reserve(offsets_.size() + (end - begin));
      for (size_t i = begin + 1; i <= end; ++i) offsets_.push_back(other.offsets_[i] + shift);
      break;
    }
    case PhysicalType::kInt96:
      break;
  }
}

bool ColumnVector::Consistent() const {
  const size_t n = nulls_.size();
  switch (type_) {
    case PhysicalType::kBoolean:
      return bools_.size() == n && i32_.empty() && i64_.empty() && f32_.empty() && f64_.empty() &&
             offsets_.size() == 1;
    case PhysicalType::kInt32:
      return i32_.size() == n && bools_.empty() && i64_.empty() && f32_.empty() && f64_.empty() &&
             offsets_.size() == 1;
    case PhysicalType::kInt64:
      return i64_.size() == n && bools_.empty() && i32_.empty() && f32_.empty() && f64_.empty() &&
             offsets_.size() == 1;
    case PhysicalType::kFloat:
      return f32_.size() == n && bools_.empty() && i32_.empty() && i64_.empty() && f64_.empty() &&
             offsets_.size() == 1;
    case PhysicalType::kDouble:
      return f64_.size() == n && bools_.empty() && i32_.empty() && i64_.empty() && f32_.empty() &&
             offsets_.size() == 1;
    case PhysicalType::kByteArray:
    case PhysicalType::kFixedLenByteArray:
      return offsets_.size() == n + 1 && offsets_.back() == data_.size() && bools_.empty() &&
             i32_.empty() && i64_.empty() && f32_.empty() && f64_.empty();
    case PhysicalType::kInt96:
      return false;
  }
  return false;
}

}  // namespace footfall::parquet
