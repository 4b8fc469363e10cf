#include "parquet/crc32.h"

#include <zlib.h>

namespace footfall::parquet {

// zlib's is the same CRC, computed several words at a time (about 3× a slicing-by-8 table here).
uint32_t Crc32Extend(uint32_t crc, std::string_view data) {
  return static_cast<uint32_t>(
      crc32_z(crc, reinterpret_cast<const Bytef*>(data.data()), data.size()));
}

}  // namespace footfall::parquet
