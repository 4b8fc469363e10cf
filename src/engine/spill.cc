#include "engine/spill.h"

#include <fcntl.h>
#include <unistd.h>
#include <zstd.h>

#include <cerrno>
#include <cstdint>
#include <cstring>

#include "base/bytes.h"
#include "base/files.h"

namespace footfall::engine {
namespace {

// Fast compression: spill bandwidth matters more than size.
constexpr int kZstdLevel = 1;

struct ZstdContexts {
  ZSTD_CCtx* c = ZSTD_createCCtx();
  ZSTD_DCtx* d = ZSTD_createDCtx();
  ~ZstdContexts() {
    ZSTD_freeCCtx(c);
    ZSTD_freeDCtx(d);
  }
};

ZstdContexts& Contexts() {
  thread_local ZstdContexts contexts;
  return contexts;
}

}  // namespace

Result<std::shared_ptr<SpillFile>> SpillFile::Create(const std::string& dir,
                                                     SpillCounters* counters) {
  FOOTFALL_RETURN_IF_ERROR(MakeDirs(dir));
  std::string templ = dir + "/footfall-spill-XXXXXX";
  UniqueFd fd(::mkostemp(templ.data(), O_CLOEXEC));
  if (!fd.valid()) return ErrnoError("creating a spill file in " + dir);
  // Nameless from now on: nothing to clean up, whatever happens to the job or the process.
  if (::unlink(templ.c_str()) != 0) return ErrnoError("unlinking spill file " + templ);
  if (counters != nullptr) counters->spill_files.fetch_add(1, std::memory_order_relaxed);
  return std::shared_ptr<SpillFile>(new SpillFile(std::move(fd), dir, counters));
}

Status SpillFile::Append(std::string_view bytes) {
  while (!bytes.empty()) {
    const ssize_t n = ::write(fd_.get(), bytes.data(), bytes.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      return ErrnoError("writing a spill file in " + dir_);
    }
    bytes.remove_prefix(static_cast<size_t>(n));
    size_ += static_cast<uint64_t>(n);
  }
  return Status::Ok();
}

Status SpillFile::ReadAt(uint64_t offset, size_t n, char* dst) const {
  while (n > 0) {
    const ssize_t r = ::pread(fd_.get(), dst, n, static_cast<off_t>(offset));
    if (r < 0) {
      if (errno == EINTR) continue;
      return ErrnoError("reading a spill file in " + dir_);
    }
    if (r == 0) return Corruption("spill file in " + dir_ + " ends early");
    dst += r;
    n -= static_cast<size_t>(r);
    offset += static_cast<uint64_t>(r);
  }
  return Status::Ok();
}

Status RunWriter::Flush() {
  if (buffer_.empty()) return Status::Ok();
  FOOTFALL_RETURN_IF_ERROR(WriteBlock(buffer_));
  buffer_.clear();
  return Status::Ok();
}

Status RunWriter::WriteBlock(std::string_view records) {
  if (records.empty()) return Status::Ok();
  if (records.size() > UINT32_MAX) return Internal("spill block over 4 GiB");
  const size_t bound = ZSTD_compressBound(records.size());
  compressed_.resize(8 + bound);
  const size_t n = ZSTD_compressCCtx(Contexts().c, compressed_.data() + 8, bound, records.data(),
                                     records.size(), kZstdLevel);
  if (ZSTD_isError(n)) return Internal(std::string("zstd: ") + ZSTD_getErrorName(n));
  std::string header;
  PutFixed32(&header, static_cast<uint32_t>(n));
  PutFixed32(&header, static_cast<uint32_t>(records.size()));
  std::memcpy(compressed_.data(), header.data(), 8);
  FOOTFALL_RETURN_IF_ERROR(file_->Append(std::string_view(compressed_.data(), 8 + n)));
  if (SpillCounters* c = file_->counters()) {
    c->bytes_spilled.fetch_add(records.size(), std::memory_order_relaxed);
    c->bytes_on_disk.fetch_add(8 + n, std::memory_order_relaxed);
  }
  return Status::Ok();
}

Result<SpillSegment> RunWriter::FinishRun() {
  FOOTFALL_RETURN_IF_ERROR(Flush());
  SpillSegment segment{run_start_, file_->size() - run_start_};
  run_start_ = file_->size();
  if (SpillCounters* c = file_->counters()) {
    c->runs_written.fetch_add(1, std::memory_order_relaxed);
  }
  // A finished run's buffers are not needed until the next one fills.
  std::string().swap(compressed_);
  return segment;
}

Result<bool> RunReader::NextBlock(std::string_view* block) {
  if (pos_ >= end_) return false;
  char header[8];
  if (end_ - pos_ < 8) return Corruption("spill run: truncated block header");
  FOOTFALL_RETURN_IF_ERROR(file_->ReadAt(pos_, 8, header));
  const uint32_t csize = DecodeFixed32(header);
  const uint32_t rsize = DecodeFixed32(header + 4);
  if (csize > end_ - pos_ - 8) return Corruption("spill run: block past the end of its run");
  compressed_.resize(csize);
  FOOTFALL_RETURN_IF_ERROR(file_->ReadAt(pos_ + 8, csize, compressed_.data()));
  raw_.resize(rsize);
  const size_t n = ZSTD_decompressDCtx(Contexts().d, raw_.data(), rsize, compressed_.data(), csize);
  if (ZSTD_isError(n) || n != rsize) return Corruption("spill run: block does not decompress");
  pos_ += 8 + csize;
  *block = raw_;
  return true;
}

}  // namespace footfall::engine
