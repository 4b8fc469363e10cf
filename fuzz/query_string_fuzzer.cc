// Any bytes as a query string: parsing never crashes, and encoding then decoding any decoded
// value gives it back.
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "base/url.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view in(reinterpret_cast<const char*>(data), size);
  for (const auto& [k, v] : footfall::ParseQueryString(in)) {
    if (footfall::PercentDecode(footfall::PercentEncode(v)) != v) std::abort();
    if (footfall::PercentDecode(footfall::PercentEncode(k)) != k) std::abort();
  }
  return 0;
}
