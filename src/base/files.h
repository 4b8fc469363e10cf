// Whole-file and directory helpers on POSIX calls, with errors that name the path.
#pragma once

#include <sys/uio.h>

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <utility>

#include "base/status.h"

namespace footfall {

// An open file descriptor, closed when it goes.
class UniqueFd {
 public:
  UniqueFd() = default;
  explicit UniqueFd(int fd) : fd_(fd) {}
  UniqueFd(UniqueFd&& other) noexcept : fd_(std::exchange(other.fd_, -1)) {}
  UniqueFd& operator=(UniqueFd&& other) noexcept {
    if (this != &other) reset(std::exchange(other.fd_, -1));
    return *this;
  }
  UniqueFd(const UniqueFd&) = delete;
  UniqueFd& operator=(const UniqueFd&) = delete;
  ~UniqueFd() { reset(); }

  int get() const { return fd_; }
  bool valid() const { return fd_ >= 0; }
  // Closes the descriptor held, if any, and holds `fd` instead.
  void reset(int fd = -1);
  // Closes now and says whether close(2) failed, naming `path`: for a file written to, a failed
  // close can be the first report of a lost write.
  Status Close(std::string_view path);

 private:
  int fd_ = -1;
};

// Writes all of `data` to `fd` at its current offset; an error names `path`.
Status WriteAll(int fd, std::string_view data, const std::string& path);

// Writes `pieces` in order at byte `offset` of `fd`, with as few pwritev(2) as IOV_MAX allows,
// and advances them past what was written (all of them, on success). `written` (when given)
// counts the bytes written, also on error. An error names `path`.
Status WriteAllAt(int fd, std::span<iovec> pieces, uint64_t offset, const std::string& path,
                  uint64_t* written = nullptr);
// The same for one piece.
Status WriteAllAt(int fd, std::string_view data, uint64_t offset, const std::string& path,
                  uint64_t* written = nullptr);
// Advances `pieces` past their first `bytes` bytes (at most what they hold): drops the pieces
// that lie wholly before, and moves the start of the one `bytes` ends in.
void SkipBytes(std::span<iovec>* pieces, size_t bytes);

// Opens `path` read-only; kNotFound when it does not exist, kIoError for other failures.
Result<UniqueFd> OpenForReading(const std::string& path);

// The file's bytes; kNotFound when it does not exist, kIoError for other failures (a directory,
// no permission, a read error).
Result<std::string> ReadWholeFile(const std::string& path);

// Creates a directory and its missing parents.
Status MakeDirs(const std::string& dir);

// fsyncs the directory `dir`, so that names created, renamed or removed in it are durable.
Status SyncDirectory(const std::string& dir);

// Replaces `path` with `bytes` durably and atomically: written to a temporary file beside it,
// fsynced, renamed over `path`, and the directory fsynced. Readers see the old content or the
// new, never a part; after a crash, the old or the new. The directory must exist.
Status WriteFileDurably(const std::string& path, std::string_view bytes);

}  // namespace footfall
