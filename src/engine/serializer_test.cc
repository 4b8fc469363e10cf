#include "engine/serializer.h"

#include <gtest/gtest.h>

#include <map>
#include <optional>
#include <string>
#include <tuple>
#include <variant>
#include <vector>

namespace footfall::engine {
namespace {

enum class Kind : uint8_t { kA, kB };

struct Inner {
  int32_t a = 0;
  std::optional<std::string> b;
  bool operator==(const Inner&) const = default;
};

struct Plain {
  uint64_t id = 0;
  double x = 0;
  bool flag = false;
  Kind kind = Kind::kA;
  std::string name;
  std::vector<int64_t> numbers;
  std::vector<std::string> words;
  std::pair<int, std::string> pair;
  std::tuple<int8_t, std::string, float> tuple;
  std::array<uint16_t, 3> array{};
  std::variant<int, std::string> variant;
  Inner inner;
  std::vector<Inner> inners;
  std::map<std::string, std::vector<int64_t>> map;
  bool operator==(const Plain&) const = default;
};

// A type without an aggregate layout, serialized by an explicit specialisation.
class Opaque {
 public:
  Opaque() = default;
  explicit Opaque(int v) : v_(v) {}
  int value() const { return v_; }
  bool operator==(const Opaque&) const = default;

 private:
  int v_ = 0;
};

}  // namespace

template <>
struct Serializer<Opaque> {
  static void Write(const Opaque& v, std::string* out) { WriteVarint(v.value() + 7, out); }
  static void Read(Decoder& in, Opaque* v) { *v = Opaque(static_cast<int>(in.Varint()) - 7); }
};

namespace {

template <typename T>
T RoundTrip(const T& v, size_t* bytes = nullptr) {
  std::string buf;
  Serialize(v, &buf);
  if (bytes != nullptr) *bytes = buf.size();
  Decoder in(buf);
  T out{};
  Deserialize(in, &out);
  EXPECT_TRUE(in.ok());
  EXPECT_TRUE(in.empty());
  return out;
}

TEST(SerializerTest, PlainAggregateRoundTrips) {
  Plain p;
  p.id = 1ULL << 60;
  p.x = -2.5;
  p.flag = true;
  p.kind = Kind::kB;
  p.name = std::string(100, 'n');
  p.numbers = {1, -2, 3};
  p.words = {"", "a", std::string(40, 'w')};
  p.pair = {5, "five"};
  p.tuple = {-3, "t", 1.5f};
  p.array = {1, 2, 3};
  p.variant = std::string("v");
  p.inner = {9, "nine"};
  p.inners = {{1, std::nullopt}, {2, "two"}};
  p.map = {{"b", {2}}, {"a", {}}, {std::string(30, 'k'), {1, 2, 3}}};
  EXPECT_EQ(RoundTrip(p), p);
  EXPECT_EQ(RoundTrip(Plain{}), Plain{});
}

TEST(SerializerTest, ExplicitSpecialisation) {
  std::vector<Opaque> v{Opaque(1), Opaque(-5)};
  EXPECT_EQ(RoundTrip(v), v);
  EXPECT_GT(HeapBytes(v), 0u);
}

TEST(SerializerTest, EqualValuesSerializeEqually) {
  std::string a, b;
  Serialize(std::pair<std::string, int>("key", 1), &a);
  Serialize(std::pair<std::string, int>(std::string("key"), 1), &b);
  EXPECT_EQ(a, b);
}

TEST(SerializerTest, TruncatedInputFails) {
  std::string buf;
  Serialize(std::vector<std::string>{"hello", "world"}, &buf);
  for (size_t n = 0; n < buf.size(); ++n) {
    Decoder in(buf.data(), buf.data() + n);
    std::vector<std::string> out;
    Deserialize(in, &out);
    EXPECT_FALSE(in.ok()) << n;
  }
}

TEST(SerializerTest, HugeCountIsRejectedWithoutAllocating) {
  std::string buf;
  WriteVarint(uint64_t{1} << 50, &buf);
  Decoder in(buf);
  std::vector<int> out;
  Deserialize(in, &out);
  EXPECT_FALSE(in.ok());
  EXPECT_TRUE(out.empty());
  Decoder again(buf);
  std::map<int, int> map{{1, 1}};
  Deserialize(again, &map);
  EXPECT_FALSE(again.ok());
  EXPECT_TRUE(map.empty());
}

TEST(SerializerTest, HeapBytesCountsOwnedStorage) {
  EXPECT_EQ(HeapBytes(std::string("short")), 0u);
  EXPECT_GE(HeapBytes(std::string(1000, 'x')), 1000u);
  EXPECT_GE(HeapBytes(std::vector<int64_t>(100)), 800u);
  Plain p;
  p.words.assign(10, std::string(100, 'w'));
  EXPECT_GE(HeapBytes(p), 1000u);
}

}  // namespace
}  // namespace footfall::engine
