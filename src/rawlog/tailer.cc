#include "rawlog/tailer.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <limits>
#include <thread>
#include <utility>

#include "base/bytes.h"
#include "base/log.h"
#include "rawlog/format.h"
#include "rawlog/log_writer.h"

namespace footfall::rawlog {
namespace {

// Bytes read per pread when looking for the next frames; a longer frame is read whole.
constexpr uint64_t kReadChunk = 256u << 10;
// Segments one Poll() may move across (empty, removed or skipped ones) before it returns, so a
// single call stays bounded; the next call goes on from there.
constexpr int kMaxStepsPerPoll = 64;

Micros SteadyMicros() {
  using namespace std::chrono;
  return duration_cast<microseconds>(steady_clock::now().time_since_epoch()).count();
}

}  // namespace

Tailer::Tailer(std::string dir, Position from, TailerOptions options)
    : dir_(std::move(dir)), options_(options), pos_(from) {}

Result<Tailer> Tailer::Open(std::string dir, Position from, TailerOptions options) {
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
  Tailer tailer(std::move(dir), from, options);
  tailer.check_offset_ = from.offset != kSegmentHeaderSize;
  FOOTFALL_RETURN_IF_ERROR(tailer.OpenCurrent().status());
  return tailer;
}

void Tailer::CloseFile() {
  fd_.reset();
  sealed_ = false;
  finished_ = false;
  trailing_bytes_ = false;
  buf_len_ = 0;
  buf_offset_ = 0;
}

void Tailer::MoveTo(Position p) {
  CloseFile();
  pos_ = p;
  check_offset_ = false;
  last_listing_ = 0;
}

Result<Tailer::Opened> Tailer::OpenCurrent() {
  CloseFile();
  // `.open` first: a segment is renamed from `.open` to `.seg` and never back, so when the
  // first open misses, the second finds the sealed file if the rename happened in between.
  bool sealed = false;
  std::string path = SegmentPath(dir_, pos_.segment, false);
  UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (!fd.valid() && errno == ENOENT) {
    sealed = true;
    path = SegmentPath(dir_, pos_.segment, true);
    fd.reset(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  }
  if (!fd.valid()) {
    if (errno != ENOENT) return ErrnoError("cannot open " + path);
    // Not made yet, or removed by recovery because it held no record. A later number exists
    // without this one only in the second case; listing the directory tells, at a bounded rate.
    const Micros now = SteadyMicros();
    if (last_listing_ != 0 && now - last_listing_ < options_.relist_interval) {
      return Opened::kNotYet;
    }
    last_listing_ = now;
    FOOTFALL_ASSIGN_OR_RETURN(auto segments, ListSegments(dir_));
    for (const SegmentInfo& s : segments) {
      if (s.number <= pos_.segment) continue;
      if (pos_.offset > kSegmentHeaderSize) {
        return NotFound("raw-log segment " + std::to_string(pos_.segment) + " of position " +
                        pos_.ToString() + " no longer exists in " + dir_);
      }
      MoveTo(Position::Start(s.number));
      return Opened::kMoved;
    }
    return Opened::kNotYet;
  }
  struct stat st {};
  if (::fstat(fd.get(), &st) != 0) return ErrnoError("cannot stat " + path);
  fd_ = std::move(fd);
  dev_ = st.st_dev;
  ino_ = st.st_ino;
  sealed_ = sealed;
  FOOTFALL_RETURN_IF_ERROR(Fill(0, kReadChunk));
  if (buf_len_ < kSegmentHeaderSize && !sealed_) {
    // An `.open` file whose header is still being written, or whose creation failed (then it is
    // removed): look again at the next poll.
    CloseFile();
    return Opened::kNotYet;
  }
  Status header = CheckSegmentHeader(std::string_view(buf_.data(), buf_len_), path);
  if (!header.ok()) {
    CloseFile();
    // A sealed segment stays damaged: report it once and go on, as with a damaged record.
    if (sealed) MoveTo(Position::Start(pos_.segment + 1));
    return header;
  }
  if (check_offset_) {
    Status offset = CheckOffset();
    if (!offset.ok()) {
      // Closed, so that every later Poll() checks again (and fails the same way) rather than
      // read from a position that is not one.
      CloseFile();
      return offset;
    }
    check_offset_ = false;
  }
  return Opened::kYes;
}

Status Tailer::CheckOffset() {
  const std::string path = SegmentPath(dir_, pos_.segment, sealed_);
  struct stat st {};
  if (::fstat(fd_.get(), &st) != 0) return ErrnoError("cannot stat " + path);
  if (pos_.offset > static_cast<uint64_t>(st.st_size)) {
    return InvalidArgument(path + ": offset " + std::to_string(pos_.offset) + " is past the " +
                           std::to_string(st.st_size) + " bytes of the segment");
  }
  // Walk the length fields from the header: a position is valid only on that chain.
  uint64_t at = kSegmentHeaderSize;
  while (at < pos_.offset) {
    if (at < buf_offset_ || at + kRecordHeaderSize > buf_offset_ + buf_len_) {
      FOOTFALL_RETURN_IF_ERROR(Fill(at, kReadChunk));
      if (buf_len_ < kRecordHeaderSize) break;
    }
    const uint32_t len = DecodeFixed32(buf_.data() + (at - buf_offset_));
    if (len == 0 && !sealed_) {
      // The zeros an active segment is filled with ahead of its records.
      return InvalidArgument(path + ": offset " + std::to_string(pos_.offset) +
                             " is past the last record, at offset " + std::to_string(at));
    }
    if (len == 0 || len > kMaxRecordSize) {
      return Corruption(path + ": damaged record length at offset " + std::to_string(at) +
                        ", before offset " + std::to_string(pos_.offset));
    }
    at += kRecordHeaderSize + len;
  }
  if (at != pos_.offset) {
    return InvalidArgument(path + ": offset " + std::to_string(pos_.offset) +
                           " is not the start of a record");
  }
  return Status::Ok();
}

Status Tailer::Fill(uint64_t at, uint64_t want) {
  if (buf_.size() < want) buf_.resize(want);
  buf_len_ = 0;
  buf_offset_ = at;
  while (buf_len_ < want) {
    const ssize_t n = ::pread(fd_.get(), buf_.data() + buf_len_, want - buf_len_,
                              static_cast<off_t>(at + buf_len_));
    if (n < 0) {
      if (errno == EINTR) continue;
      Status s = ErrnoError("read " + SegmentPath(dir_, pos_.segment, sealed_));
      buf_len_ = 0;
      return s;
    }
    if (n == 0) break;
    buf_len_ += static_cast<uint64_t>(n);
  }
  return Status::Ok();
}

FrameView Tailer::ViewAtPos() const {
  if (pos_.offset < buf_offset_ || pos_.offset > buf_offset_ + buf_len_) {
    FrameView v;
    v.kind = FrameView::Kind::kIncomplete;
    v.size = kRecordHeaderSize;
    return v;
  }
  return ViewFrame(std::string_view(buf_.data(), buf_len_), pos_.offset - buf_offset_);
}

Result<std::optional<Record>> Tailer::ReadFrame() {
  uint64_t limit = std::numeric_limits<uint64_t>::max();
  if (options_.writer != nullptr && !sealed_ && !finished_) {
    const Position acknowledged = options_.writer->AcknowledgedEnd();
    if (pos_.segment > acknowledged.segment) {
      limit = 0;
    } else if (pos_.segment == acknowledged.segment) {
      limit = acknowledged.offset;
    }
  }
  // Whole frames in buf_ stay whole: bytes are only ever appended after them. Anything else is
  // decided on a fresh read, never on bytes left over from an earlier one.
  FrameView v = ViewAtPos();
  if (v.kind != FrameView::Kind::kWhole) {
    FOOTFALL_RETURN_IF_ERROR(Fill(pos_.offset, std::max(kReadChunk, v.size)));
    v = ViewAtPos();
    if (v.kind == FrameView::Kind::kIncomplete && v.size > buf_len_ && buf_len_ >= kReadChunk) {
      FOOTFALL_RETURN_IF_ERROR(Fill(pos_.offset, v.size));
      v = ViewAtPos();
    }
  }
  if (v.kind == FrameView::Kind::kWhole && pos_.offset + v.size <= limit) {
    Record record{pos_, std::string(v.body)};
    pos_.offset += v.size;
    trailing_bytes_ = false;
    return std::optional<Record>(std::move(record));
  }
  trailing_bytes_ = buf_offset_ == pos_.offset && buf_len_ > 0;
  return std::optional<Record>();
}

Result<Tailer::FileState> Tailer::CheckFile() {
  // Whether `path` names the file being read; nullopt when there is no such name.
  const auto names_ours = [this](const std::string& path) -> Result<std::optional<bool>> {
    struct stat st {};
    if (::stat(path.c_str(), &st) != 0) {
      if (errno == ENOENT) return std::optional<bool>();
      return ErrnoError("cannot stat " + path);
    }
    return std::optional<bool>(st.st_dev == dev_ && st.st_ino == ino_);
  };
  const std::string sealed_path = SegmentPath(dir_, pos_.segment, true);
  const std::string open_path = SegmentPath(dir_, pos_.segment, false);
  FOOTFALL_ASSIGN_OR_RETURN(std::optional<bool> sealed, names_ours(sealed_path));
  if (sealed) return *sealed ? FileState::kSealed : FileState::kGone;
  FOOTFALL_ASSIGN_OR_RETURN(std::optional<bool> open, names_ours(open_path));
  if (open) {
    if (!*open) return FileState::kGone;
    // Still `.open`. The writer makes the next number only after sealing this one — or after
    // abandoning it on an I/O error, after which it never appends to it again.
    for (const bool next_sealed : {false, true}) {
      struct stat st {};
      const std::string next = SegmentPath(dir_, pos_.segment + 1, next_sealed);
      if (::stat(next.c_str(), &st) == 0) return FileState::kAbandoned;
      if (errno != ENOENT) return ErrnoError("cannot stat " + next);
    }
    return FileState::kActive;
  }
  // Neither name: renamed between the two looks, or removed.
  FOOTFALL_ASSIGN_OR_RETURN(sealed, names_ours(sealed_path));
  if (sealed) return *sealed ? FileState::kSealed : FileState::kGone;
  // Removed. Sealing makes a file read-only before renaming it, so a read-only file was complete
  // (a sealed segment deleted by retention); it can be read to its end through fd_.
  struct stat st {};
  if (::fstat(fd_.get(), &st) != 0) return ErrnoError("cannot stat " + open_path);
  return (st.st_mode & 0222) == 0 ? FileState::kSealed : FileState::kGone;
}

Result<std::optional<Record>> Tailer::Poll() {
  for (int step = 0; step < kMaxStepsPerPoll; ++step) {
    if (!fd_.valid()) {
      FOOTFALL_ASSIGN_OR_RETURN(Opened opened, OpenCurrent());
      if (opened == Opened::kNotYet) return std::optional<Record>();
      if (opened == Opened::kMoved) continue;
    }
    FOOTFALL_ASSIGN_OR_RETURN(std::optional<Record> record, ReadFrame());
    if (record) return record;
    if (sealed_ || finished_) {
      // At the end of a file nothing will be added to.
      const bool damaged = sealed_ && trailing_bytes_;
      const Position at = pos_;
      MoveTo(Position::Start(pos_.segment + 1));
      if (damaged) {
        return Corruption(SegmentPath(dir_, at.segment, true) + ": damaged record at offset " +
                          std::to_string(at.offset) + "; continuing with the next segment");
      }
      continue;
    }
    FOOTFALL_ASSIGN_OR_RETURN(FileState state, CheckFile());
    switch (state) {
      case FileState::kActive:
        return std::optional<Record>();
      case FileState::kSealed:
        // Read again: frames written before the seal may have arrived after the last read.
        sealed_ = true;
        break;
      case FileState::kAbandoned:
        // Whole frames are read to the end; a torn tail is left for recovery to cut.
        finished_ = true;
        break;
      case FileState::kGone:
        if (pos_.offset <= kSegmentHeaderSize) {
          // Removed holding no record (recovery of an empty segment), perhaps made again under
          // the same number: open it by number afresh.
          CloseFile();
        } else {
          // Removed or replaced after records were read from it: it gets no more records, so
          // finish it through fd_ and go on.
          LogWarning("rawlog", "tailer: segment " + std::to_string(pos_.segment) +
                                   " was removed while being read at " + pos_.ToString());
          finished_ = true;
        }
        break;
    }
  }
  return std::optional<Record>();
}

Result<std::optional<Record>> Tailer::Next(Micros timeout) {
  const Micros deadline = SteadyMicros() + timeout;
  for (;;) {
    FOOTFALL_ASSIGN_OR_RETURN(std::optional<Record> record, Poll());
    if (record) return record;
    const Micros left = deadline - SteadyMicros();
    if (left <= 0) return std::optional<Record>();
    std::this_thread::sleep_for(
        std::chrono::microseconds(std::min(left, std::max<Micros>(options_.poll_interval, 1))));
  }
}

}  // namespace footfall::rawlog
