// Encodes one column of one row group (a column chunk) into Parquet pages: an optional PLAIN
// dictionary page, then data pages (format v1) holding RLE definition levels for optional
// columns and PLAIN or RLE_DICTIONARY values, each page compressed and checksummed.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "base/status.h"
#include "parquet/column_vector.h"
#include "parquet/compression.h"
#include "parquet/metadata.h"
#include "parquet/schema.h"

namespace footfall::parquet {

struct ColumnChunkOptions {
  Codec codec = Codec::kZstd;
  int zstd_level = 3;
  // Uncompressed bytes of values a data page aims at (levels and the last value may take it
  // over).
  size_t data_page_bytes = 1 << 20;
  // Dictionary-encode when the PLAIN dictionary stays within dictionary_page_bytes and the
  // dictionary plus its indices are smaller than the PLAIN values; else the whole chunk is PLAIN.
  bool dictionary = true;
  size_t dictionary_page_bytes = 1 << 20;
  // Store each page's CRC-32 in its header.
  bool page_checksums = true;
  // Longest byte-array min/max kept exactly in the statistics.
  size_t max_statistics_bytes = 64;
};

// Keeps the compressor and scratch buffers between chunks, so that encoding many chunks does
// not allocate per page. Not thread-safe; one per writer.
class ColumnChunkEncoder {
 public:
  explicit ColumnChunkEncoder(const ColumnChunkOptions& options);

  // Appends the pages of column `spec` holding every row of `values` to `*out`, and describes
  // them in `*meta`, with offsets counted from `file_offset`, the file position of the first
  // byte appended. `values` must be Consistent() and of the column's type; a required column
  // must hold no null. kInvalidArgument when a page would exceed the format's 2 GiB page size.
  Status Encode(const ColumnSpec& spec, const ColumnVector& values, int64_t file_offset,
                std::string* out, ColumnMetaData* meta);

 private:
  bool BuildDictionary(const ColumnSpec& spec, const ColumnVector& values);
  size_t PageEnd(const ColumnSpec& spec, const ColumnVector& values, size_t row) const;
  void EncodeValues(const ColumnSpec& spec, const ColumnVector& values, size_t begin, size_t end,
                    size_t non_null);
  Status WritePage(PageHeader header, std::string* out, int64_t* uncompressed_total,
                   int64_t* compressed_total);

  ColumnChunkOptions options_;
  Compressor compressor_;
  // Per chunk.
  bool use_dictionary_ = false;
  int index_bit_width_ = 0;
  size_t dictionary_entries_ = 0;
  std::vector<uint32_t> indices_;  // dictionary index of each non-null value
  std::string dictionary_page_;    // PLAIN entries
  // Per page.
  std::vector<uint8_t> levels_;
  std::vector<uint8_t> page_bools_;  // non-null booleans of the page, before packing
  std::string level_bytes_;
  std::string page_;
  std::string compressed_;
  std::string header_;
};

}  // namespace footfall::parquet
