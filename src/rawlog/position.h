// Positions in the raw log and the records read at them (docs/formats/rawlog.md, "Positions").
#pragma once

#include <compare>
#include <cstdint>
#include <string>

#include "rawlog/format.h"

namespace footfall::rawlog {

// A place in the raw log: a segment number and the byte offset of a frame in that segment's
// file. Positions order the log: every record of segment N comes before every record of N + 1,
// and within a segment records are in offset order. The end of one segment and the start of
// the next denote the same place for reading; the batch/speed seam is expressed as one.
struct Position {
  uint64_t segment = 0;  // 0: before the first segment (numbers start at 1)
  uint64_t offset = 0;   // 0 or kSegmentHeaderSize: the first record of the segment

  // The first record of segment `number`.
  static Position Start(uint64_t number) { return {number, kSegmentHeaderSize}; }

  auto operator<=>(const Position&) const = default;
  bool operator==(const Position&) const = default;

  std::string ToString() const { return std::to_string(segment) + ":" + std::to_string(offset); }
};

// One record read from the log, with the position of its frame.
struct Record {
  Position position;
  std::string body;  // an encoded CollectorPayload

  // Where the record after this one starts: the position to resume reading from.
  Position next() const {
    return {position.segment, position.offset + kRecordHeaderSize + body.size()};
  }
};

}  // namespace footfall::rawlog
