// CRC-32C (Castagnoli), as used by iSCSI, ext4 and LevelDB, for framing stored records.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace footfall {

// Extends `crc` (the CRC of some prefix; 0 for none) with `data`.
uint32_t Crc32cExtend(uint32_t crc, const void* data, size_t n);
// The table-driven version, whatever the processor supports; for tests of the dispatch.
uint32_t Crc32cExtendPortable(uint32_t crc, const void* data, size_t n);
inline uint32_t Crc32c(std::string_view s) { return Crc32cExtend(0, s.data(), s.size()); }

// Stored CRCs are masked so that a CRC of data that itself holds CRCs stays well distributed
// (the LevelDB convention).
inline uint32_t MaskCrc(uint32_t crc) { return ((crc >> 15) | (crc << 17)) + 0xa282ead8u; }
inline uint32_t UnmaskCrc(uint32_t masked) {
  const uint32_t rot = masked - 0xa282ead8u;
  return (rot >> 17) | (rot << 15);
}

}  // namespace footfall
