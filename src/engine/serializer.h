// Serializer<T>: how records cross a shuffle or go to a spill file, and how many bytes they hold
// in memory. Plain aggregates (structs of arithmetic types, std::string, std::optional,
// std::vector, std::pair, std::tuple, std::array, std::variant and other aggregates) serialize
// with no code through Boost.PFR; any other type gets an explicit specialisation:
//
//   template <> struct footfall::engine::Serializer<MyType> {
//     static void Write(const MyType& v, std::string* out);
//     static void Read(Decoder& in, MyType* v);   // on bad input: in.Fail(), any value
//     static size_t HeapBytes(const MyType& v);   // optional: bytes owned outside sizeof
//   };
//
// The encoding is the machine's own (little-endian integers as they lie in memory, lengths as
// varints): it is for one job's shuffle and spill files, never stored beyond the job. Equal
// values serialize to equal bytes, which is what the stable hash of a key relies on.
#pragma once

#include <array>
#include <bit>
#include <boost/pfr.hpp>
#include <cstdint>
#include <cstring>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <tuple>
#include <type_traits>
#include <utility>
#include <variant>
#include <vector>

namespace footfall::engine {

static_assert(std::endian::native == std::endian::little,
              "the engine's record encoding assumes a little-endian machine");

// Reads serialized values from a byte range. Errors are sticky: after the first short or bad
// read ok() is false and reads return zeros, so a record reader checks once per record.
class Decoder {
 public:
  Decoder(const char* begin, const char* end) : p_(begin), end_(end) {}
  explicit Decoder(std::string_view bytes) : Decoder(bytes.data(), bytes.data() + bytes.size()) {}

  bool ok() const { return ok_; }
  bool empty() const { return p_ == end_; }
  size_t remaining() const { return static_cast<size_t>(end_ - p_); }
  void Fail() {
    ok_ = false;
    p_ = end_;
  }

  // The next `n` bytes (valid while the underlying buffer lives), or empty after a failure.
  std::string_view Take(size_t n) {
    if (n > remaining()) {
      Fail();
      return {};
    }
    std::string_view s(p_, n);
    p_ += n;
    return s;
  }
  void Copy(void* dst, size_t n) {
    if (n == 0) return;  // dst may be null (an empty vector's data())
    if (n > remaining()) {
      Fail();
      std::memset(dst, 0, n);
      return;
    }
    std::memcpy(dst, p_, n);
    p_ += n;
  }
  uint64_t Varint() {
    uint64_t v = 0;
    for (int shift = 0; shift <= 63 && p_ != end_; shift += 7) {
      const auto byte = static_cast<unsigned char>(*p_++);
      v |= uint64_t{byte & 0x7fu} << shift;
      if ((byte & 0x80) == 0) return v;
    }
    Fail();
    return 0;
  }

 private:
  const char* p_;
  const char* end_;
  bool ok_ = true;
};

inline void WriteVarint(uint64_t v, std::string* out) {
  char buf[10];
  size_t n = 0;
  while (v >= 0x80) {
    buf[n++] = static_cast<char>((v & 0x7f) | 0x80);
    v >>= 7;
  }
  buf[n++] = static_cast<char>(v);
  out->append(buf, n);
}

template <typename T>
struct Serializer;

namespace internal {
template <typename T>
struct IsStdType : std::false_type {};
template <typename... A>
struct IsStdType<std::basic_string<A...>> : std::true_type {};
template <typename... A>
struct IsStdType<std::vector<A...>> : std::true_type {};
template <typename T, size_t N>
struct IsStdType<std::array<T, N>> : std::true_type {};
template <typename... A>
struct IsStdType<std::pair<A...>> : std::true_type {};
template <typename... A>
struct IsStdType<std::tuple<A...>> : std::true_type {};
template <typename... A>
struct IsStdType<std::optional<A...>> : std::true_type {};
template <typename... A>
struct IsStdType<std::variant<A...>> : std::true_type {};
template <typename... A>
struct IsStdType<std::map<A...>> : std::true_type {};

template <typename T>
concept HasHeapBytes = requires(const T& v) {
  { Serializer<T>::HeapBytes(v) } -> std::convertible_to<size_t>;
};
}  // namespace internal

// Bytes a value owns outside its own sizeof (string and vector storage), for memory accounting.
// Types whose serializer has no HeapBytes are charged their serialized size.
template <typename T>
size_t HeapBytes(const T& v) {
  if constexpr (internal::HasHeapBytes<T>) {
    return Serializer<T>::HeapBytes(v);
  } else {
    thread_local std::string scratch;
    scratch.clear();
    Serializer<T>::Write(v, &scratch);
    return scratch.size();
  }
}

// Appends `v` to `out`.
template <typename T>
void Serialize(const T& v, std::string* out) {
  Serializer<T>::Write(v, out);
}
// Reads one value; check in.ok() afterwards.
template <typename T>
void Deserialize(Decoder& in, T* v) {
  Serializer<T>::Read(in, v);
}

template <typename T>
requires(std::is_arithmetic_v<T> || std::is_enum_v<T>) struct Serializer<T> {
  static void Write(const T& v, std::string* out) {
    out->append(reinterpret_cast<const char*>(&v), sizeof(T));
  }
  static void Read(Decoder& in, T* v) {
    if constexpr (std::is_same_v<T, bool>) {
      uint8_t b = 0;
      in.Copy(&b, 1);
      *v = b != 0;
    } else {
      in.Copy(v, sizeof(T));
    }
  }
  static size_t HeapBytes(const T&) { return 0; }
};

template <>
struct Serializer<std::string> {
  static void Write(const std::string& v, std::string* out) {
    WriteVarint(v.size(), out);
    out->append(v);
  }
  // Assigns into the existing string, so that a reused record keeps its capacity.
  static void Read(Decoder& in, std::string* v) {
    const uint64_t n = in.Varint();
    const std::string_view s = in.Take(n);
    v->assign(s.data(), s.size());
  }
  static size_t HeapBytes(const std::string& v) {
    // Short strings live inside the object (the small-string buffer).
    return v.capacity() > 15 ? v.capacity() + 1 : 0;
  }
};

template <typename T>
struct Serializer<std::optional<T>> {
  static void Write(const std::optional<T>& v, std::string* out) {
    out->push_back(v.has_value() ? 1 : 0);
    if (v) Serialize(*v, out);
  }
  static void Read(Decoder& in, std::optional<T>* v) {
    uint8_t has = 0;
    in.Copy(&has, 1);
    if (has == 0) {
      v->reset();
      return;
    }
    if (!v->has_value()) v->emplace();
    Deserialize(in, &**v);
  }
  static size_t HeapBytes(const std::optional<T>& v) { return v ? engine::HeapBytes(*v) : 0; }
};

template <typename T, typename A>
struct Serializer<std::vector<T, A>> {
  static void Write(const std::vector<T, A>& v, std::string* out) {
    WriteVarint(v.size(), out);
    if constexpr (std::is_arithmetic_v<T> && !std::is_same_v<T, bool>) {
      out->append(reinterpret_cast<const char*>(v.data()), v.size() * sizeof(T));
    } else {
      for (const T& e : v) Serialize(e, out);
    }
  }
  static void Read(Decoder& in, std::vector<T, A>* v) {
    const uint64_t n = in.Varint();
    // Every element takes at least one byte, so a corrupt count cannot allocate much.
    if (n > in.remaining()) {
      in.Fail();
      v->clear();
      return;
    }
    v->resize(n);
    if constexpr (std::is_arithmetic_v<T> && !std::is_same_v<T, bool>) {
      in.Copy(v->data(), n * sizeof(T));
    } else {
      // By index: std::vector<bool> has no element references to read into.
      for (size_t i = 0; i < n; ++i) {
        T tmp{};
        Deserialize(in, &tmp);
        (*v)[i] = std::move(tmp);
      }
    }
  }
  static size_t HeapBytes(const std::vector<T, A>& v) {
    size_t n = v.capacity() * sizeof(T);
    if constexpr (!std::is_arithmetic_v<T>) {
      for (const T& e : v) n += engine::HeapBytes(e);
    }
    return n;
  }
};

// Entries in key order.
template <typename K, typename V, typename C, typename A>
struct Serializer<std::map<K, V, C, A>> {
  static void Write(const std::map<K, V, C, A>& m, std::string* out) {
    WriteVarint(m.size(), out);
    for (const auto& [k, v] : m) {
      Serialize(k, out);
      Serialize(v, out);
    }
  }
  static void Read(Decoder& in, std::map<K, V, C, A>* m) {
    m->clear();
    const uint64_t n = in.Varint();
    // Every entry takes at least one byte, so a corrupt count cannot loop long.
    if (n > in.remaining()) {
      in.Fail();
      return;
    }
    for (uint64_t i = 0; i < n && in.ok(); ++i) {
      K k{};
      V v{};
      Deserialize(in, &k);
      Deserialize(in, &v);
      m->emplace_hint(m->end(), std::move(k), std::move(v));
    }
  }
  static size_t HeapBytes(const std::map<K, V, C, A>& m) {
    constexpr size_t kNodeOverhead = 32;  // parent, children, colour
    size_t n = 0;
    for (const auto& [k, v] : m) {
      n += sizeof(std::pair<const K, V>) + kNodeOverhead + engine::HeapBytes(k) +
           engine::HeapBytes(v);
    }
    return n;
  }
};

template <typename T, size_t N>
struct Serializer<std::array<T, N>> {
  static void Write(const std::array<T, N>& v, std::string* out) {
    for (const T& e : v) Serialize(e, out);
  }
  static void Read(Decoder& in, std::array<T, N>* v) {
    for (auto& e : *v) Deserialize(in, &e);
  }
  static size_t HeapBytes(const std::array<T, N>& v) {
    size_t n = 0;
    for (const T& e : v) n += engine::HeapBytes(e);
    return n;
  }
};

template <typename A, typename B>
struct Serializer<std::pair<A, B>> {
  static void Write(const std::pair<A, B>& v, std::string* out) {
    Serialize(v.first, out);
    Serialize(v.second, out);
  }
  static void Read(Decoder& in, std::pair<A, B>* v) {
    Deserialize(in, &v->first);
    Deserialize(in, &v->second);
  }
  static size_t HeapBytes(const std::pair<A, B>& v) {
    return engine::HeapBytes(v.first) + engine::HeapBytes(v.second);
  }
};

template <typename... E>
struct Serializer<std::tuple<E...>> {
  static void Write(const std::tuple<E...>& v, std::string* out) {
    std::apply([out](const auto&... e) { (Serialize(e, out), ...); }, v);
  }
  static void Read(Decoder& in, std::tuple<E...>* v) {
    std::apply([&in](auto&... e) { (Deserialize(in, &e), ...); }, *v);
  }
  static size_t HeapBytes(const std::tuple<E...>& v) {
    return std::apply([](const auto&... e) { return (size_t{0} + ... + engine::HeapBytes(e)); }, v);
  }
};

template <typename... E>
struct Serializer<std::variant<E...>> {
  static_assert(sizeof...(E) < 256);
  static void Write(const std::variant<E...>& v, std::string* out) {
    out->push_back(static_cast<char>(v.index()));
    std::visit([out](const auto& e) { Serialize(e, out); }, v);
  }
  static void Read(Decoder& in, std::variant<E...>* v) {
    uint8_t index = 0;
    in.Copy(&index, 1);
    if (index >= sizeof...(E)) {
      in.Fail();
      return;
    }
    ReadAlternative(in, index, v, std::index_sequence_for<E...>{});
  }
  static size_t HeapBytes(const std::variant<E...>& v) {
    return std::visit([](const auto& e) { return engine::HeapBytes(e); }, v);
  }

 private:
  template <size_t... I>
  static void ReadAlternative(Decoder& in, size_t index, std::variant<E...>* v,
                              std::index_sequence<I...>) {
    (void)((index == I ? (Deserialize(in, &v->template emplace<I>()), true) : false) || ...);
  }
};

// Plain aggregates, field by field (Boost.PFR).
template <typename T>
requires(std::is_aggregate_v<T>&& std::is_class_v<T> &&
         !internal::IsStdType<T>::value) struct Serializer<T> {
  static void Write(const T& v, std::string* out) {
    boost::pfr::for_each_field(v, [out](const auto& f) { Serialize(f, out); });
  }
  static void Read(Decoder& in, T* v) {
    boost::pfr::for_each_field(*v, [&in](auto& f) { Deserialize(in, &f); });
  }
  static size_t HeapBytes(const T& v) {
    size_t n = 0;
    boost::pfr::for_each_field(v, [&n](const auto& f) { n += engine::HeapBytes(f); });
    return n;
  }
};

// Bytes a record occupies in memory: its object plus what it owns.
template <typename T>
size_t MemoryBytes(const T& v) {
  return sizeof(T) + HeapBytes(v);
}

}  // namespace footfall::engine
