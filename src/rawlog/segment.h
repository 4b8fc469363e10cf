// Segment files of the raw log (docs/formats/rawlog.md): naming, listing, writing one active
// segment, reading a segment's records back, and the directory lock of the single writer.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/file_lock.h"
#include "base/status.h"

namespace footfall::rawlog {

struct SegmentInfo {
  uint64_t number = 0;
  std::string path;
  bool sealed = false;
  uint64_t size = 0;  // bytes on disk
};

// "000000000042.seg" (sealed) or "000000000042.open" (active).
std::string SegmentFileName(uint64_t number, bool sealed);

// Every segment in `dir`, by number; a missing directory is an empty log.
Result<std::vector<SegmentInfo>> ListSegments(const std::string& dir);

// The next free segment number in `dir` (1 for an empty log).
Result<uint64_t> NextSegmentNumber(const std::string& dir);

// Locks `dir/LOCK` (creating `dir`), marking the one process that may add segments to the raw
// log in `dir`; held while the returned lock lives.
Result<FileLock> LockRawLog(const std::string& dir);

// One segment being written: created as `.open`, records appended, then sealed (renamed to
// `.seg`, after which it is never written again). Appended bytes are visible to a reader of
// the file once Append returns and durable after Sync(). Not thread-safe; one owner.
class ActiveSegment {
 public:
  static Result<ActiveSegment> Create(const std::string& dir, uint64_t number);
  ActiveSegment(ActiveSegment&& other) noexcept;
  ActiveSegment& operator=(ActiveSegment&& other) noexcept;
  ~ActiveSegment();  // closes without sealing (a crash-like stop; recovery seals it later)

  // Appends a frame for each record in `frames` already framed with FrameRecord (one write).
  Status AppendFramed(std::string_view frames);
  Status Sync();
  // Syncs, closes and renames the file to its sealed name, then syncs the directory.
  Status Seal();

  uint64_t number() const { return number_; }
  uint64_t size() const { return size_; }
  bool empty() const;

 private:
  ActiveSegment(std::string dir, uint64_t number, int fd);
  std::string dir_;
  std::string path_;  // of the active (unsealed) file
  uint64_t number_ = 0;
  int fd_ = -1;
  uint64_t size_ = 0;
};

// Appends the frame (length, masked CRC-32C, body) of one record to `out`.
void FrameRecord(std::string_view body, std::string* out);

// Reads the records of one segment file in order. The whole file is read into memory at Open
// (segments are bounded in size), and returned record views point into it.
class SegmentReader {
 public:
  static Result<SegmentReader> Open(const std::string& path);

  // The next record body, or an empty optional at the clean end of the segment. A frame that
  // fails its checks (torn tail, bad CRC, impossible length) is kCorruption naming the path and
  // offset; reading stops there.
  Result<std::optional<std::string_view>> Next();

  // Byte offset of the next frame.
  uint64_t offset() const { return pos_; }
  const std::string& path() const { return path_; }

 private:
  SegmentReader(std::string path, std::string data)
      : path_(std::move(path)), data_(std::move(data)) {}
  std::string path_;
  std::string data_;
  uint64_t pos_ = 0;
};

// Seals the active segment file `number` in `dir` after recovery: removed when it holds no
// record, else made read-only, renamed to its sealed name and the directory synced.
Status SealRecovered(const std::string& dir, uint64_t number);

// Scans an active segment left by a crash and truncates it after its last whole record.
// Returns the number of bytes cut off (0 for a clean file). A file too short to hold a header
// is cut to zero length.
Result<uint64_t> TruncateTornTail(const std::string& path);

}  // namespace footfall::rawlog
