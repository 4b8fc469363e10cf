#include "rawlog/direct_append.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

namespace footfall::rawlog {
namespace {

// Bytes copied before they are written: a batch larger than this is written in several calls.
constexpr uint64_t kBuffer = 1 << 20;

char* AlignedAlloc(uint64_t bytes) {
  return static_cast<char*>(std::aligned_alloc(DirectAppender::kBlock, bytes));
}

}  // namespace

DirectAppender::DirectAppender(std::string path, UniqueFd fd, std::unique_ptr<char[], Free> buffer)
    : path_(std::move(path)), fd_(std::move(fd)), buffer_(std::move(buffer)) {}

Result<DirectAppender> DirectAppender::Open(const std::string& path, std::string_view head) {
  if (head.size() >= kBlock) return InvalidArgument("a direct appender starts below one block");
  UniqueFd fd(::open(path.c_str(), O_WRONLY | O_DIRECT | O_CLOEXEC));
  if (!fd.valid() && errno == EINVAL) {
    return Unimplemented("the file system of " + path + " does not take direct I/O");
  }
  if (!fd.valid()) return ErrnoError("cannot open " + path + " for direct I/O");
  std::unique_ptr<char[], Free> buffer(AlignedAlloc(kBuffer));
  if (buffer == nullptr) return Internal("out of memory for the direct I/O buffer");
  std::memcpy(buffer.get(), head.data(), head.size());
  std::memset(buffer.get() + head.size(), 0, kBlock - head.size());
  const ssize_t n = ::pwrite(fd.get(), buffer.get(), kBlock, 0);
  if (n < 0 && errno == EINVAL) {
    return Unimplemented("the file system of " + path + " does not take direct writes of " +
                         std::to_string(kBlock) + "-byte blocks");
  }
  if (n < 0) return ErrnoError("write to " + path);
  if (n != static_cast<ssize_t>(kBlock)) return IoError("short write to " + path);
  DirectAppender appender(path, std::move(fd), std::move(buffer));
  appender.used_ = head.size();
  return appender;
}

Status DirectAppender::Append(std::span<const iovec> pieces) {
  uint64_t start = block_start_;
  uint64_t used = used_;
  for (const iovec& piece : pieces) {
    const char* from = static_cast<const char*>(piece.iov_base);
    uint64_t left = piece.iov_len;
    while (left > 0) {
      const uint64_t n = std::min(left, kBuffer - used);
      std::memcpy(buffer_.get() + used, from, n);
      used += n;
      from += n;
      left -= n;
      if (used == kBuffer) {
        FOOTFALL_RETURN_IF_ERROR(
            WriteAllAt(fd_.get(), std::string_view(buffer_.get(), kBuffer), start, path_));
        start += kBuffer;
        used = 0;
      }
    }
  }
  const uint64_t padded = RoundUp(used);
  std::memset(buffer_.get() + used, 0, padded - used);
  if (padded > 0) {
    FOOTFALL_RETURN_IF_ERROR(
        WriteAllAt(fd_.get(), std::string_view(buffer_.get(), padded), start, path_));
  }
  // Keep the last, partly filled block for the next append.
  const uint64_t whole = used / kBlock * kBlock;
  std::memmove(buffer_.get(), buffer_.get() + whole, used - whole);
  block_start_ = start + whole;
  used_ = used - whole;
  return Status::Ok();
}

Status DirectAppender::Reload(int fd, uint64_t size) {
  const uint64_t start = size / kBlock * kBlock;
  uint64_t got = 0;
  while (got < size - start) {
    const ssize_t n =
        ::pread(fd, buffer_.get() + got, size - start - got, static_cast<off_t>(start + got));
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return ErrnoError("read " + path_);
    if (n == 0) return IoError(path_ + " is shorter than " + std::to_string(size) + " bytes");
    got += static_cast<uint64_t>(n);
  }
  block_start_ = start;
  used_ = size - start;
  return Status::Ok();
}

}  // namespace footfall::rawlog
