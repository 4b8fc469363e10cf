// Tailer: follows a raw log as it grows — sealed segments, then the active `.open` segment as
// records are appended to it, across seals into the next segment number — in the writer's
// process or any other. The speed layer reads the live tail with it.
//
// What it returns: only whole frames whose CRC checks, in log order, each once, with its
// Position. A frame still being written at the end of the active file is not whole yet and is
// simply not returned until it is. Crash recovery cuts exactly the bytes after the last whole,
// CRC-valid frame of a segment — a torn frame is never whole, so the tailer never returned it,
// and never returns a record that recovery later cuts. After the cut the segment is sealed (same
// file, renamed) or, holding no record, removed and its number made again; the tailer follows
// both by number and inode.
//
// What it may return that the writer did not acknowledge: without a writer (TailerOptions),
// the bytes of the active file are all it can go by, so a record whose write succeeded but whose
// fdatasync then failed may be returned although its `done` got an error (the writer cuts it
// back out of the file; a retry by the client stores it again). Given the LogWriter of the same
// process, the tailer reads the active segment only up to LogWriter::AcknowledgedEnd(), which
// excludes such records and, with Durability::kFsync, anything not yet durable.
//
// Following: Poll() never blocks; it reads with pread(2) and learns of seals and new segments
// with stat(2) (no inotify: it works on any file system and across processes). Next() polls
// until a record arrives or a timeout passes. A damaged frame in a sealed segment is kCorruption
// naming the segment and offset, after which the tailer goes on with the next segment.
//
// Not thread-safe; one owner. Holds one open file descriptor (the segment being read).
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <optional>
#include <string>

#include "base/files.h"
#include "base/status.h"
#include "base/time.h"
#include "rawlog/position.h"
#include "rawlog/segment.h"

namespace footfall::rawlog {

class LogWriter;

struct TailerOptions {
  // The writer of this log in this process, or null. Must outlive the Tailer.
  const LogWriter* writer = nullptr;
  // Next(): the pause between two polls that found nothing new.
  Micros poll_interval = 5'000;
  // While the segment to read next does not exist, how often to list the directory for a later
  // one (numbers are skipped only when recovery removed a segment that held no record).
  Micros relist_interval = kMicrosPerSecond;
};

class Tailer {
 public:
  // Starts at `from` ({} is the start of the log). The offset is checked against the frame
  // boundaries of its segment when that segment is first opened (here, if it exists):
  // kInvalidArgument when it is not one, kCorruption when a damaged length precedes it.
  static Result<Tailer> Open(std::string dir, Position from, TailerOptions options = {});

  Tailer(Tailer&& other) noexcept = default;
  Tailer& operator=(Tailer&& other) noexcept = default;

  // The next record if one is there now, else an empty optional. Never blocks.
  Result<std::optional<Record>> Poll();

  // Polls until a record is there or `timeout` passed (then an empty optional).
  Result<std::optional<Record>> Next(Micros timeout);

  // Where the next record will be read from; pass it to Open to resume.
  Position position() const { return pos_; }

 private:
  enum class Opened { kYes, kNotYet, kMoved };
  enum class FileState { kActive, kSealed, kAbandoned, kGone };

  Tailer(std::string dir, Position from, TailerOptions options);

  Result<Opened> OpenCurrent();
  Result<FileState> CheckFile();
  // The whole frame at pos_ within the readable limit, or nothing; sets trailing_bytes_.
  Result<std::optional<Record>> ReadFrame();
  // What buf_ holds at pos_ (kIncomplete when buf_ does not reach it).
  FrameView ViewAtPos() const;
  // Reads up to `want` bytes at file offset `at` into buf_.
  Status Fill(uint64_t at, uint64_t want);
  Status CheckOffset();
  void CloseFile();
  void MoveTo(Position p);

  std::string dir_;
  TailerOptions options_;
  Position pos_;
  bool check_offset_ = false;  // pos_.offset came from the caller and is not checked yet

  // The file of segment pos_.segment, once opened.
  UniqueFd fd_;
  dev_t dev_ = 0;
  ino_t ino_ = 0;
  bool sealed_ = false;          // the file is sealed: no byte will be added to it
  bool finished_ = false;        // left `.open` (abandoned or removed) while a later segment exists
  bool trailing_bytes_ = false;  // the last read found bytes at pos_ that are no whole frame

  std::string buf_;  // storage; its first buf_len_ bytes are the file's from buf_offset_
  uint64_t buf_len_ = 0;
  uint64_t buf_offset_ = 0;
  Micros last_listing_ = 0;  // SteadyMicros() of the last directory listing, 0 for never
};

}  // namespace footfall::rawlog
