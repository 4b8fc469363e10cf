#include "rawlog/reader.h"

#include <sys/stat.h>

#include <cerrno>

#include "rawlog/format.h"

namespace footfall::rawlog {
namespace {

// Whether `path` exists; a stat failure other than ENOENT is kIoError.
Result<bool> Exists(const std::string& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) == 0) return true;
  if (errno == ENOENT) return false;
  return ErrnoError("cannot stat " + path);
}

}  // namespace

Result<LogReader> LogReader::Open(const std::string& dir, Position from) {
  if (from.segment == 0) {
    if (from.offset != 0) {
      return InvalidArgument("raw-log position " + from.ToString() + " has no segment");
    }
    from = Position::Start(1);
  }
  if (from.offset == 0) from.offset = kSegmentHeaderSize;
  if (from.offset < kSegmentHeaderSize) {
    return InvalidArgument("raw-log position " + from.ToString() + " is inside a segment header");
  }
  LogReader reader(dir, from);
  FOOTFALL_RETURN_IF_ERROR(reader.OpenCurrent().status());
  return reader;
}

Result<bool> LogReader::OpenCurrent() {
  for (;;) {
    const std::string sealed = SegmentPath(dir_, pos_.segment, true);
    FOOTFALL_ASSIGN_OR_RETURN(bool is_sealed, Exists(sealed));
    if (is_sealed) {
      FOOTFALL_ASSIGN_OR_RETURN(SegmentReader r, SegmentReader::Open(sealed, pos_.offset));
      reader_.emplace(std::move(r));
      return true;
    }
    FOOTFALL_ASSIGN_OR_RETURN(bool is_open, Exists(SegmentPath(dir_, pos_.segment, false)));
    if (is_open) return false;
    // Neither name: a number not made yet, or a segment removed (recovery removes empty ones).
    FOOTFALL_ASSIGN_OR_RETURN(auto segments, ListSegments(dir_));
    const SegmentInfo* later = nullptr;
    for (const SegmentInfo& s : segments) {
      if (s.number > pos_.segment) {
        later = &s;
        break;
      }
    }
    if (later == nullptr) return false;
    if (pos_.offset > kSegmentHeaderSize) {
      return NotFound("raw-log segment " + std::to_string(pos_.segment) + " of position " +
                      pos_.ToString() + " no longer exists in " + dir_);
    }
    pos_ = Position::Start(later->number);
  }
}

Result<std::optional<Record>> LogReader::Next() {
  for (;;) {
    if (!reader_) {
      FOOTFALL_ASSIGN_OR_RETURN(bool opened, OpenCurrent());
      if (!opened) return std::optional<Record>();
    }
    auto body = reader_->Next();
    if (!body.ok()) {
      reader_.reset();
      pos_ = Position::Start(pos_.segment + 1);
      return body.status();
    }
    if (*body) {
      Record record{pos_, std::string(**body)};
      pos_.offset = reader_->offset();
      return std::optional<Record>(std::move(record));
    }
    reader_.reset();
    pos_ = Position::Start(pos_.segment + 1);
  }
}

}  // namespace footfall::rawlog
