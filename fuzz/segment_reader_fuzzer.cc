// Any bytes as a segment file: reading it and recovering its torn tail must never crash, and
// after recovery every remaining record must read back cleanly.
#include <unistd.h>

#include <cstdint>
#include <cstdlib>
#include <fstream>
#include <string>

#include "base/temp_dir.h"
#include "rawlog/segment.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static footfall::TempDir tmp;
  const std::string path = tmp.Sub("000000000001.open");
  std::ofstream(path, std::ios::binary | std::ios::trunc)
      .write(reinterpret_cast<const char*>(data), static_cast<std::streamsize>(size));
  if (auto reader = footfall::rawlog::SegmentReader::Open(path); reader.ok()) {
    for (;;) {
      auto rec = reader->Next();
      if (!rec.ok() || !*rec) break;
    }
  }
  if (!footfall::rawlog::TruncateTornTail(path).ok()) std::abort();
  if (auto reader = footfall::rawlog::SegmentReader::Open(path); reader.ok()) {
    for (;;) {
      auto rec = reader->Next();
      if (!rec.ok()) std::abort();  // recovery left a damaged frame behind
      if (!*rec) break;
    }
  }
  return 0;
}
