// A writer of MaxMind DB files (binary format 2.0) for small databases: real geo databases cannot
// be shipped with the sources, so tests build ones holding the networks they look up, and the
// demo one placing the synthetic traffic's addresses (pipeline/traffic_geo.h).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "base/status.h"

namespace footfall::enrich {

// One value of the data section: a scalar, a map with string keys (kept in insertion order)
// or an array. A plain value type.
struct MmdbValue {
  enum class Kind {
    kString,
    kBytes,
    kDouble,
    kFloat,
    kUint16,
    kUint32,
    kUint64,
    kInt32,
    kBool,
    kMap,
    kArray,
    kPointer
  };
  using Map = std::vector<std::pair<std::string, MmdbValue>>;
  using Array = std::vector<MmdbValue>;

  static MmdbValue String(std::string s);
  static MmdbValue Bytes(std::string b);
  static MmdbValue Double(double d);
  static MmdbValue Float(float f);
  static MmdbValue Uint16(uint16_t u);
  static MmdbValue Uint32(uint32_t u);
  static MmdbValue Uint64(uint64_t u);
  static MmdbValue Int32(int32_t i);
  static MmdbValue Bool(bool b);
  static MmdbValue MakeMap(Map m);
  static MmdbValue MakeArray(Array a);
  // A pointer to an offset of the data section, taken as is: lets tests write damaged databases.
  static MmdbValue Pointer(uint32_t offset);

  Kind kind = Kind::kMap;
  std::string text;   // kString, kBytes
  double number = 0;  // kDouble, kFloat
  uint64_t uint = 0;  // kUint*, kBool, kPointer
  int32_t int32 = 0;  // kInt32
  // kMap: the keys, with their values in `array` (a vector of pairs of this type could not
  // be a member of it, the type being incomplete here).
  std::vector<std::string> keys;
  Array array;  // kArray; kMap: the values
};

// Collects networks and their records, then lays them out as a .mmdb file: a search tree with
// 24-bit records, the 16-byte separator, the data section (every distinct record written once,
// whole: the writer adds no pointers of its own) and the metadata. A tree of `ip_version` 6
// holds IPv4 networks in ::/96, where libmaxminddb looks IPv4 addresses up; unlike MaxMind's
// databases it has no ::ffff:0:0/96 alias, so IPv4-mapped addresses find nothing. Not
// thread-safe.
class MmdbWriter {
 public:
  struct Options {
    int ip_version = 6;  // 4 or 6
    std::string database_type = "GeoIP2-City";
    std::vector<std::string> languages = {"en"};
    uint64_t build_epoch = 1700000000;
    std::string description = "footfall database";
  };

  MmdbWriter();
  explicit MmdbWriter(Options options);

  // `network` is "203.0.113.0/24" or "2001:db8::/32" (prefix length at least 1). A network
  // inserted later wins over earlier ones for the addresses it covers. kInvalidArgument names
  // the network when it cannot be parsed or does not fit the tree's IP version.
  Status Insert(std::string_view network, MmdbValue value);

  // The file's bytes; kResourceExhausted when the tree or data outgrow 24-bit records.
  Result<std::string> Build() const;
  // Build() written to `path`.
  Status WriteFile(const std::string& path) const;

 private:
  // A record of the tree: no data, the index of a node, or the index of a value in values_.
  struct Record {
    enum class Kind { kEmpty, kNode, kData } kind = Kind::kEmpty;
    uint32_t index = 0;
  };
  struct Node {
    Record child[2];
  };

  Options options_;
  std::vector<Node> nodes_;  // nodes_[0] is the root
  std::vector<MmdbValue> values_;
};

}  // namespace footfall::enrich
