// Little-endian fixed-width integers and LEB128 varints, for on-disk records.
#pragma once

#include <cstdint>
#include <cstring>
#include <optional>
#include <string>
#include <string_view>

namespace footfall {

inline void EncodeFixed32(char* out, uint32_t v) {
  for (int i = 0; i < 4; ++i) out[i] = static_cast<char>(v >> (8 * i));
}
inline void PutFixed32(std::string* out, uint32_t v) {
  char b[4];
  EncodeFixed32(b, v);
  out->append(b, 4);
}
inline void PutFixed64(std::string* out, uint64_t v) {
  char b[8];
  for (int i = 0; i < 8; ++i) b[i] = static_cast<char>(v >> (8 * i));
  out->append(b, 8);
}
inline uint32_t DecodeFixed32(const char* p) {
  uint32_t v = 0;
  for (int i = 0; i < 4; ++i) v |= uint32_t{static_cast<unsigned char>(p[i])} << (8 * i);
  return v;
}
inline uint64_t DecodeFixed64(const char* p) {
  uint64_t v = 0;
  for (int i = 0; i < 8; ++i) v |= uint64_t{static_cast<unsigned char>(p[i])} << (8 * i);
  return v;
}

inline void PutVarint64(std::string* out, uint64_t v) {
  while (v >= 0x80) {
    out->push_back(static_cast<char>((v & 0x7f) | 0x80));
    v >>= 7;
  }
  out->push_back(static_cast<char>(v));
}
inline void PutLengthPrefixed(std::string* out, std::string_view s) {
  PutVarint64(out, s.size());
  out->append(s);
}

// Reads values from the front of a byte view; every getter returns nullopt (and leaves the
// reader in an unspecified position) when the input ends early or a varint is malformed.
class ByteReader {
 public:
  explicit ByteReader(std::string_view in) : in_(in) {}

  std::optional<uint64_t> Varint64() {
    uint64_t v = 0;
    for (int shift = 0; shift <= 63 && !in_.empty(); shift += 7) {
      const auto byte = static_cast<unsigned char>(in_.front());
      in_.remove_prefix(1);
      if (shift == 63 && byte > 1) return std::nullopt;
      v |= uint64_t{byte & 0x7fu} << shift;
      if ((byte & 0x80) == 0) return v;
    }
    return std::nullopt;
  }
  std::optional<uint64_t> Fixed64() {
    if (in_.size() < 8) return std::nullopt;
    const uint64_t v = DecodeFixed64(in_.data());
    in_.remove_prefix(8);
    return v;
  }
  std::optional<uint8_t> Byte() {
    if (in_.empty()) return std::nullopt;
    const auto v = static_cast<uint8_t>(in_.front());
    in_.remove_prefix(1);
    return v;
  }
  std::optional<std::string_view> LengthPrefixed() {
    const auto n = Varint64();
    if (!n || *n > in_.size()) return std::nullopt;
    std::string_view s = in_.substr(0, *n);
    in_.remove_prefix(*n);
    return s;
  }
  bool empty() const { return in_.empty(); }
  size_t remaining() const { return in_.size(); }

 private:
  std::string_view in_;
};

}  // namespace footfall
