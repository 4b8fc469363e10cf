// Appends to a file with direct I/O (O_DIRECT): no page cache between the records and the disk.
#pragma once

#include <sys/uio.h>

#include <cstdint>
#include <cstdlib>
#include <memory>
#include <span>
#include <string>
#include <string_view>

#include "base/files.h"
#include "base/status.h"

namespace footfall::rawlog {

// Direct I/O writes whole aligned blocks from aligned memory, so the appender keeps a copy of the
// file's last, partly filled block: each append copies its bytes after it and writes from that
// block's start to the end of the last block touched, padded with zeros, and the next append
// writes that block again with more bytes in it. A file written this way therefore ends with up
// to kBlock - 1 zeros after its bytes, like the zeros an active segment is filled with ahead of
// its records (docs/formats/rawlog.md).
//
// Its use: a segment synced after every batch. A buffered write copies the batch into the page
// cache, and the sync then finds the dirty pages and writes them back; a direct write hands the
// batch to the disk at once, and the sync after it only flushes the disk's cache. On the
// benchmark machine POST batches of ten events were 3-9 % faster this way, GET at the same speed
// (BENCHMARKS.md). Without a sync after every write, buffered writes are faster: a direct one
// always waits for the disk.
class DirectAppender {
 public:
  static constexpr uint64_t kBlock = 4096;  // offset, size and memory alignment of every write

  // Opens `path` for direct writes and writes `head` (shorter than kBlock) as its first bytes,
  // which proves that its file system takes direct I/O with this alignment. kUnimplemented
  // when it does not (tmpfs of older kernels, some network file systems): write it buffered.
  static Result<DirectAppender> Open(const std::string& path, std::string_view head);

  // Writes `pieces` at size() and advances size() past them. On failure size() is unchanged but
  // the file may hold any of the bytes after it: the caller cuts the file back and calls Reload.
  Status Append(std::span<const iovec> pieces);
  // Sets size() to `size` after the file was cut there, reading the last block back from `fd`.
  Status Reload(int fd, uint64_t size);

  uint64_t size() const { return block_start_ + used_; }
  // The end of the bytes the last Append wrote: size() rounded up to kBlock.
  uint64_t written_end() const { return block_start_ + RoundUp(used_); }
  static uint64_t RoundUp(uint64_t n) { return (n + kBlock - 1) / kBlock * kBlock; }

 private:
  struct Free {
    void operator()(char* p) const { std::free(p); }
  };
  DirectAppender(std::string path, UniqueFd fd, std::unique_ptr<char[], Free> buffer);

  std::string path_;
  UniqueFd fd_;
  std::unique_ptr<char[], Free> buffer_;  // the file's bytes [block_start_, block_start_ + used_)
  uint64_t block_start_ = 0;
  uint64_t used_ = 0;
};

}  // namespace footfall::rawlog
