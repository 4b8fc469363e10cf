// ParquetWriter: writes one Parquet file of a flat schema from batches of ColumnVectors, and
// publishes it atomically. What it writes is specified in docs/formats/parquet.md.
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "base/status.h"
#include "parquet/column_vector.h"
#include "parquet/format.h"
#include "parquet/metadata.h"
#include "parquet/schema.h"

namespace footfall::parquet {

struct WriterOptions {
  Codec compression = Codec::kZstd;  // kZstd, kSnappy or kUncompressed
  int zstd_level = 3;
  // Rows per row group. The writer buffers one row group of every column in memory.
  int64_t row_group_rows = 128 * 1024;
  // Uncompressed value bytes a data page aims at.
  size_t data_page_bytes = 1 << 20;
  // Dictionary-encode a column chunk while its PLAIN dictionary stays within
  // dictionary_page_bytes and dictionary plus indices are smaller than PLAIN; else PLAIN.
  bool dictionary = true;
  size_t dictionary_page_bytes = 1 << 20;
  // Store a CRC-32 of every page in its header, so that readers detect damaged pages.
  bool page_checksums = true;
  // Byte-array min/max statistics longer than this are stored as shorter bounds.
  size_t max_statistics_bytes = 64;
  // Application metadata stored in the footer (FileMetaData.key_value_metadata).
  std::vector<KeyValue> key_value_metadata;
};

// Rows are written to `path` + ".tmp" as row groups fill; Close() writes the footer, fsyncs
// the file, renames it to `path` and fsyncs the directory. So nothing appears under `path`
// before Close() returns OK, and what appears there is whole and durable; a writer destroyed
// without a successful Close() removes its temporary file. An existing file at `path` is
// replaced by the rename. When only the final directory sync fails, Close() returns that
// error although the file is already whole under `path` (its name may not survive a crash).
//
// After an I/O error every later call returns kFailedPrecondition carrying that error. One
// owner; not thread-safe. Move-only.
class ParquetWriter {
 public:
  // kInvalidArgument for a schema or options it cannot write (see ValidateSchemaForWriting);
  // kIoError when the temporary file cannot be created.
  static Result<ParquetWriter> Create(std::string path, Schema schema, WriterOptions options = {});

  ParquetWriter(ParquetWriter&&) noexcept;
  ParquetWriter& operator=(ParquetWriter&&) noexcept;
  ~ParquetWriter();

  // Appends a batch of rows: one vector per schema column, in schema order, of the column's
  // physical type and all of the same length. kInvalidArgument (and nothing appended) when the
  // batch does not fit the schema or a required column holds a null.
  Status Write(std::span<const ColumnVector> columns);

  // Flushes the last row group, writes the footer and publishes the file (see above).
  Status Close();

  const std::string& path() const;
  const Schema& schema() const;
  int64_t rows_written() const;
  // The footer written by a successful Close().
  const FileMetaData& metadata() const;

 private:
  struct Impl;
  explicit ParquetWriter(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace footfall::parquet
