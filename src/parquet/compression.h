// Page compression: the codecs footfall writes (ZSTD, SNAPPY, UNCOMPRESSED) and reads.
// A ZSTD page is one or more zstd frames (RFC 8878); a SNAPPY page is snappy's raw block
// format, not its framing format (Parquet's Compression.md).
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "base/status.h"
#include "parquet/format.h"

namespace footfall::parquet {

// Whether this build reads and writes pages compressed with `codec`.
bool CodecSupported(Codec codec);

// Compresses pages with one codec, reusing its context between pages. Not thread-safe; one
// owner (a writer).
class Compressor {
 public:
  // `codec` must be supported; `zstd_level` applies to kZstd only.
  Compressor(Codec codec, int zstd_level);
  ~Compressor();
  Compressor(Compressor&&) noexcept;
  Compressor& operator=(Compressor&&) noexcept;

  // Sets `*out` to the compressed bytes of `in` (for kUncompressed, a copy). kInternal when
  // the library fails, which it does only on exhausted memory.
  Status Compress(std::string_view in, std::string* out);
  Codec codec() const { return codec_; }

 private:
  struct State;
  Codec codec_;
  int zstd_level_;
  std::unique_ptr<State> state_;
};

// Decompresses pages, reusing a context between pages. Not thread-safe; one per reading thread.
class Decompressor {
 public:
  Decompressor();
  ~Decompressor();
  Decompressor(Decompressor&&) noexcept;
  Decompressor& operator=(Decompressor&&) noexcept;

  // Sets `*out` to the `uncompressed_size` bytes `in` decompresses to. kCorruption when `in`
  // is not valid for `codec` or decompresses to another size; kUnimplemented for a codec this
  // build does not read.
  Status Decompress(Codec codec, std::string_view in, size_t uncompressed_size, std::string* out);

 private:
  struct State;
  std::unique_ptr<State> state_;
};

}  // namespace footfall::parquet
