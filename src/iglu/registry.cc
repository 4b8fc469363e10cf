#include "iglu/registry.h"

#include <simdjson.h>

#include <algorithm>
#include <charconv>
#include <filesystem>
#include <functional>
#include <system_error>
#include <tuple>
#include <unordered_map>
#include <utility>

#include "base/files.h"
#include "iglu/builtin_schemas.h"
#include "iglu/validator.h"

namespace footfall::iglu {
namespace {

constexpr std::string_view kScheme = "iglu:";
constexpr std::string_view kFormat = "jsonschema";

bool IsVendorChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
         c == '_' || c == '.';
}

// One SchemaVer part: decimal digits without a sign or a leading zero, small enough for an int.
bool ParseVersionPart(std::string_view s, int* out) {
  if (s.empty() || s.size() > 9 || (s.size() > 1 && s[0] == '0')) return false;
  auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), *out);
  return ec == std::errc() && ptr == s.data() + s.size() && *out >= 0;
}

struct KeyHash {
  size_t operator()(const SchemaKey& k) const {
    size_t h = std::hash<std::string_view>()(k.vendor);
    auto mix = [&h](size_t v) { h ^= v + 0x9e3779b97f4a7c15ULL + (h << 6) + (h >> 2); };
    mix(std::hash<std::string_view>()(k.name));
    mix(static_cast<size_t>(k.model));
    mix(static_cast<size_t>(k.revision));
    mix(static_cast<size_t>(k.addition));
    return h;
  }
};

// The key a schema document declares in its `self` object.
Result<SchemaKey> SelfKey(simdjson::dom::element schema, const std::string& name) {
  std::string_view vendor, schema_name, format, version;
  simdjson::dom::element self;
  if (schema["self"].get(self) != simdjson::SUCCESS || !self.is_object()) {
    return InvalidArgument(name + ": no \"self\" object (an Iglu schema names itself there)");
  }
  if (self["vendor"].get(vendor) != simdjson::SUCCESS ||
      self["name"].get(schema_name) != simdjson::SUCCESS ||
      self["format"].get(format) != simdjson::SUCCESS ||
      self["version"].get(version) != simdjson::SUCCESS) {
    return InvalidArgument(
        name + ": \"self\" needs string \"vendor\", \"name\", \"format\" and \"version\"");
  }
  std::string uri(kScheme);
  uri.append(vendor).append("/").append(schema_name).append("/").append(format).append("/");
  uri.append(version);
  Result<SchemaKey> key = SchemaKey::Parse(uri);
  if (!key.ok()) return key.status().WithContext(name + ": \"self\"");
  return key;
}

}  // namespace

Result<SchemaKey> SchemaKey::Parse(std::string_view uri) {
  auto bad = [uri](std::string_view what) {
    std::string m = "iglu URI \"";
    m.append(uri);
    m.append("\": ");
    m.append(what);
    return InvalidArgument(std::move(m));
  };
  if (!uri.starts_with(kScheme)) return bad("does not start with \"iglu:\"");
  std::string_view rest = uri.substr(kScheme.size());
  std::string_view parts[4];
  for (int i = 0; i < 4; ++i) {
    size_t slash = rest.find('/');
    if ((slash == std::string_view::npos) != (i == 3)) {
      return bad("expected vendor/name/jsonschema/MODEL-REVISION-ADDITION");
    }
    parts[i] = rest.substr(0, slash);
    if (slash != std::string_view::npos) rest = rest.substr(slash + 1);
  }
  SchemaKey key;
  if (parts[0].empty()) return bad("empty vendor");
  if (parts[0] == "." || parts[0] == ".." ||
      !std::all_of(parts[0].begin(), parts[0].end(), IsVendorChar)) {
    return bad("vendor may hold only letters, digits, '-', '_' and '.'");
  }
  if (parts[1].empty()) return bad("empty name");
  if (!std::all_of(parts[1].begin(), parts[1].end(),
                   [](char c) { return c != '.' && IsVendorChar(c); })) {
    return bad("name may hold only letters, digits, '-' and '_'");
  }
  if (parts[2] != kFormat) return bad("format must be \"jsonschema\"");
  std::string_view version = parts[3];
  size_t dash1 = version.find('-');
  size_t dash2 = dash1 == std::string_view::npos ? dash1 : version.find('-', dash1 + 1);
  if (dash2 == std::string_view::npos || !ParseVersionPart(version.substr(0, dash1), &key.model) ||
      !ParseVersionPart(version.substr(dash1 + 1, dash2 - dash1 - 1), &key.revision) ||
      !ParseVersionPart(version.substr(dash2 + 1), &key.addition)) {
    return bad("version must be MODEL-REVISION-ADDITION, three non-negative integers");
  }
  if (key.model < 1) return bad("version MODEL must be at least 1");
  key.vendor = std::string(parts[0]);
  key.name = std::string(parts[1]);
  return key;
}

std::string SchemaKey::ToUri() const {
  std::string uri(kScheme);
  uri.append(vendor).append("/").append(name).append("/").append(kFormat).append("/");
  uri.append(std::to_string(model)).append("-").append(std::to_string(revision)).append("-");
  uri.append(std::to_string(addition));
  return uri;
}

struct SchemaRegistry::Impl {
  std::unordered_map<SchemaKey, CompiledSchema, KeyHash> schemas;
};

SchemaRegistry::SchemaRegistry(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
SchemaRegistry::SchemaRegistry(SchemaRegistry&&) noexcept = default;
SchemaRegistry& SchemaRegistry::operator=(SchemaRegistry&&) noexcept = default;
SchemaRegistry::~SchemaRegistry() = default;

namespace {

// Parses and compiles one schema document named `name`, checking that its `self` is `expected`.
Result<CompiledSchema> LoadOne(simdjson::dom::parser* parser, std::string_view json,
                               const std::string& name, const SchemaKey& expected) {
  simdjson::dom::element root;
  if (auto error = parser->parse(json.data(), json.size()).get(root); error != simdjson::SUCCESS) {
    return InvalidArgument(name + ": not valid JSON: " + simdjson::error_message(error));
  }
  FOOTFALL_ASSIGN_OR_RETURN(SchemaKey self, SelfKey(root, name));
  if (!(self == expected)) {
    return InvalidArgument(name + ": \"self\" says " + self.ToUri() + " but its path says " +
                           expected.ToUri());
  }
  return CompiledSchema::Compile(root, name);
}

// Every regular file under `dir`, sorted, skipping hidden files and folders (".git" and the
// like in a checked-out Iglu repository).
Result<std::vector<std::filesystem::path>> SchemaFiles(const std::string& dir) {
  namespace fs = std::filesystem;
  std::error_code ec;
  fs::file_status st = fs::status(dir, ec);
  if (ec || !fs::exists(st)) return NotFound(dir + ": no such schema directory");
  if (!fs::is_directory(st)) return InvalidArgument(dir + ": not a directory");
  std::vector<fs::path> files;
  fs::recursive_directory_iterator it(dir, ec), end;
  for (; !ec && it != end; it.increment(ec)) {
    const fs::path& p = it->path();
    if (p.filename().string().starts_with(".")) {
      if (it->is_directory(ec)) it.disable_recursion_pending();
      continue;
    }
    if (it->is_regular_file(ec)) files.push_back(p);
  }
  if (ec) return IoError(dir + ": cannot list the schema directory: " + ec.message());
  std::sort(files.begin(), files.end());
  return files;
}

}  // namespace

Result<SchemaRegistry> SchemaRegistry::Load(const std::string& dir) {
  auto impl = std::make_unique<Impl>();
  simdjson::dom::parser parser;
  for (const BuiltinSchema& builtin : BuiltinSchemas()) {
    Result<SchemaKey> key = SchemaKey::Parse(builtin.uri);
    if (!key.ok()) return Internal("built-in schema: " + key.status().message());
    const std::string name = "built-in schema " + std::string(builtin.uri);
    Result<CompiledSchema> schema = LoadOne(&parser, builtin.json, name, *key);
    if (!schema.ok()) return Internal(schema.status().message());
    impl->schemas.insert_or_assign(std::move(key).value(), std::move(schema).value());
  }
  if (dir.empty()) return SchemaRegistry(std::move(impl));

  FOOTFALL_ASSIGN_OR_RETURN(std::vector<std::filesystem::path> files, SchemaFiles(dir));
  for (const std::filesystem::path& file : files) {
    const std::string name = file.string();
    const std::string relative = file.lexically_relative(dir).generic_string();
    Result<SchemaKey> key = SchemaKey::Parse(std::string(kScheme) + relative);
    if (!key.ok()) {
      return InvalidArgument(name + ": not at an Iglu path (DIR/vendor/name/jsonschema/M-R-A): " +
                             key.status().message());
    }
    FOOTFALL_ASSIGN_OR_RETURN(std::string json, ReadWholeFile(name));
    FOOTFALL_ASSIGN_OR_RETURN(CompiledSchema schema, LoadOne(&parser, json, name, *key));
    // A directory schema replaces a built-in one with the same key.
    impl->schemas.insert_or_assign(std::move(key).value(), std::move(schema));
  }
  return SchemaRegistry(std::move(impl));
}

bool SchemaRegistry::Contains(const SchemaKey& key) const {
  return impl_->schemas.find(key) != impl_->schemas.end();
}

size_t SchemaRegistry::size() const { return impl_->schemas.size(); }

std::vector<SchemaKey> SchemaRegistry::Keys() const {
  std::vector<SchemaKey> keys;
  keys.reserve(impl_->schemas.size());
  for (const auto& entry : impl_->schemas) keys.push_back(entry.first);
  std::sort(keys.begin(), keys.end(), [](const SchemaKey& a, const SchemaKey& b) {
    return std::tie(a.vendor, a.name, a.model, a.revision, a.addition) <
           std::tie(b.vendor, b.name, b.model, b.revision, b.addition);
  });
  return keys;
}

Status SchemaRegistry::Validate(const SchemaKey& key, simdjson::dom::element data,
                                std::vector<Violation>* violations) const {
  auto it = impl_->schemas.find(key);
  if (it == impl_->schemas.end()) return NotFound("no schema " + key.ToUri() + " in the registry");
  std::vector<Violation> local;
  std::vector<Violation>* out = violations != nullptr ? violations : &local;
  const size_t before = out->size();
  if (it->second.Validate(data, out)) return Status::Ok();
  // Validate() reports at least one violation whenever it fails.
  const Violation& first = (*out)[before];
  std::string m = key.ToUri() + ": ";
  if (!first.path.empty()) m.append(first.path).append(": ");
  m.append(first.message);
  const size_t more = out->size() - before - 1;
  if (more > 0) m.append(" (and ").append(std::to_string(more)).append(" more)");
  return InvalidArgument(std::move(m));
}

}  // namespace footfall::iglu
