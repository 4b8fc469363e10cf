#include "enrich/mmdb_writer.h"

#include <arpa/inet.h>

#include <bit>
#include <charconv>
#include <fstream>
#include <map>

namespace footfall::enrich {

MmdbValue MmdbValue::String(std::string s) {
  MmdbValue v;
  v.kind = Kind::kString;
  v.text = std::move(s);
  return v;
}
MmdbValue MmdbValue::Bytes(std::string b) {
  MmdbValue v;
  v.kind = Kind::kBytes;
  v.text = std::move(b);
  return v;
}
MmdbValue MmdbValue::Double(double d) {
  MmdbValue v;
  v.kind = Kind::kDouble;
  v.number = d;
  return v;
}
MmdbValue MmdbValue::Float(float f) {
  MmdbValue v;
  v.kind = Kind::kFloat;
  v.number = f;
  return v;
}
MmdbValue MmdbValue::Uint16(uint16_t u) {
  MmdbValue v;
  v.kind = Kind::kUint16;
  v.uint = u;
  return v;
}
MmdbValue MmdbValue::Uint32(uint32_t u) {
  MmdbValue v;
  v.kind = Kind::kUint32;
  v.uint = u;
  return v;
}
MmdbValue MmdbValue::Uint64(uint64_t u) {
  MmdbValue v;
  v.kind = Kind::kUint64;
  v.uint = u;
  return v;
}
MmdbValue MmdbValue::Int32(int32_t i) {
  MmdbValue v;
  v.kind = Kind::kInt32;
  v.int32 = i;
  return v;
}
MmdbValue MmdbValue::Bool(bool b) {
  MmdbValue v;
  v.kind = Kind::kBool;
  v.uint = b ? 1 : 0;
  return v;
}
MmdbValue MmdbValue::MakeMap(Map m) {
  MmdbValue v;
  v.kind = Kind::kMap;
  v.keys.reserve(m.size());
  v.array.reserve(m.size());
  for (auto& [key, value] : m) {
    v.keys.push_back(std::move(key));
    v.array.push_back(std::move(value));
  }
  return v;
}
MmdbValue MmdbValue::MakeArray(Array a) {
  MmdbValue v;
  v.kind = Kind::kArray;
  v.array = std::move(a);
  return v;
}
MmdbValue MmdbValue::Pointer(uint32_t offset) {
  MmdbValue v;
  v.kind = Kind::kPointer;
  v.uint = offset;
  return v;
}

namespace {

// Type numbers of the data section; those above 7 are "extended" (control byte type 0, then a
// byte holding type - 7).
enum : int {
  kTypePointer = 1,
  kTypeString = 2,
  kTypeDouble = 3,
  kTypeBytes = 4,
  kTypeUint16 = 5,
  kTypeUint32 = 6,
  kTypeMap = 7,
  kTypeInt32 = 8,
  kTypeUint64 = 9,
  kTypeArray = 11,
  kTypeBool = 14,
  kTypeFloat = 15,
};

void AppendBigEndian(uint64_t v, int bytes, std::string* out) {
  for (int i = bytes - 1; i >= 0; --i) out->push_back(static_cast<char>((v >> (8 * i)) & 0xff));
}

// The control byte(s): type and size. Sizes of 29 and more spill into 1–3 following bytes.
void AppendControl(int type, size_t size, std::string* out) {
  const int type_bits = type <= 7 ? type : 0;
  int size_bits;
  std::string size_bytes;
  if (size < 29) {
    size_bits = static_cast<int>(size);
  } else if (size < 29 + 256) {
    size_bits = 29;
    AppendBigEndian(size - 29, 1, &size_bytes);
  } else if (size < 285 + 65536) {
    size_bits = 30;
    AppendBigEndian(size - 285, 2, &size_bytes);
  } else {
    size_bits = 31;
    AppendBigEndian(size - 65821, 3, &size_bytes);
  }
  out->push_back(static_cast<char>((type_bits << 5) | size_bits));
  if (type > 7) out->push_back(static_cast<char>(type - 7));
  out->append(size_bytes);
}

// Unsigned integers are written big-endian without leading zero bytes.
void AppendUnsigned(int type, uint64_t v, std::string* out) {
  const int bytes = (64 - std::countl_zero(v) + 7) / 8;
  AppendControl(type, bytes, out);
  AppendBigEndian(v, bytes, out);
}

void Encode(const MmdbValue& v, std::string* out) {
  using Kind = MmdbValue::Kind;
  switch (v.kind) {
    case Kind::kString:
    case Kind::kBytes:
      AppendControl(v.kind == Kind::kString ? kTypeString : kTypeBytes, v.text.size(), out);
      out->append(v.text);
      return;
    case Kind::kDouble:
      AppendControl(kTypeDouble, 8, out);
      AppendBigEndian(std::bit_cast<uint64_t>(v.number), 8, out);
      return;
    case Kind::kFloat:
      AppendControl(kTypeFloat, 4, out);
      AppendBigEndian(std::bit_cast<uint32_t>(static_cast<float>(v.number)), 4, out);
      return;
    case Kind::kUint16:
      return AppendUnsigned(kTypeUint16, v.uint, out);
    case Kind::kUint32:
      return AppendUnsigned(kTypeUint32, v.uint, out);
    case Kind::kUint64:
      return AppendUnsigned(kTypeUint64, v.uint, out);
    case Kind::kInt32:
      // Two's complement; negative numbers need all four bytes.
      return AppendUnsigned(kTypeInt32, static_cast<uint32_t>(v.int32), out);
    case Kind::kBool:
      AppendControl(kTypeBool, v.uint, out);
      return;
    case Kind::kMap:
      AppendControl(kTypeMap, v.keys.size(), out);
      for (size_t i = 0; i < v.keys.size(); ++i) {
        Encode(MmdbValue::String(v.keys[i]), out);
        Encode(v.array[i], out);
      }
      return;
    case Kind::kArray:
      AppendControl(kTypeArray, v.array.size(), out);
      for (const MmdbValue& e : v.array) Encode(e, out);
      return;
    case Kind::kPointer:
      // Always the 4-byte form (size bits 11), whose value is the offset itself.
      out->push_back(static_cast<char>((kTypePointer << 5) | (3 << 3)));
      AppendBigEndian(v.uint, 4, out);
      return;
  }
}

constexpr char kMetadataMarker[] = "\xAB\xCD\xEFMaxMind.com";
constexpr uint64_t kMaxRecord = (uint64_t{1} << 24) - 1;

}  // namespace

MmdbWriter::MmdbWriter() : MmdbWriter(Options()) {}

MmdbWriter::MmdbWriter(Options options) : options_(std::move(options)), nodes_(1) {}

Status MmdbWriter::Insert(std::string_view network, MmdbValue value) {
  const auto bad = [&](std::string_view why) {
    return InvalidArgument("network \"" + std::string(network) + "\": " + std::string(why));
  };
  const size_t slash = network.find('/');
  if (slash == std::string_view::npos) return bad("no /prefix length");
  const std::string address(network.substr(0, slash));
  const std::string_view length_text = network.substr(slash + 1);
  int length = -1;
  const auto [end, ec] =
      std::from_chars(length_text.data(), length_text.data() + length_text.size(), length);
  if (ec != std::errc() || end != length_text.data() + length_text.size()) {
    return bad("bad prefix length");
  }
  // The address as the tree's bits: 4 bytes for an IPv4 tree, 16 for an IPv6 one.
  uint8_t bits[16] = {};
  int width;
  int max_length;
  if (address.find(':') == std::string::npos) {
    if (inet_pton(AF_INET, address.c_str(), options_.ip_version == 4 ? bits : bits + 12) != 1) {
      return bad("not an IPv4 address");
    }
    max_length = 32;
    width = options_.ip_version == 4 ? 32 : 128;
  } else {
    if (options_.ip_version != 6) return bad("IPv6 network in an IPv4 tree");
    if (inet_pton(AF_INET6, address.c_str(), bits) != 1) return bad("not an IPv6 address");
    max_length = 128;
    width = 128;
  }
  if (length < 1 || length > max_length) return bad("prefix length out of range");
  const int depth = length + (width - max_length);  // IPv4 in IPv6 sits below 96 zero bits

  values_.push_back(std::move(value));
  const uint32_t value_index = static_cast<uint32_t>(values_.size() - 1);
  uint32_t node = 0;
  for (int i = 0; i < depth; ++i) {
    const int bit = (bits[i / 8] >> (7 - i % 8)) & 1;
    if (i == depth - 1) {
      // A subtree that was here becomes unreachable; readers never visit it.
      nodes_[node].child[bit] = {Record::Kind::kData, value_index};
      break;
    }
    Record r = nodes_[node].child[bit];
    if (r.kind != Record::Kind::kNode) {
      // Split: the new node's both halves keep what the record held (nothing or a wider network).
      nodes_.push_back(Node{{r, r}});
      r = {Record::Kind::kNode, static_cast<uint32_t>(nodes_.size() - 1)};
      nodes_[node].child[bit] = r;
    }
    node = r.index;
  }
  return Status::Ok();
}

Result<std::string> MmdbWriter::Build() const {
  const uint64_t node_count = nodes_.size();
  std::string data;
  std::map<std::string, uint64_t> offset_of_bytes;  // identical records are written once
  std::vector<uint64_t> offsets(values_.size());
  for (size_t i = 0; i < values_.size(); ++i) {
    std::string bytes;
    Encode(values_[i], &bytes);
    auto [it, inserted] = offset_of_bytes.emplace(bytes, data.size());
    if (inserted) data += bytes;
    offsets[i] = it->second;
  }

  std::string out;
  for (const Node& n : nodes_) {
    for (const Record& r : n.child) {
      uint64_t v = node_count;  // "no data"
      if (r.kind == Record::Kind::kNode) v = r.index;
      // Data records point past the tree and the separator.
      if (r.kind == Record::Kind::kData) v = node_count + 16 + offsets[r.index];
      if (v > kMaxRecord) {
        return Status(StatusCode::kResourceExhausted,
                      "mmdb test database too large for 24-bit records");
      }
      AppendBigEndian(v, 3, &out);
    }
  }
  out.append(16, '\0');
  out += data;

  out.append(kMetadataMarker, sizeof(kMetadataMarker) - 1);
  MmdbValue::Array languages;
  for (const std::string& l : options_.languages) languages.push_back(MmdbValue::String(l));
  const MmdbValue metadata = MmdbValue::MakeMap({
      {"binary_format_major_version", MmdbValue::Uint16(2)},
      {"binary_format_minor_version", MmdbValue::Uint16(0)},
      {"build_epoch", MmdbValue::Uint64(options_.build_epoch)},
      {"database_type", MmdbValue::String(options_.database_type)},
      {"description", MmdbValue::MakeMap({{"en", MmdbValue::String(options_.description)}})},
      {"ip_version", MmdbValue::Uint16(static_cast<uint16_t>(options_.ip_version))},
      {"languages", MmdbValue::MakeArray(std::move(languages))},
      {"node_count", MmdbValue::Uint32(static_cast<uint32_t>(node_count))},
      {"record_size", MmdbValue::Uint16(24)},
  });
  Encode(metadata, &out);
  return out;
}

Status MmdbWriter::WriteFile(const std::string& path) const {
  FOOTFALL_ASSIGN_OR_RETURN(std::string bytes, Build());
  std::ofstream f(path, std::ios::binary | std::ios::trunc);
  f.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  f.close();
  if (!f) return IoError("cannot write mmdb test database " + path);
  return Status::Ok();
}

}  // namespace footfall::enrich
