// Segment files of the raw log (docs/formats/rawlog.md): naming, listing, writing one active
// segment, reading a segment's records back, and the directory lock of the single writer.
#pragma once

#include <sys/uio.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "base/file_lock.h"
#include "base/files.h"
#include "base/status.h"
#include "rawlog/direct_append.h"

namespace footfall::rawlog {

struct SegmentInfo {
  uint64_t number = 0;
  std::string path;
  bool sealed = false;
  // Bytes on disk. For an `.open` segment of the collector this includes the zeros it is filled
  // with ahead of its records; WrittenBytes() leaves them out.
  uint64_t size = 0;
};

// "000000000042.seg" (sealed) or "000000000042.open" (active).
std::string SegmentFileName(uint64_t number, bool sealed);
// `dir`/SegmentFileName(number, sealed).
std::string SegmentPath(const std::string& dir, uint64_t number, bool sealed);

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
  // The average batch from which a segment stops filling zeros ahead of its records.
  static constexpr uint64_t kPrefillMaxBatchBytes = 32 << 10;

  // When a new file becomes durable: kOnCreate syncs it (file and directory entry) before Create
  // returns, as a writer that acknowledges records needs; kAtSeal leaves all of it to Seal, for
  // a writer that acknowledges nothing before sealing (`footfall gen`).
  //
  // A kOnCreate segment, which is synced after every batch, is also filled with zeros ahead of
  // its records, 256 KiB at a time, while its batches are small: a sync then writes over blocks
  // the file already has and need not update its size too, which on the benchmark machine's
  // disk makes it a third shorter. Every zero is written to the disk once more, though, so once
  // batches average kPrefillMaxBatchBytes or more, what a larger size costs a sync is less than
  // the zeros cost it, and the segment grows with its batches instead (BENCHMARKS.md). The
  // zeros are cut off when the segment is sealed; until then a reader of the `.open` file sees
  // them after the last record (docs/formats/rawlog.md).
  //
  // kEveryBatch is kOnCreate for a writer that syncs after every batch. Where the file system
  // takes direct I/O, its records are written with it (DirectAppender: each batch then ends with
  // zeros up to the end of its last 4 KiB block), while the zeros ahead still go through the page
  // cache, half a step earlier: a sync writes them back with a batch before any record is
  // written over them. (Written directly, each step was a write of its own the next batch waited
  // for, and GET's p99 at 64 connections went from 3 to 4.5 ms.)
  enum class WhenDurable { kEveryBatch, kOnCreate, kAtSeal };
  // Creates the file with its header. On failure the partly made file is removed, so the same
  // number can be created again.
  static Result<ActiveSegment> Create(const std::string& dir, uint64_t number,
                                      WhenDurable durable = WhenDurable::kOnCreate);
  // Destroyed unsealed, a segment is closed as it is (a crash-like stop; recovery seals it later).
  ActiveSegment(ActiveSegment&& other) noexcept = default;
  ActiveSegment& operator=(ActiveSegment&& other) noexcept = default;

  // Appends a frame for each record in `frames` already framed with FrameRecord (one write).
  // On failure the file is cut back to its size before the call, so no partial frame stays;
  // when even that fails the segment is damaged() and must not be appended to again.
  Status AppendFramed(std::string_view frames);
  // The same for frames given in pieces, written in order by as few pwritev(2) as IOV_MAX
  // allows: a frame's header and its body can be two pieces, so nothing is copied on the way.
  // The pieces are used up: the call advances them past what it wrote.
  Status AppendFramed(std::span<iovec> pieces);
  Status Sync();
  // Drops the file's pages from the page cache up to kCachedBehind below `synced`, a size the
  // file has been synced to: a log read from its tail (a Tailer) needs the last few MiB cached,
  // not the rest, and on the benchmark machine, where memory left unused goes back to the host
  // and is slow to touch again, a log whose cache keeps growing cost POSTs of ten events about
  // 30 % of their requests/s (BENCHMARKS.md). Advice to the kernel: nothing fails, nothing
  // changes in the file.
  void DropCacheBehind(uint64_t synced);
  static constexpr uint64_t kCachedBehind = 4 << 20;
  // A second descriptor of the file (owned by the caller), so that another thread can sync it
  // while this one keeps appending: an fdatasync through either makes the same bytes durable.
  Result<UniqueFd> DuplicateDescriptor() const;
  // Cuts the file back to `size` bytes (a frame boundary at or above the header, at most
  // size()), dropping frames whose sync failed. Sets damaged() when the cut fails.
  Status TruncateTo(uint64_t size);
  // Syncs, makes the file read-only and renames it to its sealed name, then syncs the
  // directory. When the sync or the rename fails the segment stays open and unsealed; once the
  // rename succeeded it is sealed() even if the directory sync then fails (the error says the
  // new name may not be durable yet).
  Status Seal();

  uint64_t number() const { return number_; }
  uint64_t size() const { return size_; }
  const std::string& path() const { return path_; }  // of the active (unsealed) file
  bool empty() const;
  bool sealed() const { return sealed_; }
  bool damaged() const { return damaged_; }
  bool direct_io() const { return direct_ != nullptr; }  // records written with O_DIRECT

 private:
  ActiveSegment(std::string dir, uint64_t number, UniqueFd fd);
  std::string dir_;
  std::string path_;
  uint64_t number_ = 0;
  UniqueFd fd_;
  // Zeros up to past `need`, when preallocate_ and the batches are small.
  void Preallocate(uint64_t need);
  // After a failed append: cuts the file back to size_ (damaged() when that fails) and returns
  // `error`.
  Status UndoAppend(Status error);
  // Cuts the file to `size` bytes and makes that size_ (reading back the last partial block for
  // direct appends); damaged() when that fails, the error starting with `failure`.
  Status CutTo(uint64_t size, std::string_view failure);
  std::unique_ptr<DirectAppender> direct_;  // records written with direct I/O, when set

  uint64_t size_ = 0;       // header and records
  uint64_t allocated_ = 0;  // the file's size: size_ and the zeros after it
  bool preallocate_ = false;
  uint64_t average_batch_ = 0;  // bytes per AppendFramed, a moving average over about 8
  uint64_t cache_dropped_ = 0;  // the file's pages below this were dropped from the page cache
  bool sealed_ = false;
  bool damaged_ = false;
};

// Appends the frame (length, masked CRC-32C, body) of one record to `out`.
void FrameRecord(std::string_view body, std::string* out);
// The same without copying the body: BeginFrame reserves the frame's header and returns where
// it starts; append the body to `out`, then EndFrame fills the header in.
size_t BeginFrame(std::string* out);
void EndFrame(size_t frame_start, std::string* out);  // `out`: the same string
// Writes the kRecordHeaderSize bytes that frame `body` (its length and masked CRC-32C) to `header`.
void EncodeFrameHeader(std::string_view body, char* header);

// What the bytes at `pos` of `data` hold: a whole frame with an intact checksum, the start of
// a frame whose bytes are not all there (`size` is then how many bytes it needs, the length
// field's value when it could be read), or bytes that are no frame (impossible length, CRC
// mismatch).
struct FrameView {
  enum class Kind { kWhole, kIncomplete, kInvalid };
  Kind kind = Kind::kInvalid;
  uint64_t size = 0;      // frame bytes, header included
  std::string_view body;  // kWhole only
};
FrameView ViewFrame(std::string_view data, uint64_t pos);

// In an `.open` segment, whether the frame at `pos` (one ViewFrame() does not call whole) is
// still being written rather than damaged: nothing but zeros follows its extent, so it is the
// zero-filled space ahead of the records, or a frame whose bytes are not all copied in yet.
bool NotWrittenYet(std::string_view data, uint64_t pos);

// The bytes of the segment file at `path` up to the end of its records, found by following
// their lengths from the header: without the zeros an `.open` segment is filled with ahead of
// them; the file size for an intact sealed segment. A record still being copied in counts once
// its length is there. kNotFound when there is no such file (an `.open` one sealed since it
// was listed).
Result<uint64_t> WrittenBytes(const std::string& path);

// Checks a segment file header (the first kSegmentHeaderSize bytes of `data`); kCorruption
// naming `path` when it is not a footfall raw-log segment of a known version.
Status CheckSegmentHeader(std::string_view data, const std::string& path);

// Reads the records of one segment file in order. The whole file is read into memory at Open
// (segments are bounded in size), and returned record views point into it.
class SegmentReader {
 public:
  static Result<SegmentReader> Open(const std::string& path);
  // Starts at byte `offset`, which must be a frame boundary: the end of the header (0 also
  // means that), the start of a frame, or the end of the file. Checked by walking the frame
  // lengths from the header: an offset inside the header, past the end or inside a frame is
  // kInvalidArgument; a damaged length before it is kCorruption.
  static Result<SegmentReader> Open(const std::string& path, uint64_t offset);

  // The next record body, or an empty optional at the clean end of the segment. A frame that
  // fails its checks (torn tail, bad CRC, impossible length) is kCorruption naming the path and
  // offset; reading stops there.
  Result<std::optional<std::string_view>> Next();

  // Byte offset of the next frame.
  uint64_t offset() const { return pos_; }
  // Bytes in the file.
  uint64_t size() const { return data_.size(); }
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
// Returns the number of bytes of torn records cut off (0 for a clean file), not counting zeros
// at the end: the space filled ahead of the records is cut without being counted (as are the
// zero bytes a torn record happens to end with). A file too short to hold a header is cut to
// zero length.
Result<uint64_t> TruncateTornTail(const std::string& path);

}  // namespace footfall::rawlog
