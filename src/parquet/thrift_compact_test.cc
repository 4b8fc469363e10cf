#include "parquet/thrift_compact.h"

#include <gtest/gtest.h>

#include <random>
#include <string>

namespace footfall::parquet::thrift {
namespace {

std::string Bytes(std::initializer_list<int> bytes) {
  std::string s;
  for (int b : bytes) s.push_back(static_cast<char>(b));
  return s;
}

TEST(CompactWriterTest, MatchesTheSpecifiedWireFormat) {
  std::string out;
  CompactWriter w(&out);
  w.StructBegin();
  w.I32Field(1, 1);    // short form: delta 1, type i32 (5); zigzag(1) = 2
  w.I64Field(17, -1);  // delta 16 does not fit: type byte, then zigzag(17) = 34; zigzag(-1) = 1
  w.BoolField(18, true);
  w.BinaryField(3, "ab");  // negative delta: long form, zigzag(3) = 6
  w.StructEnd();
  EXPECT_EQ(out, Bytes({0x15, 0x02, 0x06, 0x22, 0x01, 0x11, 0x08, 0x06, 0x02, 'a', 'b', 0x00}));
}

TEST(CompactWriterTest, ListHeadersShortAndLong) {
  std::string out;
  CompactWriter w(&out);
  w.ListField(1, CType::kI32, 3);
  EXPECT_EQ(out, Bytes({0x19, 0x35}));
  out.clear();
  CompactWriter w2(&out);
  w2.ListField(1, CType::kBinary, 20);
  EXPECT_EQ(out, Bytes({0x19, 0xf8, 20}));
}

TEST(CompactReaderTest, RoundTripsEveryFieldKind) {
  std::string out;
  CompactWriter w(&out);
  w.StructBegin();
  w.BoolField(1, false);
  w.I8Field(2, -7);
  w.I16Field(3, -300);
  w.I32Field(4, 2147483647);
  w.I64Field(200, -9223372036854775807LL - 1);
  w.BinaryField(201, std::string(300, 'x'));
  w.StructField(150);
  w.I32Field(1, 42);
  w.StructEnd();
  w.ListField(151, CType::kI64, 40);
  for (int i = 0; i < 40; ++i) w.I64(i * 1000003LL - 20);
  w.StructEnd();

  CompactReader r(out);
  ASSERT_TRUE(r.StructBegin().ok());
  FieldHeader f;
  ASSERT_TRUE(r.ReadFieldHeader(&f).ok());
  EXPECT_EQ(f.id, 1);
  EXPECT_EQ(f.type, CType::kBoolFalse);
  ASSERT_TRUE(r.ReadFieldHeader(&f).ok());
  EXPECT_EQ(f.id, 2);
  int8_t i8 = 0;
  ASSERT_TRUE(r.ReadI8(&i8).ok());
  EXPECT_EQ(i8, -7);
  ASSERT_TRUE(r.ReadFieldHeader(&f).ok());
  int16_t i16 = 0;
  ASSERT_TRUE(r.ReadI16(&i16).ok());
  EXPECT_EQ(i16, -300);
  ASSERT_TRUE(r.ReadFieldHeader(&f).ok());
  int32_t i32 = 0;
  ASSERT_TRUE(r.ReadI32(&i32).ok());
  EXPECT_EQ(i32, 2147483647);
  ASSERT_TRUE(r.ReadFieldHeader(&f).ok());
  EXPECT_EQ(f.id, 200);
  int64_t i64 = 0;
  ASSERT_TRUE(r.ReadI64(&i64).ok());
  EXPECT_EQ(i64, -9223372036854775807LL - 1);
  ASSERT_TRUE(r.ReadFieldHeader(&f).ok());
  EXPECT_EQ(f.id, 201);
  std::string_view bin;
  ASSERT_TRUE(r.ReadBinary(&bin).ok());
  EXPECT_EQ(bin, std::string(300, 'x'));
  ASSERT_TRUE(r.ReadFieldHeader(&f).ok());
  EXPECT_EQ(f.id, 150);
  EXPECT_EQ(f.type, CType::kStruct);
  ASSERT_TRUE(r.StructBegin().ok());
  ASSERT_TRUE(r.ReadFieldHeader(&f).ok());
  EXPECT_EQ(f.id, 1);
  ASSERT_TRUE(r.ReadI32(&i32).ok());
  EXPECT_EQ(i32, 42);
  ASSERT_TRUE(r.ReadFieldHeader(&f).ok());
  EXPECT_EQ(f.type, CType::kStop);
  r.StructEnd();
  // Field ids after a nested struct are deltas against the outer struct's last id.
  ASSERT_TRUE(r.ReadFieldHeader(&f).ok());
  EXPECT_EQ(f.id, 151);
  ListHeader h;
  ASSERT_TRUE(r.ReadListHeader(&h).ok());
  EXPECT_EQ(h.element, CType::kI64);
  ASSERT_EQ(h.size, 40u);
  for (int i = 0; i < 40; ++i) {
    ASSERT_TRUE(r.ReadI64(&i64).ok());
    EXPECT_EQ(i64, i * 1000003LL - 20);
  }
  ASSERT_TRUE(r.ReadFieldHeader(&f).ok());
  EXPECT_EQ(f.type, CType::kStop);
  r.StructEnd();
  EXPECT_EQ(r.remaining(), 0u);
}

TEST(CompactReaderTest, SkipsEveryTypeAnotherWriterMayUse) {
  // A struct with fields of each type, hand-encoded, then a known field after them.
  std::string in = Bytes({0x11, 0x13, 0x7f, 0x14, 0x03, 0x17, 1, 2, 3, 4, 5, 6, 7, 8});
  in += Bytes({0x1b, 0x02, 0x58, 0x02, 0x01, 'k', 0x06, 0x00});  // 5: map<i32,binary>, 2 pairs
  in += Bytes({0x1a, 0x11, 0x01});                               // 6: set<bool> {true}
  in += Bytes({0x1d});                                           // 7: uuid
  in += std::string(16, '\x55');
  in += Bytes({0x19, 0x2c, 0x15, 0x02, 0x00, 0x00});       // 8: list<struct> of 2: {1: 1}, {}
  in += Bytes({0x1c, 0x1c, 0x18, 0x01, 'z', 0x00, 0x00});  // 9: struct { 1: struct { 1: "z" } }
  in += Bytes({0x15, 0x54, 0x00});                         // 10: i32 42, then stop

  CompactReader r(in);
  ASSERT_TRUE(r.StructBegin().ok());
  for (int id = 1; id <= 9; ++id) {
    FieldHeader f;
    ASSERT_TRUE(r.ReadFieldHeader(&f).ok()) << id;
    ASSERT_EQ(f.id, id);
    ASSERT_TRUE(r.Skip(f.type).ok()) << id;
  }
  FieldHeader f;
  ASSERT_TRUE(r.ReadFieldHeader(&f).ok());
  EXPECT_EQ(f.id, 10);
  int32_t v = 0;
  ASSERT_TRUE(r.ReadI32(&v).ok());
  EXPECT_EQ(v, 42);
  ASSERT_TRUE(r.ReadFieldHeader(&f).ok());
  EXPECT_EQ(f.type, CType::kStop);
}

TEST(CompactReaderTest, RejectsDeepNesting) {
  std::string in;
  for (int i = 0; i < 200; ++i) in.push_back(0x1c);  // field 1: struct, nested
  in.append(200, '\0');
  CompactReader r(in);
  EXPECT_EQ(r.Skip(CType::kStruct).code(), StatusCode::kCorruption);

  std::string lists;
  for (int i = 0; i < 200; ++i) lists.push_back(0x19);  // list of one list, nested
  CompactReader r2(lists);
  EXPECT_EQ(r2.Skip(CType::kList, true).code(), StatusCode::kCorruption);
}

TEST(CompactReaderTest, RejectsMalformedInput) {
  {
    const std::string in = Bytes({0x19, 0xf5, 0xff, 0xff, 0xff, 0x0f});
    CompactReader r(in);  // list claims 2^32-1 i32s
    FieldHeader f;
    ASSERT_TRUE(r.ReadFieldHeader(&f).ok());
    ListHeader h;
    EXPECT_EQ(r.ReadListHeader(&h).code(), StatusCode::kCorruption);
  }
  {
    const std::string in = std::string(11, '\xff');
    CompactReader r(in);  // varint longer than 64 bits
    int64_t v = 0;
    EXPECT_EQ(r.ReadI64(&v).code(), StatusCode::kCorruption);
  }
  {
    const std::string in = Bytes({0x80, 0x80, 0x80, 0x80, 0x10});
    CompactReader r(in);  // 2^32: not an i32
    int32_t v = 0;
    EXPECT_EQ(r.ReadI32(&v).code(), StatusCode::kCorruption);
  }
  {
    const std::string in = Bytes({0x0a, 'a'});
    CompactReader r(in);  // binary of 10 bytes with 1 present
    std::string_view v;
    EXPECT_EQ(r.ReadBinary(&v).code(), StatusCode::kCorruption);
  }
  {
    const std::string in = Bytes({0x1e});
    CompactReader r(in);  // field type 14 does not exist
    FieldHeader f;
    EXPECT_EQ(r.ReadFieldHeader(&f).code(), StatusCode::kCorruption);
  }
  {
    const std::string in = Bytes({0x15});
    CompactReader r(in);  // a field, then nothing
    EXPECT_EQ(r.Skip(CType::kStruct).code(), StatusCode::kCorruption);
  }
}

TEST(CompactReaderTest, GarbageNeverReadsOutOfBounds) {
  std::mt19937 rng(7);
  for (int round = 0; round < 20000; ++round) {
    std::string in(rng() % 64, '\0');
    for (char& c : in) c = static_cast<char>(rng());
    CompactReader r(in);
    const Status s = r.Skip(CType::kStruct);
    EXPECT_TRUE(s.ok() || s.code() == StatusCode::kCorruption);
    EXPECT_LE(r.position(), in.size());
  }
}

}  // namespace
}  // namespace footfall::parquet::thrift
