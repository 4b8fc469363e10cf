// The flat schema of a footfall Parquet file: named columns of a physical type, an optional
// logical type, required or optional. Nested groups and repeated fields are not supported.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "parquet/format.h"
#include "parquet/metadata.h"

namespace footfall::parquet {

struct ColumnSpec {
  std::string name;
  PhysicalType type = PhysicalType::kInt64;
  LogicalType logical;
  bool optional = false;    // may hold nulls
  int32_t type_length = 0;  // bytes per value, FIXED_LEN_BYTE_ARRAY only

  // The column types footfall writes.
  static ColumnSpec Boolean(std::string name, bool optional = false);
  static ColumnSpec Int32(std::string name, bool optional = false);
  static ColumnSpec Int64(std::string name, bool optional = false);
  static ColumnSpec Float(std::string name, bool optional = false);
  static ColumnSpec Double(std::string name, bool optional = false);
  // BYTE_ARRAY annotated STRING: UTF-8 text.
  static ColumnSpec String(std::string name, bool optional = false);
  // BYTE_ARRAY without annotation: opaque bytes.
  static ColumnSpec Bytes(std::string name, bool optional = false);
  // INT64 microseconds since the Unix epoch, UTC: TIMESTAMP(MICROS, isAdjustedToUTC=true).
  static ColumnSpec TimestampMicros(std::string name, bool optional = false);
  // INT32 days since the Unix epoch: DATE.
  static ColumnSpec Date(std::string name, bool optional = false);
  // DECIMAL(precision, scale): the unscaled value in INT32 for a precision up to 9, else in
  // INT64 (up to 18), as the format recommends. Precision 1-18, scale 0-precision; others make
  // a spec that ValidateSchemaForWriting refuses.
  static ColumnSpec Decimal(std::string name, int32_t precision, int32_t scale,
                            bool optional = false);

  bool operator==(const ColumnSpec&) const = default;
};

struct Schema {
  std::vector<ColumnSpec> columns;

  // The index of the column named `name`, if any.
  std::optional<size_t> Find(std::string_view name) const;
  bool operator==(const Schema&) const = default;
};

// kInvalidArgument naming the column when `schema` cannot be written: no columns, an empty or
// repeated name, a physical type the writer does not write (INT96, FIXED_LEN_BYTE_ARRAY) or a
// logical type that does not fit its physical type.
Status ValidateSchemaForWriting(const Schema& schema);

// The SchemaElements (root first) that describe `schema` in a footer, each with its LogicalType
// and the matching ConvertedType for older readers.
std::vector<SchemaElement> ToSchemaElements(const Schema& schema);

// The flat schema a footer describes. kUnimplemented for nested groups and repeated fields;
// kCorruption when the elements do not form a schema tree.
Result<Schema> FromSchemaElements(const std::vector<SchemaElement>& elements);

}  // namespace footfall::parquet
