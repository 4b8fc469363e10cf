#include "pipeline/event_serializer.h"

#include "event/fields.h"
#include "pipeline/enriched_dataset.h"

namespace footfall::engine {

namespace {

// One field's value as Write encodes it: a presence byte, then the value.
void WriteFieldValue(const event::FieldValue& v, std::string* out) {
  if (std::holds_alternative<std::monostate>(v)) {
    out->push_back(0);
    return;
  }
  out->push_back(1);
  if (const auto* s = std::get_if<std::string_view>(&v)) {
    WriteVarint(s->size(), out);
    out->append(*s);
  } else if (const auto* i = std::get_if<int64_t>(&v)) {
    Serialize(*i, out);
  } else if (const auto* d = std::get_if<double>(&v)) {
    Serialize(*d, out);
  } else {
    out->push_back(std::get<bool>(v) ? 1 : 0);
  }
}

}  // namespace

void Serializer<event::Event>::Write(const event::Event& e, std::string* out) {
  for (const event::Field& f : event::EventFields()) WriteFieldValue(f.get(e), out);
}

void Serializer<event::Event>::Read(Decoder& in, event::Event* e) {
  for (const event::Field& f : event::EventFields()) {
    uint8_t present = 0;
    in.Copy(&present, 1);
    if (present == 0) {
      f.set(*e, std::monostate{});
      continue;
    }
    switch (f.type) {
      case event::FieldType::kString: {
        const uint64_t n = in.Varint();
        f.set(*e, in.Take(n));
        break;
      }
      case event::FieldType::kInt64:
      case event::FieldType::kTimestamp: {
        int64_t v = 0;
        Deserialize(in, &v);
        f.set(*e, v);
        break;
      }
      case event::FieldType::kDouble: {
        double v = 0;
        Deserialize(in, &v);
        f.set(*e, v);
        break;
      }
      case event::FieldType::kBool: {
        uint8_t b = 0;
        in.Copy(&b, 1);
        f.set(*e, b != 0);
        break;
      }
    }
  }
}

size_t Serializer<event::Event>::HeapBytes(const event::Event& e) {
  size_t bytes = 0;
  for (const event::Field& f : event::EventFields()) {
    if (f.type != event::FieldType::kString) continue;
    const event::FieldValue v = f.get(e);
    if (const auto* s = std::get_if<std::string_view>(&v); s && s->size() > 15) {
      bytes += s->size() + 1;
    }
  }
  return bytes;
}

}  // namespace footfall::engine

namespace footfall::pipeline {

void SerializeRow(std::span<const parquet::ColumnVector> columns, std::span<const int> indices,
                  size_t row, std::string* out) {
  const auto fields = event::EventFields();
  size_t c = 0;
  for (size_t k = 0; k < fields.size(); ++k) {
    if (indices[k] < 0) {
      out->push_back(0);
      continue;
    }
    event::FieldValue v = ColumnValue(columns[c++], fields[k].type, row);
    // As an event holds it: an empty string is no value.
    if (const auto* s = std::get_if<std::string_view>(&v); s != nullptr && s->empty()) v = {};
    engine::WriteFieldValue(v, out);
  }
}

}  // namespace footfall::pipeline
