#include "base/files.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <climits>

namespace footfall {

void UniqueFd::reset(int fd) {
  if (fd_ >= 0) ::close(fd_);
  fd_ = fd;
}

Status UniqueFd::Close(std::string_view path) {
  const int fd = std::exchange(fd_, -1);
  if (fd >= 0 && ::close(fd) != 0) return ErrnoError("close " + std::string(path));
  return Status::Ok();
}

Status WriteAll(int fd, std::string_view data, const std::string& path) {
  while (!data.empty()) {
    const ssize_t n = ::write(fd, data.data(), data.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      return ErrnoError("write " + path);
    }
    if (n == 0) return IoError("write " + path + " wrote nothing");  // rather than loop
    data.remove_prefix(static_cast<size_t>(n));
  }
  return Status::Ok();
}

Status WriteAllAt(int fd, std::span<iovec> pieces, uint64_t offset, const std::string& path,
                  uint64_t* written) {
  while (!pieces.empty()) {
    if (pieces.front().iov_len == 0) {
      pieces = pieces.subspan(1);
      continue;
    }
    const auto count = static_cast<int>(std::min<size_t>(pieces.size(), IOV_MAX));
    const ssize_t n = ::pwritev(fd, pieces.data(), count, static_cast<off_t>(offset));
    if (n < 0) {
      if (errno == EINTR) continue;
      return ErrnoError("write to " + path);
    }
    if (n == 0) return IoError("write to " + path + " wrote nothing");  // rather than loop
    offset += static_cast<uint64_t>(n);
    if (written != nullptr) *written += static_cast<uint64_t>(n);
    SkipBytes(&pieces, static_cast<size_t>(n));
  }
  return Status::Ok();
}

Status WriteAllAt(int fd, std::string_view data, uint64_t offset, const std::string& path,
                  uint64_t* written) {
  iovec piece{const_cast<char*>(data.data()), data.size()};
  return WriteAllAt(fd, std::span<iovec>(&piece, 1), offset, path, written);
}

void SkipBytes(std::span<iovec>* pieces, size_t bytes) {
  while (!pieces->empty() && bytes >= pieces->front().iov_len) {
    bytes -= pieces->front().iov_len;
    *pieces = pieces->subspan(1);
  }
  if (bytes > 0) {
    pieces->front().iov_base = static_cast<char*>(pieces->front().iov_base) + bytes;
    pieces->front().iov_len -= bytes;
  }
}

Result<UniqueFd> OpenForReading(const std::string& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    if (errno == ENOENT) return NotFound(path + ": no such file");
    return ErrnoError("cannot open " + path);
  }
  return UniqueFd(fd);
}

Result<std::string> ReadWholeFile(const std::string& path) {
  FOOTFALL_ASSIGN_OR_RETURN(const UniqueFd fd, OpenForReading(path));
  std::string data;
  struct stat st {};
  if (::fstat(fd.get(), &st) == 0) data.reserve(static_cast<size_t>(st.st_size));
  char buf[1 << 16];
  for (;;) {
    const ssize_t n = ::read(fd.get(), buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return ErrnoError("read " + path);
    if (n == 0) break;
    data.append(buf, static_cast<size_t>(n));
  }
  return data;
}

Status MakeDirs(const std::string& dir) {
  for (size_t i = 1; i <= dir.size(); ++i) {
    if (i == dir.size() || dir[i] == '/') {
      const std::string partial = dir.substr(0, i);
      if (::mkdir(partial.c_str(), 0755) != 0 && errno != EEXIST) {
        return ErrnoError("cannot create directory " + partial);
      }
    }
  }
  return Status::Ok();
}

Status SyncDirectory(const std::string& dir) {
  const UniqueFd fd(::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (!fd.valid()) return ErrnoError("cannot open directory " + dir);
  if (::fsync(fd.get()) != 0) return ErrnoError("fsync of directory " + dir);
  return Status::Ok();
}

Status WriteFileDurably(const std::string& path, std::string_view bytes) {
  const std::string tmp = path + ".tmp";
  UniqueFd fd(::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644));
  if (!fd.valid()) return ErrnoError("cannot create " + tmp);
  Status s = WriteAll(fd.get(), bytes, tmp);
  if (s.ok() && ::fdatasync(fd.get()) != 0) s = ErrnoError("fdatasync " + tmp);
  const Status closed = fd.Close(tmp);
  if (s.ok()) s = closed;
  if (s.ok() && ::rename(tmp.c_str(), path.c_str()) != 0) {
    s = ErrnoError("rename " + tmp + " to " + path);
  }
  if (!s.ok()) {
    ::unlink(tmp.c_str());
    return s;
  }
  const size_t slash = path.rfind('/');
  return SyncDirectory(slash == std::string::npos ? "." : path.substr(0, slash));
}

}  // namespace footfall
