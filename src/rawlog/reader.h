// LogReader: reads the sealed segments of a raw log in order, from any Position.
//
// It sees only sealed segments (complete, durable, never written again), so what it returns is
// final. It stops at the first segment that is not sealed: the active one, or one left `.open`
// after an I/O error until the writer or recovery seals it. Stopping there rather than skipping
// keeps a reader that resumes by position from passing records that appear below it later.
//
// Not thread-safe; one owner. Independent of any LogWriter: it works in the writer's process or
// any other, while the writer runs. Each segment is read whole into memory when reached
// (segments are bounded by LogOptions::segment_max_bytes).
#pragma once

#include <optional>
#include <string>

#include "base/status.h"
#include "rawlog/position.h"
#include "rawlog/segment.h"

namespace footfall::rawlog {

class LogReader {
 public:
  // Starts at `from` ({} is the start of the log). When `from` is in a sealed segment, its
  // offset is checked here: inside the header, past the end or not at a frame boundary is
  // kInvalidArgument, a damaged length before it kCorruption. A position in a segment that does
  // not exist (any more) is kNotFound unless it is that segment's start; the start of a missing
  // segment moves on to the next one that exists.
  static Result<LogReader> Open(const std::string& dir, Position from = {});

  // The next record, or an empty optional when every sealed segment from the position on has
  // been read (call again later: segments sealed since are picked up). A damaged frame is
  // kCorruption naming the segment and offset; the reader then continues with the next segment
  // (the records before the damage were returned), as the batch layer counts damage and goes on.
  Result<std::optional<Record>> Next();

  // Where the next record will be read from; pass it to Open to resume.
  Position position() const { return pos_; }

 private:
  LogReader(std::string dir, Position from) : dir_(std::move(dir)), pos_(from) {}

  // Opens reader_ on pos_.segment. False when that segment is not sealed yet (or does not exist
  // and no later one does); moves pos_ over missing segments.
  Result<bool> OpenCurrent();

  std::string dir_;
  Position pos_;
  std::optional<SegmentReader> reader_;
};

}  // namespace footfall::rawlog
