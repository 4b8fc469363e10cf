// Spill files: runs of serialized records written to disk as zstd-compressed blocks when a
// shuffle buffer, hash table or sort buffer grows past its share of the memory budget, and read
// back block by block.
//
// A spill file is created in the spill directory and unlinked at once: it has no name, only the
// open descriptor, so it disappears when its last owner closes it — when the job ends, fails or
// the process dies — and a failed job can leave nothing behind. Layout of one run (a "segment"
// of a file, a file may hold several): blocks of [fixed32 compressed size][fixed32 raw size]
// [zstd frame], each block holding whole records (up to kSpillBlockBytes raw, plus one record).
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <utility>

#include "base/files.h"
#include "base/status.h"

namespace footfall::engine {

// Raw bytes per compressed block: the unit of reading back, so a merge holds about two of these
// per open run.
inline constexpr size_t kSpillBlockBytes = 64 * 1024;

// Counters of one Context, summed over its jobs; read any time, from any thread.
struct SpillCounters {
  std::atomic<uint64_t> spill_files{0};    // spill files created
  std::atomic<uint64_t> runs_written{0};   // runs (segments) written to them
  std::atomic<uint64_t> bytes_spilled{0};  // raw record bytes written to spill files
  std::atomic<uint64_t> bytes_on_disk{0};  // compressed bytes written to spill files
};

// One unlinked scratch file. Appends come from one owner; reads (pread) from any thread once the
// appends are done. Shared by the map output or run that points into it.
class SpillFile {
 public:
  // kIoError naming `dir` when the file cannot be made; `dir` is created when missing.
  static Result<std::shared_ptr<SpillFile>> Create(const std::string& dir, SpillCounters* counters);
  SpillFile(const SpillFile&) = delete;
  SpillFile& operator=(const SpillFile&) = delete;

  Status Append(std::string_view bytes);
  Status ReadAt(uint64_t offset, size_t n, char* dst) const;
  uint64_t size() const { return size_; }
  SpillCounters* counters() const { return counters_; }

 private:
  SpillFile(UniqueFd fd, std::string dir, SpillCounters* counters)
      : fd_(std::move(fd)), dir_(std::move(dir)), counters_(counters) {}
  UniqueFd fd_;
  std::string dir_;  // for messages
  SpillCounters* counters_;
  uint64_t size_ = 0;
};

// Where a run lies in its file.
struct SpillSegment {
  uint64_t offset = 0;
  uint64_t bytes = 0;
};

// Writes one run after another into a SpillFile. Callers append whole records to buffer() and
// call MaybeFlush() after each; FinishRun() ends the current run and returns where it lies.
class RunWriter {
 public:
  explicit RunWriter(std::shared_ptr<SpillFile> file) : file_(std::move(file)) {}
  std::string* buffer() { return &buffer_; }
  Status MaybeFlush() { return buffer_.size() >= kSpillBlockBytes ? Flush() : Status::Ok(); }
  Result<SpillSegment> FinishRun();
  // Writes `records` (whole records) as one block of the current run; buffer() must be empty.
  Status WriteBlock(std::string_view records);
  const std::shared_ptr<SpillFile>& file() const { return file_; }

 private:
  Status Flush();
  std::shared_ptr<SpillFile> file_;
  std::string buffer_;
  std::string compressed_;
  uint64_t run_start_ = 0;
};

// Reads the blocks of one run back. One owner.
class RunReader {
 public:
  RunReader(std::shared_ptr<SpillFile> file, SpillSegment segment)
      : file_(std::move(file)), pos_(segment.offset), end_(segment.offset + segment.bytes) {}
  // The next block's records (valid until the next call), or false at the end of the run.
  Result<bool> NextBlock(std::string_view* block);

 private:
  std::shared_ptr<SpillFile> file_;
  uint64_t pos_;
  uint64_t end_;
  std::string compressed_;
  std::string raw_;
};

}  // namespace footfall::engine
