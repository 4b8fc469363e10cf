#include "parquet/dataset.h"

#include <dirent.h>
#include <fcntl.h>
#include <simdjson.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <charconv>

#include "base/file_lock.h"
#include "base/files.h"
#include "base/json_writer.h"

namespace footfall::parquet {
namespace {

using Kind = LogicalType::Kind;

constexpr std::string_view kStagedSuffix = ".staged";
// What WriteFileDurably and the Parquet writer add to a name while the file is being written.
constexpr std::string_view kTmpSuffix = ".tmp";
constexpr std::string_view kParquetSuffix = ".parquet";

bool EndsWith(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}
bool StartsWith(std::string_view s, std::string_view prefix) {
  return s.substr(0, prefix.size()) == prefix;
}

std::string ManifestName(int64_t version) {
  char digits[32];
  std::snprintf(digits, sizeof digits, "%012lld", static_cast<long long>(version));
  return std::string(kManifestPrefix) + digits + std::string(kManifestSuffix);
}

// The version a manifest file name holds, or nullopt for any other name.
std::optional<int64_t> ManifestVersion(std::string_view name) {
  if (!StartsWith(name, kManifestPrefix) || !EndsWith(name, kManifestSuffix)) return std::nullopt;
  const std::string_view digits = name.substr(
      kManifestPrefix.size(), name.size() - kManifestPrefix.size() - kManifestSuffix.size());
  if (digits.empty() || digits.size() > 18) return std::nullopt;
  int64_t v = 0;
  const auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), v);
  if (ec != std::errc() || end != digits.data() + digits.size() || v < 1) return std::nullopt;
  return v;
}

Status Rename(const std::string& from, const std::string& to) {
  if (::rename(from.c_str(), to.c_str()) != 0) return ErrnoError("rename of " + from + " to " + to);
  return Status::Ok();
}

Status Unlink(const std::string& path) {
  if (::unlink(path.c_str()) != 0 && errno != ENOENT) return ErrnoError("cannot remove " + path);
  return Status::Ok();
}

struct DirEntry {
  std::string name;
  bool is_dir = false;
};

Result<std::vector<DirEntry>> ListDirectory(const std::string& dir) {
  DIR* d = ::opendir(dir.c_str());
  if (d == nullptr) {
    if (errno == ENOENT) return NotFound("no directory " + dir);
    return ErrnoError("cannot open directory " + dir);
  }
  std::vector<DirEntry> out;
  errno = 0;
  while (const dirent* e = ::readdir(d)) {
    const std::string_view name = e->d_name;
    if (name == "." || name == "..") continue;
    bool is_dir = e->d_type == DT_DIR;
    if (e->d_type == DT_UNKNOWN) {
      struct stat st {};
      is_dir = ::stat((dir + "/" + std::string(name)).c_str(), &st) == 0 && S_ISDIR(st.st_mode);
    }
    out.push_back({std::string(name), is_dir});
  }
  const int err = errno;
  ::closedir(d);
  if (err != 0) {
    errno = err;
    return ErrnoError("cannot list directory " + dir);
  }
  std::sort(out.begin(), out.end(),
            [](const DirEntry& a, const DirEntry& b) { return a.name < b.name; });
  return out;
}

bool IsPartitionChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
         c == '_' || c == '.' || c == ':' || c == '+';
}

Status ValidateFileName(std::string_view name) {
  if (name.size() <= kParquetSuffix.size() || !EndsWith(name, kParquetSuffix) ||
      name.front() == '.' || name.front() == '_' || name.find('/') != std::string_view::npos ||
      name.find('\0') != std::string_view::npos) {
    return InvalidArgument("dataset file name '" + std::string(name) +
                           "' must end in .parquet and not contain '/' or start with '.' or '_'");
  }
  return Status::Ok();
}

// --- Manifest JSON -------------------------------------------------------------------------

std::string_view UnitName(TimeUnit u) {
  switch (u) {
    case TimeUnit::kMillis:
      return "MILLIS";
    case TimeUnit::kMicros:
      return "MICROS";
    case TimeUnit::kNanos:
      return "NANOS";
  }
  return "MICROS";
}

struct KindName {
  Kind kind;
  std::string_view name;
};
constexpr KindName kKindNames[] = {
    {Kind::kString, "STRING"},   {Kind::kEnum, "ENUM"},       {Kind::kDecimal, "DECIMAL"},
    {Kind::kDate, "DATE"},       {Kind::kTime, "TIME"},       {Kind::kTimestamp, "TIMESTAMP"},
    {Kind::kInteger, "INTEGER"}, {Kind::kUnknown, "UNKNOWN"}, {Kind::kJson, "JSON"},
    {Kind::kBson, "BSON"},       {Kind::kUuid, "UUID"},       {Kind::kFloat16, "FLOAT16"},
};

void WriteLogical(JsonWriter& w, const LogicalType& t) {
  std::string_view name = "OTHER";
  for (const KindName& k : kKindNames) {
    if (k.kind == t.kind) name = k.name;
  }
  w.BeginObject().Key("type").String(name);
  switch (t.kind) {
    case Kind::kDecimal:
      w.Key("precision").Int(t.precision).Key("scale").Int(t.scale);
      break;
    case Kind::kTime:
    case Kind::kTimestamp:
      w.Key("unit").String(UnitName(t.unit)).Key("utc").Bool(t.adjusted_to_utc);
      break;
    case Kind::kInteger:
      w.Key("bit_width").Int(t.bit_width).Key("signed").Bool(t.is_signed);
      break;
    default:
      break;
  }
  w.EndObject();
}

// A small reader over simdjson's DOM whose errors name the manifest and the member.
class JsonFields {
 public:
  JsonFields(const std::string& name) : name_(name) {}

  Status Error(std::string_view what) const {
    return Corruption("dataset manifest " + name_ + ": " + std::string(what));
  }
  Status Object(simdjson::dom::element e, std::string_view what, simdjson::dom::object* out) const {
    if (e.get_object().get(*out) != simdjson::SUCCESS) {
      return Error(std::string(what) + " is not an object");
    }
    return Status::Ok();
  }
  Status Array(simdjson::dom::object o, std::string_view key, simdjson::dom::array* out) const {
    if (o[key].get_array().get(*out) != simdjson::SUCCESS) {
      return Error("'" + std::string(key) + "' is missing or not an array");
    }
    return Status::Ok();
  }
  Status Int(simdjson::dom::object o, std::string_view key, int64_t* out) const {
    if (o[key].get_int64().get(*out) != simdjson::SUCCESS) {
      return Error("'" + std::string(key) + "' is missing or not an integer");
    }
    return Status::Ok();
  }
  Status Str(simdjson::dom::element e, std::string_view what, std::string* out) const {
    std::string_view v;
    if (e.get_string().get(v) != simdjson::SUCCESS) {
      return Error(std::string(what) + " is not a string");
    }
    out->assign(v);
    return Status::Ok();
  }
  Status Str(simdjson::dom::object o, std::string_view key, std::string* out) const {
    simdjson::dom::element e;
    if (o[key].get(e) != simdjson::SUCCESS) return Error("'" + std::string(key) + "' is missing");
    return Str(e, "'" + std::string(key) + "'", out);
  }
  Status Bool(simdjson::dom::object o, std::string_view key, bool* out) const {
    if (o[key].get_bool().get(*out) != simdjson::SUCCESS) {
      return Error("'" + std::string(key) + "' is missing or not a boolean");
    }
    return Status::Ok();
  }

 private:
  const std::string& name_;
};

Status ReadLogical(const JsonFields& j, simdjson::dom::element e, const std::string& column,
                   LogicalType* t) {
  simdjson::dom::object o;
  FOOTFALL_RETURN_IF_ERROR(j.Object(e, "the logical type of '" + column + "'", &o));
  std::string name;
  FOOTFALL_RETURN_IF_ERROR(j.Str(o, "type", &name));
  bool known = false;
  for (const KindName& k : kKindNames) {
    if (k.name == name) {
      t->kind = k.kind;
      known = true;
    }
  }
  if (!known) return j.Error("column '" + column + "' has an unknown logical type " + name);
  int64_t a = 0;
  int64_t b = 0;
  std::string unit;
  switch (t->kind) {
    case Kind::kDecimal:
      FOOTFALL_RETURN_IF_ERROR(j.Int(o, "precision", &a));
      FOOTFALL_RETURN_IF_ERROR(j.Int(o, "scale", &b));
      if (a < 1 || a > 38 || b < 0 || b > a) return j.Error("bad DECIMAL of '" + column + "'");
      t->precision = static_cast<int32_t>(a);
      t->scale = static_cast<int32_t>(b);
      break;
    case Kind::kTime:
    case Kind::kTimestamp:
      FOOTFALL_RETURN_IF_ERROR(j.Str(o, "unit", &unit));
      FOOTFALL_RETURN_IF_ERROR(j.Bool(o, "utc", &t->adjusted_to_utc));
      if (unit == "MILLIS") {
        t->unit = TimeUnit::kMillis;
      } else if (unit == "MICROS") {
        t->unit = TimeUnit::kMicros;
      } else if (unit == "NANOS") {
        t->unit = TimeUnit::kNanos;
      } else {
        return j.Error("column '" + column + "' has an unknown time unit " + unit);
      }
      break;
    case Kind::kInteger:
      FOOTFALL_RETURN_IF_ERROR(j.Int(o, "bit_width", &a));
      FOOTFALL_RETURN_IF_ERROR(j.Bool(o, "signed", &t->is_signed));
      if (a != 8 && a != 16 && a != 32 && a != 64) {
        return j.Error("bad INTEGER width of '" + column + "'");
      }
      t->bit_width = static_cast<int8_t>(a);
      break;
    default:
      break;
  }
  return Status::Ok();
}

Status ReadSchema(const JsonFields& j, simdjson::dom::array columns, Schema* schema) {
  for (simdjson::dom::element e : columns) {
    simdjson::dom::object o;
    FOOTFALL_RETURN_IF_ERROR(j.Object(e, "a schema column", &o));
    ColumnSpec c;
    FOOTFALL_RETURN_IF_ERROR(j.Str(o, "name", &c.name));
    std::string type;
    FOOTFALL_RETURN_IF_ERROR(j.Str(o, "type", &type));
    bool known = false;
    for (int32_t t = 0; t <= static_cast<int32_t>(PhysicalType::kFixedLenByteArray); ++t) {
      if (PhysicalTypeName(static_cast<PhysicalType>(t)) == type) {
        c.type = static_cast<PhysicalType>(t);
        known = true;
      }
    }
    if (!known) return j.Error("column '" + c.name + "' has an unknown type " + type);
    FOOTFALL_RETURN_IF_ERROR(j.Bool(o, "optional", &c.optional));
    int64_t length = 0;
    if (o["type_length"].get_int64().get(length) == simdjson::SUCCESS) {
      if (length < 0 || length > (1 << 20)) return j.Error("bad type_length of '" + c.name + "'");
      c.type_length = static_cast<int32_t>(length);
    }
    simdjson::dom::element logical;
    if (o["logical"].get(logical) == simdjson::SUCCESS) {
      FOOTFALL_RETURN_IF_ERROR(ReadLogical(j, logical, c.name, &c.logical));
    }
    schema->columns.push_back(std::move(c));
  }
  return Status::Ok();
}

}  // namespace

// --- Partitions and manifests ----------------------------------------------------------------

std::optional<std::string_view> PartitionValue(std::string_view partition, std::string_view key) {
  while (!partition.empty()) {
    const size_t slash = partition.find('/');
    const std::string_view segment = partition.substr(0, slash);
    const size_t eq = segment.find('=');
    if (eq != std::string_view::npos && segment.substr(0, eq) == key) {
      return segment.substr(eq + 1);
    }
    if (slash == std::string_view::npos) break;
    partition.remove_prefix(slash + 1);
  }
  return std::nullopt;
}

Status ValidatePartition(std::string_view partition) {
  const std::string quoted = "partition '" + std::string(partition) + "'";
  std::string_view rest = partition;
  while (!rest.empty()) {
    const size_t slash = rest.find('/');
    const std::string_view segment = rest.substr(0, slash);
    const size_t eq = segment.find('=');
    if (eq == std::string_view::npos || eq == 0 || eq + 1 == segment.size()) {
      return InvalidArgument(quoted + ": each segment must be key=value");
    }
    const std::string_view key = segment.substr(0, eq);
    const std::string_view value = segment.substr(eq + 1);
    if (key.front() == '_' || key.front() == '.' || value == "." || value == "..") {
      return InvalidArgument(quoted +
                             ": a key may not start with '_' or '.', nor a value be . or ..");
    }
    for (char c : segment.substr(0, eq)) {
      if (!IsPartitionChar(c)) return InvalidArgument(quoted + ": bad character in a key");
    }
    for (char c : value) {
      if (!IsPartitionChar(c)) return InvalidArgument(quoted + ": bad character in a value");
    }
    if (slash == std::string_view::npos) break;
    rest.remove_prefix(slash + 1);
    if (rest.empty()) return InvalidArgument(quoted + " ends with '/'");
  }
  return Status::Ok();
}

bool DatasetManifest::HasInput(std::string_view input) const {
  for (const DatasetFile& f : files) {
    for (const std::string& i : f.inputs) {
      if (i == input) return true;
    }
  }
  return false;
}

std::set<std::string> DatasetManifest::Inputs() const {
  std::set<std::string> out;
  for (const DatasetFile& f : files) out.insert(f.inputs.begin(), f.inputs.end());
  return out;
}

std::vector<const DatasetFile*> DatasetManifest::FilesIn(const PartitionRange& range) const {
  std::vector<const DatasetFile*> out;
  for (const DatasetFile& f : files) {
    const std::optional<std::string_view> v = PartitionValue(f.partition, range.key);
    if (!v) continue;
    if (range.min && *v < *range.min) continue;
    if (range.max && *v > *range.max) continue;
    out.push_back(&f);
  }
  return out;
}

std::string EncodeManifest(const DatasetManifest& m) {
  JsonWriter w;
  w.BeginObject();
  w.Key("format").String(kManifestFormat);
  w.Key("format_version").Int(kManifestFormatVersion);
  w.Key("version").Int(m.version);
  w.Key("schema").BeginArray();
  for (const ColumnSpec& c : m.schema.columns) {
    w.BeginObject().Key("name").String(c.name).Key("type").String(PhysicalTypeName(c.type));
    w.Key("optional").Bool(c.optional);
    if (c.type_length != 0) w.Key("type_length").Int(c.type_length);
    if (c.logical.kind != Kind::kNone) {
      w.Key("logical");
      WriteLogical(w, c.logical);
    }
    w.EndObject();
  }
  w.EndArray();
  w.Key("properties").BeginObject();
  for (const auto& [k, v] : m.properties) w.Key(k).String(v);
  w.EndObject();
  w.Key("files").BeginArray();
  for (const DatasetFile& f : m.files) {
    w.BeginObject().Key("path").String(f.path).Key("partition").String(f.partition);
    w.Key("rows").Int(f.rows).Key("bytes").Int(f.bytes).Key("inputs").BeginArray();
    for (const std::string& i : f.inputs) w.String(i);
    w.EndArray().EndObject();
  }
  w.EndArray();
  w.EndObject();
  std::string out = w.Take();
  out.push_back('\n');
  return out;
}

Result<DatasetManifest> DecodeManifest(std::string_view json, const std::string& name) {
  const JsonFields j(name);
  simdjson::dom::parser parser;
  simdjson::dom::element root_element;
  if (parser.parse(json.data(), json.size()).get(root_element) != simdjson::SUCCESS) {
    return j.Error("not valid JSON");
  }
  simdjson::dom::object root;
  FOOTFALL_RETURN_IF_ERROR(j.Object(root_element, "the manifest", &root));
  std::string format;
  FOOTFALL_RETURN_IF_ERROR(j.Str(root, "format", &format));
  if (format != kManifestFormat) return j.Error("format is '" + format + "', not a dataset's");
  int64_t format_version = 0;
  FOOTFALL_RETURN_IF_ERROR(j.Int(root, "format_version", &format_version));
  if (format_version != kManifestFormatVersion) {
    return Unimplemented("dataset manifest " + name + " has format version " +
                         std::to_string(format_version) + "; this footfall reads version " +
                         std::to_string(kManifestFormatVersion));
  }
  DatasetManifest m;
  FOOTFALL_RETURN_IF_ERROR(j.Int(root, "version", &m.version));
  if (m.version < 1) return j.Error("version must be positive");
  simdjson::dom::array columns;
  FOOTFALL_RETURN_IF_ERROR(j.Array(root, "schema", &columns));
  FOOTFALL_RETURN_IF_ERROR(ReadSchema(j, columns, &m.schema));
  simdjson::dom::element props_element;
  if (root["properties"].get(props_element) == simdjson::SUCCESS) {
    simdjson::dom::object props;
    FOOTFALL_RETURN_IF_ERROR(j.Object(props_element, "'properties'", &props));
    for (auto field : props) {
      FOOTFALL_RETURN_IF_ERROR(
          j.Str(field.value, "a property", &m.properties[std::string(field.key)]));
    }
  }
  simdjson::dom::array files;
  FOOTFALL_RETURN_IF_ERROR(j.Array(root, "files", &files));
  for (simdjson::dom::element e : files) {
    simdjson::dom::object o;
    FOOTFALL_RETURN_IF_ERROR(j.Object(e, "a file", &o));
    DatasetFile f;
    FOOTFALL_RETURN_IF_ERROR(j.Str(o, "path", &f.path));
    FOOTFALL_RETURN_IF_ERROR(j.Str(o, "partition", &f.partition));
    FOOTFALL_RETURN_IF_ERROR(j.Int(o, "rows", &f.rows));
    FOOTFALL_RETURN_IF_ERROR(j.Int(o, "bytes", &f.bytes));
    simdjson::dom::array inputs;
    FOOTFALL_RETURN_IF_ERROR(j.Array(o, "inputs", &inputs));
    for (simdjson::dom::element i : inputs) {
      FOOTFALL_RETURN_IF_ERROR(j.Str(i, "an input", &f.inputs.emplace_back()));
    }
    // The path must be the partition's directory and a valid name: a manifest never points
    // outside its dataset.
    const std::string prefix = f.partition.empty() ? "" : f.partition + "/";
    if (!ValidatePartition(f.partition).ok() || !StartsWith(f.path, prefix) ||
        !ValidateFileName(std::string_view(f.path).substr(prefix.size())).ok()) {
      return j.Error("file path '" + f.path + "' does not fit partition '" + f.partition + "'");
    }
    if (f.rows < 0 || f.bytes < 0) return j.Error("file '" + f.path + "' has a negative size");
    m.files.push_back(std::move(f));
  }
  for (size_t i = 1; i < m.files.size(); ++i) {
    if (!(m.files[i - 1].path < m.files[i].path)) {
      return j.Error("files are not sorted by path or repeat one (" + m.files[i].path + ")");
    }
  }
  return m;
}

Result<std::vector<int64_t>> ListDatasetVersions(const std::string& dir) {
  FOOTFALL_ASSIGN_OR_RETURN(std::vector<DirEntry> entries, ListDirectory(dir));
  std::vector<int64_t> out;
  for (const DirEntry& e : entries) {
    if (e.is_dir) continue;
    if (std::optional<int64_t> v = ManifestVersion(e.name)) out.push_back(*v);
  }
  std::sort(out.begin(), out.end());
  return out;
}

namespace {

Result<DatasetManifest> ReadManifest(const std::string& dir, int64_t version) {
  const std::string path = dir + "/" + ManifestName(version);
  FOOTFALL_ASSIGN_OR_RETURN(std::string json, ReadWholeFile(path));
  FOOTFALL_ASSIGN_OR_RETURN(DatasetManifest m, DecodeManifest(json, path));
  if (m.version != version) {
    return Corruption("dataset manifest " + path + " holds version " + std::to_string(m.version));
  }
  return m;
}

}  // namespace

// --- Dataset ---------------------------------------------------------------------------------

Result<Dataset> Dataset::Open(const std::string& dir) {
  // A writer deletes manifests older than the ones it keeps; if it deletes the newest one seen
  // here before it is read (many commits in between), list again.
  for (int attempt = 0;; ++attempt) {
    FOOTFALL_ASSIGN_OR_RETURN(std::vector<int64_t> versions, ListDatasetVersions(dir));
    if (versions.empty()) return NotFound("no published version of dataset " + dir);
    Result<DatasetManifest> m = ReadManifest(dir, versions.back());
    if (m.ok()) return Dataset(dir, std::move(m).value());
    if (m.status().code() != StatusCode::kNotFound || attempt == 5) return m.status();
  }
}

Result<Dataset> Dataset::OpenVersion(const std::string& dir, int64_t version) {
  Result<DatasetManifest> m = ReadManifest(dir, version);
  if (!m.ok()) {
    if (m.status().code() == StatusCode::kNotFound) {
      return NotFound("dataset " + dir + " has no version " + std::to_string(version));
    }
    return m.status();
  }
  return Dataset(dir, std::move(m).value());
}

std::vector<DatasetFile> Dataset::Files(const PartitionRange& range) const {
  std::vector<DatasetFile> out;
  for (const DatasetFile* f : manifest_.FilesIn(range)) out.push_back(*f);
  return out;
}

Result<ParquetReader> Dataset::OpenFile(const DatasetFile& file, ReaderOptions options) const {
  return ParquetReader::Open(PathOf(file), options);
}

// --- DatasetWriter ---------------------------------------------------------------------------

struct DatasetWriter::Impl {
  struct Staged {
    DatasetFile file;
    std::string staged_path;
    Schema schema;
  };

  std::string dir;
  DatasetWriterOptions options;
  FileLock lock;
  // Retained versions, oldest first; back() is the current one. Empty before the first commit.
  std::vector<DatasetManifest> retained;
  DatasetManifest empty;
  // Created by CreateFile and not yet added: staged path -> the file's path in the dataset.
  std::map<std::string, std::string> open_files;
  std::vector<Staged> staged;

  Impl(std::string d, DatasetWriterOptions o, FileLock l)
      : dir(std::move(d)), options(std::move(o)), lock(std::move(l)) {}
  ~Impl() { (void)Abort(); }

  const DatasetManifest& current() const { return retained.empty() ? empty : retained.back(); }

  std::string StagedPath(const std::string& path) const {
    const size_t slash = path.rfind('/');
    const std::string parent = slash == std::string::npos ? "" : path.substr(0, slash + 1);
    const std::string name = slash == std::string::npos ? path : path.substr(slash + 1);
    return dir + "/" + parent + "." + name + std::string(kStagedSuffix);
  }

  bool Retained(const std::string& path) const {
    for (const DatasetManifest& m : retained) {
      const auto it =
          std::lower_bound(m.files.begin(), m.files.end(), path,
                           [](const DatasetFile& f, const std::string& p) { return f.path < p; });
      if (it != m.files.end() && it->path == path) return true;
    }
    return false;
  }

  Status Abort() {
    Status first;
    for (const Staged& s : staged) {
      Status st = Unlink(s.staged_path);
      if (first.ok()) first = st;
    }
    staged.clear();
    // Writers still open remove their own temporary files when dropped.
    open_files.clear();
    return first;
  }

  // The path of a new file `name` in `partition`, which must not exist, be staged or be open;
  // creates the partition's directory.
  Result<std::string> NewFilePath(std::string_view partition, std::string_view name) const;
  // Adds `s`, whose file is closed at its staged path, with its partition and size.
  Status Stage(Staged s);
  Status Load();
  Status RemoveDebris(const std::string& rel, const std::set<std::string>& referenced);
  Status DropOldVersions();
};

Status DatasetWriter::Impl::Load() {
  FOOTFALL_ASSIGN_OR_RETURN(std::vector<int64_t> versions, ListDatasetVersions(dir));
  const size_t keep = static_cast<size_t>(std::max(1, options.keep_versions));
  const size_t first_kept = versions.size() > keep ? versions.size() - keep : 0;
  for (size_t i = first_kept; i < versions.size(); ++i) {
    FOOTFALL_ASSIGN_OR_RETURN(DatasetManifest m, ReadManifest(dir, versions[i]));
    retained.push_back(std::move(m));
  }
  // Files and manifests are deleted only once nothing retained refers to them: remove the
  // surplus manifests first, so that a crash in between cannot strand a manifest whose files
  // are gone.
  for (size_t i = 0; i < first_kept; ++i) {
    FOOTFALL_RETURN_IF_ERROR(Unlink(dir + "/" + ManifestName(versions[i])));
  }
  std::set<std::string> referenced;
  for (const DatasetManifest& m : retained) {
    for (const DatasetFile& f : m.files) referenced.insert(f.path);
  }
  FOOTFALL_RETURN_IF_ERROR(RemoveDebris("", referenced));
  return SyncDirectory(dir);
}

// Removes, under directory `rel` of the dataset, what a crashed writer left: temporary and
// staged files, and data files no retained manifest lists.
Status DatasetWriter::Impl::RemoveDebris(const std::string& rel,
                                         const std::set<std::string>& referenced) {
  const std::string path = rel.empty() ? dir : dir + "/" + rel;
  FOOTFALL_ASSIGN_OR_RETURN(std::vector<DirEntry> entries, ListDirectory(path));
  bool removed = false;
  for (const DirEntry& e : entries) {
    const std::string child = rel.empty() ? e.name : rel + "/" + e.name;
    if (e.is_dir) {
      if (e.name[0] == '.' || e.name[0] == '_' || e.name.find('=') == std::string::npos) continue;
      FOOTFALL_RETURN_IF_ERROR(RemoveDebris(child, referenced));
      continue;
    }
    const bool manifest_tmp =
        rel.empty() && StartsWith(e.name, kManifestPrefix) &&
        EndsWith(e.name, std::string(kManifestSuffix) + std::string(kTmpSuffix));
    const bool staged = e.name[0] == '.' &&
                        (EndsWith(e.name, kStagedSuffix) ||
                         EndsWith(e.name, std::string(kStagedSuffix) + std::string(kTmpSuffix)));
    const bool parquet_tmp =
        EndsWith(e.name, std::string(kParquetSuffix) + std::string(kTmpSuffix));
    const bool orphan = EndsWith(e.name, kParquetSuffix) && e.name[0] != '.' && e.name[0] != '_' &&
                        referenced.count(child) == 0;
    if (manifest_tmp || staged || parquet_tmp || orphan) {
      FOOTFALL_RETURN_IF_ERROR(Unlink(path + "/" + e.name));
      removed = true;
    }
  }
  if (removed && !rel.empty()) FOOTFALL_RETURN_IF_ERROR(SyncDirectory(path));
  return Status::Ok();
}

Status DatasetWriter::Impl::DropOldVersions() {
  const size_t keep = static_cast<size_t>(std::max(1, options.keep_versions));
  while (retained.size() > keep) {
    DatasetManifest old = std::move(retained.front());
    retained.erase(retained.begin());
    FOOTFALL_RETURN_IF_ERROR(Unlink(dir + "/" + ManifestName(old.version)));
    for (const DatasetFile& f : old.files) {
      if (!Retained(f.path)) FOOTFALL_RETURN_IF_ERROR(Unlink(dir + "/" + f.path));
    }
  }
  return Status::Ok();
}

DatasetWriter::DatasetWriter(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
DatasetWriter::DatasetWriter(DatasetWriter&&) noexcept = default;
DatasetWriter& DatasetWriter::operator=(DatasetWriter&&) noexcept = default;
DatasetWriter::~DatasetWriter() = default;

Result<DatasetWriter> DatasetWriter::Open(const std::string& dir, DatasetWriterOptions options) {
  FOOTFALL_RETURN_IF_ERROR(MakeDirs(dir));
  FOOTFALL_ASSIGN_OR_RETURN(
      FileLock lock,
      FileLock::TryAcquire(dir + "/" + std::string(kDatasetLockName), options.holder));
  auto impl = std::make_unique<Impl>(dir, std::move(options), std::move(lock));
  FOOTFALL_RETURN_IF_ERROR(impl->Load());
  return DatasetWriter(std::move(impl));
}

const std::string& DatasetWriter::dir() const { return impl_->dir; }
const DatasetManifest& DatasetWriter::current() const { return impl_->current(); }
size_t DatasetWriter::staged_files() const { return impl_->staged.size(); }

Result<std::string> DatasetWriter::Impl::NewFilePath(std::string_view partition,
                                                     std::string_view name) const {
  FOOTFALL_RETURN_IF_ERROR(ValidatePartition(partition));
  FOOTFALL_RETURN_IF_ERROR(ValidateFileName(name));
  const std::string path =
      partition.empty() ? std::string(name) : std::string(partition) + "/" + std::string(name);
  if (Retained(path)) {
    return Status(StatusCode::kAlreadyExists,
                  "dataset " + dir + " already has a file " + path + "; files are never rewritten");
  }
  for (const Staged& s : staged) {
    if (s.file.path == path) {
      return Status(StatusCode::kAlreadyExists, "dataset " + dir + ": " + path + " is staged");
    }
  }
  if (open_files.count(StagedPath(path)) != 0) {
    return Status(StatusCode::kAlreadyExists, "dataset " + dir + ": " + path + " is open");
  }
  if (!partition.empty()) FOOTFALL_RETURN_IF_ERROR(MakeDirs(dir + "/" + std::string(partition)));
  return path;
}

Status DatasetWriter::Impl::Stage(Staged s) {
  const size_t slash = s.file.path.rfind('/');
  s.file.partition = slash == std::string::npos ? "" : s.file.path.substr(0, slash);
  if (!staged.empty() && !(staged.front().schema == s.schema)) {
    (void)Unlink(s.staged_path);
    return InvalidArgument("dataset " + dir + ": " + s.file.path +
                           " has another schema than the files staged before it");
  }
  struct stat st {};
  if (::stat(s.staged_path.c_str(), &st) != 0) {
    Status err = ErrnoError("stat " + s.staged_path);
    (void)Unlink(s.staged_path);
    return err;
  }
  s.file.bytes = static_cast<int64_t>(st.st_size);
  staged.push_back(std::move(s));
  return Status::Ok();
}

Result<ParquetWriter> DatasetWriter::CreateFile(std::string_view partition, std::string_view name,
                                                Schema schema, WriterOptions options) {
  Impl& w = *impl_;
  FOOTFALL_ASSIGN_OR_RETURN(const std::string path, w.NewFilePath(partition, name));
  const std::string staged_path = w.StagedPath(path);
  FOOTFALL_ASSIGN_OR_RETURN(
      ParquetWriter writer,
      ParquetWriter::Create(staged_path, std::move(schema), std::move(options)));
  w.open_files[staged_path] = path;
  return writer;
}

Status DatasetWriter::AddFile(ParquetWriter file, std::vector<std::string> inputs) {
  Impl& w = *impl_;
  const auto it = w.open_files.find(file.path());
  if (it == w.open_files.end()) {
    return InvalidArgument(file.path() + " was not created by this dataset writer");
  }
  Impl::Staged s;
  s.file.path = it->second;
  s.staged_path = it->first;
  w.open_files.erase(it);
  s.schema = file.schema();
  FOOTFALL_RETURN_IF_ERROR(file.Close());
  s.file.rows = file.rows_written();
  s.file.inputs = std::move(inputs);
  return w.Stage(std::move(s));
}

Status DatasetWriter::AddWrittenFile(const std::string& file, std::string_view partition,
                                     std::string_view name, std::vector<std::string> inputs) {
  Impl& w = *impl_;
  FOOTFALL_ASSIGN_OR_RETURN(const std::string path, w.NewFilePath(partition, name));
  Impl::Staged s;
  {
    FOOTFALL_ASSIGN_OR_RETURN(ParquetReader reader, ParquetReader::Open(file));
    s.schema = reader.schema();
    s.file.rows = reader.num_rows();
  }
  s.file.path = path;
  s.staged_path = w.StagedPath(path);
  s.file.inputs = std::move(inputs);
  FOOTFALL_RETURN_IF_ERROR(Rename(file, s.staged_path));
  return w.Stage(std::move(s));
}

Result<int64_t> DatasetWriter::Commit(CommitOptions options) {
  Impl& w = *impl_;
  const DatasetManifest& cur = w.current();
  DatasetManifest next;
  next.version = cur.version + 1;
  next.schema = w.staged.empty() ? cur.schema : w.staged.front().schema;
  if (!options.replace && !cur.files.empty() && !(next.schema == cur.schema)) {
    return InvalidArgument("dataset " + w.dir +
                           ": the staged files' schema differs from the current version's; "
                           "commit them with replace, or into a new dataset");
  }
  if (!options.replace) {
    next.files = cur.files;
    next.properties = cur.properties;
  }
  for (auto& [k, v] : options.properties) next.properties[k] = v;

  // Data files first, each directory synced, so that the manifest never names a file whose
  // name might not survive a crash.
  std::set<std::string> dirs;
  for (const Impl::Staged& s : w.staged) {
    FOOTFALL_RETURN_IF_ERROR(Rename(s.staged_path, w.dir + "/" + s.file.path));
    std::string d = s.file.partition;
    while (!d.empty()) {
      dirs.insert(w.dir + "/" + d);
      const size_t slash = d.rfind('/');
      d = slash == std::string::npos ? "" : d.substr(0, slash);
    }
    next.files.push_back(s.file);
  }
  w.staged.clear();
  for (const std::string& d : dirs) FOOTFALL_RETURN_IF_ERROR(SyncDirectory(d));
  std::sort(next.files.begin(), next.files.end(),
            [](const DatasetFile& a, const DatasetFile& b) { return a.path < b.path; });

  FOOTFALL_RETURN_IF_ERROR(
      WriteFileDurably(w.dir + "/" + ManifestName(next.version), EncodeManifest(next)));
  const int64_t version = next.version;
  w.retained.push_back(std::move(next));
  // The version is published. Old manifests and the files only they list go now; should that
  // fail, the next Open removes them, so the commit still stands.
  (void)w.DropOldVersions();
  return version;
}

Status DatasetWriter::Abort() { return impl_->Abort(); }

// --- Directory swap --------------------------------------------------------------------------

namespace {

std::string ParentOf(const std::string& path) {
  const size_t slash = path.rfind('/');
  if (slash == std::string::npos) return ".";
  if (slash == 0) return "/";
  return path.substr(0, slash);
}

Status RemoveTree(const std::string& path) {
  struct stat st {};
  if (::lstat(path.c_str(), &st) != 0) {
    if (errno == ENOENT) return Status::Ok();
    return ErrnoError("stat " + path);
  }
  if (S_ISDIR(st.st_mode)) {
    FOOTFALL_ASSIGN_OR_RETURN(std::vector<DirEntry> entries, ListDirectory(path));
    for (const DirEntry& e : entries) FOOTFALL_RETURN_IF_ERROR(RemoveTree(path + "/" + e.name));
    if (::rmdir(path.c_str()) != 0 && errno != ENOENT) return ErrnoError("cannot remove " + path);
    return Status::Ok();
  }
  return Unlink(path);
}

}  // namespace

Status ReplaceDatasetDirectory(const std::string& fresh, const std::string& target) {
  FOOTFALL_ASSIGN_OR_RETURN(std::vector<int64_t> versions, ListDatasetVersions(fresh));
  if (versions.empty()) {
    return FailedPrecondition("dataset " + fresh + " has no published version to replace " +
                              target + " with");
  }
  struct stat st {};
  const bool exists = ::stat(target.c_str(), &st) == 0;
  if (exists) {
    if (::renameat2(AT_FDCWD, fresh.c_str(), AT_FDCWD, target.c_str(), RENAME_EXCHANGE) != 0) {
      return ErrnoError("exchange of " + fresh + " and " + target);
    }
  } else {
    FOOTFALL_RETURN_IF_ERROR(Rename(fresh, target));
  }
  FOOTFALL_RETURN_IF_ERROR(SyncDirectory(ParentOf(target)));
  if (ParentOf(fresh) != ParentOf(target)) FOOTFALL_RETURN_IF_ERROR(SyncDirectory(ParentOf(fresh)));
  return exists ? RemoveTree(fresh) : Status::Ok();
}

Status RemoveDatasetDirectory(const std::string& dir) { return RemoveTree(dir); }

}  // namespace footfall::parquet
