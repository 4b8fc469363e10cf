#include "parquet/metadata.h"

#include <algorithm>

#include "parquet/thrift_compact.h"

namespace footfall::parquet {

using thrift::CompactReader;
using thrift::CompactWriter;
using thrift::CType;
using thrift::FieldHeader;
using thrift::ListHeader;

std::string LogicalTypeToString(const LogicalType& t) {
  using Kind = LogicalType::Kind;
  auto unit = [&] {
    switch (t.unit) {
      case TimeUnit::kMillis:
        return "MILLIS";
      case TimeUnit::kMicros:
        return "MICROS";
      case TimeUnit::kNanos:
        return "NANOS";
    }
    return "?";
  };
  switch (t.kind) {
    case Kind::kNone:
      return "NONE";
    case Kind::kString:
      return "STRING";
    case Kind::kMap:
      return "MAP";
    case Kind::kList:
      return "LIST";
    case Kind::kEnum:
      return "ENUM";
    case Kind::kDecimal:
      return "DECIMAL(" + std::to_string(t.precision) + "," + std::to_string(t.scale) + ")";
    case Kind::kDate:
      return "DATE";
    case Kind::kTime:
      return std::string("TIME(") + unit() + (t.adjusted_to_utc ? ",UTC)" : ",local)");
    case Kind::kTimestamp:
      return std::string("TIMESTAMP(") + unit() + (t.adjusted_to_utc ? ",UTC)" : ",local)");
    case Kind::kInteger:
      return "INT(" + std::to_string(t.bit_width) + (t.is_signed ? ",signed)" : ",unsigned)");
    case Kind::kUnknown:
      return "UNKNOWN";
    case Kind::kJson:
      return "JSON";
    case Kind::kBson:
      return "BSON";
    case Kind::kUuid:
      return "UUID";
    case Kind::kFloat16:
      return "FLOAT16";
    case Kind::kOther:
      return "OTHER";
  }
  return "?";
}

// ---------------------------------------------------------------------------------------------
// Encoding.

namespace {

void EmptyStructField(CompactWriter& w, int16_t id) {
  w.StructField(id);
  w.StructEnd();
}

void EncodeStatistics(CompactWriter& w, const Statistics& s) {
  if (s.max) w.BinaryField(1, *s.max);
  if (s.min) w.BinaryField(2, *s.min);
  if (s.null_count) w.I64Field(3, *s.null_count);
  if (s.distinct_count) w.I64Field(4, *s.distinct_count);
  if (s.max_value) w.BinaryField(5, *s.max_value);
  if (s.min_value) w.BinaryField(6, *s.min_value);
  if (s.is_max_value_exact) w.BoolField(7, *s.is_max_value_exact);
  if (s.is_min_value_exact) w.BoolField(8, *s.is_min_value_exact);
  if (s.nan_count) w.I64Field(9, *s.nan_count);
  w.StructEnd();
}

void EncodeTimeUnitField(CompactWriter& w, int16_t id, TimeUnit unit) {
  w.StructField(id);
  switch (unit) {
    case TimeUnit::kMillis:
      EmptyStructField(w, 1);
      break;
    case TimeUnit::kMicros:
      EmptyStructField(w, 2);
      break;
    case TimeUnit::kNanos:
      EmptyStructField(w, 3);
      break;
  }
  w.StructEnd();
}

// Writes field 10 of a SchemaElement, or nothing for kNone and kOther (which cannot be spelled).
void EncodeLogicalTypeField(CompactWriter& w, const LogicalType& t) {
  using Kind = LogicalType::Kind;
  if (t.kind == Kind::kNone || t.kind == Kind::kOther) return;
  w.StructField(10);
  switch (t.kind) {
    case Kind::kString:
      EmptyStructField(w, 1);
      break;
    case Kind::kMap:
      EmptyStructField(w, 2);
      break;
    case Kind::kList:
      EmptyStructField(w, 3);
      break;
    case Kind::kEnum:
      EmptyStructField(w, 4);
      break;
    case Kind::kDecimal:
      w.StructField(5);
      w.I32Field(1, t.scale);
      w.I32Field(2, t.precision);
      w.StructEnd();
      break;
    case Kind::kDate:
      EmptyStructField(w, 6);
      break;
    case Kind::kTime:
    case Kind::kTimestamp:
      w.StructField(t.kind == Kind::kTime ? 7 : 8);
      w.BoolField(1, t.adjusted_to_utc);
      EncodeTimeUnitField(w, 2, t.unit);
      w.StructEnd();
      break;
    case Kind::kInteger:
      w.StructField(10);
      w.I8Field(1, t.bit_width);
      w.BoolField(2, t.is_signed);
      w.StructEnd();
      break;
    case Kind::kUnknown:
      EmptyStructField(w, 11);
      break;
    case Kind::kJson:
      EmptyStructField(w, 12);
      break;
    case Kind::kBson:
      EmptyStructField(w, 13);
      break;
    case Kind::kUuid:
      EmptyStructField(w, 14);
      break;
    case Kind::kFloat16:
      EmptyStructField(w, 15);
      break;
    case Kind::kNone:
    case Kind::kOther:
      break;
  }
  w.StructEnd();
}

void EncodeSchemaElement(CompactWriter& w, const SchemaElement& e) {
  w.StructBegin();
  if (e.type) w.I32Field(1, static_cast<int32_t>(*e.type));
  if (e.type_length) w.I32Field(2, *e.type_length);
  if (e.repetition_type) w.I32Field(3, static_cast<int32_t>(*e.repetition_type));
  w.BinaryField(4, e.name);
  if (e.num_children) w.I32Field(5, *e.num_children);
  if (e.converted_type) w.I32Field(6, static_cast<int32_t>(*e.converted_type));
  if (e.scale) w.I32Field(7, *e.scale);
  if (e.precision) w.I32Field(8, *e.precision);
  if (e.field_id) w.I32Field(9, *e.field_id);
  if (e.logical_type) EncodeLogicalTypeField(w, *e.logical_type);
  w.StructEnd();
}

void EncodeKeyValues(CompactWriter& w, int16_t id, const std::vector<KeyValue>& kvs) {
  w.ListField(id, CType::kStruct, kvs.size());
  for (const KeyValue& kv : kvs) {
    w.StructBegin();
    w.BinaryField(1, kv.key);
    if (kv.value) w.BinaryField(2, *kv.value);
    w.StructEnd();
  }
}

void EncodeColumnMetaData(CompactWriter& w, const ColumnMetaData& m) {
  w.I32Field(1, static_cast<int32_t>(m.type));
  w.ListField(2, CType::kI32, m.encodings.size());
  for (Encoding e : m.encodings) w.I32(static_cast<int32_t>(e));
  w.ListField(3, CType::kBinary, m.path_in_schema.size());
  for (const std::string& p : m.path_in_schema) w.Binary(p);
  w.I32Field(4, static_cast<int32_t>(m.codec));
  w.I64Field(5, m.num_values);
  w.I64Field(6, m.total_uncompressed_size);
  w.I64Field(7, m.total_compressed_size);
  if (!m.key_value_metadata.empty()) EncodeKeyValues(w, 8, m.key_value_metadata);
  w.I64Field(9, m.data_page_offset);
  if (m.index_page_offset) w.I64Field(10, *m.index_page_offset);
  if (m.dictionary_page_offset) w.I64Field(11, *m.dictionary_page_offset);
  if (m.statistics) {
    w.StructField(12);
    EncodeStatistics(w, *m.statistics);
  }
  if (!m.encoding_stats.empty()) {
    w.ListField(13, CType::kStruct, m.encoding_stats.size());
    for (const PageEncodingStats& s : m.encoding_stats) {
      w.StructBegin();
      w.I32Field(1, static_cast<int32_t>(s.page_type));
      w.I32Field(2, static_cast<int32_t>(s.encoding));
      w.I32Field(3, s.count);
      w.StructEnd();
    }
  }
  w.StructEnd();
}

void EncodeRowGroup(CompactWriter& w, const RowGroup& g) {
  w.StructBegin();
  w.ListField(1, CType::kStruct, g.columns.size());
  for (const ColumnChunk& c : g.columns) {
    w.StructBegin();
    if (c.file_path) w.BinaryField(1, *c.file_path);
    w.I64Field(2, c.file_offset);
    if (c.meta_data) {
      w.StructField(3);
      EncodeColumnMetaData(w, *c.meta_data);
    }
    w.StructEnd();
  }
  w.I64Field(2, g.total_byte_size);
  w.I64Field(3, g.num_rows);
  if (g.file_offset) w.I64Field(5, *g.file_offset);
  if (g.total_compressed_size) w.I64Field(6, *g.total_compressed_size);
  if (g.ordinal) w.I16Field(7, *g.ordinal);
  w.StructEnd();
}

}  // namespace

void EncodeFileMetaData(const FileMetaData& m, std::string* out) {
  CompactWriter w(out);
  w.StructBegin();
  w.I32Field(1, m.version);
  w.ListField(2, CType::kStruct, m.schema.size());
  for (const SchemaElement& e : m.schema) EncodeSchemaElement(w, e);
  w.I64Field(3, m.num_rows);
  w.ListField(4, CType::kStruct, m.row_groups.size());
  for (const RowGroup& g : m.row_groups) EncodeRowGroup(w, g);
  if (!m.key_value_metadata.empty()) EncodeKeyValues(w, 5, m.key_value_metadata);
  if (m.created_by) w.BinaryField(6, *m.created_by);
  if (!m.column_orders.empty()) {
    w.ListField(7, CType::kStruct, m.column_orders.size());
    for (ColumnOrder o : m.column_orders) {
      w.StructBegin();
      EmptyStructField(w, o == ColumnOrder::kIeee754Total ? 2 : 1);
      w.StructEnd();
    }
  }
  w.StructEnd();
}

void EncodePageHeader(const PageHeader& h, std::string* out) {
  CompactWriter w(out);
  w.StructBegin();
  w.I32Field(1, static_cast<int32_t>(h.type));
  w.I32Field(2, h.uncompressed_page_size);
  w.I32Field(3, h.compressed_page_size);
  if (h.crc) w.I32Field(4, *h.crc);
  if (h.data_page_header) {
    const DataPageHeader& d = *h.data_page_header;
    w.StructField(5);
    w.I32Field(1, d.num_values);
    w.I32Field(2, static_cast<int32_t>(d.encoding));
    w.I32Field(3, static_cast<int32_t>(d.definition_level_encoding));
    w.I32Field(4, static_cast<int32_t>(d.repetition_level_encoding));
    if (d.statistics) {
      w.StructField(5);
      EncodeStatistics(w, *d.statistics);
    }
    w.StructEnd();
  }
  if (h.dictionary_page_header) {
    const DictionaryPageHeader& d = *h.dictionary_page_header;
    w.StructField(7);
    w.I32Field(1, d.num_values);
    w.I32Field(2, static_cast<int32_t>(d.encoding));
    if (d.is_sorted) w.BoolField(3, *d.is_sorted);
    w.StructEnd();
  }
  if (h.data_page_header_v2) {
    const DataPageHeaderV2& d = *h.data_page_header_v2;
    w.StructField(8);
    w.I32Field(1, d.num_values);
    w.I32Field(2, d.num_nulls);
    w.I32Field(3, d.num_rows);
    w.I32Field(4, static_cast<int32_t>(d.encoding));
    w.I32Field(5, d.definition_levels_byte_length);
    w.I32Field(6, d.repetition_levels_byte_length);
    w.BoolField(7, d.is_compressed);
    if (d.statistics) {
      w.StructField(8);
      EncodeStatistics(w, *d.statistics);
    }
    w.StructEnd();
  }
  w.StructEnd();
}

// ---------------------------------------------------------------------------------------------
// Decoding. Each Decode* reads one struct value whose first byte is at the reader's position.

namespace {

Status WrongType(const char* field) {
  return Corruption(std::string("thrift: field ") + field + " has the wrong wire type");
}

Status Missing(const char* strukt, const char* field) {
  return Corruption(std::string("thrift: ") + strukt + " misses required field " + field);
}

Status ReadI32Field(CompactReader& r, const FieldHeader& f, const char* name, int32_t* v) {
  if (f.type != CType::kI32) return WrongType(name);
  return r.ReadI32(v);
}

Status ReadI64Field(CompactReader& r, const FieldHeader& f, const char* name, int64_t* v) {
  if (f.type != CType::kI64) return WrongType(name);
  return r.ReadI64(v);
}

Status ReadBoolField(const FieldHeader& f, const char* name, bool* v) {
  if (f.type != CType::kBoolTrue && f.type != CType::kBoolFalse) return WrongType(name);
  *v = f.type == CType::kBoolTrue;
  return Status::Ok();
}

Status ReadStringField(CompactReader& r, const FieldHeader& f, const char* name, std::string* v) {
  if (f.type != CType::kBinary) return WrongType(name);
  std::string_view s;
  FOOTFALL_RETURN_IF_ERROR(r.ReadBinary(&s));
  v->assign(s);
  return Status::Ok();
}

template <typename T>
Status ReadOptional(Status (*read)(CompactReader&, const FieldHeader&, const char*, T*),
                    CompactReader& r, const FieldHeader& f, const char* name, std::optional<T>* v) {
  T x{};
  FOOTFALL_RETURN_IF_ERROR(read(r, f, name, &x));
  *v = std::move(x);
  return Status::Ok();
}

template <typename E>
Status ReadEnumField(CompactReader& r, const FieldHeader& f, const char* name, E* v) {
  int32_t x = 0;
  FOOTFALL_RETURN_IF_ERROR(ReadI32Field(r, f, name, &x));
  *v = static_cast<E>(x);
  return Status::Ok();
}

Status ExpectStruct(const FieldHeader& f, const char* name) {
  return f.type == CType::kStruct ? Status::Ok() : WrongType(name);
}

Status ExpectList(CompactReader& r, const FieldHeader& f, const char* name, CType element,
                  ListHeader* h) {
  if (f.type != CType::kList) return WrongType(name);
  FOOTFALL_RETURN_IF_ERROR(r.ReadListHeader(h));
  if (h->size > 0 && h->element != element) return WrongType(name);
  return Status::Ok();
}

// Decodes `size` list elements with `decode`, appending each once it is whole: memory grows
// with what the input holds, not with the size a damaged list header claims.
template <typename T, typename Decode>
Status DecodeList(uint32_t size, std::vector<T>* out, Decode decode) {
  out->clear();
  out->reserve(std::min<uint32_t>(size, 1024));
  for (uint32_t i = 0; i < size; ++i) {
    T v{};
    FOOTFALL_RETURN_IF_ERROR(decode(&v));
    out->push_back(std::move(v));
  }
  return Status::Ok();
}

// Reads the fields of an empty struct (a union member without parameters), skipping any a
// newer writer added.
Status SkipStructBody(CompactReader& r) { return r.Skip(CType::kStruct); }

Status DecodeStatistics(CompactReader& r, Statistics* s) {
  FOOTFALL_RETURN_IF_ERROR(r.StructBegin());
  for (;;) {
    FieldHeader f;
    FOOTFALL_RETURN_IF_ERROR(r.ReadFieldHeader(&f));
    if (f.type == CType::kStop) break;
    switch (f.id) {
      case 1:
        FOOTFALL_RETURN_IF_ERROR(ReadOptional(ReadStringField, r, f, "Statistics.max", &s->max));
        break;
      case 2:
        FOOTFALL_RETURN_IF_ERROR(ReadOptional(ReadStringField, r, f, "Statistics.min", &s->min));
        break;
      case 3:
        FOOTFALL_RETURN_IF_ERROR(
            ReadOptional(ReadI64Field, r, f, "Statistics.null_count", &s->null_count));
        break;
      case 4:
        FOOTFALL_RETURN_IF_ERROR(
            ReadOptional(ReadI64Field, r, f, "Statistics.distinct_count", &s->distinct_count));
        break;
      case 5:
        FOOTFALL_RETURN_IF_ERROR(
            ReadOptional(ReadStringField, r, f, "Statistics.max_value", &s->max_value));
        break;
      case 6:
        FOOTFALL_RETURN_IF_ERROR(
            ReadOptional(ReadStringField, r, f, "Statistics.min_value", &s->min_value));
        break;
      case 7: {
        bool b = false;
        FOOTFALL_RETURN_IF_ERROR(ReadBoolField(f, "Statistics.is_max_value_exact", &b));
        s->is_max_value_exact = b;
        break;
      }
      case 8: {
        bool b = false;
        FOOTFALL_RETURN_IF_ERROR(ReadBoolField(f, "Statistics.is_min_value_exact", &b));
        s->is_min_value_exact = b;
        break;
      }
      case 9:
        FOOTFALL_RETURN_IF_ERROR(
            ReadOptional(ReadI64Field, r, f, "Statistics.nan_count", &s->nan_count));
        break;
      default:
        FOOTFALL_RETURN_IF_ERROR(r.Skip(f.type));
    }
  }
  r.StructEnd();
  return Status::Ok();
}

// TimeUnit union: the member's id says the unit.
Status DecodeTimeUnit(CompactReader& r, TimeUnit* unit, bool* known) {
  FOOTFALL_RETURN_IF_ERROR(r.StructBegin());
  for (;;) {
    FieldHeader f;
    FOOTFALL_RETURN_IF_ERROR(r.ReadFieldHeader(&f));
    if (f.type == CType::kStop) break;
    if (f.type == CType::kStruct && f.id >= 1 && f.id <= 3) {
      *unit = f.id == 1 ? TimeUnit::kMillis : f.id == 2 ? TimeUnit::kMicros : TimeUnit::kNanos;
      *known = true;
      FOOTFALL_RETURN_IF_ERROR(SkipStructBody(r));
    } else {
      FOOTFALL_RETURN_IF_ERROR(r.Skip(f.type));
    }
  }
  r.StructEnd();
  return Status::Ok();
}

// TimeType or TimestampType.
Status DecodeTimeParams(CompactReader& r, LogicalType* t) {
  FOOTFALL_RETURN_IF_ERROR(r.StructBegin());
  bool have_utc = false, have_unit = false;
  for (;;) {
    FieldHeader f;
    FOOTFALL_RETURN_IF_ERROR(r.ReadFieldHeader(&f));
    if (f.type == CType::kStop) break;
    if (f.id == 1) {
      FOOTFALL_RETURN_IF_ERROR(
          ReadBoolField(f, "TimestampType.isAdjustedToUTC", &t->adjusted_to_utc));
      have_utc = true;
    } else if (f.id == 2) {
      FOOTFALL_RETURN_IF_ERROR(ExpectStruct(f, "TimestampType.unit"));
      FOOTFALL_RETURN_IF_ERROR(DecodeTimeUnit(r, &t->unit, &have_unit));
    } else {
      FOOTFALL_RETURN_IF_ERROR(r.Skip(f.type));
    }
  }
  r.StructEnd();
  if (!have_utc) return Missing("TimestampType", "isAdjustedToUTC");
  // A unit this code does not know makes the annotation unusable, not the file corrupt.
  if (!have_unit) t->kind = LogicalType::Kind::kOther;
  return Status::Ok();
}

Status DecodeDecimalParams(CompactReader& r, LogicalType* t) {
  FOOTFALL_RETURN_IF_ERROR(r.StructBegin());
  bool have_scale = false, have_precision = false;
  for (;;) {
    FieldHeader f;
    FOOTFALL_RETURN_IF_ERROR(r.ReadFieldHeader(&f));
    if (f.type == CType::kStop) break;
    if (f.id == 1) {
      FOOTFALL_RETURN_IF_ERROR(ReadI32Field(r, f, "DecimalType.scale", &t->scale));
      have_scale = true;
    } else if (f.id == 2) {
      FOOTFALL_RETURN_IF_ERROR(ReadI32Field(r, f, "DecimalType.precision", &t->precision));
      have_precision = true;
    } else {
      FOOTFALL_RETURN_IF_ERROR(r.Skip(f.type));
    }
  }
  r.StructEnd();
  if (!have_scale) return Missing("DecimalType", "scale");
  if (!have_precision) return Missing("DecimalType", "precision");
  return Status::Ok();
}

Status DecodeIntParams(CompactReader& r, LogicalType* t) {
  FOOTFALL_RETURN_IF_ERROR(r.StructBegin());
  bool have_width = false, have_signed = false;
  for (;;) {
    FieldHeader f;
    FOOTFALL_RETURN_IF_ERROR(r.ReadFieldHeader(&f));
    if (f.type == CType::kStop) break;
    if (f.id == 1) {
      if (f.type != CType::kByte) return WrongType("IntType.bitWidth");
      FOOTFALL_RETURN_IF_ERROR(r.ReadI8(&t->bit_width));
      have_width = true;
    } else if (f.id == 2) {
      FOOTFALL_RETURN_IF_ERROR(ReadBoolField(f, "IntType.isSigned", &t->is_signed));
      have_signed = true;
    } else {
      FOOTFALL_RETURN_IF_ERROR(r.Skip(f.type));
    }
  }
  r.StructEnd();
  if (!have_width) return Missing("IntType", "bitWidth");
  if (!have_signed) return Missing("IntType", "isSigned");
  return Status::Ok();
}

Status DecodeLogicalType(CompactReader& r, LogicalType* t) {
  using Kind = LogicalType::Kind;
  FOOTFALL_RETURN_IF_ERROR(r.StructBegin());
  *t = LogicalType{};
  t->kind = Kind::kOther;  // stays so when the member is one this code does not know
  for (;;) {
    FieldHeader f;
    FOOTFALL_RETURN_IF_ERROR(r.ReadFieldHeader(&f));
    if (f.type == CType::kStop) break;
    if (f.type != CType::kStruct) {
      FOOTFALL_RETURN_IF_ERROR(r.Skip(f.type));
      continue;
    }
    switch (f.id) {
      case 1:
        t->kind = Kind::kString;
        break;
      case 2:
        t->kind = Kind::kMap;
        break;
      case 3:
        t->kind = Kind::kList;
        break;
      case 4:
        t->kind = Kind::kEnum;
        break;
      case 5:
        t->kind = Kind::kDecimal;
        FOOTFALL_RETURN_IF_ERROR(DecodeDecimalParams(r, t));
        continue;
      case 6:
        t->kind = Kind::kDate;
        break;
      case 7:
      case 8:
        t->kind = f.id == 7 ? Kind::kTime : Kind::kTimestamp;
        FOOTFALL_RETURN_IF_ERROR(DecodeTimeParams(r, t));
        continue;
      case 10:
        t->kind = Kind::kInteger;
        FOOTFALL_RETURN_IF_ERROR(DecodeIntParams(r, t));
        continue;
      case 11:
        t->kind = Kind::kUnknown;
        break;
      case 12:
        t->kind = Kind::kJson;
        break;
      case 13:
        t->kind = Kind::kBson;
        break;
      case 14:
        t->kind = Kind::kUuid;
        break;
      case 15:
        t->kind = Kind::kFloat16;
        break;
      default:
        break;
    }
    FOOTFALL_RETURN_IF_ERROR(SkipStructBody(r));
  }
  r.StructEnd();
  return Status::Ok();
}

Status DecodeSchemaElement(CompactReader& r, SchemaElement* e) {
  FOOTFALL_RETURN_IF_ERROR(r.StructBegin());
  bool have_name = false;
  for (;;) {
    FieldHeader f;
    FOOTFALL_RETURN_IF_ERROR(r.ReadFieldHeader(&f));
    if (f.type == CType::kStop) break;
    switch (f.id) {
      case 1: {
        PhysicalType t{};
        FOOTFALL_RETURN_IF_ERROR(ReadEnumField(r, f, "SchemaElement.type", &t));
        e->type = t;
        break;
      }
      case 2:
        FOOTFALL_RETURN_IF_ERROR(
            ReadOptional(ReadI32Field, r, f, "SchemaElement.type_length", &e->type_length));
        break;
      case 3: {
        Repetition rep{};
        FOOTFALL_RETURN_IF_ERROR(ReadEnumField(r, f, "SchemaElement.repetition_type", &rep));
        e->repetition_type = rep;
        break;
      }
      case 4:
        FOOTFALL_RETURN_IF_ERROR(ReadStringField(r, f, "SchemaElement.name", &e->name));
        have_name = true;
        break;
      case 5:
        FOOTFALL_RETURN_IF_ERROR(
            ReadOptional(ReadI32Field, r, f, "SchemaElement.num_children", &e->num_children));
        break;
      case 6: {
        ConvertedType c{};
        FOOTFALL_RETURN_IF_ERROR(ReadEnumField(r, f, "SchemaElement.converted_type", &c));
        e->converted_type = c;
        break;
      }
      case 7:
        FOOTFALL_RETURN_IF_ERROR(
            ReadOptional(ReadI32Field, r, f, "SchemaElement.scale", &e->scale));
        break;
      case 8:
        FOOTFALL_RETURN_IF_ERROR(
            ReadOptional(ReadI32Field, r, f, "SchemaElement.precision", &e->precision));
        break;
      case 9:
        FOOTFALL_RETURN_IF_ERROR(
            ReadOptional(ReadI32Field, r, f, "SchemaElement.field_id", &e->field_id));
        break;
      case 10: {
        FOOTFALL_RETURN_IF_ERROR(ExpectStruct(f, "SchemaElement.logicalType"));
        LogicalType t;
        FOOTFALL_RETURN_IF_ERROR(DecodeLogicalType(r, &t));
        e->logical_type = t;
        break;
      }
      default:
        FOOTFALL_RETURN_IF_ERROR(r.Skip(f.type));
    }
  }
  r.StructEnd();
  if (!have_name) return Missing("SchemaElement", "name");
  return Status::Ok();
}

Status DecodeKeyValue(CompactReader& r, KeyValue* kv) {
  FOOTFALL_RETURN_IF_ERROR(r.StructBegin());
  bool have_key = false;
  for (;;) {
    FieldHeader g;
    FOOTFALL_RETURN_IF_ERROR(r.ReadFieldHeader(&g));
    if (g.type == CType::kStop) break;
    if (g.id == 1) {
      FOOTFALL_RETURN_IF_ERROR(ReadStringField(r, g, "KeyValue.key", &kv->key));
      have_key = true;
    } else if (g.id == 2) {
      FOOTFALL_RETURN_IF_ERROR(ReadOptional(ReadStringField, r, g, "KeyValue.value", &kv->value));
    } else {
      FOOTFALL_RETURN_IF_ERROR(r.Skip(g.type));
    }
  }
  r.StructEnd();
  if (!have_key) return Missing("KeyValue", "key");
  return Status::Ok();
}

Status DecodeKeyValues(CompactReader& r, const FieldHeader& f, const char* name,
                       std::vector<KeyValue>* kvs) {
  ListHeader h;
  FOOTFALL_RETURN_IF_ERROR(ExpectList(r, f, name, CType::kStruct, &h));
  return DecodeList(h.size, kvs, [&](KeyValue* kv) { return DecodeKeyValue(r, kv); });
}

Status DecodePageEncodingStats(CompactReader& r, PageEncodingStats* s) {
  FOOTFALL_RETURN_IF_ERROR(r.StructBegin());
  bool have[3] = {false, false, false};
  for (;;) {
    FieldHeader f;
    FOOTFALL_RETURN_IF_ERROR(r.ReadFieldHeader(&f));
    if (f.type == CType::kStop) break;
    switch (f.id) {
      case 1:
        FOOTFALL_RETURN_IF_ERROR(ReadEnumField(r, f, "PageEncodingStats.page_type", &s->page_type));
        have[0] = true;
        break;
      case 2:
        FOOTFALL_RETURN_IF_ERROR(ReadEnumField(r, f, "PageEncodingStats.encoding", &s->encoding));
        have[1] = true;
        break;
      case 3:
        FOOTFALL_RETURN_IF_ERROR(ReadI32Field(r, f, "PageEncodingStats.count", &s->count));
        have[2] = true;
        break;
      default:
        FOOTFALL_RETURN_IF_ERROR(r.Skip(f.type));
    }
  }
  r.StructEnd();
  if (!have[0] || !have[1] || !have[2])
    return Missing("PageEncodingStats", "page_type/encoding/count");
  return Status::Ok();
}

Status DecodeColumnMetaData(CompactReader& r, ColumnMetaData* m) {
  FOOTFALL_RETURN_IF_ERROR(r.StructBegin());
  // Required fields: type, encodings, path_in_schema, codec, num_values,
  // total_uncompressed_size, total_compressed_size, data_page_offset.
  bool have_type = false, have_encodings = false, have_path = false, have_codec = false,
       have_num_values = false, have_uncompressed = false, have_compressed = false,
       have_data_page = false;
  for (;;) {
    FieldHeader f;
    FOOTFALL_RETURN_IF_ERROR(r.ReadFieldHeader(&f));
    if (f.type == CType::kStop) break;
    switch (f.id) {
      case 1:
        FOOTFALL_RETURN_IF_ERROR(ReadEnumField(r, f, "ColumnMetaData.type", &m->type));
        have_type = true;
        break;
      case 2: {
        ListHeader h;
        FOOTFALL_RETURN_IF_ERROR(ExpectList(r, f, "ColumnMetaData.encodings", CType::kI32, &h));
        FOOTFALL_RETURN_IF_ERROR(DecodeList(h.size, &m->encodings, [&](Encoding* e) {
          int32_t x = 0;
          FOOTFALL_RETURN_IF_ERROR(r.ReadI32(&x));
          *e = static_cast<Encoding>(x);
          return Status::Ok();
        }));
        have_encodings = true;
        break;
      }
      case 3: {
        ListHeader h;
        FOOTFALL_RETURN_IF_ERROR(
            ExpectList(r, f, "ColumnMetaData.path_in_schema", CType::kBinary, &h));
        FOOTFALL_RETURN_IF_ERROR(DecodeList(h.size, &m->path_in_schema, [&](std::string* p) {
          std::string_view s;
          FOOTFALL_RETURN_IF_ERROR(r.ReadBinary(&s));
          p->assign(s);
          return Status::Ok();
        }));
        have_path = true;
        break;
      }
      case 4:
        FOOTFALL_RETURN_IF_ERROR(ReadEnumField(r, f, "ColumnMetaData.codec", &m->codec));
        have_codec = true;
        break;
      case 5:
        FOOTFALL_RETURN_IF_ERROR(ReadI64Field(r, f, "ColumnMetaData.num_values", &m->num_values));
        have_num_values = true;
        break;
      case 6:
        FOOTFALL_RETURN_IF_ERROR(ReadI64Field(r, f, "ColumnMetaData.total_uncompressed_size",
                                              &m->total_uncompressed_size));
        have_uncompressed = true;
        break;
      case 7:
        FOOTFALL_RETURN_IF_ERROR(
            ReadI64Field(r, f, "ColumnMetaData.total_compressed_size", &m->total_compressed_size));
        have_compressed = true;
        break;
      case 8:
        FOOTFALL_RETURN_IF_ERROR(
            DecodeKeyValues(r, f, "ColumnMetaData.key_value_metadata", &m->key_value_metadata));
        break;
      case 9:
        FOOTFALL_RETURN_IF_ERROR(
            ReadI64Field(r, f, "ColumnMetaData.data_page_offset", &m->data_page_offset));
        have_data_page = true;
        break;
      case 10:
        FOOTFALL_RETURN_IF_ERROR(ReadOptional(
            ReadI64Field, r, f, "ColumnMetaData.index_page_offset", &m->index_page_offset));
        break;
      case 11:
        FOOTFALL_RETURN_IF_ERROR(ReadOptional(ReadI64Field, r, f,
                                              "ColumnMetaData.dictionary_page_offset",
                                              &m->dictionary_page_offset));
        break;
      case 12: {
        FOOTFALL_RETURN_IF_ERROR(ExpectStruct(f, "ColumnMetaData.statistics"));
        Statistics s;
        FOOTFALL_RETURN_IF_ERROR(DecodeStatistics(r, &s));
        m->statistics = std::move(s);
        break;
      }
      case 13: {
        ListHeader h;
        FOOTFALL_RETURN_IF_ERROR(
            ExpectList(r, f, "ColumnMetaData.encoding_stats", CType::kStruct, &h));
        FOOTFALL_RETURN_IF_ERROR(DecodeList(h.size, &m->encoding_stats, [&](PageEncodingStats* s) {
          return DecodePageEncodingStats(r, s);
        }));
        break;
      }
      default:
        FOOTFALL_RETURN_IF_ERROR(r.Skip(f.type));
    }
  }
  r.StructEnd();
  if (!have_type) return Missing("ColumnMetaData", "type");
  if (!have_encodings) return Missing("ColumnMetaData", "encodings");
  if (!have_path) return Missing("ColumnMetaData", "path_in_schema");
  if (!have_codec) return Missing("ColumnMetaData", "codec");
  if (!have_num_values) return Missing("ColumnMetaData", "num_values");
  if (!have_uncompressed) return Missing("ColumnMetaData", "total_uncompressed_size");
  if (!have_compressed) return Missing("ColumnMetaData", "total_compressed_size");
  if (!have_data_page) return Missing("ColumnMetaData", "data_page_offset");
  return Status::Ok();
}

Status DecodeColumnChunk(CompactReader& r, ColumnChunk* c) {
  FOOTFALL_RETURN_IF_ERROR(r.StructBegin());
  for (;;) {
    FieldHeader f;
    FOOTFALL_RETURN_IF_ERROR(r.ReadFieldHeader(&f));
    if (f.type == CType::kStop) break;
    switch (f.id) {
      case 1:
        FOOTFALL_RETURN_IF_ERROR(
            ReadOptional(ReadStringField, r, f, "ColumnChunk.file_path", &c->file_path));
        break;
      case 2:
        // Required by the old IDL but deprecated and unused; a writer leaving it out is harmless.
        FOOTFALL_RETURN_IF_ERROR(ReadI64Field(r, f, "ColumnChunk.file_offset", &c->file_offset));
        break;
      case 3: {
        FOOTFALL_RETURN_IF_ERROR(ExpectStruct(f, "ColumnChunk.meta_data"));
        ColumnMetaData m;
        FOOTFALL_RETURN_IF_ERROR(DecodeColumnMetaData(r, &m));
        c->meta_data = std::move(m);
        break;
      }
      case 8:
      case 9:
        c->encrypted = true;
        FOOTFALL_RETURN_IF_ERROR(r.Skip(f.type));
        break;
      default:
        FOOTFALL_RETURN_IF_ERROR(r.Skip(f.type));
    }
  }
  r.StructEnd();
  return Status::Ok();
}

Status DecodeRowGroup(CompactReader& r, RowGroup* g) {
  FOOTFALL_RETURN_IF_ERROR(r.StructBegin());
  bool have_columns = false, have_bytes = false, have_rows = false;
  for (;;) {
    FieldHeader f;
    FOOTFALL_RETURN_IF_ERROR(r.ReadFieldHeader(&f));
    if (f.type == CType::kStop) break;
    switch (f.id) {
      case 1: {
        ListHeader h;
        FOOTFALL_RETURN_IF_ERROR(ExpectList(r, f, "RowGroup.columns", CType::kStruct, &h));
        FOOTFALL_RETURN_IF_ERROR(DecodeList(
            h.size, &g->columns, [&](ColumnChunk* c) { return DecodeColumnChunk(r, c); }));
        have_columns = true;
        break;
      }
      case 2:
        FOOTFALL_RETURN_IF_ERROR(
            ReadI64Field(r, f, "RowGroup.total_byte_size", &g->total_byte_size));
        have_bytes = true;
        break;
      case 3:
        FOOTFALL_RETURN_IF_ERROR(ReadI64Field(r, f, "RowGroup.num_rows", &g->num_rows));
        have_rows = true;
        break;
      case 5:
        FOOTFALL_RETURN_IF_ERROR(
            ReadOptional(ReadI64Field, r, f, "RowGroup.file_offset", &g->file_offset));
        break;
      case 6:
        FOOTFALL_RETURN_IF_ERROR(ReadOptional(ReadI64Field, r, f, "RowGroup.total_compressed_size",
                                              &g->total_compressed_size));
        break;
      case 7: {
        if (f.type != CType::kI16) return WrongType("RowGroup.ordinal");
        int16_t o = 0;
        FOOTFALL_RETURN_IF_ERROR(r.ReadI16(&o));
        g->ordinal = o;
        break;
      }
      default:
        FOOTFALL_RETURN_IF_ERROR(r.Skip(f.type));
    }
  }
  r.StructEnd();
  if (!have_columns) return Missing("RowGroup", "columns");
  if (!have_bytes) return Missing("RowGroup", "total_byte_size");
  if (!have_rows) return Missing("RowGroup", "num_rows");
  return Status::Ok();
}

Status DecodeColumnOrder(CompactReader& r, ColumnOrder* o) {
  FOOTFALL_RETURN_IF_ERROR(r.StructBegin());
  *o = ColumnOrder::kOther;
  for (;;) {
    FieldHeader f;
    FOOTFALL_RETURN_IF_ERROR(r.ReadFieldHeader(&f));
    if (f.type == CType::kStop) break;
    if (f.type == CType::kStruct && (f.id == 1 || f.id == 2)) {
      *o = f.id == 1 ? ColumnOrder::kTypeDefined : ColumnOrder::kIeee754Total;
    }
    FOOTFALL_RETURN_IF_ERROR(r.Skip(f.type));
  }
  r.StructEnd();
  return Status::Ok();
}

Status DecodeFileMetaDataStruct(CompactReader& r, FileMetaData* m) {
  FOOTFALL_RETURN_IF_ERROR(r.StructBegin());
  bool have_version = false, have_schema = false, have_rows = false, have_groups = false;
  for (;;) {
    FieldHeader f;
    FOOTFALL_RETURN_IF_ERROR(r.ReadFieldHeader(&f));
    if (f.type == CType::kStop) break;
    switch (f.id) {
      case 1:
        FOOTFALL_RETURN_IF_ERROR(ReadI32Field(r, f, "FileMetaData.version", &m->version));
        have_version = true;
        break;
      case 2: {
        ListHeader h;
        FOOTFALL_RETURN_IF_ERROR(ExpectList(r, f, "FileMetaData.schema", CType::kStruct, &h));
        FOOTFALL_RETURN_IF_ERROR(DecodeList(
            h.size, &m->schema, [&](SchemaElement* e) { return DecodeSchemaElement(r, e); }));
        have_schema = true;
        break;
      }
      case 3:
        FOOTFALL_RETURN_IF_ERROR(ReadI64Field(r, f, "FileMetaData.num_rows", &m->num_rows));
        have_rows = true;
        break;
      case 4: {
        ListHeader h;
        FOOTFALL_RETURN_IF_ERROR(ExpectList(r, f, "FileMetaData.row_groups", CType::kStruct, &h));
        FOOTFALL_RETURN_IF_ERROR(
            DecodeList(h.size, &m->row_groups, [&](RowGroup* g) { return DecodeRowGroup(r, g); }));
        have_groups = true;
        break;
      }
      case 5:
        FOOTFALL_RETURN_IF_ERROR(
            DecodeKeyValues(r, f, "FileMetaData.key_value_metadata", &m->key_value_metadata));
        break;
      case 6:
        FOOTFALL_RETURN_IF_ERROR(
            ReadOptional(ReadStringField, r, f, "FileMetaData.created_by", &m->created_by));
        break;
      case 7: {
        ListHeader h;
        FOOTFALL_RETURN_IF_ERROR(
            ExpectList(r, f, "FileMetaData.column_orders", CType::kStruct, &h));
        FOOTFALL_RETURN_IF_ERROR(DecodeList(
            h.size, &m->column_orders, [&](ColumnOrder* o) { return DecodeColumnOrder(r, o); }));
        break;
      }
      case 8:
        m->encrypted = true;
        FOOTFALL_RETURN_IF_ERROR(r.Skip(f.type));
        break;
      default:
        FOOTFALL_RETURN_IF_ERROR(r.Skip(f.type));
    }
  }
  r.StructEnd();
  if (!have_version) return Missing("FileMetaData", "version");
  if (!have_schema) return Missing("FileMetaData", "schema");
  if (!have_rows) return Missing("FileMetaData", "num_rows");
  if (!have_groups) return Missing("FileMetaData", "row_groups");
  return Status::Ok();
}

Status DecodeDataPageHeader(CompactReader& r, DataPageHeader* d) {
  FOOTFALL_RETURN_IF_ERROR(r.StructBegin());
  bool have[4] = {false, false, false, false};
  for (;;) {
    FieldHeader f;
    FOOTFALL_RETURN_IF_ERROR(r.ReadFieldHeader(&f));
    if (f.type == CType::kStop) break;
    switch (f.id) {
      case 1:
        FOOTFALL_RETURN_IF_ERROR(ReadI32Field(r, f, "DataPageHeader.num_values", &d->num_values));
        have[0] = true;
        break;
      case 2:
        FOOTFALL_RETURN_IF_ERROR(ReadEnumField(r, f, "DataPageHeader.encoding", &d->encoding));
        have[1] = true;
        break;
      case 3:
        FOOTFALL_RETURN_IF_ERROR(ReadEnumField(r, f, "DataPageHeader.definition_level_encoding",
                                               &d->definition_level_encoding));
        have[2] = true;
        break;
      case 4:
        FOOTFALL_RETURN_IF_ERROR(ReadEnumField(r, f, "DataPageHeader.repetition_level_encoding",
                                               &d->repetition_level_encoding));
        have[3] = true;
        break;
      case 5: {
        FOOTFALL_RETURN_IF_ERROR(ExpectStruct(f, "DataPageHeader.statistics"));
        Statistics s;
        FOOTFALL_RETURN_IF_ERROR(DecodeStatistics(r, &s));
        d->statistics = std::move(s);
        break;
      }
      default:
        FOOTFALL_RETURN_IF_ERROR(r.Skip(f.type));
    }
  }
  r.StructEnd();
  if (!have[0] || !have[1] || !have[2] || !have[3]) {
    return Missing("DataPageHeader", "num_values/encoding/level encodings");
  }
  return Status::Ok();
}

Status DecodeDictionaryPageHeader(CompactReader& r, DictionaryPageHeader* d) {
  FOOTFALL_RETURN_IF_ERROR(r.StructBegin());
  bool have_num = false, have_encoding = false;
  for (;;) {
    FieldHeader f;
    FOOTFALL_RETURN_IF_ERROR(r.ReadFieldHeader(&f));
    if (f.type == CType::kStop) break;
    switch (f.id) {
      case 1:
        FOOTFALL_RETURN_IF_ERROR(
            ReadI32Field(r, f, "DictionaryPageHeader.num_values", &d->num_values));
        have_num = true;
        break;
      case 2:
        FOOTFALL_RETURN_IF_ERROR(
            ReadEnumField(r, f, "DictionaryPageHeader.encoding", &d->encoding));
        have_encoding = true;
        break;
      case 3: {
        bool b = false;
        FOOTFALL_RETURN_IF_ERROR(ReadBoolField(f, "DictionaryPageHeader.is_sorted", &b));
        d->is_sorted = b;
        break;
      }
      default:
        FOOTFALL_RETURN_IF_ERROR(r.Skip(f.type));
    }
  }
  r.StructEnd();
  if (!have_num || !have_encoding) return Missing("DictionaryPageHeader", "num_values/encoding");
  return Status::Ok();
}

Status DecodeDataPageHeaderV2(CompactReader& r, DataPageHeaderV2* d) {
  FOOTFALL_RETURN_IF_ERROR(r.StructBegin());
  bool have[6] = {false, false, false, false, false, false};
  for (;;) {
    FieldHeader f;
    FOOTFALL_RETURN_IF_ERROR(r.ReadFieldHeader(&f));
    if (f.type == CType::kStop) break;
    switch (f.id) {
      case 1:
        FOOTFALL_RETURN_IF_ERROR(ReadI32Field(r, f, "DataPageHeaderV2.num_values", &d->num_values));
        have[0] = true;
        break;
      case 2:
        FOOTFALL_RETURN_IF_ERROR(ReadI32Field(r, f, "DataPageHeaderV2.num_nulls", &d->num_nulls));
        have[1] = true;
        break;
      case 3:
        FOOTFALL_RETURN_IF_ERROR(ReadI32Field(r, f, "DataPageHeaderV2.num_rows", &d->num_rows));
        have[2] = true;
        break;
      case 4:
        FOOTFALL_RETURN_IF_ERROR(ReadEnumField(r, f, "DataPageHeaderV2.encoding", &d->encoding));
        have[3] = true;
        break;
      case 5:
        FOOTFALL_RETURN_IF_ERROR(ReadI32Field(r, f,
                                              "DataPageHeaderV2.definition_levels_byte_length",
                                              &d->definition_levels_byte_length));
        have[4] = true;
        break;
      case 6:
        FOOTFALL_RETURN_IF_ERROR(ReadI32Field(r, f,
                                              "DataPageHeaderV2.repetition_levels_byte_length",
                                              &d->repetition_levels_byte_length));
        have[5] = true;
        break;
      case 7:
        FOOTFALL_RETURN_IF_ERROR(
            ReadBoolField(f, "DataPageHeaderV2.is_compressed", &d->is_compressed));
        break;
      case 8: {
        FOOTFALL_RETURN_IF_ERROR(ExpectStruct(f, "DataPageHeaderV2.statistics"));
        Statistics s;
        FOOTFALL_RETURN_IF_ERROR(DecodeStatistics(r, &s));
        d->statistics = std::move(s);
        break;
      }
      default:
        FOOTFALL_RETURN_IF_ERROR(r.Skip(f.type));
    }
  }
  r.StructEnd();
  for (bool h : have) {
    if (!h) return Missing("DataPageHeaderV2", "num_values/num_nulls/num_rows/encoding/lengths");
  }
  return Status::Ok();
}

Status DecodePageHeaderStruct(CompactReader& r, PageHeader* h) {
  FOOTFALL_RETURN_IF_ERROR(r.StructBegin());
  bool have_type = false, have_uncompressed = false, have_compressed = false;
  for (;;) {
    FieldHeader f;
    FOOTFALL_RETURN_IF_ERROR(r.ReadFieldHeader(&f));
    if (f.type == CType::kStop) break;
    switch (f.id) {
      case 1:
        FOOTFALL_RETURN_IF_ERROR(ReadEnumField(r, f, "PageHeader.type", &h->type));
        have_type = true;
        break;
      case 2:
        FOOTFALL_RETURN_IF_ERROR(
            ReadI32Field(r, f, "PageHeader.uncompressed_page_size", &h->uncompressed_page_size));
        have_uncompressed = true;
        break;
      case 3:
        FOOTFALL_RETURN_IF_ERROR(
            ReadI32Field(r, f, "PageHeader.compressed_page_size", &h->compressed_page_size));
        have_compressed = true;
        break;
      case 4:
        FOOTFALL_RETURN_IF_ERROR(ReadOptional(ReadI32Field, r, f, "PageHeader.crc", &h->crc));
        break;
      case 5: {
        FOOTFALL_RETURN_IF_ERROR(ExpectStruct(f, "PageHeader.data_page_header"));
        DataPageHeader d;
        FOOTFALL_RETURN_IF_ERROR(DecodeDataPageHeader(r, &d));
        h->data_page_header = std::move(d);
        break;
      }
      case 7: {
        FOOTFALL_RETURN_IF_ERROR(ExpectStruct(f, "PageHeader.dictionary_page_header"));
        DictionaryPageHeader d;
        FOOTFALL_RETURN_IF_ERROR(DecodeDictionaryPageHeader(r, &d));
        h->dictionary_page_header = d;
        break;
      }
      case 8: {
        FOOTFALL_RETURN_IF_ERROR(ExpectStruct(f, "PageHeader.data_page_header_v2"));
        DataPageHeaderV2 d;
        FOOTFALL_RETURN_IF_ERROR(DecodeDataPageHeaderV2(r, &d));
        h->data_page_header_v2 = std::move(d);
        break;
      }
      default:
        FOOTFALL_RETURN_IF_ERROR(r.Skip(f.type));
    }
  }
  r.StructEnd();
  if (!have_type) return Missing("PageHeader", "type");
  if (!have_uncompressed) return Missing("PageHeader", "uncompressed_page_size");
  if (!have_compressed) return Missing("PageHeader", "compressed_page_size");
  if (h->uncompressed_page_size < 0 || h->compressed_page_size < 0) {
    return Corruption("thrift: PageHeader has a negative page size");
  }
  return Status::Ok();
}

}  // namespace

Status DecodeFileMetaData(std::string_view in, FileMetaData* m) {
  *m = FileMetaData{};
  CompactReader r(in);
  FOOTFALL_RETURN_IF_ERROR(DecodeFileMetaDataStruct(r, m));
  if (r.remaining() != 0) {
    return Corruption("footer has " + std::to_string(r.remaining()) +
                      " bytes after its FileMetaData");
  }
  return Status::Ok();
}

Status DecodePageHeader(std::string_view in, PageHeader* h, size_t* size) {
  *h = PageHeader{};
  CompactReader r(in);
  FOOTFALL_RETURN_IF_ERROR(DecodePageHeaderStruct(r, h));
  *size = r.position();
  return Status::Ok();
}

}  // namespace footfall::parquet
