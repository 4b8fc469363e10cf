// Damaged files: whatever the bytes, the reader returns a Status (kCorruption for damage it can
// see) and never crashes or reads outside the file.
#include <gtest/gtest.h>

#include <fstream>
#include <random>
#include <sstream>

#include "base/temp_dir.h"
#include "parquet/reader.h"
#include "parquet/writer.h"

namespace footfall::parquet {
namespace {

// A small file with what footfall writes: optional and required columns, dictionary and PLAIN
// chunks, two row groups, ZSTD pages.
std::string SampleFile(Codec codec = Codec::kZstd) {
  TempDir dir;
  Schema schema;
  schema.columns = {ColumnSpec::TimestampMicros("ts"), ColumnSpec::String("page", true),
                    ColumnSpec::String("id"),          ColumnSpec::Int32("n", true),
                    ColumnSpec::Boolean("b", true),    ColumnSpec::Double("d")};
  std::vector<ColumnVector> cols;
  for (const ColumnSpec& c : schema.columns) cols.emplace_back(c.type);
  for (int i = 0; i < 160; ++i) {
    cols[0].AppendInt64(1704067200000000LL + i * 1000);
    if (i % 4 == 0)
      cols[1].AppendNull();
    else
      cols[1].AppendBytes("/p/" + std::to_string(i % 6));
    cols[2].AppendBytes("event-" + std::to_string(i * 7919));
    if (i % 3 == 0)
      cols[3].AppendNull();
    else
      cols[3].AppendInt32(i * 31 - 4000);
    if (i % 5 == 0)
      cols[4].AppendNull();
    else
      cols[4].AppendBool(i % 2 == 0);
    cols[5].AppendDouble(i / 3.0);
  }
  WriterOptions options;
  options.compression = codec;
  options.row_group_rows = 100;
  const std::string path = dir.Sub("sample.parquet");
  Result<ParquetWriter> w = ParquetWriter::Create(path, schema, options);
  EXPECT_TRUE(w.ok());
  EXPECT_TRUE(w->Write(cols).ok());
  EXPECT_TRUE(w->Close().ok());
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// Where the footer starts: everything before it (after the leading magic) is page data.
size_t FooterStart(const std::string& file) {
  const uint32_t footer = static_cast<uint8_t>(file[file.size() - 8]) |
                          static_cast<uint8_t>(file[file.size() - 7]) << 8 |
                          static_cast<uint8_t>(file[file.size() - 6]) << 16 |
                          static_cast<uint32_t>(static_cast<uint8_t>(file[file.size() - 5])) << 24;
  return file.size() - 8 - footer;
}

TEST(CorruptionTest, IntactFileReads) {
  for (Codec codec : {Codec::kZstd, Codec::kSnappy, Codec::kUncompressed}) {
    const std::string file = SampleFile(codec);
    const Status s = ReadWholeFileForFuzzing(file);
    EXPECT_TRUE(s.ok()) << s.ToString();
  }
}

TEST(CorruptionTest, EveryTruncationIsCorruption) {
  const std::string file = SampleFile();
  for (size_t n = 0; n < file.size(); ++n) {
    const Status s = ReadWholeFileForFuzzing(std::string_view(file).substr(0, n));
    ASSERT_EQ(s.code(), StatusCode::kCorruption) << "truncated to " << n << ": " << s.ToString();
  }
}

TEST(CorruptionTest, TruncatedFileOnDiskNamesThePath) {
  TempDir dir;
  const std::string file = SampleFile();
  const std::string path = dir.Sub("cut.parquet");
  std::ofstream(path, std::ios::binary)
      .write(file.data(), static_cast<std::streamsize>(file.size() / 2));
  const Result<ParquetReader> r = ParquetReader::Open(path);
  ASSERT_EQ(r.status().code(), StatusCode::kCorruption);
  EXPECT_NE(r.status().message().find(path), std::string::npos) << r.status().message();
}

// Every column of every row group, or the first error.
Result<std::vector<ColumnVector>> ReadEverything(std::string_view file) {
  FOOTFALL_ASSIGN_OR_RETURN(ParquetReader r, ParquetReader::OpenBuffer(file, "sample"));
  std::vector<size_t> columns(r.schema().columns.size());
  for (size_t c = 0; c < columns.size(); ++c) columns[c] = c;
  return r.Read(columns);
}

// Page bytes are covered by the page CRC; page headers are not, but every field footfall writes
// in them is checked against the page, the chunk or the format. A flip is detected, or it is
// one that leaves the meaning intact (PLAIN and its old alias PLAIN_DICTIONARY for a
// dictionary page): never silently different values.
TEST(CorruptionTest, EveryFlippedPageByteIsDetected) {
  for (Codec codec : {Codec::kZstd, Codec::kUncompressed}) {
    const std::string file = SampleFile(codec);
    const Result<std::vector<ColumnVector>> original = ReadEverything(file);
    ASSERT_TRUE(original.ok());
    const size_t footer = FooterStart(file);
    int harmless = 0;
    constexpr uint8_t kMasks[] = {0x01, 0x20, 0xff, 0x80, 0x04};
    for (size_t i = 4; i < footer; ++i) {
      const uint8_t mask = kMasks[i % 5];
      std::string damaged = file;
      damaged[i] = static_cast<char>(damaged[i] ^ mask);
      const Result<std::vector<ColumnVector>> got = ReadEverything(damaged);
      if (got.ok()) {
        ASSERT_EQ(*got, *original) << CodecName(codec) << " byte " << i << " ^ " << int{mask};
        ++harmless;
      } else {
        ASSERT_EQ(got.status().code(), StatusCode::kCorruption)
            << CodecName(codec) << " byte " << i << " ^ " << int{mask} << ": "
            << got.status().ToString();
      }
    }
    EXPECT_LE(harmless, 4) << CodecName(codec);
  }
}

// Parquet has no footer checksum, so a flipped footer byte can leave a readable file (a
// statistics byte, a key-value byte). It must never crash, and damage the reader can see is
// kCorruption; a flip that turns a value into another valid but unsupported one (a codec, an
// encoding) is kUnimplemented.
TEST(CorruptionTest, FlippedFooterBytesNeverCrash) {
  const std::string file = SampleFile();
  const size_t footer = FooterStart(file);
  int failed = 0, total = 0;
  for (size_t i = footer; i < file.size(); ++i) {
    for (uint8_t mask : {0x01, 0x10, 0x80, 0xff}) {
      std::string damaged = file;
      damaged[i] = static_cast<char>(damaged[i] ^ mask);
      const Status s = ReadWholeFileForFuzzing(damaged);
      ++total;
      if (!s.ok()) ++failed;
      EXPECT_TRUE(s.ok() || s.code() == StatusCode::kCorruption ||
                  s.code() == StatusCode::kUnimplemented)
          << "byte " << i << ": " << s.ToString();
    }
  }
  // Most of the footer is structure, offsets and sizes that the reader checks.
  EXPECT_GT(failed, total / 2) << failed << " of " << total;
}

TEST(CorruptionTest, UncheckedPagesStillNeverCrash) {
  const std::string file = SampleFile(Codec::kUncompressed);
  const size_t footer = FooterStart(file);
  std::mt19937 rng(17);
  for (size_t i = 4; i < footer; i += 1 + rng() % 4) {
    std::string damaged = file;
    damaged[i] = static_cast<char>(rng());
    Result<ParquetReader> r =
        ParquetReader::OpenBuffer(damaged, "damaged", ReaderOptions{.verify_checksums = false});
    ASSERT_TRUE(r.ok());
    const Result<std::vector<ColumnVector>> all = r->ReadAll();
    EXPECT_TRUE(all.ok() || all.status().code() == StatusCode::kCorruption ||
                all.status().code() == StatusCode::kUnimplemented)
        << all.status().ToString();
  }
}

TEST(CorruptionTest, RandomBytesAndRandomFootersNeverCrash) {
  std::mt19937 rng(23);
  const std::string file = SampleFile();
  const size_t footer = FooterStart(file);
  for (int round = 0; round < 3000; ++round) {
    std::string damaged;
    if (round % 3 == 0) {
      damaged.resize(rng() % 200);
      for (char& c : damaged) c = static_cast<char>(rng());
    } else {
      damaged = file;
      const int flips = 1 + static_cast<int>(rng() % 8);
      for (int f = 0; f < flips; ++f) {
        const size_t at =
            round % 3 == 1 ? footer + rng() % (file.size() - footer) : rng() % file.size();
        damaged[at] = static_cast<char>(rng());
      }
    }
    if (round % 5 == 0 && damaged.size() >= 4) damaged.replace(0, 4, "PAR1");
    const Status s = ReadWholeFileForFuzzing(damaged);
    EXPECT_TRUE(s.ok() || s.code() == StatusCode::kCorruption ||
                s.code() == StatusCode::kUnimplemented)
        << s.ToString();
  }
}

TEST(CorruptionTest, NotParquetAtAll) {
  EXPECT_EQ(ReadWholeFileForFuzzing("").code(), StatusCode::kCorruption);
  EXPECT_EQ(ReadWholeFileForFuzzing("PAR1PAR1").code(), StatusCode::kCorruption);
  EXPECT_EQ(ReadWholeFileForFuzzing(std::string("PAR1\0\0\0\0PAR1", 12)).code(),
            StatusCode::kCorruption);
  EXPECT_EQ(ReadWholeFileForFuzzing(std::string("PAR1\xff\xff\xff\x7fPAR1", 12)).code(),
            StatusCode::kCorruption);
  EXPECT_EQ(ReadWholeFileForFuzzing(std::string("PAR1\0\0\0\0PARE", 12)).code(),
            StatusCode::kUnimplemented);
}

}  // namespace
}  // namespace footfall::parquet
