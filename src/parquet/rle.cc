#include "parquet/rle.h"

#include <algorithm>
#include <bit>
#include <cstring>

namespace footfall::parquet {

int BitWidth(uint32_t max_value) { return max_value == 0 ? 0 : std::bit_width(max_value); }

template <typename T>
void BitPack(const T* values, size_t n, int bit_width, std::string* out) {
  if (bit_width == 0 || n == 0) return;
  uint64_t acc = 0;
  int bits = 0;
  const size_t start = out->size();
  out->reserve(start + (n * bit_width + 7) / 8);
  for (size_t i = 0; i < n; ++i) {
    acc |= static_cast<uint64_t>(values[i]) << bits;
    bits += bit_width;
    while (bits >= 8) {
      out->push_back(static_cast<char>(acc & 0xff));
      acc >>= 8;
      bits -= 8;
    }
  }
  if (bits > 0) out->push_back(static_cast<char>(acc & 0xff));
}

namespace {

void PutVarint(std::string* out, uint64_t v) {
  while (v >= 0x80) {
    out->push_back(static_cast<char>((v & 0x7f) | 0x80));
    v >>= 7;
  }
  out->push_back(static_cast<char>(v));
}

template <typename T>
size_t RunLength(const T* v, size_t n, size_t i) {
  size_t j = i + 1;
  while (j < n && v[j] == v[i]) ++j;
  return j - i;
}

template <typename T>
bool EightEqualAt(const T* v, size_t n, size_t i) {
  if (i + 8 > n) return false;
  for (size_t k = 1; k < 8; ++k) {
    if (v[i + k] != v[i]) return false;
  }
  return true;
}

// Bit-packed runs are kept to 63 groups: some readers of the format's early days expected the
// run header to fit one byte, and longer runs gain nothing.
constexpr size_t kMaxPackedGroups = 63;

}  // namespace

template <typename T>
void RleEncode(const T* values, size_t n, int bit_width, std::string* out) {
  const size_t value_bytes = (static_cast<size_t>(bit_width) + 7) / 8;
  size_t i = 0;
  while (i < n) {
    const size_t run = RunLength(values, n, i);
    if (run >= 8 || i + run == n) {
      PutVarint(out, uint64_t{run} << 1);
      const auto v = static_cast<uint32_t>(values[i]);
      for (size_t b = 0; b < value_bytes; ++b) out->push_back(static_cast<char>(v >> (8 * b)));
      i += run;
      continue;
    }
    // Bit-pack whole groups of eight until a run worth an RLE header starts at a group
    // boundary; only the stream's last run may extend past n (padded with zeros).
    const size_t start = i;
    size_t groups = 0;
    while (i < n && groups < kMaxPackedGroups) {
      if (groups > 0 && EightEqualAt(values, n, i)) break;
      i += 8;
      ++groups;
    }
    const size_t count = std::min(i, n) - start;
    PutVarint(out, (uint64_t{groups} << 1) | 1);
    const size_t before = out->size();
    BitPack(values + start, count, bit_width, out);
    out->resize(before + groups * static_cast<size_t>(bit_width), '\0');
    i = std::min(i, n);
  }
}

template void BitPack<uint8_t>(const uint8_t*, size_t, int, std::string*);
template void BitPack<uint32_t>(const uint32_t*, size_t, int, std::string*);
template void RleEncode<uint8_t>(const uint8_t*, size_t, int, std::string*);
template void RleEncode<uint32_t>(const uint32_t*, size_t, int, std::string*);

RleDecoder::RleDecoder(std::string_view data, int bit_width) : data_(data), bit_width_(bit_width) {}

Status RleDecoder::NextRun() {
  uint64_t header = 0;
  for (int shift = 0;; shift += 7) {
    if (pos_ >= data_.size()) return Corruption("RLE stream ends before its values");
    if (shift > 35) return Corruption("RLE run header too long");
    const auto byte = static_cast<uint8_t>(data_[pos_++]);
    header |= uint64_t{byte & 0x7fu} << shift;
    if ((byte & 0x80) == 0) break;
  }
  const uint64_t count = header >> 1;
  if (count == 0) return Corruption("RLE run of no values");
  if ((header & 1) == 0) {
    const size_t value_bytes = (static_cast<size_t>(bit_width_) + 7) / 8;
    if (data_.size() - pos_ < value_bytes) return Corruption("RLE run value cut off");
    uint32_t v = 0;
    for (size_t b = 0; b < value_bytes; ++b) {
      v |= uint32_t{static_cast<uint8_t>(data_[pos_ + b])} << (8 * b);
    }
    pos_ += value_bytes;
    if (bit_width_ < 32 && (v >> bit_width_) != 0) {
      return Corruption("RLE run value wider than its bit width");
    }
    rle_left_ = count;
    rle_value_ = v;
    return Status::Ok();
  }
  // A bit-packed run. Writers pad the last run to whole groups but some cut the padding
  // bytes off; the values that are there are readable, and asking for more is an error.
  const uint64_t bytes = count * 8 * static_cast<uint64_t>(bit_width_) / 8;
  const uint64_t available = std::min<uint64_t>(bytes, data_.size() - pos_);
  packed_bit_ = uint64_t{pos_} * 8;
  packed_left_ = bit_width_ == 0 ? count * 8 : std::min(count * 8, available * 8 / bit_width_);
  if (packed_left_ == 0) return Corruption("bit-packed run cut off");
  pos_ += available;
  return Status::Ok();
}

uint32_t RleDecoder::UnpackAt(uint64_t bit) const {
  const size_t byte = bit >> 3;
  const int shift = static_cast<int>(bit & 7);
  uint64_t word = 0;
  const size_t avail = std::min<size_t>(8, data_.size() - byte);
  std::memcpy(&word, data_.data() + byte, avail);
  if constexpr (std::endian::native == std::endian::big) word = __builtin_bswap64(word);
  const uint64_t mask = (uint64_t{1} << bit_width_) - 1;
  return static_cast<uint32_t>((word >> shift) & mask);
}

template <typename T>
Status RleDecoder::Decode(T* out, size_t n) {
  size_t done = 0;
  while (done < n) {
    if (rle_left_ == 0 && packed_left_ == 0) FOOTFALL_RETURN_IF_ERROR(NextRun());
    if (rle_left_ > 0) {
      const size_t k = static_cast<size_t>(std::min<uint64_t>(rle_left_, n - done));
      std::fill_n(out + done, k, static_cast<T>(rle_value_));
      rle_left_ -= k;
      done += k;
    } else {
      const size_t k = static_cast<size_t>(std::min<uint64_t>(packed_left_, n - done));
      if (bit_width_ == 0) {
        std::fill_n(out + done, k, T{0});
      } else {
        // A value starts at most 7 bits into its first byte and is at most 32 bits wide, so
        // one 8-byte load holds it; only the last values of the stream need the bounded load.
        const uint64_t mask = (uint64_t{1} << bit_width_) - 1;
        const size_t width = static_cast<size_t>(bit_width_);
        size_t j = 0;
        if constexpr (std::endian::native == std::endian::little) {
          const char* base = data_.data();
          for (; j < k && (packed_bit_ >> 3) + 8 <= data_.size(); ++j) {
            uint64_t word;
            std::memcpy(&word, base + (packed_bit_ >> 3), 8);
            out[done + j] = static_cast<T>((word >> (packed_bit_ & 7)) & mask);
            packed_bit_ += width;
          }
        }
        for (; j < k; ++j) {
          out[done + j] = static_cast<T>(UnpackAt(packed_bit_));
          packed_bit_ += width;
        }
      }
      packed_left_ -= k;
      done += k;
    }
  }
  return Status::Ok();
}

template Status RleDecoder::Decode<uint8_t>(uint8_t*, size_t);
template Status RleDecoder::Decode<uint32_t>(uint32_t*, size_t);

void BitUnpackBools(std::string_view data, size_t n, uint8_t* out) {
  for (size_t i = 0; i < n; ++i) {
    out[i] = (static_cast<uint8_t>(data[i >> 3]) >> (i & 7)) & 1;
  }
}

}  // namespace footfall::parquet
