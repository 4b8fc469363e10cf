#include "iglu/validator.h"

#define PCRE2_CODE_UNIT_WIDTH 8
#include <arpa/inet.h>
#include <pcre2.h>
#include <simdjson.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <limits>
#include <utility>

#include "base/json_writer.h"

namespace footfall::iglu {
namespace validator_internal {

// JSON Schema's seven primitive types as bits, so that `type: ["string", "null"]` is one mask.
constexpr uint8_t kNullBit = 1;
constexpr uint8_t kBooleanBit = 2;
constexpr uint8_t kObjectBit = 4;
constexpr uint8_t kArrayBit = 8;
constexpr uint8_t kNumberBit = 16;
constexpr uint8_t kIntegerBit = 32;
constexpr uint8_t kStringBit = 64;
constexpr uint8_t kAnyType = 127;

enum class Format { kNone, kUuid, kDateTime, kDate, kUri, kEmail, kIpv4, kIpv6, kHostname };

// A JSON value held by a schema (a member of `enum`), independent of the document it came from.
struct Literal {
  enum class Kind { kNull, kBool, kNumber, kString, kArray, kObject };
  Kind kind = Kind::kNull;
  bool boolean = false;
  // long double holds every int64, uint64 and double exactly, so numbers of any of simdjson's
  // three kinds compare by value.
  long double number = 0;
  std::string string;
  std::vector<Literal> items;     // array elements, or object member values
  std::vector<std::string> keys;  // object member keys, parallel to `items`
};

struct CodeFree {
  void operator()(pcre2_code* code) const { pcre2_code_free(code); }
};

// One (sub)schema: every check it makes, applied to an instance in Check() below. Keywords that
// apply to one JSON type only are skipped for instances of other types, as draft-04 says.
struct Node {
  uint8_t types = kAnyType;

  bool has_enum = false;
  std::vector<Literal> enum_values;
  std::string enum_text;  // the values as JSON, for messages

  // Objects. `properties` is sorted by name for binary search.
  std::vector<std::pair<std::string, std::unique_ptr<Node>>> properties;
  std::vector<std::string> required;
  bool additional_allowed = true;
  std::unique_ptr<Node> additional;  // the schema of properties not in `properties`, if any

  // Numbers.
  bool has_minimum = false, has_maximum = false;
  bool exclusive_minimum = false, exclusive_maximum = false;
  long double minimum = 0, maximum = 0;
  std::string minimum_text, maximum_text;

  // Strings; lengths in Unicode code points.
  size_t min_length = 0;
  size_t max_length = std::numeric_limits<size_t>::max();
  std::unique_ptr<pcre2_code, CodeFree> pattern;
  std::string pattern_text;
  Format format = Format::kNone;

  // Arrays.
  std::unique_ptr<Node> items;
  size_t min_items = 0;
  size_t max_items = std::numeric_limits<size_t>::max();
};

}  // namespace validator_internal

namespace {

using simdjson::dom::element;
using simdjson::dom::element_type;
using validator_internal::Format;
using validator_internal::Literal;
using validator_internal::Node;

// In the order messages list them, "null" last: "expected type string or null".
constexpr std::pair<std::string_view, uint8_t> kTypeNames[] = {
    {"string", validator_internal::kStringBit}, {"integer", validator_internal::kIntegerBit},
    {"number", validator_internal::kNumberBit}, {"boolean", validator_internal::kBooleanBit},
    {"object", validator_internal::kObjectBit}, {"array", validator_internal::kArrayBit},
    {"null", validator_internal::kNullBit},
};

constexpr std::pair<std::string_view, Format> kFormatNames[] = {
    {"uuid", Format::kUuid}, {"date-time", Format::kDateTime}, {"date", Format::kDate},
    {"uri", Format::kUri},   {"email", Format::kEmail},        {"ipv4", Format::kIpv4},
    {"ipv6", Format::kIpv6}, {"hostname", Format::kHostname},
};

std::string_view FormatName(Format f) {
  for (const auto& [name, format] : kFormatNames) {
    if (format == f) return name;
  }
  return "none";
}

// A long enum is listed in messages up to about this many bytes.
constexpr size_t kMaxEnumTextBytes = 256;

// Strings quoted in messages are cut after this many bytes, so that a huge value cannot make a
// huge bad row.
constexpr size_t kMaxQuotedBytes = 64;

// The value as it appears in a message: scalars as JSON (long strings cut short), containers by
// their kind only.
void AppendValue(std::string* out, element v) {
  switch (v.type()) {
    case element_type::STRING: {
      std::string_view s = v.get_string().value_unsafe();
      bool cut = false;
      if (s.size() > kMaxQuotedBytes) {
        size_t n = kMaxQuotedBytes;
        // Back up to the start of a UTF-8 sequence so the message stays valid UTF-8.
        while (n > 0 && (static_cast<unsigned char>(s[n]) & 0xC0) == 0x80) --n;
        s = s.substr(0, n);
        cut = true;
      }
      AppendJsonString(out, s);
      if (cut) out->append("...");
      return;
    }
    case element_type::INT64:
      out->append(std::to_string(v.get_int64().value_unsafe()));
      return;
    case element_type::UINT64:
      out->append(std::to_string(v.get_uint64().value_unsafe()));
      return;
    case element_type::DOUBLE: {
      char buf[32];
      auto r = std::to_chars(buf, buf + sizeof(buf), v.get_double().value_unsafe());
      out->append(buf, r.ptr);
      return;
    }
    case element_type::BOOL:
      out->append(v.get_bool().value_unsafe() ? "true" : "false");
      return;
    case element_type::NULL_VALUE:
      out->append("null");
      return;
    case element_type::OBJECT:
      out->append("an object");
      return;
    case element_type::ARRAY:
      out->append("an array");
      return;
  }
}

long double NumberOf(element v) {
  switch (v.type()) {
    case element_type::INT64:
      return static_cast<long double>(v.get_int64().value_unsafe());
    case element_type::UINT64:
      return static_cast<long double>(v.get_uint64().value_unsafe());
    case element_type::DOUBLE:
      return static_cast<long double>(v.get_double().value_unsafe());
    default:
      return 0;
  }
}

// The instance's type bits: a number with no fractional part is also an integer (1.0 included,
// as later drafts made explicit).
uint8_t TypeBitsOf(element v) {
  switch (v.type()) {
    case element_type::STRING:
      return validator_internal::kStringBit;
    case element_type::INT64:
    case element_type::UINT64:
      return validator_internal::kNumberBit | validator_internal::kIntegerBit;
    case element_type::DOUBLE: {
      double d = v.get_double().value_unsafe();
      return std::isfinite(d) && std::floor(d) == d
                 ? validator_internal::kNumberBit | validator_internal::kIntegerBit
                 : validator_internal::kNumberBit;
    }
    case element_type::BOOL:
      return validator_internal::kBooleanBit;
    case element_type::NULL_VALUE:
      return validator_internal::kNullBit;
    case element_type::OBJECT:
      return validator_internal::kObjectBit;
    case element_type::ARRAY:
      return validator_internal::kArrayBit;
  }
  return 0;
}

std::string_view TypeNameOf(element v) {
  switch (TypeBitsOf(v)) {
    case validator_internal::kStringBit:
      return "string";
    case validator_internal::kNumberBit | validator_internal::kIntegerBit:
      return "integer";
    case validator_internal::kNumberBit:
      return "number";
    case validator_internal::kBooleanBit:
      return "boolean";
    case validator_internal::kNullBit:
      return "null";
    case validator_internal::kObjectBit:
      return "object";
    default:
      return "array";
  }
}

std::string TypeListText(uint8_t types) {
  std::string out;
  for (const auto& [name, bit] : kTypeNames) {
    if ((types & bit) == 0) continue;
    if (!out.empty()) out.append(" or ");
    out.append(name);
  }
  return out;
}

void AppendLiteral(std::string* out, const Literal& l) {
  switch (l.kind) {
    case Literal::Kind::kNull:
      out->append("null");
      return;
    case Literal::Kind::kBool:
      out->append(l.boolean ? "true" : "false");
      return;
    case Literal::Kind::kNumber: {
      char buf[64];
      auto r = std::to_chars(buf, buf + sizeof(buf), static_cast<double>(l.number));
      out->append(buf, r.ptr);
      return;
    }
    case Literal::Kind::kString:
      AppendJsonString(out, l.string);
      return;
    case Literal::Kind::kArray:
      out->push_back('[');
      for (size_t i = 0; i < l.items.size(); ++i) {
        if (i > 0) out->push_back(',');
        AppendLiteral(out, l.items[i]);
      }
      out->push_back(']');
      return;
    case Literal::Kind::kObject:
      out->push_back('{');
      for (size_t i = 0; i < l.keys.size(); ++i) {
        if (i > 0) out->push_back(',');
        AppendJsonString(out, l.keys[i]);
        out->push_back(':');
        AppendLiteral(out, l.items[i]);
      }
      out->push_back('}');
      return;
  }
}

Literal ToLiteral(element v) {
  Literal l;
  switch (v.type()) {
    case element_type::NULL_VALUE:
      break;
    case element_type::BOOL:
      l.kind = Literal::Kind::kBool;
      l.boolean = v.get_bool().value_unsafe();
      break;
    case element_type::INT64:
    case element_type::UINT64:
    case element_type::DOUBLE:
      l.kind = Literal::Kind::kNumber;
      l.number = NumberOf(v);
      break;
    case element_type::STRING:
      l.kind = Literal::Kind::kString;
      l.string = std::string(v.get_string().value_unsafe());
      break;
    case element_type::ARRAY: {
      l.kind = Literal::Kind::kArray;
      simdjson::dom::array a = v.get_array().value_unsafe();
      for (element item : a) l.items.push_back(ToLiteral(item));
      break;
    }
    case element_type::OBJECT: {
      l.kind = Literal::Kind::kObject;
      simdjson::dom::object o = v.get_object().value_unsafe();
      for (auto field : o) {
        l.keys.emplace_back(field.key);
        l.items.push_back(ToLiteral(field.value));
      }
      break;
    }
  }
  return l;
}

bool Equal(const Literal& l, element v) {
  switch (l.kind) {
    case Literal::Kind::kNull:
      return v.is_null();
    case Literal::Kind::kBool:
      return v.is_bool() && v.get_bool().value_unsafe() == l.boolean;
    case Literal::Kind::kNumber:
      return v.is_number() && NumberOf(v) == l.number;
    case Literal::Kind::kString:
      return v.is_string() && v.get_string().value_unsafe() == l.string;
    case Literal::Kind::kArray: {
      if (!v.is_array()) return false;
      simdjson::dom::array a = v.get_array().value_unsafe();
      if (a.size() != l.items.size()) return false;
      size_t i = 0;
      for (element item : a) {
        if (!Equal(l.items[i++], item)) return false;
      }
      return true;
    }
    case Literal::Kind::kObject: {
      if (!v.is_object()) return false;
      simdjson::dom::object o = v.get_object().value_unsafe();
      if (o.size() != l.keys.size()) return false;
      for (size_t i = 0; i < l.keys.size(); ++i) {
        element field;
        if (o.at_key(l.keys[i]).get(field) != simdjson::SUCCESS || !Equal(l.items[i], field)) {
          return false;
        }
      }
      return true;
    }
  }
  return false;
}

size_t CodePoints(std::string_view s) {
  size_t n = 0;
  for (char c : s) n += (static_cast<unsigned char>(c) & 0xC0) != 0x80;
  return n;
}

// ---- Patterns ----------------------------------------------------------------------------------

struct MatchDataFree {
  void operator()(pcre2_match_data* md) const { pcre2_match_data_free(md); }
};

// Match data private to the calling thread, so that matching takes no lock. One ovector pair is
// enough: a search only needs to know whether there is a match.
pcre2_match_data* ThreadMatchData() {
  thread_local std::unique_ptr<pcre2_match_data, MatchDataFree> md(
      pcre2_match_data_create(1, nullptr));
  return md.get();
}

// Bounds the work of a pathological pattern against a long string; shared (read-only) by all.
const pcre2_match_context* MatchContext() {
  static pcre2_match_context* const ctx = [] {
    pcre2_match_context* c = pcre2_match_context_create(nullptr);
    if (c != nullptr) {
      pcre2_set_match_limit(c, 1'000'000);
      pcre2_set_depth_limit(c, 10'000);
    }
    return c;
  }();
  return ctx;
}

// 1 when `s` contains a match, 0 when not, a negative PCRE2 error when matching gave up.
int Search(const pcre2_code* code, std::string_view s) {
  pcre2_match_data* md = ThreadMatchData();
  if (md == nullptr) return PCRE2_ERROR_NOMEMORY;
  int rc = pcre2_match(code, reinterpret_cast<PCRE2_SPTR>(s.data()), s.size(), 0,
                       PCRE2_NO_UTF_CHECK,  // simdjson has validated the UTF-8
                       md, const_cast<pcre2_match_context*>(MatchContext()));
  if (rc >= 0) return 1;
  if (rc == PCRE2_ERROR_NOMATCH) return 0;
  return rc;
}

bool CheckFormat(Format f, std::string_view s) {
  switch (f) {
    case Format::kNone:
      return true;
    case Format::kUuid:
      return formats::IsUuid(s);
    case Format::kDateTime:
      return formats::IsDateTime(s);
    case Format::kDate:
      return formats::IsDate(s);
    case Format::kUri:
      return formats::IsUri(s);
    case Format::kEmail:
      return formats::IsEmail(s);
    case Format::kIpv4:
      return formats::IsIpv4(s);
    case Format::kIpv6:
      return formats::IsIpv6(s);
    case Format::kHostname:
      return formats::IsHostname(s);
  }
  return true;
}

// ---- Validation --------------------------------------------------------------------------------

// Where the instance being checked sits: a chain of frames on the stack, turned into a JSON
// Pointer only when there is a violation to report.
struct PathFrame {
  const PathFrame* parent = nullptr;
  std::string_view key;  // when !is_index
  size_t index = 0;      // when is_index
  bool is_index = false;
};

std::string PointerOf(const PathFrame* at) {
  std::vector<const PathFrame*> frames;
  for (; at != nullptr; at = at->parent) frames.push_back(at);
  std::string out;
  for (auto it = frames.rbegin(); it != frames.rend(); ++it) {
    out.push_back('/');
    if ((*it)->is_index) {
      out.append(std::to_string((*it)->index));
      continue;
    }
    for (char c : (*it)->key) {
      if (c == '~') {
        out.append("~0");
      } else if (c == '/') {
        out.append("~1");
      } else {
        out.push_back(c);
      }
    }
  }
  return out;
}

class Validation {
 public:
  explicit Validation(std::vector<Violation>* out) : out_(out) {}

  bool failed() const { return count_ > 0; }

  void Check(const Node& n, element v, const PathFrame* at) {
    if (Stop()) return;
    if ((n.types & TypeBitsOf(v)) == 0) {
      std::string m = "expected type " + TypeListText(n.types) + ", got ";
      AppendTyped(&m, v);
      Add(at, std::move(m));
      return;
    }
    if (n.has_enum && !InEnum(n, v)) {
      std::string m = "expected one of " + n.enum_text + ", got ";
      AppendValue(&m, v);
      Add(at, std::move(m));
    }
    switch (v.type()) {
      case element_type::STRING:
        CheckString(n, v, at);
        break;
      case element_type::INT64:
      case element_type::UINT64:
      case element_type::DOUBLE:
        CheckNumber(n, v, at);
        break;
      case element_type::OBJECT:
        CheckObject(n, v, at);
        break;
      case element_type::ARRAY:
        CheckArray(n, v, at);
        break;
      default:
        break;
    }
  }

 private:
  // Without an output only validity matters, so the first violation ends the run.
  bool Stop() const { return out_ == nullptr ? count_ > 0 : count_ >= kMaxViolations; }

  void Add(const PathFrame* at, std::string message) {
    if (Stop()) return;
    ++count_;
    if (out_ != nullptr) out_->push_back({PointerOf(at), std::move(message)});
  }

  static void AppendTyped(std::string* m, element v) {
    m->append(TypeNameOf(v));
    if (v.is_null()) return;
    if (v.is_object() || v.is_array()) return;
    m->push_back(' ');
    AppendValue(m, v);
  }

  static bool InEnum(const Node& n, element v) {
    for (const Literal& l : n.enum_values) {
      if (Equal(l, v)) return true;
    }
    return false;
  }

  void CheckString(const Node& n, element v, const PathFrame* at) {
    std::string_view s = v.get_string().value_unsafe();
    if (n.min_length > 0 || n.max_length < s.size()) {
      size_t length = CodePoints(s);
      if (length < n.min_length) {
        Add(at, "expected at least " + std::to_string(n.min_length) + " characters, got " +
                    std::to_string(length));
      }
      if (length > n.max_length) {
        Add(at, "expected at most " + std::to_string(n.max_length) + " characters, got " +
                    std::to_string(length));
      }
    }
    if (n.pattern != nullptr) {
      int rc = Search(n.pattern.get(), s);
      if (rc != 1) {
        std::string m = "expected a string matching ";
        AppendJsonString(&m, n.pattern_text);
        m.append(", got ");
        AppendValue(&m, v);
        if (rc < 0) m.append(" (the match gave up: too complex)");
        Add(at, std::move(m));
      }
    }
    if (n.format != Format::kNone && !CheckFormat(n.format, s)) {
      std::string m = "expected format ";
      m.append(FormatName(n.format));
      m.append(", got ");
      AppendValue(&m, v);
      Add(at, std::move(m));
    }
  }

  void CheckNumber(const Node& n, element v, const PathFrame* at) {
    if (!n.has_minimum && !n.has_maximum) return;
    long double x = NumberOf(v);
    if (n.has_minimum && (n.exclusive_minimum ? x <= n.minimum : x < n.minimum)) {
      std::string m = n.exclusive_minimum ? "expected a number > " : "expected a number >= ";
      m.append(n.minimum_text);
      m.append(", got ");
      AppendValue(&m, v);
      Add(at, std::move(m));
    }
    if (n.has_maximum && (n.exclusive_maximum ? x >= n.maximum : x > n.maximum)) {
      std::string m = n.exclusive_maximum ? "expected a number < " : "expected a number <= ";
      m.append(n.maximum_text);
      m.append(", got ");
      AppendValue(&m, v);
      Add(at, std::move(m));
    }
  }

  static const Node* FindProperty(const Node& n, std::string_view key) {
    auto it = std::lower_bound(
        n.properties.begin(), n.properties.end(), key,
        [](const auto& entry, std::string_view k) { return std::string_view(entry.first) < k; });
    if (it == n.properties.end() || it->first != key) return nullptr;
    return it->second.get();
  }

  void CheckObject(const Node& n, element v, const PathFrame* at) {
    simdjson::dom::object obj = v.get_object().value_unsafe();
    if (!n.properties.empty() || !n.additional_allowed || n.additional != nullptr) {
      for (auto field : obj) {
        if (Stop()) return;
        PathFrame frame{at, field.key, 0, false};
        if (const Node* child = FindProperty(n, field.key); child != nullptr) {
          Check(*child, field.value, &frame);
        } else if (!n.additional_allowed) {
          std::string m = "expected no additional properties, got ";
          AppendJsonString(&m, field.key);
          Add(&frame, std::move(m));
        } else if (n.additional != nullptr) {
          Check(*n.additional, field.value, &frame);
        }
      }
    }
    for (const std::string& name : n.required) {
      if (Stop()) return;
      if (obj.at_key(name).error() == simdjson::SUCCESS) continue;
      PathFrame frame{at, name, 0, false};
      std::string m = "expected required property ";
      AppendJsonString(&m, name);
      m.append(", got none");
      Add(&frame, std::move(m));
    }
  }

  void CheckArray(const Node& n, element v, const PathFrame* at) {
    simdjson::dom::array arr = v.get_array().value_unsafe();
    if (n.min_items > 0 || n.max_items != std::numeric_limits<size_t>::max()) {
      size_t size = arr.size();
      if (size < n.min_items) {
        Add(at, "expected at least " + std::to_string(n.min_items) + " items, got " +
                    std::to_string(size));
      }
      if (size > n.max_items) {
        Add(at, "expected at most " + std::to_string(n.max_items) + " items, got " +
                    std::to_string(size));
      }
    }
    if (n.items == nullptr) return;
    size_t i = 0;
    for (element item : arr) {
      if (Stop()) return;
      PathFrame frame{at, {}, i++, true};
      Check(*n.items, item, &frame);
    }
  }

  std::vector<Violation>* out_;
  size_t count_ = 0;
};

// ---- Compilation -------------------------------------------------------------------------------

// Keywords that say nothing about validity. `self` and `$schema` are Iglu's (the key and the
// meta-schema); `title` and `description` are draft-04 annotations.
constexpr std::string_view kIgnoredKeywords[] = {"$schema", "self", "description", "title"};

class Compiler {
 public:
  explicit Compiler(std::string_view name) : name_(name) {}

  Result<std::unique_ptr<Node>> CompileNode(element schema, const std::string& pointer, int depth) {
    if (depth > kMaxSchemaDepth) {
      return Error(pointer, "subschemas nest deeper than " + std::to_string(kMaxSchemaDepth));
    }
    simdjson::dom::object obj;
    if (schema.get(obj) != simdjson::SUCCESS) return Error(pointer, "a schema must be an object");
    auto node = std::make_unique<Node>();
    for (auto field : obj) {
      FOOTFALL_RETURN_IF_ERROR(Keyword(node.get(), field.key, field.value, pointer, depth));
    }
    std::sort(node->properties.begin(), node->properties.end(),
              [](const auto& a, const auto& b) { return a.first < b.first; });
    return node;
  }

 private:
  Status Error(const std::string& pointer, std::string_view what) const {
    std::string m(name_);
    m.append(": ");
    m.append(what);
    m.append(pointer.empty() ? " (at the schema's root)" : " (at " + pointer + ")");
    return InvalidArgument(std::move(m));
  }

  static std::string Child(const std::string& pointer, std::string_view key) {
    std::string out = pointer + "/";
    for (char c : key) {
      if (c == '~') {
        out.append("~0");
      } else if (c == '/') {
        out.append("~1");
      } else {
        out.push_back(c);
      }
    }
    return out;
  }

  static std::string Quoted(std::string_view s) {
    std::string out;
    AppendJsonString(&out, s);
    return out;
  }

  Result<size_t> Count(element v, std::string_view key, const std::string& pointer) const {
    uint64_t n = 0;
    if (v.get(n) != simdjson::SUCCESS || n > std::numeric_limits<uint32_t>::max()) {
      return Error(pointer, Quoted(key) + " must be a non-negative integer");
    }
    return static_cast<size_t>(n);
  }

  Result<bool> Bool(element v, std::string_view key, const std::string& pointer) const {
    bool b = false;
    if (v.get(b) != simdjson::SUCCESS) {
      return Error(pointer, Quoted(key) + " must be a boolean (draft-04)");
    }
    return b;
  }

  Status Bound(element v, std::string_view key, const std::string& pointer, long double* bound,
               std::string* text) const {
    if (!v.is_number()) return Error(pointer, Quoted(key) + " must be a number");
    *bound = NumberOf(v);
    text->clear();
    AppendValue(text, v);
    return Status::Ok();
  }

  Status Keyword(Node* n, std::string_view key, element v, const std::string& pointer, int depth) {
    if (key == "type") return Type(n, v, pointer);
    if (key == "properties") {
      simdjson::dom::object props;
      if (v.get(props) != simdjson::SUCCESS) {
        return Error(pointer, "\"properties\" must be an object");
      }
      std::string at = Child(pointer, "properties");
      for (auto field : props) {
        FOOTFALL_ASSIGN_OR_RETURN(std::unique_ptr<Node> child,
                                  CompileNode(field.value, Child(at, field.key), depth + 1));
        n->properties.emplace_back(std::string(field.key), std::move(child));
      }
      return Status::Ok();
    }
    if (key == "required") {
      simdjson::dom::array names;
      if (v.get(names) != simdjson::SUCCESS) {
        return Error(pointer, "\"required\" must be an array of strings");
      }
      for (element name : names) {
        std::string_view s;
        if (name.get(s) != simdjson::SUCCESS) {
          return Error(pointer, "\"required\" must be an array of strings");
        }
        n->required.emplace_back(s);
      }
      return Status::Ok();
    }
    if (key == "additionalProperties") {
      if (v.is_bool()) {
        n->additional_allowed = v.get_bool().value_unsafe();
        return Status::Ok();
      }
      FOOTFALL_ASSIGN_OR_RETURN(n->additional,
                                CompileNode(v, Child(pointer, "additionalProperties"), depth + 1));
      return Status::Ok();
    }
    if (key == "enum") {
      simdjson::dom::array values;
      if (v.get(values) != simdjson::SUCCESS || values.size() == 0) {
        return Error(pointer, "\"enum\" must be a non-empty array");
      }
      n->has_enum = true;
      for (element value : values) n->enum_values.push_back(ToLiteral(value));
      for (size_t i = 0; i < n->enum_values.size(); ++i) {
        if (i > 0) n->enum_text.append(", ");
        if (n->enum_text.size() > kMaxEnumTextBytes) {
          n->enum_text.append("...");
          break;
        }
        AppendLiteral(&n->enum_text, n->enum_values[i]);
      }
      return Status::Ok();
    }
    if (key == "minimum") {
      n->has_minimum = true;
      return Bound(v, key, pointer, &n->minimum, &n->minimum_text);
    }
    if (key == "maximum") {
      n->has_maximum = true;
      return Bound(v, key, pointer, &n->maximum, &n->maximum_text);
    }
    if (key == "exclusiveMinimum") {
      FOOTFALL_ASSIGN_OR_RETURN(n->exclusive_minimum, Bool(v, key, pointer));
      return Status::Ok();
    }
    if (key == "exclusiveMaximum") {
      FOOTFALL_ASSIGN_OR_RETURN(n->exclusive_maximum, Bool(v, key, pointer));
      return Status::Ok();
    }
    if (key == "minLength") {
      FOOTFALL_ASSIGN_OR_RETURN(n->min_length, Count(v, key, pointer));
      return Status::Ok();
    }
    if (key == "maxLength") {
      FOOTFALL_ASSIGN_OR_RETURN(n->max_length, Count(v, key, pointer));
      return Status::Ok();
    }
    if (key == "minItems") {
      FOOTFALL_ASSIGN_OR_RETURN(n->min_items, Count(v, key, pointer));
      return Status::Ok();
    }
    if (key == "maxItems") {
      FOOTFALL_ASSIGN_OR_RETURN(n->max_items, Count(v, key, pointer));
      return Status::Ok();
    }
    if (key == "pattern") return Pattern(n, v, pointer);
    if (key == "format") {
      std::string_view name;
      if (v.get(name) != simdjson::SUCCESS) return Error(pointer, "\"format\" must be a string");
      for (const auto& [known, format] : kFormatNames) {
        if (known == name) {
          n->format = format;
          return Status::Ok();
        }
      }
      return Error(pointer, "unsupported format " + Quoted(name));
    }
    if (key == "items") {
      if (v.is_array()) {
        return Error(pointer, "\"items\" as an array (tuple validation) is not supported");
      }
      FOOTFALL_ASSIGN_OR_RETURN(n->items, CompileNode(v, Child(pointer, "items"), depth + 1));
      return Status::Ok();
    }
    for (std::string_view ignored : kIgnoredKeywords) {
      if (key == ignored) return Status::Ok();
    }
    return Error(pointer, "unsupported keyword " + Quoted(key));
  }

  Status Type(Node* n, element v, const std::string& pointer) const {
    auto bit_of = [](std::string_view name) -> uint8_t {
      for (const auto& [known, bit] : kTypeNames) {
        if (known == name) return bit;
      }
      return 0;
    };
    std::string_view single;
    if (v.get(single) == simdjson::SUCCESS) {
      n->types = bit_of(single);
      if (n->types == 0) return Error(pointer, "unknown type " + Quoted(single));
      return Status::Ok();
    }
    simdjson::dom::array names;
    if (v.get(names) != simdjson::SUCCESS || names.size() == 0) {
      return Error(pointer, "\"type\" must be a type name or a non-empty array of them");
    }
    n->types = 0;
    for (element name : names) {
      std::string_view s;
      if (name.get(s) != simdjson::SUCCESS) {
        return Error(pointer, "\"type\" must be a type name or a non-empty array of them");
      }
      uint8_t bit = bit_of(s);
      if (bit == 0) return Error(pointer, "unknown type " + Quoted(s));
      n->types |= bit;
    }
    return Status::Ok();
  }

  Status Pattern(Node* n, element v, const std::string& pointer) const {
    std::string_view text;
    if (v.get(text) != simdjson::SUCCESS) return Error(pointer, "\"pattern\" must be a string");
    int error = 0;
    PCRE2_SIZE offset = 0;
    pcre2_code* code = pcre2_compile(reinterpret_cast<PCRE2_SPTR>(text.data()), text.size(),
                                     PCRE2_UTF | PCRE2_NO_UTF_CHECK, &error, &offset, nullptr);
    if (code == nullptr) {
      PCRE2_UCHAR buf[256];
      pcre2_get_error_message(error, buf, sizeof(buf));
      return Error(pointer, "pattern " + Quoted(text) +
                                " does not compile: " + reinterpret_cast<const char*>(buf) +
                                " at offset " + std::to_string(offset));
    }
    // Without JIT support the interpreter runs the same pattern, only slower.
    (void)pcre2_jit_compile(code, PCRE2_JIT_COMPLETE);
    n->pattern.reset(code);
    n->pattern_text = std::string(text);
    return Status::Ok();
  }

  std::string_view name_;
};

// ---- Formats -----------------------------------------------------------------------------------

bool IsDigit(char c) { return c >= '0' && c <= '9'; }
bool IsAlpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
bool IsHex(char c) { return IsDigit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'); }

// The value of `n` digits at `s[pos]`, or -1 when they are not all digits.
int Digits(std::string_view s, size_t pos, size_t n) {
  if (pos + n > s.size()) return -1;
  int v = 0;
  for (size_t i = pos; i < pos + n; ++i) {
    if (!IsDigit(s[i])) return -1;
    v = v * 10 + (s[i] - '0');
  }
  return v;
}

bool ValidDate(int year, int month, int day) {
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (year < 0 || month < 1 || month > 12 || day < 1) return false;
  bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
  int days = kDays[month - 1] + (month == 2 && leap ? 1 : 0);
  return day <= days;
}

bool IsHostnameLabel(std::string_view label) {
  if (label.empty() || label.size() > 63) return false;
  if (label.front() == '-' || label.back() == '-') return false;
  for (char c : label) {
    if (!IsAlpha(c) && !IsDigit(c) && c != '-') return false;
  }
  return true;
}

}  // namespace

namespace formats {

bool IsUuid(std::string_view s) {
  if (s.size() != 36) return false;
  for (size_t i = 0; i < s.size(); ++i) {
    bool dash = i == 8 || i == 13 || i == 18 || i == 23;
    if (dash ? s[i] != '-' : !IsHex(s[i])) return false;
  }
  return true;
}

bool IsDate(std::string_view s) {
  if (s.size() != 10 || s[4] != '-' || s[7] != '-') return false;
  return ValidDate(Digits(s, 0, 4), Digits(s, 5, 2), Digits(s, 8, 2));
}

bool IsDateTime(std::string_view s) {
  // full-date "T" HH:MM:SS [.frac] (Z | +HH:MM | -HH:MM); RFC 3339 allows lower-case t and z.
  if (s.size() < 20 || !IsDate(s.substr(0, 10))) return false;
  if (s[10] != 'T' && s[10] != 't') return false;
  if (s[13] != ':' || s[16] != ':') return false;
  int hour = Digits(s, 11, 2), minute = Digits(s, 14, 2), second = Digits(s, 17, 2);
  if (hour < 0 || hour > 23 || minute < 0 || minute > 59 || second < 0 || second > 60) {
    return false;
  }
  size_t pos = 19;
  if (s[pos] == '.') {
    size_t start = ++pos;
    while (pos < s.size() && IsDigit(s[pos])) ++pos;
    if (pos == start) return false;
  }
  if (pos >= s.size()) return false;
  if (s[pos] == 'Z' || s[pos] == 'z') return pos + 1 == s.size();
  if (s[pos] != '+' && s[pos] != '-') return false;
  if (s.size() - pos != 6 || s[pos + 3] != ':') return false;
  int off_hour = Digits(s, pos + 1, 2), off_minute = Digits(s, pos + 4, 2);
  return off_hour >= 0 && off_hour <= 23 && off_minute >= 0 && off_minute <= 59;
}

bool IsUri(std::string_view s) {
  // scheme ":" then characters RFC 3986 allows anywhere in a URI, '%' only before two hex
  // digits, and at most one '#' (the fragment cannot contain another).
  if (s.empty() || !IsAlpha(s[0])) return false;
  size_t colon = 1;
  while (colon < s.size() && (IsAlpha(s[colon]) || IsDigit(s[colon]) || s[colon] == '+' ||
                              s[colon] == '-' || s[colon] == '.')) {
    ++colon;
  }
  if (colon >= s.size() || s[colon] != ':') return false;
  static constexpr std::string_view kAllowed = "-._~:/?#[]@!$&'()*+,;=";
  bool fragment = false;
  for (size_t i = colon + 1; i < s.size(); ++i) {
    char c = s[i];
    if (c == '%') {
      if (i + 2 >= s.size() || !IsHex(s[i + 1]) || !IsHex(s[i + 2])) return false;
      i += 2;
      continue;
    }
    if (c == '#') {
      if (fragment) return false;
      fragment = true;
      continue;
    }
    if (!IsAlpha(c) && !IsDigit(c) && kAllowed.find(c) == std::string_view::npos) return false;
  }
  return true;
}

bool IsHostname(std::string_view s) {
  if (s.empty() || s.size() > 253) return false;
  size_t start = 0;
  while (true) {
    size_t dot = s.find('.', start);
    std::string_view label =
        s.substr(start, dot == std::string_view::npos ? std::string_view::npos : dot - start);
    if (!IsHostnameLabel(label)) return false;
    if (dot == std::string_view::npos) return true;
    start = dot + 1;
  }
}

bool IsEmail(std::string_view s) {
  size_t at = s.rfind('@');
  if (at == std::string_view::npos || at == 0 || at > 64) return false;
  std::string_view local = s.substr(0, at);
  if (local.front() == '.' || local.back() == '.') return false;
  static constexpr std::string_view kAtext = "!#$%&'*+-/=?^_`{|}~";
  char prev = 0;
  for (char c : local) {
    if (c == '.' && prev == '.') return false;
    if (!IsAlpha(c) && !IsDigit(c) && c != '.' && kAtext.find(c) == std::string_view::npos) {
      return false;
    }
    prev = c;
  }
  return IsHostname(s.substr(at + 1));
}

bool IsIpv4(std::string_view s) {
  int parts = 0;
  size_t pos = 0;
  while (true) {
    size_t start = pos;
    int value = 0;
    while (pos < s.size() && IsDigit(s[pos]) && pos - start < 3) {
      value = value * 10 + (s[pos] - '0');
      ++pos;
    }
    size_t len = pos - start;
    // A leading zero is refused: some parsers read it as octal.
    if (len == 0 || value > 255 || (len > 1 && s[start] == '0')) return false;
    if (++parts == 4) return pos == s.size();
    if (pos >= s.size() || s[pos] != '.') return false;
    ++pos;
  }
}

bool IsIpv6(std::string_view s) {
  // inet_pton knows every text form (compressed, with an embedded IPv4 address) and rejects
  // zone ids, which JSON Schema's ipv6 does not allow either.
  char buf[INET6_ADDRSTRLEN + 1];
  if (s.empty() || s.size() >= sizeof(buf)) return false;
  std::copy(s.begin(), s.end(), buf);
  buf[s.size()] = '\0';
  if (std::string_view(buf, s.size()).find('\0') != std::string_view::npos) return false;
  unsigned char addr[16];
  return inet_pton(AF_INET6, buf, addr) == 1;
}

}  // namespace formats

CompiledSchema::CompiledSchema(std::unique_ptr<validator_internal::Node> root)
    : root_(std::move(root)) {}
CompiledSchema::CompiledSchema(CompiledSchema&&) noexcept = default;
CompiledSchema& CompiledSchema::operator=(CompiledSchema&&) noexcept = default;
CompiledSchema::~CompiledSchema() = default;

Result<CompiledSchema> CompiledSchema::Compile(simdjson::dom::element schema,
                                               std::string_view name) {
  Compiler compiler(name);
  FOOTFALL_ASSIGN_OR_RETURN(std::unique_ptr<Node> root, compiler.CompileNode(schema, "", 0));
  return CompiledSchema(std::move(root));
}

Result<CompiledSchema> CompiledSchema::Parse(std::string_view json, std::string_view name) {
  simdjson::dom::parser parser;
  element root;
  if (auto error = parser.parse(json.data(), json.size()).get(root); error != simdjson::SUCCESS) {
    return InvalidArgument(std::string(name) +
                           ": not valid JSON: " + simdjson::error_message(error));
  }
  return Compile(root, name);
}

bool CompiledSchema::Validate(simdjson::dom::element data,
                              std::vector<Violation>* violations) const {
  Validation run(violations);
  run.Check(*root_, data, nullptr);
  return !run.failed();
}

}  // namespace footfall::iglu
