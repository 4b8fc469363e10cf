// Column chunk statistics: computed by the writer in the order the format defines for the
// column's type (ColumnOrder TYPE_ORDER), stored PLAIN-encoded without a length prefix, and
// decoded back to typed values for readers that prune by them.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <variant>

#include "base/status.h"
#include "parquet/column_vector.h"
#include "parquet/metadata.h"
#include "parquet/schema.h"

namespace footfall::parquet {

// Statistics of `values`, a column of type `spec`:
// - null_count always;
// - min_value/max_value over the non-null values in the column's sort order: signed for INT32
//   and INT64 (unsigned under an unsigned INTEGER annotation), false < true, numeric for FLOAT
//   and DOUBLE with NaN left out (and nan_count set), unsigned bytewise for BYTE_ARRAY;
// - byte arrays longer than `max_binary_bytes` are bounded by a shorter prefix (min) and a
//   shorter value above the max (max; left out when none exists), cut at UTF-8 character
//   boundaries and marked not exact;
// - the deprecated min/max, whose order is always signed, where that order is the column's.
Statistics ComputeStatistics(const ColumnSpec& spec, const ColumnVector& values,
                             size_t max_binary_bytes);

// A statistics value of a column of the given physical type.
using StatValue = std::variant<bool, int32_t, int64_t, float, double, std::string>;

// Decodes a PLAIN-encoded statistics value (min_value, max_value). kCorruption when its size
// does not fit the type; kUnimplemented for INT96.
Result<StatValue> DecodeStatValue(PhysicalType type, std::string_view bytes);

}  // namespace footfall::parquet
