// Parquet's RLE / bit-packing hybrid encoding (Encodings.md, "RLE = 3"), used for definition
// levels, dictionary indices and RLE-encoded booleans, and the LSB-first bit packing it shares
// with PLAIN booleans.
//
// A stream is a sequence of runs. A run header is a ULEB128 varint: with the low bit 0 it is an
// RLE run of (header >> 1) copies of one value stored in ceil(bit_width / 8) little-endian
// bytes; with the low bit 1 it is a bit-packed run of (header >> 1) groups of eight values,
// bit_width bits each, packed from the least significant bit of each byte. Only the last run of
// a stream may be padded past the number of values the reader expects.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "base/status.h"

namespace footfall::parquet {

inline constexpr int kMaxRleBitWidth = 32;

// Bits needed to store `max_value` (0 for 0).
int BitWidth(uint32_t max_value);

// Appends ceil(n * bit_width / 8) bytes holding `values` packed LSB first.
template <typename T>
void BitPack(const T* values, size_t n, int bit_width, std::string* out);

// Appends `values` (each below 2^bit_width) as an RLE / bit-packed hybrid stream, without the
// length prefix some uses put in front (the caller adds it).
template <typename T>
void RleEncode(const T* values, size_t n, int bit_width, std::string* out);

// Reads values from an RLE / bit-packed hybrid stream. Never reads outside `data`: a stream
// that ends before the values asked for are decoded is kCorruption. Not thread-safe.
class RleDecoder {
 public:
  // `bit_width` must be in [0, kMaxRleBitWidth]; callers check values read from a file.
  RleDecoder(std::string_view data, int bit_width);
  // The decoder keeps a view: a temporary string would be gone before the first read.
  RleDecoder(std::string&&, int) = delete;

  // Decodes the next `n` values into `out`. Values wider than T are a caller error (T must
  // hold bit_width bits).
  template <typename T>
  Status Decode(T* out, size_t n);

  // Bytes consumed so far (whole runs).
  size_t position() const { return pos_; }

 private:
  Status NextRun();
  uint32_t UnpackAt(uint64_t bit) const;

  std::string_view data_;
  int bit_width_;
  size_t pos_ = 0;
  // The current run.
  uint64_t rle_left_ = 0;
  uint32_t rle_value_ = 0;
  uint64_t packed_left_ = 0;  // values left in the current bit-packed run
  uint64_t packed_bit_ = 0;   // bit offset of the next packed value within data_
};

// Unpacks n one-bit values packed LSB first (PLAIN booleans) from `data`, which must hold
// ceil(n / 8) bytes (checked by the caller), into 0/1 bytes.
void BitUnpackBools(std::string_view data, size_t n, uint8_t* out);

}  // namespace footfall::parquet
