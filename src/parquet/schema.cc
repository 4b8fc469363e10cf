#include "parquet/schema.h"

#include <set>

namespace footfall::parquet {

using Kind = LogicalType::Kind;

namespace {

ColumnSpec Spec(std::string name, PhysicalType type, LogicalType logical, bool optional) {
  ColumnSpec c;
  c.name = std::move(name);
  c.type = type;
  c.logical = logical;
  c.optional = optional;
  return c;
}

}  // namespace

ColumnSpec ColumnSpec::Boolean(std::string name, bool optional) {
  return Spec(std::move(name), PhysicalType::kBoolean, LogicalType::None(), optional);
}
ColumnSpec ColumnSpec::Int32(std::string name, bool optional) {
  return Spec(std::move(name), PhysicalType::kInt32, LogicalType::None(), optional);
}
ColumnSpec ColumnSpec::Int64(std::string name, bool optional) {
  return Spec(std::move(name), PhysicalType::kInt64, LogicalType::None(), optional);
}
ColumnSpec ColumnSpec::Float(std::string name, bool optional) {
  return Spec(std::move(name), PhysicalType::kFloat, LogicalType::None(), optional);
}
ColumnSpec ColumnSpec::Double(std::string name, bool optional) {
  return Spec(std::move(name), PhysicalType::kDouble, LogicalType::None(), optional);
}
ColumnSpec ColumnSpec::String(std::string name, bool optional) {
  return Spec(std::move(name), PhysicalType::kByteArray, LogicalType::String(), optional);
}
ColumnSpec ColumnSpec::Bytes(std::string name, bool optional) {
  return Spec(std::move(name), PhysicalType::kByteArray, LogicalType::None(), optional);
}
ColumnSpec ColumnSpec::TimestampMicros(std::string name, bool optional) {
  return Spec(std::move(name), PhysicalType::kInt64,
              LogicalType::Timestamp(TimeUnit::kMicros, true), optional);
}
ColumnSpec ColumnSpec::Date(std::string name, bool optional) {
  return Spec(std::move(name), PhysicalType::kInt32, LogicalType::Date(), optional);
}

ColumnSpec ColumnSpec::Decimal(std::string name, int32_t precision, int32_t scale, bool optional) {
  return Spec(std::move(name), precision <= 9 ? PhysicalType::kInt32 : PhysicalType::kInt64,
              LogicalType::Decimal(precision, scale), optional);
}

std::optional<size_t> Schema::Find(std::string_view name) const {
  for (size_t i = 0; i < columns.size(); ++i) {
    if (columns[i].name == name) return i;
  }
  return std::nullopt;
}

namespace {

bool LogicalFitsPhysical(const LogicalType& t, PhysicalType p) {
  switch (t.kind) {
    case Kind::kNone:
      return true;
    case Kind::kString:
    case Kind::kEnum:
    case Kind::kJson:
    case Kind::kBson:
      return p == PhysicalType::kByteArray;
    case Kind::kDate:
      return p == PhysicalType::kInt32;
    case Kind::kTimestamp:
      return p == PhysicalType::kInt64;
    case Kind::kTime:
      return t.unit == TimeUnit::kMillis ? p == PhysicalType::kInt32 : p == PhysicalType::kInt64;
    case Kind::kDecimal: {
      const int max_precision = p == PhysicalType::kInt32 ? 9 : p == PhysicalType::kInt64 ? 18 : 0;
      return t.precision >= 1 && t.precision <= max_precision && t.scale >= 0 &&
             t.scale <= t.precision;
    }
    case Kind::kInteger:
      if (p == PhysicalType::kInt32) {
        return t.bit_width == 8 || t.bit_width == 16 || t.bit_width == 32;
      }
      return p == PhysicalType::kInt64 && t.bit_width == 64;
    default:
      return false;
  }
}

std::optional<ConvertedType> ConvertedFor(const LogicalType& t) {
  switch (t.kind) {
    case Kind::kString:
      return ConvertedType::kUtf8;
    case Kind::kEnum:
      return ConvertedType::kEnum;
    case Kind::kJson:
      return ConvertedType::kJson;
    case Kind::kBson:
      return ConvertedType::kBson;
    case Kind::kDate:
      return ConvertedType::kDate;
    case Kind::kDecimal:
      return ConvertedType::kDecimal;
    // The converted timestamp and time types mean UTC-adjusted values; local ones have none.
    case Kind::kTimestamp:
      if (!t.adjusted_to_utc) return std::nullopt;
      if (t.unit == TimeUnit::kMillis) return ConvertedType::kTimestampMillis;
      if (t.unit == TimeUnit::kMicros) return ConvertedType::kTimestampMicros;
      return std::nullopt;
    case Kind::kTime:
      if (!t.adjusted_to_utc) return std::nullopt;
      if (t.unit == TimeUnit::kMillis) return ConvertedType::kTimeMillis;
      if (t.unit == TimeUnit::kMicros) return ConvertedType::kTimeMicros;
      return std::nullopt;
    case Kind::kInteger:
      switch (t.bit_width) {
        case 8:
          return t.is_signed ? ConvertedType::kInt8 : ConvertedType::kUint8;
        case 16:
          return t.is_signed ? ConvertedType::kInt16 : ConvertedType::kUint16;
        case 32:
          return t.is_signed ? ConvertedType::kInt32 : ConvertedType::kUint32;
        case 64:
          return t.is_signed ? ConvertedType::kInt64 : ConvertedType::kUint64;
        default:
          return std::nullopt;
      }
    default:
      return std::nullopt;
  }
}

// The logical type an old writer meant by a ConvertedType alone.
LogicalType FromConverted(const SchemaElement& e) {
  if (!e.converted_type) return {};
  switch (*e.converted_type) {
    case ConvertedType::kUtf8:
      return LogicalType::String();
    case ConvertedType::kEnum:
      return {.kind = Kind::kEnum};
    case ConvertedType::kJson:
      return {.kind = Kind::kJson};
    case ConvertedType::kBson:
      return {.kind = Kind::kBson};
    case ConvertedType::kDate:
      return LogicalType::Date();
    case ConvertedType::kDecimal:
      return LogicalType::Decimal(e.precision.value_or(0), e.scale.value_or(0));
    case ConvertedType::kTimestampMillis:
      return LogicalType::Timestamp(TimeUnit::kMillis, true);
    case ConvertedType::kTimestampMicros:
      return LogicalType::Timestamp(TimeUnit::kMicros, true);
    case ConvertedType::kTimeMillis:
      return {.kind = Kind::kTime, .unit = TimeUnit::kMillis};
    case ConvertedType::kTimeMicros:
      return {.kind = Kind::kTime, .unit = TimeUnit::kMicros};
    case ConvertedType::kInt8:
      return LogicalType::Integer(8, true);
    case ConvertedType::kInt16:
      return LogicalType::Integer(16, true);
    case ConvertedType::kInt32:
      return LogicalType::Integer(32, true);
    case ConvertedType::kInt64:
      return LogicalType::Integer(64, true);
    case ConvertedType::kUint8:
      return LogicalType::Integer(8, false);
    case ConvertedType::kUint16:
      return LogicalType::Integer(16, false);
    case ConvertedType::kUint32:
      return LogicalType::Integer(32, false);
    case ConvertedType::kUint64:
      return LogicalType::Integer(64, false);
    default:
      return {.kind = Kind::kOther};
  }
}

}  // namespace

Status ValidateSchemaForWriting(const Schema& schema) {
  if (schema.columns.empty()) return InvalidArgument("a Parquet schema needs at least one column");
  std::set<std::string_view> names;
  for (const ColumnSpec& c : schema.columns) {
    if (c.name.empty()) return InvalidArgument("a Parquet column needs a name");
    if (!names.insert(c.name).second) {
      return InvalidArgument("Parquet column name '" + c.name + "' is used twice");
    }
    switch (c.type) {
      case PhysicalType::kBoolean:
      case PhysicalType::kInt32:
      case PhysicalType::kInt64:
      case PhysicalType::kFloat:
      case PhysicalType::kDouble:
      case PhysicalType::kByteArray:
        break;
      default:
        return InvalidArgument("Parquet column '" + c.name + "': footfall does not write " +
                               std::string(PhysicalTypeName(c.type)));
    }
    if (!LogicalFitsPhysical(c.logical, c.type)) {
      return InvalidArgument("Parquet column '" + c.name + "': logical type " +
                             LogicalTypeToString(c.logical) + " cannot annotate " +
                             std::string(PhysicalTypeName(c.type)));
    }
  }
  return Status::Ok();
}

std::vector<SchemaElement> ToSchemaElements(const Schema& schema) {
  std::vector<SchemaElement> out;
  out.reserve(schema.columns.size() + 1);
  SchemaElement root;
  root.name = "schema";
  root.num_children = static_cast<int32_t>(schema.columns.size());
  out.push_back(std::move(root));
  for (const ColumnSpec& c : schema.columns) {
    SchemaElement e;
    e.type = c.type;
    e.repetition_type = c.optional ? Repetition::kOptional : Repetition::kRequired;
    e.name = c.name;
    if (c.type == PhysicalType::kFixedLenByteArray) e.type_length = c.type_length;
    if (c.logical.kind != Kind::kNone) {
      e.logical_type = c.logical;
      e.converted_type = ConvertedFor(c.logical);
      if (c.logical.kind == Kind::kDecimal) {
        e.scale = c.logical.scale;
        e.precision = c.logical.precision;
      }
    }
    out.push_back(std::move(e));
  }
  return out;
}

Result<Schema> FromSchemaElements(const std::vector<SchemaElement>& elements) {
  if (elements.empty()) return Corruption("schema has no root element");
  Schema schema;
  for (size_t i = 1; i < elements.size(); ++i) {
    const SchemaElement& e = elements[i];
    if (e.num_children) {
      return Unimplemented("column '" + e.name + "' is a nested group; only flat schemas are read");
    }
    if (!e.repetition_type) return Corruption("column '" + e.name + "' has no repetition type");
    if (*e.repetition_type == Repetition::kRepeated) {
      return Unimplemented("column '" + e.name + "' is repeated; only flat schemas are read");
    }
    if (*e.repetition_type != Repetition::kRequired &&
        *e.repetition_type != Repetition::kOptional) {
      return Corruption("column '" + e.name + "' has an unknown repetition type");
    }
    if (!e.type) return Corruption("column '" + e.name + "' has no physical type");
    const auto t = static_cast<int32_t>(*e.type);
    if (t < 0 || t > static_cast<int32_t>(PhysicalType::kFixedLenByteArray)) {
      return Corruption("column '" + e.name + "' has unknown physical type " + std::to_string(t));
    }
    ColumnSpec c;
    c.name = e.name;
    c.type = *e.type;
    c.optional = *e.repetition_type == Repetition::kOptional;
    if (c.type == PhysicalType::kFixedLenByteArray) {
      if (!e.type_length || *e.type_length <= 0) {
        return Corruption("FIXED_LEN_BYTE_ARRAY column '" + e.name + "' has no length");
      }
      c.type_length = *e.type_length;
    }
    if (e.logical_type) {
      c.logical = *e.logical_type;
    } else {
      c.logical = FromConverted(e);
    }
    schema.columns.push_back(std::move(c));
  }
  const SchemaElement& root = elements[0];
  if (!root.num_children || static_cast<size_t>(*root.num_children) != elements.size() - 1) {
    return Corruption("schema root claims " + std::to_string(root.num_children.value_or(-1)) +
                      " columns but the schema lists " + std::to_string(elements.size() - 1));
  }
  return schema;
}

}  // namespace footfall::parquet
