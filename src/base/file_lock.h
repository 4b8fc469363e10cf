// An exclusive advisory lock (flock) on a file, held for the object's lifetime and released
// when the process exits however it exits. Used to keep one writer per raw log and one batch
// run per data directory.
#pragma once

#include <string>
#include <utility>

#include "base/files.h"
#include "base/status.h"

namespace footfall {

class FileLock {
 public:
  // Creates `path` if needed and locks it without waiting; kFailedPrecondition says
  // "<holder> is ... (lock <path> is held)" when another process holds it.
  static Result<FileLock> TryAcquire(const std::string& path, const std::string& holder);

  FileLock(FileLock&& other) noexcept = default;
  FileLock& operator=(FileLock&& other) noexcept = default;

 private:
  explicit FileLock(UniqueFd fd) : fd_(std::move(fd)) {}
  UniqueFd fd_;
};

}  // namespace footfall
