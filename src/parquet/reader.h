// ParquetReader: reads the footer of a Parquet file, then column chunks on request, into
// ColumnVectors. Reads files footfall writes and flat files of other writers (DuckDB's among
// them) whose encodings and codecs are among those docs/formats/parquet.md lists.
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
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
