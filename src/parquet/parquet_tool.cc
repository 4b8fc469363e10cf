// parquet_tool: writes random Parquet files and prints Parquet files as JSON lines, so that
// another implementation (DuckDB, in tests/parquet/) can be compared with footfall's writer and
// reader value by value.
//
//   parquet_tool write-random SEED FILE   writes a file of a random schema and random rows
//                                         (every type, codec and encoding; nulls, extremes)
//                                         and prints what it wrote
//   parquet_tool dump FILE                prints what footfall's reader reads from FILE
//
// Both print the same form: a first line {"columns":[{"name":…,"type":…},…],…}, then one JSON
// array per row. Values are canonical text, so that a reader of another implementation can
// produce the same from its own types: integers, booleans, dates (days since the epoch),
// timestamps (microseconds since the epoch) and decimals ("-12.30") as JSON strings; floats
// as JSON numbers that read back to the same double, or "NaN", "Infinity", "-Infinity";
// strings as JSON strings; other byte arrays as upper-case hex strings; null as null.
#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <limits>
#include <string>
#include <vector>

#include "base/json_writer.h"
#include "base/random.h"
#include "parquet/reader.h"
#include "parquet/writer.h"

namespace footfall::parquet {
namespace {

using Kind = LogicalType::Kind;

std::string DecimalText(int64_t unscaled, int32_t scale) {
  // Through unsigned, so that the most negative value has a magnitude.
  const bool negative = unscaled < 0;
  const uint64_t magnitude =
      negative ? ~static_cast<uint64_t>(unscaled) + 1 : static_cast<uint64_t>(unscaled);
  std::string digits = std::to_string(magnitude);
  if (scale > 0) {
    if (digits.size() <= static_cast<size_t>(scale)) {
      digits.insert(0, static_cast<size_t>(scale) + 1 - digits.size(), '0');
    }
    digits.insert(digits.size() - static_cast<size_t>(scale), ".");
  }
  return negative ? "-" + digits : digits;
}

void AppendQuoted(std::string* out, std::string_view s) {
  out->push_back('"');
  out->append(s);
  out->push_back('"');
}

void AppendFloating(std::string* out, double v) {
  if (std::isnan(v)) return AppendQuoted(out, "NaN");
  if (std::isinf(v)) return AppendQuoted(out, v > 0 ? "Infinity" : "-Infinity");
  char buf[64];
  const auto [end, ec] = std::to_chars(buf, buf + sizeof buf, v);
  (void)ec;
  out->append(buf, end);
}

void AppendInteger(std::string* out, const ColumnSpec& spec, int64_t v) {
  const LogicalType& t = spec.logical;
  if (t.kind == Kind::kDecimal) return AppendQuoted(out, DecimalText(v, t.scale));
  if (t.kind == Kind::kTimestamp || t.kind == Kind::kTime) {
    if (t.unit == TimeUnit::kMillis) v *= 1000;
    if (t.unit == TimeUnit::kNanos) v /= 1000;
    return AppendQuoted(out, std::to_string(v));
  }
  if (t.kind == Kind::kInteger && !t.is_signed) {
    const uint64_t u = spec.type == PhysicalType::kInt32
                           ? static_cast<uint64_t>(static_cast<uint32_t>(v))
                           : static_cast<uint64_t>(v);
    return AppendQuoted(out, std::to_string(u));
  }
  AppendQuoted(out, std::to_string(v));
}

void AppendValue(std::string* out, const ColumnSpec& spec, const ColumnVector& v, size_t row) {
  if (v.IsNull(row)) {
    out->append("null");
    return;
  }
  switch (spec.type) {
    case PhysicalType::kBoolean:
      return AppendQuoted(out, v.GetBool(row) ? "true" : "false");
    case PhysicalType::kInt32:
      return AppendInteger(out, spec, v.GetInt32(row));
    case PhysicalType::kInt64:
      return AppendInteger(out, spec, v.GetInt64(row));
    case PhysicalType::kFloat:
      return AppendFloating(out, v.GetFloat(row));
    case PhysicalType::kDouble:
      return AppendFloating(out, v.GetDouble(row));
    default:
      break;
  }
  const std::string_view bytes = v.GetBytes(row);
  const Kind k = spec.logical.kind;
  if (k == Kind::kString || k == Kind::kJson || k == Kind::kEnum) {
    return AppendJsonString(out, bytes);
  }
  static constexpr char kHex[] = "0123456789ABCDEF";
  out->push_back('"');
  for (unsigned char c : bytes) {
    out->push_back(kHex[c >> 4]);
    out->push_back(kHex[c & 15]);
  }
  out->push_back('"');
}

std::string TypeText(const ColumnSpec& c) {
  std::string s(PhysicalTypeName(c.type));
  if (c.logical.kind != Kind::kNone) s += " " + LogicalTypeToString(c.logical);
  return s;
}

void PrintHeader(const Schema& schema, const std::string& extra) {
  JsonWriter w;
  w.BeginObject().Key("columns").BeginArray();
  for (const ColumnSpec& c : schema.columns) {
    w.BeginObject().Key("name").String(c.name).Key("type").String(TypeText(c));
    w.Key("optional").Bool(c.optional).EndObject();
  }
  w.EndArray();
  std::string line = w.Take();
  line += extra;
  line += "}\n";
  std::fputs(line.c_str(), stdout);
}

void PrintRows(const Schema& schema, std::span<const ColumnVector> columns) {
  const size_t rows = columns.empty() ? 0 : columns[0].size();
  std::string line;
  for (size_t r = 0; r < rows; ++r) {
    line.clear();
    line.push_back('[');
    for (size_t c = 0; c < columns.size(); ++c) {
      if (c > 0) line.push_back(',');
      AppendValue(&line, schema.columns[c], columns[c], r);
    }
    line += "]\n";
    std::fwrite(line.data(), 1, line.size(), stdout);
  }
}

// --- write-random ----------------------------------------------------------------------------

// A random column type among those footfall writes.
ColumnSpec RandomSpec(Rng& rng, int index) {
  const std::string name = "c" + std::to_string(index);
  const bool optional = rng.Chance(0.6);
  ColumnSpec c;
  switch (rng.Uniform(17)) {
    case 0:
      return ColumnSpec::Boolean(name, optional);
    case 1:
      return ColumnSpec::Int32(name, optional);
    case 2:
      return ColumnSpec::Int64(name, optional);
    case 3:
      return ColumnSpec::Float(name, optional);
    case 4:
      return ColumnSpec::Double(name, optional);
    case 5:
    case 6:
      return ColumnSpec::String(name, optional);
    case 7:
      return ColumnSpec::Bytes(name, optional);
    case 8:
      return ColumnSpec::TimestampMicros(name, optional);
    case 9:
      return ColumnSpec::Date(name, optional);
    case 10: {
      const auto precision = static_cast<int32_t>(1 + rng.Uniform(18));
      const auto scale = static_cast<int32_t>(rng.Uniform(static_cast<uint64_t>(precision) + 1));
      return ColumnSpec::Decimal(name, precision, scale, optional);
    }
    case 11: {  // a small precision on INT64, which the format allows too
      const auto precision = static_cast<int32_t>(1 + rng.Uniform(9));
      c = ColumnSpec::Decimal(name, precision, static_cast<int32_t>(rng.Uniform(3)) % precision,
                              optional);
      c.type = PhysicalType::kInt64;
      return c;
    }
    case 12: {
      c = ColumnSpec::Int32(name, optional);
      const int8_t widths[] = {8, 16, 32};
      c.logical = LogicalType::Integer(widths[rng.Uniform(3)], rng.Chance(0.5));
      return c;
    }
    case 13:
      c = ColumnSpec::Int64(name, optional);
      c.logical = LogicalType::Integer(64, false);
      return c;
    case 14:
      c = ColumnSpec::Int64(name, optional);
      c.logical = LogicalType::Timestamp(TimeUnit::kMillis, true);
      return c;
    default:
      return ColumnSpec::String(name, optional);
  }
}

std::string RandomString(Rng& rng, uint64_t cardinality) {
  static const char* const kPieces[] = {
      "",
      "a",
      "https://shop.example/p?id=",
      "Mozilla/5.0 (X11; Linux x86_64)",
      "é",
      "€",
      "😀",
      "日本",
      "\"",
      "\\",
      "\n",
      "\t",
      "\x01",
      "ß",
      " ",
      "/",
  };
  if (cardinality > 0) return "v" + std::to_string(rng.Uniform(cardinality)) + "-é";
  switch (rng.Uniform(10)) {
    case 0:
      return "";
    case 1: {  // long
      std::string s;
      const size_t n = 1000 + rng.Uniform(20000);
      while (s.size() < n) s += kPieces[rng.Uniform(std::size(kPieces))];
      return s;
    }
    default: {
      std::string s;
      const size_t n = rng.Uniform(8);
      for (size_t i = 0; i < n; ++i) s += kPieces[rng.Uniform(std::size(kPieces))];
      return s + std::to_string(rng.Uniform(1000));
    }
  }
}

std::string RandomBytes(Rng& rng, uint64_t cardinality) {
  if (cardinality > 0) return std::string(1 + rng.Uniform(cardinality) % 5, '\xff');
  std::string s(rng.Uniform(40), '\0');
  for (char& c : s) c = static_cast<char>(rng.Uniform(256));
  return s;
}

// A value in [lo, hi], with the bounds themselves drawn often.
int64_t RandomIn(Rng& rng, int64_t lo, int64_t hi, uint64_t cardinality) {
  const uint64_t span = static_cast<uint64_t>(hi) - static_cast<uint64_t>(lo);
  const bool full = span == std::numeric_limits<uint64_t>::max();
  if (cardinality > 0) {
    const uint64_t k = rng.Uniform(cardinality);
    return static_cast<int64_t>(static_cast<uint64_t>(lo) + (full ? k : k % (span + 1)));
  }
  switch (rng.Uniform(8)) {
    case 0:
      return lo;
    case 1:
      return hi;
    case 2:
      return static_cast<int64_t>(static_cast<uint64_t>(lo) + span / 2);
    default:
      if (full) return static_cast<int64_t>(rng.Next());
      return static_cast<int64_t>(static_cast<uint64_t>(lo) + rng.Uniform(span + 1));
  }
}

double RandomDouble(Rng& rng, bool is_float) {
  const double max =
      is_float ? std::numeric_limits<float>::max() : std::numeric_limits<double>::max();
  const double tiny = is_float ? std::numeric_limits<float>::denorm_min()
                               : std::numeric_limits<double>::denorm_min();
  switch (rng.Uniform(12)) {
    case 0:
      return std::numeric_limits<double>::quiet_NaN();
    case 1:
      return rng.Chance(0.5) ? std::numeric_limits<double>::infinity()
                             : -std::numeric_limits<double>::infinity();
    case 2:
      return rng.Chance(0.5) ? 0.0 : -0.0;
    case 3:
      return rng.Chance(0.5) ? max : -max;
    case 4:
      return tiny;
    default:
      return (rng.Unit() - 0.5) * std::pow(10.0, static_cast<double>(rng.Uniform(20)) - 10);
  }
}

ColumnVector RandomColumn(Rng& rng, const ColumnSpec& spec, size_t rows) {
  // Per column: a null rate (some columns all null) and a cardinality (low for dictionaries).
  const double null_rates[] = {0.0, 0.05, 0.5, 0.95, 1.0};
  const double null_rate = spec.optional ? null_rates[rng.Uniform(5)] : 0.0;
  const uint64_t cardinalities[] = {0, 0, 1, 5, 300};
  const uint64_t cardinality = cardinalities[rng.Uniform(5)];
  ColumnVector v(spec.type);
  int64_t lo = std::numeric_limits<int32_t>::min();
  int64_t hi = std::numeric_limits<int32_t>::max();
  const LogicalType& t = spec.logical;
  if (spec.type == PhysicalType::kInt64) {
    lo = std::numeric_limits<int64_t>::min();
    hi = std::numeric_limits<int64_t>::max();
  }
  if (t.kind == Kind::kDecimal) {
    hi = 1;
    for (int i = 0; i < t.precision; ++i) hi *= 10;
    hi -= 1;
    lo = -hi;
  } else if (t.kind == Kind::kDate) {
    lo = -719162;  // 0001-01-01
    hi = 2932896;  // 9999-12-31
  } else if (t.kind == Kind::kTimestamp) {
    lo = -62135596800000000;  // 0001-01-01T00:00:00Z, in micros
    hi = 253402300799999999;  // 9999-12-31T23:59:59.999999Z
    if (t.unit == TimeUnit::kMillis) {
      lo /= 1000;
      hi /= 1000;
    }
  } else if (t.kind == Kind::kInteger && t.bit_width < 32) {
    hi = (int64_t{1} << (t.bit_width - (t.is_signed ? 1 : 0))) - 1;
    lo = t.is_signed ? -hi - 1 : 0;
  }
  for (size_t i = 0; i < rows; ++i) {
    if (null_rate > 0 && rng.Chance(null_rate)) {
      v.AppendNull();
      continue;
    }
    switch (spec.type) {
      case PhysicalType::kBoolean:
        v.AppendBool(cardinality == 1 ? true : rng.Chance(0.5));
        break;
      case PhysicalType::kInt32:
        v.AppendInt32(static_cast<int32_t>(RandomIn(rng, lo, hi, cardinality)));
        break;
      case PhysicalType::kInt64:
        v.AppendInt64(RandomIn(rng, lo, hi, cardinality));
        break;
      case PhysicalType::kFloat:
        v.AppendFloat(static_cast<float>(RandomDouble(rng, true)));
        break;
      case PhysicalType::kDouble:
        v.AppendDouble(RandomDouble(rng, false));
        break;
      default:
        v.AppendBytes(t.kind == Kind::kString ? RandomString(rng, cardinality)
                                              : RandomBytes(rng, cardinality));
        break;
    }
  }
  return v;
}

int WriteRandom(uint64_t seed, const std::string& path) {
  Rng rng(seed);
  Schema schema;
  const int ncols = 1 + static_cast<int>(rng.Uniform(14));
  for (int i = 0; i < ncols; ++i) schema.columns.push_back(RandomSpec(rng, i));
  const size_t sizes[] = {0, 1, 7, 100, 1000, 3000};
  const size_t rows = sizes[rng.Uniform(std::size(sizes))];
  WriterOptions options;
  const Codec codecs[] = {Codec::kZstd, Codec::kSnappy, Codec::kUncompressed};
  options.compression = codecs[rng.Uniform(3)];
  options.zstd_level = 1 + static_cast<int>(rng.Uniform(9));
  options.row_group_rows = static_cast<int64_t>(1 + rng.Uniform(2000));
  options.data_page_bytes = rng.Chance(0.5) ? 1 << 20 : 64 + rng.Uniform(4096);
  options.dictionary = rng.Chance(0.8);
  options.page_checksums = rng.Chance(0.8);
  std::vector<ColumnVector> columns;
  for (const ColumnSpec& c : schema.columns) columns.push_back(RandomColumn(rng, c, rows));

  Result<ParquetWriter> writer = ParquetWriter::Create(path, schema, options);
  if (!writer.ok()) {
    std::fprintf(stderr, "parquet_tool: %s\n", writer.status().ToString().c_str());
    return 1;
  }
  Status s = writer->Write(columns);
  if (s.ok()) s = writer->Close();
  if (!s.ok()) {
    std::fprintf(stderr, "parquet_tool: %s\n", s.ToString().c_str());
    return 1;
  }
  PrintHeader(schema, ",\"rows\":" + std::to_string(rows) + ",\"codec\":\"" +
                          std::string(CodecName(options.compression)) +
                          "\",\"row_group_rows\":" + std::to_string(options.row_group_rows) +
                          ",\"dictionary\":" + (options.dictionary ? "true" : "false"));
  PrintRows(schema, columns);
  return 0;
}

int Dump(const std::string& path) {
  Result<ParquetReader> reader = ParquetReader::Open(path);
  if (!reader.ok()) {
    std::fprintf(stderr, "parquet_tool: %s\n", reader.status().ToString().c_str());
    return 1;
  }
  const Schema& schema = reader->schema();
  PrintHeader(schema, ",\"rows\":" + std::to_string(reader->num_rows()) +
                          ",\"row_groups\":" + std::to_string(reader->num_row_groups()));
  std::vector<size_t> all(schema.columns.size());
  for (size_t i = 0; i < all.size(); ++i) all[i] = i;
  for (size_t g = 0; g < reader->num_row_groups(); ++g) {
    Result<std::vector<ColumnVector>> columns = reader->ReadRowGroup(g, all);
    if (!columns.ok()) {
      std::fprintf(stderr, "parquet_tool: %s\n", columns.status().ToString().c_str());
      return 1;
    }
    PrintRows(schema, *columns);
  }
  return 0;
}

}  // namespace
}  // namespace footfall::parquet

int main(int argc, char** argv) {
  using namespace footfall::parquet;
  if (argc == 4 && std::strcmp(argv[1], "write-random") == 0) {
    return WriteRandom(std::strtoull(argv[2], nullptr, 10), argv[3]);
  }
  if (argc == 3 && std::strcmp(argv[1], "dump") == 0) return Dump(argv[2]);
  std::fprintf(stderr,
               "usage: parquet_tool write-random SEED FILE | parquet_tool dump FILE\n"
               "  write-random: writes a random Parquet file and prints its rows as JSON lines\n"
               "  dump: prints the rows footfall's reader reads as JSON lines\n");
  return 2;
}
