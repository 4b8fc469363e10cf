// Any bytes as a Parquet file: opening and reading every column of every row group returns
// data or an error (kCorruption, kUnimplemented), never a crash.
#include <cstdint>
#include <string_view>

#include "parquet/reader.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  (void)footfall::parquet::ReadWholeFileForFuzzing(
      std::string_view(reinterpret_cast<const char*>(data), size));
  return 0;
}
