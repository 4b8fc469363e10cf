#include "views/field_ref.h"

#include <charconv>

namespace footfall::views {
namespace {

std::string FormatDouble(double d) {
  char buf[32];
  const auto [end, ec] = std::to_chars(buf, buf + sizeof buf, d);
  return ec == std::errc() ? std::string(buf, end) : std::string();
}

}  // namespace

const event::Field* FindEventField(std::string_view name) {
  for (const event::Field& f : event::EventFields()) {
    if (f.name == name) return &f;
  }
  return nullptr;
}

FieldRef FieldRef::Resolve(std::string_view ref) {
  FieldRef r;
  if (IsDataRef(ref)) {
    r.property = ref.substr(kDataPrefix.size());
  } else {
    r.field = FindEventField(ref);
  }
  return r;
}

std::string RefReader::Text(const FieldRef& ref) {
  if (ref.field == nullptr) {
    simdjson::dom::element v;
    if (!Property(ref, &v)) return {};
    if (v.is_string()) return std::string(std::string_view(v));
    if (v.is_int64()) return std::to_string(int64_t(v));
    if (v.is_uint64()) return std::to_string(uint64_t(v));
    if (v.is_bool()) return bool(v) ? "true" : "false";
    if (v.is_double()) return FormatDouble(double(v));
    return {};
  }
  const event::FieldValue v = ref.field->get(e_);
  if (const auto* s = std::get_if<std::string_view>(&v)) return std::string(*s);
  if (const auto* i = std::get_if<int64_t>(&v)) return std::to_string(*i);
  if (const auto* b = std::get_if<bool>(&v)) return *b ? "true" : "false";
  if (const auto* d = std::get_if<double>(&v)) return FormatDouble(*d);
  return {};
}

std::optional<double> RefReader::Number(const FieldRef& ref) {
  double out;
  if (ref.field == nullptr) {
    simdjson::dom::element v;
    if (!Property(ref, &v)) return std::nullopt;
    if (v.is_number() && !v.get_double().get(out)) return out;
    if (!v.is_string()) return std::nullopt;
    const std::string_view s(v);
    const auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
    if (ec == std::errc() && p == s.data() + s.size()) return out;
    return std::nullopt;
  }
  const event::FieldValue v = ref.field->get(e_);
  if (const auto* d = std::get_if<double>(&v)) return *d;
  if (const auto* i = std::get_if<int64_t>(&v)) return static_cast<double>(*i);
  return std::nullopt;
}

std::optional<Micros> RefReader::Timestamp(const FieldRef& ref) {
  if (ref.field == nullptr) {
    const std::string text = Text(ref);
    if (text.empty()) return std::nullopt;
    auto parsed = ParseIso8601(text);
    if (!parsed.ok()) return std::nullopt;
    return *parsed;
  }
  const event::FieldValue v = ref.field->get(e_);
  if (const auto* i = std::get_if<int64_t>(&v)) return *i;
  return std::nullopt;
}

bool RefReader::Property(const FieldRef& ref, simdjson::dom::element* out) {
  if (!parsed_) {
    parsed_ = true;
    // One parser per thread, reused: its buffers outlive this reader, its results do not.
    thread_local simdjson::dom::parser parser;
    simdjson::dom::element root;
    has_data_ = !e_.unstruct_event.empty() && !parser.parse(e_.unstruct_event).get(root) &&
                !root["data"].get(data_) && data_.is_object();
  }
  return has_data_ && !data_[ref.property].get(*out) && !out->is_null();
}

}  // namespace footfall::views
