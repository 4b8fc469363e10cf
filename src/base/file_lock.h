// An exclusive advisory lock (flock) on a file, held for the object's lifetime and released
// when the process exits however it exits. Used to keep one writer per raw log and one batch
// run per data directory.
#pragma once

#include <string>

#include "base/status.h"

namespace footfall {

class FileLock {
 public:
  // Creates `path` if needed and locks it without waiting; kFailedPrecondition says
  // "<holder> is ... (lock <path> is held)" when another process holds it.
  static Result<FileLock> TryAcquire(const std::string& path, const std::string& holder);

  FileLock(FileLock&& other) noexcept : fd_(other.fd_) { other.fd_ = -1; }
  FileLock& operator=(FileLock&& other) noexcept;
  FileLock(const FileLock&) = delete;
  FileLock& operator=(const FileLock&) = delete;
  ~FileLock();

 private:
  explicit FileLock(int fd) : fd_(fd) {}
  int fd_ = -1;
};

}  // namespace footfall
