// CRC-32 as gzip and zlib compute it (reflected polynomial 0xEDB88320): the checksum the
// Parquet format stores in PageHeader.crc. Not base's CRC-32C, which uses another polynomial.
#pragma once

#include <cstdint>
#include <string_view>

namespace footfall::parquet {

// Extends `crc` (the CRC of some prefix; 0 for none) with `data`.
uint32_t Crc32Extend(uint32_t crc, std::string_view data);
inline uint32_t Crc32(std::string_view data) { return Crc32Extend(0, data); }

}  // namespace footfall::parquet
