// ParquetReader: reads the footer of a Parquet file, then column chunks on request, into
// ColumnVectors. Reads files footfall writes and flat files of other writers (DuckDB's among
// them) whose encodings and codecs are among those docs/formats/parquet.md lists.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "base/status.h"
#include "parquet/column_vector.h"
#include "parquet/metadata.h"
#include "parquet/schema.h"

namespace footfall::parquet {

struct ReaderOptions {
  // Check the CRC-32 of every page that has one (footfall writes one for every page).
  bool verify_checksums = true;
};

// A condition on one column's values, for pruning row groups by their statistics: the value
// equals `min` (when min == max) or lies in [min, max], either bound unset meaning unbounded.
// Bounds are int64_t for INT32 and INT64 columns (and BOOLEAN, 0 or 1) in their stored form:
// days for DATE, the unit's count for TIMESTAMP, the unscaled value for DECIMAL; double for
// FLOAT and DOUBLE; std::string for byte arrays (bytewise order). A null satisfies no
// predicate.
struct ColumnPredicate {
  using Value = std::variant<int64_t, double, std::string>;
  std::string column;
  std::optional<Value> min;
  std::optional<Value> max;

  static ColumnPredicate Equals(std::string column, Value v) { return {std::move(column), v, v}; }
  static ColumnPredicate Between(std::string column, std::optional<Value> min,
                                 std::optional<Value> max) {
    return {std::move(column), std::move(min), std::move(max)};
  }
};

// One column chunk of byte arrays with its values left in dictionary form: row i is
// dictionary[indices[i]], or null when indices[i] is -1. For consumers that work on distinct
// values (filters, group keys) and should not copy a URL per row. Chunks that fell back to
// PLAIN pages (or mix them) come out the same way, each PLAIN value a dictionary entry of its
// own, so the dictionary may repeat values.
struct DictionaryColumn {
  ColumnVector dictionary{PhysicalType::kByteArray};
  std::vector<int32_t> indices;

  size_t size() const { return indices.size(); }
  bool IsNull(size_t row) const { return indices[row] < 0; }
  std::string_view Get(size_t row) const { return dictionary.GetBytes(indices[row]); }
};

// Open reads and checks the footer: magic bytes, footer length, FileMetaData, a flat schema,
// row groups that add up and column chunks that lie inside the file. Column data is read only
// when asked for, one column chunk at a time, with pread on a descriptor kept open.
//
// Errors name the file: a damaged file is kCorruption saying where and what was wrong; a valid
// file using something this reader does not support (nested columns, encryption, DELTA
// encodings, GZIP/LZ4/BROTLI pages, INT96) is kUnimplemented; an unreadable file is kIoError.
//
// Immutable after Open: const methods may be called from several threads at once. Move-only.
class ParquetReader {
 public:
  static Result<ParquetReader> Open(const std::string& path, ReaderOptions options = {});
  // Reads a file held in memory. `bytes` must outlive the reader; `name` stands in for the path
  // in error messages.
  static Result<ParquetReader> OpenBuffer(std::string_view bytes, std::string name,
                                          ReaderOptions options = {});
  static Result<ParquetReader> OpenBuffer(std::string&&, std::string, ReaderOptions = {}) = delete;

  ParquetReader(ParquetReader&&) noexcept;
  ParquetReader& operator=(ParquetReader&&) noexcept;
  ~ParquetReader();

  const std::string& path() const;
  const FileMetaData& metadata() const;
  const Schema& schema() const;
  int64_t num_rows() const;
  size_t num_row_groups() const;
  int64_t row_group_num_rows(size_t row_group) const;

  // The schema indices of the named columns, in the order given; kNotFound naming the first
  // that the file does not have.
  Result<std::vector<size_t>> ColumnIndices(std::span<const std::string> names) const;

  // Appends the values of column `column` of row group `row_group` to `*out`, which must be of
  // the column's physical type. On error `*out` holds an unspecified prefix of them.
  Status ReadColumnChunk(size_t row_group, size_t column, ColumnVector* out) const;
  // Columns `columns` (schema indices; a projection) of one row group, in the order given.
  Result<std::vector<ColumnVector>> ReadRowGroup(size_t row_group,
                                                 std::span<const size_t> columns) const;
  // Columns `columns` of every row group, each concatenated in row-group order.
  Result<std::vector<ColumnVector>> Read(std::span<const size_t> columns) const;
  // Every column of every row group.
  Result<std::vector<ColumnVector>> ReadAll() const;

  // Columns `columns` of the row groups `row_groups`, decoded on up to `threads` threads (0: one
  // per core); out[i] holds row group row_groups[i], its columns in the order given. The
  // result does not depend on the thread count; on errors, the one of the first row group in
  // `row_groups` that failed is returned.
  Result<std::vector<std::vector<ColumnVector>>> ReadRowGroups(std::span<const size_t> row_groups,
                                                               std::span<const size_t> columns,
                                                               int threads = 0) const;

  // Reads columns `columns` of each of `row_groups` on up to `threads` threads (0: one per core)
  // and calls `visit(row_group, columns)` on the thread that read it, in no particular order.
  // Each thread reuses its vectors from one row group to the next, so a scan holds one row
  // group per thread, not the file, and stays in memory it already touched. The vectors are
  // kept for the next scan or parallel read (of any file), at most one set per core. After the
  // first error (of reading or of `visit`) no further row group is started; that error is returned.
  using ScanVisitor = std::function<Status(size_t row_group, std::span<const ColumnVector>)>;
  Status ScanRowGroups(std::span<const size_t> row_groups, std::span<const size_t> columns,
                       int threads, const ScanVisitor& visit) const;

  // The row groups, ascending, that may hold a row satisfying every predicate, judged by the
  // column chunks' statistics (min_value/max_value, null_count). A row group is kept when its
  // statistics are missing or cannot decide (unsigned integers, NaN bounds). kNotFound for a
  // column the file lacks; kInvalidArgument for a bound of a type that does not fit its column.
  Result<std::vector<size_t>> RowGroupsMatching(std::span<const ColumnPredicate> predicates) const;

  // A BYTE_ARRAY column chunk in dictionary form (see DictionaryColumn); replaces `*out`.
  // kInvalidArgument for a column of another type.
  Status ReadDictionaryColumn(size_t row_group, size_t column, DictionaryColumn* out) const;

 private:
  struct Impl;
  explicit ParquetReader(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

// Opens `bytes` as a Parquet file and decodes every column chunk, returning the first error.
// For fuzzers and corruption tests: whatever the bytes, it returns a Status and never reads
// outside them. Row groups claiming over a million rows are checked but not decoded, so that
// a small input cannot make it allocate gigabytes.
Status ReadWholeFileForFuzzing(std::string_view bytes);

}  // namespace footfall::parquet
