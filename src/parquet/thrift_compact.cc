#include "parquet/thrift_compact.h"

#include <cstring>
#include <limits>

namespace footfall::parquet::thrift {

void CompactWriter::StructBegin() {
  outer_ids_.push_back(last_id_);
  last_id_ = 0;
}

void CompactWriter::StructEnd() {
  out_->push_back(static_cast<char>(CType::kStop));
  last_id_ = outer_ids_.empty() ? 0 : outer_ids_.back();
  if (!outer_ids_.empty()) outer_ids_.pop_back();
}

void CompactWriter::FieldHeader(int16_t id, CType type) {
  const int delta = int{id} - int{last_id_};
  if (delta > 0 && delta <= 15) {
    out_->push_back(static_cast<char>((delta << 4) | static_cast<int>(type)));
  } else {
    out_->push_back(static_cast<char>(type));
    Zigzag(id);
  }
  last_id_ = id;
}

void CompactWriter::Varint(uint64_t v) {
  while (v >= 0x80) {
    out_->push_back(static_cast<char>((v & 0x7f) | 0x80));
    v >>= 7;
  }
  out_->push_back(static_cast<char>(v));
}

void CompactWriter::BoolField(int16_t id, bool v) {
  FieldHeader(id, v ? CType::kBoolTrue : CType::kBoolFalse);
}

void CompactWriter::I8Field(int16_t id, int8_t v) {
  FieldHeader(id, CType::kByte);
  out_->push_back(static_cast<char>(v));
}

void CompactWriter::I16Field(int16_t id, int16_t v) {
  FieldHeader(id, CType::kI16);
  Zigzag(v);
}

void CompactWriter::I32Field(int16_t id, int32_t v) {
  FieldHeader(id, CType::kI32);
  Zigzag(v);
}

void CompactWriter::I64Field(int16_t id, int64_t v) {
  FieldHeader(id, CType::kI64);
  Zigzag(v);
}

void CompactWriter::BinaryField(int16_t id, std::string_view v) {
  FieldHeader(id, CType::kBinary);
  Binary(v);
}

void CompactWriter::StructField(int16_t id) {
  FieldHeader(id, CType::kStruct);
  StructBegin();
}

void CompactWriter::ListField(int16_t id, CType element, uint64_t size) {
  FieldHeader(id, CType::kList);
  if (size < 15) {
    out_->push_back(static_cast<char>((size << 4) | static_cast<uint64_t>(element)));
  } else {
    out_->push_back(static_cast<char>(0xf0 | static_cast<int>(element)));
    Varint(size);
  }
}

void CompactWriter::I32(int32_t v) { Zigzag(v); }
void CompactWriter::I64(int64_t v) { Zigzag(v); }
void CompactWriter::Binary(std::string_view v) {
  Varint(v.size());
  out_->append(v);
}

namespace {

Status Truncated() { return Corruption("thrift: input ends inside a value"); }

}  // namespace

Status CompactReader::Varint(uint64_t* v) {
  uint64_t result = 0;
  for (int shift = 0; shift < 64; shift += 7) {
    if (pos_ >= in_.size()) return Truncated();
    const auto byte = static_cast<uint8_t>(in_[pos_++]);
    if (shift == 63 && byte > 1) return Corruption("thrift: varint longer than 64 bits");
    result |= uint64_t{byte & 0x7fu} << shift;
    if ((byte & 0x80) == 0) {
      *v = result;
      return Status::Ok();
    }
  }
  return Corruption("thrift: varint longer than 64 bits");
}

Status CompactReader::Zigzag(int64_t* v) {
  uint64_t u = 0;
  FOOTFALL_RETURN_IF_ERROR(Varint(&u));
  *v = static_cast<int64_t>(u >> 1) ^ -static_cast<int64_t>(u & 1);
  return Status::Ok();
}

Status CompactReader::StructBegin() {
  if (depth_ >= kMaxDepth) return Corruption("thrift: values nested too deeply");
  ++depth_;
  outer_ids_.push_back(last_id_);
  last_id_ = 0;
  return Status::Ok();
}

void CompactReader::StructEnd() {
  if (depth_ > 0) --depth_;
  last_id_ = outer_ids_.empty() ? 0 : outer_ids_.back();
  if (!outer_ids_.empty()) outer_ids_.pop_back();
}

Status CompactReader::ReadFieldHeader(FieldHeader* f) {
  if (pos_ >= in_.size()) return Corruption("thrift: input ends inside a struct");
  const auto byte = static_cast<uint8_t>(in_[pos_++]);
  const uint8_t type = byte & 0x0f;
  if (type > static_cast<uint8_t>(CType::kUuid)) {
    return Corruption("thrift: unknown field type " + std::to_string(type));
  }
  f->type = static_cast<CType>(type);
  if (f->type == CType::kStop) {
    if (byte != 0) return Corruption("thrift: malformed stop field");
    f->id = 0;
    return Status::Ok();
  }
  const int delta = byte >> 4;
  if (delta != 0) {
    const int id = int{last_id_} + delta;
    if (id > std::numeric_limits<int16_t>::max()) return Corruption("thrift: field id overflows");
    f->id = static_cast<int16_t>(id);
  } else {
    int64_t id = 0;
    FOOTFALL_RETURN_IF_ERROR(Zigzag(&id));
    if (id < std::numeric_limits<int16_t>::min() || id > std::numeric_limits<int16_t>::max()) {
      return Corruption("thrift: field id out of range");
    }
    f->id = static_cast<int16_t>(id);
  }
  last_id_ = f->id;
  return Status::Ok();
}

Status CompactReader::ReadI8(int8_t* v) {
  if (pos_ >= in_.size()) return Truncated();
  *v = static_cast<int8_t>(in_[pos_++]);
  return Status::Ok();
}

Status CompactReader::ReadI16(int16_t* v) {
  int64_t x = 0;
  FOOTFALL_RETURN_IF_ERROR(Zigzag(&x));
  if (x < std::numeric_limits<int16_t>::min() || x > std::numeric_limits<int16_t>::max()) {
    return Corruption("thrift: i16 out of range");
  }
  *v = static_cast<int16_t>(x);
  return Status::Ok();
}

Status CompactReader::ReadI32(int32_t* v) {
  int64_t x = 0;
  FOOTFALL_RETURN_IF_ERROR(Zigzag(&x));
  if (x < std::numeric_limits<int32_t>::min() || x > std::numeric_limits<int32_t>::max()) {
    return Corruption("thrift: i32 out of range");
  }
  *v = static_cast<int32_t>(x);
  return Status::Ok();
}

Status CompactReader::ReadI64(int64_t* v) { return Zigzag(v); }

Status CompactReader::ReadDouble(double* v) {
  if (remaining() < 8) return Truncated();
  uint64_t bits = 0;
  for (int i = 0; i < 8; ++i) bits |= uint64_t{static_cast<uint8_t>(in_[pos_ + i])} << (8 * i);
  pos_ += 8;
  std::memcpy(v, &bits, sizeof bits);
  return Status::Ok();
}

Status CompactReader::ReadBinary(std::string_view* v) {
  uint64_t n = 0;
  FOOTFALL_RETURN_IF_ERROR(Varint(&n));
  if (n > remaining()) return Corruption("thrift: binary longer than the input");
  *v = in_.substr(pos_, n);
  pos_ += n;
  return Status::Ok();
}

Status CompactReader::ReadListHeader(ListHeader* h) {
  if (pos_ >= in_.size()) return Truncated();
  const auto byte = static_cast<uint8_t>(in_[pos_++]);
  const uint8_t type = byte & 0x0f;
  if (type == 0 || type > static_cast<uint8_t>(CType::kUuid)) {
    return Corruption("thrift: unknown list element type " + std::to_string(type));
  }
  h->element = static_cast<CType>(type);
  uint64_t size = byte >> 4;
  if (size == 15) FOOTFALL_RETURN_IF_ERROR(Varint(&size));
  // Every element takes at least one byte, so a longer list cannot be in the input; checking
  // here keeps a damaged size from making a caller reserve memory for it.
  if (size > remaining()) return Corruption("thrift: list longer than the input");
  h->size = static_cast<uint32_t>(size);
  return Status::Ok();
}

Status CompactReader::ReadBoolElement(bool* v) {
  if (pos_ >= in_.size()) return Truncated();
  const auto byte = static_cast<uint8_t>(in_[pos_++]);
  // True is 1; false is 2 in the Java implementation that most writers follow and 0 in older
  // versions of the specification.
  if (byte > 2) return Corruption("thrift: malformed bool");
  *v = byte == 1;
  return Status::Ok();
}

Status CompactReader::Skip(CType type, bool element) { return SkipAtDepth(type, element, 0); }

Status CompactReader::SkipAtDepth(CType type, bool element, int depth) {
  if (depth_ + depth >= kMaxDepth) return Corruption("thrift: values nested too deeply");
  switch (type) {
    case CType::kBoolTrue:
    case CType::kBoolFalse:
      if (!element) return Status::Ok();
      [[fallthrough]];
    case CType::kByte: {
      if (pos_ >= in_.size()) return Truncated();
      ++pos_;
      return Status::Ok();
    }
    case CType::kI16:
    case CType::kI32:
    case CType::kI64: {
      uint64_t ignored = 0;
      return Varint(&ignored);
    }
    case CType::kDouble:
      if (remaining() < 8) return Truncated();
      pos_ += 8;
      return Status::Ok();
    case CType::kUuid:
      if (remaining() < 16) return Truncated();
      pos_ += 16;
      return Status::Ok();
    case CType::kBinary: {
      std::string_view ignored;
      return ReadBinary(&ignored);
    }
    case CType::kList:
    case CType::kSet: {
      ListHeader h;
      FOOTFALL_RETURN_IF_ERROR(ReadListHeader(&h));
      for (uint32_t i = 0; i < h.size; ++i) {
        FOOTFALL_RETURN_IF_ERROR(SkipAtDepth(h.element, true, depth + 1));
      }
      return Status::Ok();
    }
    case CType::kMap: {
      uint64_t size = 0;
      FOOTFALL_RETURN_IF_ERROR(Varint(&size));
      if (size == 0) return Status::Ok();
      if (size > remaining()) return Corruption("thrift: map longer than the input");
      if (pos_ >= in_.size()) return Truncated();
      const auto types = static_cast<uint8_t>(in_[pos_++]);
      const uint8_t key = types >> 4, value = types & 0x0f;
      if (key == 0 || key > static_cast<uint8_t>(CType::kUuid) || value == 0 ||
          value > static_cast<uint8_t>(CType::kUuid)) {
        return Corruption("thrift: unknown map element type");
      }
      for (uint64_t i = 0; i < size; ++i) {
        FOOTFALL_RETURN_IF_ERROR(SkipAtDepth(static_cast<CType>(key), true, depth + 1));
        FOOTFALL_RETURN_IF_ERROR(SkipAtDepth(static_cast<CType>(value), true, depth + 1));
      }
      return Status::Ok();
    }
    case CType::kStruct: {
      FOOTFALL_RETURN_IF_ERROR(StructBegin());
      for (;;) {
        FieldHeader f;
        FOOTFALL_RETURN_IF_ERROR(ReadFieldHeader(&f));
        if (f.type == CType::kStop) break;
        FOOTFALL_RETURN_IF_ERROR(SkipAtDepth(f.type, false, depth));
      }
      StructEnd();
      return Status::Ok();
    }
    case CType::kStop:
      break;
  }
  return Corruption("thrift: cannot skip a value of type " +
                    std::to_string(static_cast<int>(type)));
}

}  // namespace footfall::parquet::thrift
