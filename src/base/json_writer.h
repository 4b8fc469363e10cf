// Writes JSON text without building a document: objects, arrays and scalars appended in order,
// commas placed automatically. Strings are escaped per RFC 8259 (control characters as \u00XX;
// other bytes passed through, so valid UTF-8 in gives valid UTF-8 out).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace footfall {

void AppendJsonString(std::string* out, std::string_view s);

class JsonWriter {
 public:
  JsonWriter& BeginObject();
  JsonWriter& EndObject();
  JsonWriter& BeginArray();
  JsonWriter& EndArray();
  // The next value's key; only inside an object.
  JsonWriter& Key(std::string_view key);
  JsonWriter& String(std::string_view s);
  JsonWriter& Int(int64_t v);
  JsonWriter& Double(double v);  // NaN and infinities become null
  JsonWriter& Bool(bool v);
  JsonWriter& Null();

  const std::string& str() const { return out_; }
  std::string Take() { return std::move(out_); }

 private:
  void BeforeValue();

  std::string out_;
  std::vector<bool> first_;  // per open container: no element written yet
  bool after_key_ = false;
};

}  // namespace footfall
