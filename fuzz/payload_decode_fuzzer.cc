// Any bytes as a raw-log record body: DecodePayload must return a payload or kCorruption, and a
// payload it returns must survive an encode/decode round trip unchanged. (The input's bytes need
// not come back: a varint may be written in more bytes than needed.)
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "rawlog/payload.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view in(reinterpret_cast<const char*>(data), size);
  auto payload = footfall::rawlog::DecodePayload(in);
  if (payload.ok()) {
    auto again = footfall::rawlog::DecodePayload(footfall::rawlog::EncodePayload(*payload));
    if (!again.ok() || !(*again == *payload)) std::abort();
  }
  return 0;
}
