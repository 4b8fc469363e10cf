#include "parquet/statistics.h"

#include <bit>
#include <cmath>
#include <cstring>
#include <functional>
#include <optional>
#include <span>

namespace footfall::parquet {
namespace {

static_assert(std::endian::native == std::endian::little,
              "PLAIN values are little-endian; this code copies them as they are in memory");

template <typename T>
std::string PlainBytes(T v) {
  std::string s(sizeof(T), '\0');
  std::memcpy(s.data(), &v, sizeof(T));
  return s;
}

void SetMinMax(Statistics* s, std::string min, std::string max, bool signed_order) {
  if (signed_order) {
    s->min = min;
    s->max = max;
  }
  s->min_value = std::move(min);
  s->max_value = std::move(max);
  s->is_min_value_exact = true;
  s->is_max_value_exact = true;
}

template <typename T, typename Less>
void IntegerStats(std::span<const T> values, std::span<const uint8_t> nulls, bool signed_order,
                  Less less, Statistics* s) {
  bool any = false;
  T lo{}, hi{};
  for (size_t i = 0; i < values.size(); ++i) {
    if (nulls[i]) continue;
    const T v = values[i];
    if (!any) {
      lo = hi = v;
      any = true;
    } else {
      if (less(v, lo)) lo = v;
      if (less(hi, v)) hi = v;
    }
  }
  if (any) SetMinMax(s, PlainBytes(lo), PlainBytes(hi), signed_order);
}

template <typename T>
void FloatStats(std::span<const T> values, std::span<const uint8_t> nulls, Statistics* s) {
  bool any = false;
  int64_t nans = 0;
  T lo{}, hi{};
  for (size_t i = 0; i < values.size(); ++i) {
    if (nulls[i]) continue;
    const T v = values[i];
    if (std::isnan(v)) {
      ++nans;
      continue;
    }
    if (!any) {
      lo = hi = v;
      any = true;
    } else {
      if (v < lo) lo = v;
      if (v > hi) hi = v;
    }
  }
  s->nan_count = nans;
  if (!any) return;
  // The format asks for -0 as a zero min and +0 as a zero max, so that a reader looking for
  // either zero is not misled by the sign the data happened to hold.
  if (lo == 0) lo = -T{0};
  if (hi == 0) hi = T{0};
  SetMinMax(s, PlainBytes(lo), PlainBytes(hi), true);
}

bool IsContinuation(char c) { return (static_cast<uint8_t>(c) & 0xc0) == 0x80; }

// The longest prefix of `v` of at most `limit` bytes that ends on a character boundary.
std::string_view PrefixAtBoundary(std::string_view v, size_t limit) {
  size_t cut = limit;
  while (cut > 0 && IsContinuation(v[cut])) --cut;
  return v.substr(0, cut);
}

// A string of at most `limit` bytes that sorts above every string starting with the first
// `limit` bytes of `v` (so above `v`), or nothing when there is none: the prefix cut after an
// ASCII character other than DEL, which is then incremented, keeping it valid UTF-8.
std::optional<std::string> UpperBound(std::string_view v, size_t limit) {
  std::string_view p = PrefixAtBoundary(v, limit);
  for (size_t k = p.size(); k > 0; --k) {
    const auto c = static_cast<uint8_t>(p[k - 1]);
    if (c < 0x7f) {
      std::string out(p.substr(0, k));
      out.back() = static_cast<char>(c + 1);
      return out;
    }
  }
  return std::nullopt;
}

void BytesStats(const ColumnVector& values, size_t limit, Statistics* s) {
  bool any = false;
  std::string_view lo, hi;
  const auto nulls = values.null_flags();
  for (size_t i = 0; i < values.size(); ++i) {
    if (nulls[i]) continue;
    const std::string_view v = values.GetBytes(i);
    if (!any) {
      lo = hi = v;
      any = true;
    } else {
      // string_view compares with char_traits<char>, which is memcmp: unsigned bytes.
      if (v < lo) lo = v;
      if (v > hi) hi = v;
    }
  }
  if (!any) return;
  if (lo.size() <= limit) {
    s->min_value = std::string(lo);
    s->is_min_value_exact = true;
  } else {
    s->min_value = std::string(PrefixAtBoundary(lo, limit));
    s->is_min_value_exact = false;
  }
  if (hi.size() <= limit) {
    s->max_value = std::string(hi);
    s->is_max_value_exact = true;
  } else if (auto bound = UpperBound(hi, limit)) {
    s->max_value = std::move(*bound);
    s->is_max_value_exact = false;
  }
}

}  // namespace

Statistics ComputeStatistics(const ColumnSpec& spec, const ColumnVector& values,
                             size_t max_binary_bytes) {
  Statistics s;
  s.null_count = 0;
  for (uint8_t n : values.null_flags()) *s.null_count += n;
  const auto nulls = values.null_flags();
  const bool unsigned_int =
      spec.logical.kind == LogicalType::Kind::kInteger && !spec.logical.is_signed;
  switch (spec.type) {
    case PhysicalType::kBoolean:
      IntegerStats<uint8_t>(values.bools(), nulls, true, std::less<uint8_t>(), &s);
      // A lone PLAIN boolean is one byte holding 0 or 1, as the vector keeps it.
      break;
    case PhysicalType::kInt32:
      if (unsigned_int) {
        IntegerStats<int32_t>(
            values.int32s(), nulls, false,
            [](int32_t a, int32_t b) { return uint32_t(a) < uint32_t(b); }, &s);
      } else {
        IntegerStats<int32_t>(values.int32s(), nulls, true, std::less<int32_t>(), &s);
      }
      break;
    case PhysicalType::kInt64:
      if (unsigned_int) {
        IntegerStats<int64_t>(
            values.int64s(), nulls, false,
            [](int64_t a, int64_t b) { return uint64_t(a) < uint64_t(b); }, &s);
      } else {
        IntegerStats<int64_t>(values.int64s(), nulls, true, std::less<int64_t>(), &s);
      }
      break;
    case PhysicalType::kFloat:
      FloatStats<float>(values.floats(), nulls, &s);
      break;
    case PhysicalType::kDouble:
      FloatStats<double>(values.doubles(), nulls, &s);
      break;
    case PhysicalType::kByteArray:
    case PhysicalType::kFixedLenByteArray:
      BytesStats(values, max_binary_bytes, &s);
      break;
    case PhysicalType::kInt96:
      break;
  }
  return s;
}

Result<StatValue> DecodeStatValue(PhysicalType type, std::string_view bytes) {
  auto fixed = [&](size_t size) -> Status {
    if (bytes.size() != size) {
      return Corruption("statistics value of " + std::to_string(bytes.size()) + " bytes for a " +
                        std::string(PhysicalTypeName(type)) + " column");
    }
    return Status::Ok();
  };
  switch (type) {
    case PhysicalType::kBoolean: {
      FOOTFALL_RETURN_IF_ERROR(fixed(1));
      return StatValue(bytes[0] != 0);
    }
    case PhysicalType::kInt32: {
      FOOTFALL_RETURN_IF_ERROR(fixed(4));
      int32_t v = 0;
      std::memcpy(&v, bytes.data(), 4);
      return StatValue(v);
    }
    case PhysicalType::kInt64: {
      FOOTFALL_RETURN_IF_ERROR(fixed(8));
      int64_t v = 0;
      std::memcpy(&v, bytes.data(), 8);
      return StatValue(v);
    }
    case PhysicalType::kFloat: {
      FOOTFALL_RETURN_IF_ERROR(fixed(4));
      float v = 0;
      std::memcpy(&v, bytes.data(), 4);
      return StatValue(v);
    }
    case PhysicalType::kDouble: {
      FOOTFALL_RETURN_IF_ERROR(fixed(8));
      double v = 0;
      std::memcpy(&v, bytes.data(), 8);
      return StatValue(v);
    }
    case PhysicalType::kByteArray:
    case PhysicalType::kFixedLenByteArray:
      return StatValue(std::string(bytes));
    case PhysicalType::kInt96:
      break;
  }
  return Unimplemented("statistics of " + std::string(PhysicalTypeName(type)) + " columns");
}

}  // namespace footfall::parquet
