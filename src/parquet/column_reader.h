// Decodes the pages of one column chunk into a ColumnVector: dictionary pages (PLAIN), data
// pages v1 and v2 with RLE definition levels, values PLAIN, RLE_DICTIONARY (or its old
// spelling PLAIN_DICTIONARY) and, for booleans, RLE; pages compressed with any codec of
// compression.h. Flat columns only (no repetition levels).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "parquet/column_vector.h"
#include "parquet/compression.h"
#include "parquet/metadata.h"
#include "parquet/schema.h"

namespace footfall::parquet {

struct ChunkDecodeOptions {
  // Check the CRC-32 of every page that has one.
  bool verify_checksums = true;
};

// What decoding a column chunk needs besides its input and output: the decompression context
// and the buffers of a page's decompressed bytes, levels and dictionary. One per thread, reused
// from chunk to chunk: fresh buffers for every chunk would cost their allocation, zeroing and
// page faults every time.
struct ChunkScratch {
  Decompressor decompressor;
  std::string page;
  ColumnVector dictionary;
  std::vector<uint8_t> defined;
  std::vector<uint32_t> indices;
  std::vector<uint8_t> bools;
};

// Appends the `meta.num_values` values of the column chunk whose bytes (its pages, first to
// last) are `chunk` to `*out`, a vector of the column's physical type. Damaged pages, values
// that do not add up and checksum mismatches are kCorruption; an encoding or codec this code
// does not read is kUnimplemented. Messages say what was wrong; the caller adds which file and
// column. On error `*out` holds an unspecified prefix of the values.
Status DecodeColumnChunk(const ColumnSpec& spec, const ColumnMetaData& meta, std::string_view chunk,
                         const ChunkDecodeOptions& options, ChunkScratch* scratch,
                         ColumnVector* out);

// DecodeColumnChunk for a BYTE_ARRAY chunk whose values stay in dictionary form: appends one
// index per row to `*indices` (-1 for a null) into `*dictionary`, which receives the chunk's
// dictionary page and, after it, each value of a PLAIN page as an entry of its own.
// `*dictionary` must be empty.
Status DecodeColumnChunkToDictionary(const ColumnSpec& spec, const ColumnMetaData& meta,
                                     std::string_view chunk, const ChunkDecodeOptions& options,
                                     ChunkScratch* scratch, ColumnVector* dictionary,
                                     std::vector<int32_t>* indices);

}  // namespace footfall::parquet
