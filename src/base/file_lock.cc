#include "base/file_lock.h"

#include <fcntl.h>
#include <sys/file.h>

#include <utility>

namespace footfall {

Result<FileLock> FileLock::TryAcquire(const std::string& path, const std::string& holder) {
  UniqueFd fd(::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644));
  if (!fd.valid()) return ErrnoError("cannot open lock file " + path);
  if (::flock(fd.get(), LOCK_EX | LOCK_NB) != 0) {
    return FailedPrecondition(holder + " (lock " + path + " is held by another process)");
  }
  return FileLock(std::move(fd));
}

}  // namespace footfall
