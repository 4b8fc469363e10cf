#include "rawlog/segment.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>

#include "base/bytes.h"
#include "base/crc32c.h"
#include "base/files.h"
#include "rawlog/format.h"

namespace footfall::rawlog {
namespace {

std::string Join(const std::string& dir, std::string_view name) {
  std::string p = dir;
  if (!p.empty() && p.back() != '/') p += '/';
  p += name;
  return p;
}

std::string HeaderBytes() {
  std::string h(kSegmentMagic);
  PutFixed32(&h, kFormatVersion);
  PutFixed32(&h, MaskCrc(Crc32c(h)));
  return h;
}

// How far ahead of its records an active segment that is synced often is filled with zeros. The
// sync that carries a step writes it back too, and every request waiting on that sync is late:
// with 1 MiB steps GET's p99 at 64 connections was 4-5 ms on the benchmark machine, with 256 KiB
// steps 1.6-1.8 ms, at the same requests/s (BENCHMARKS.md).
constexpr uint64_t kPreallocateStep = 256 << 10;

// The page cache is dropped in steps of at least this many bytes, to keep the calls rare.
constexpr uint64_t kCacheDropStep = 256 << 10;

// Length of the valid frame at `pos`, or 0 when the bytes there are not a whole, intact frame.
uint64_t ValidFrameAt(std::string_view data, uint64_t pos) {
  const FrameView v = ViewFrame(data, pos);
  return v.kind == FrameView::Kind::kWhole ? v.size : 0;
}

Status RenameSealed(const std::string& dir, const std::string& from, const std::string& to) {
  ::chmod(from.c_str(), 0444);  // sealed segments are read-only forever
  if (::rename(from.c_str(), to.c_str()) != 0) return ErrnoError("cannot seal " + from);
  return SyncDirectory(dir);
}

}  // namespace

Status CheckSegmentHeader(std::string_view data, const std::string& path) {
  if (data.size() < kSegmentHeaderSize || data.substr(0, kSegmentMagic.size()) != kSegmentMagic) {
    return Corruption(path + ": not a footfall raw-log segment (bad magic)");
  }
  if (UnmaskCrc(DecodeFixed32(data.data() + 12)) != Crc32c(data.substr(0, 12))) {
    return Corruption(path + ": segment header checksum mismatch");
  }
  const uint32_t version = DecodeFixed32(data.data() + 8);
  if (version != kFormatVersion) {
    return Corruption(path + ": unsupported raw-log format version " + std::to_string(version));
  }
  return Status::Ok();
}

FrameView ViewFrame(std::string_view data, uint64_t pos) {
  FrameView v;
  const uint64_t available = pos <= data.size() ? data.size() - pos : 0;
  if (available < kRecordHeaderSize) {
    v.kind = FrameView::Kind::kIncomplete;
    v.size = kRecordHeaderSize;
    return v;
  }
  const uint32_t len = DecodeFixed32(data.data() + pos);
  if (len == 0 || len > kMaxRecordSize) return v;
  v.size = kRecordHeaderSize + len;
  if (available < v.size) {
    v.kind = FrameView::Kind::kIncomplete;
    return v;
  }
  const std::string_view body = data.substr(pos + kRecordHeaderSize, len);
  if (UnmaskCrc(DecodeFixed32(data.data() + pos + 4)) != Crc32c(body)) return v;
  v.kind = FrameView::Kind::kWhole;
  v.body = body;
  return v;
}

namespace {

// Where the zeros `data` ends with begin, but not before `from`.
uint64_t EndBeforeZeros(std::string_view data, uint64_t from) {
  uint64_t end = data.size();
  while (end > from && data[end - 1] == '\0') --end;
  return end;
}

}  // namespace

bool NotWrittenYet(std::string_view data, uint64_t pos) {
  const FrameView v = ViewFrame(data, pos);
  const uint64_t extent = pos + std::max<uint64_t>(v.size, kRecordHeaderSize);
  return EndBeforeZeros(data, extent) <= extent;
}

Result<uint64_t> WrittenBytes(const std::string& path) {
  FOOTFALL_ASSIGN_OR_RETURN(const UniqueFd fd, OpenForReading(path));
  struct stat st {};
  if (::fstat(fd.get(), &st) != 0) return ErrnoError("cannot stat " + path);
  const auto size = static_cast<uint64_t>(st.st_size);
  // Follow the record lengths from the header (a record's own bytes may end in zeros, so the
  // file cannot be read from its end): a length of 0, or one that runs past the file, ends it.
  uint64_t at = std::min<uint64_t>(kSegmentHeaderSize, size);
  std::string window(64 << 10, '\0');
  uint64_t window_at = 0, window_len = 0;
  while (at + kRecordHeaderSize <= size) {
    if (at < window_at || at + kRecordHeaderSize > window_at + window_len) {
      const ssize_t n = ::pread(fd.get(), window.data(), window.size(), static_cast<off_t>(at));
      if (n < 0 && errno == EINTR) continue;
      if (n < 0) return ErrnoError("read " + path);
      window_at = at;
      window_len = static_cast<uint64_t>(n);
      if (window_len < kRecordHeaderSize) break;  // cut meanwhile (a seal cuts the zeros)
    }
    const uint32_t len = DecodeFixed32(window.data() + (at - window_at));
    if (len == 0 || len > kMaxRecordSize || at + kRecordHeaderSize + len > size) break;
    at += kRecordHeaderSize + len;
  }
  return at;
}

std::string SegmentPath(const std::string& dir, uint64_t number, bool sealed) {
  return Join(dir, SegmentFileName(number, sealed));
}

std::string SegmentFileName(uint64_t number, bool sealed) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%012llu", static_cast<unsigned long long>(number));
  std::string name(buf);
  name += sealed ? kSealedSuffix : kActiveSuffix;
  return name;
}

Result<std::vector<SegmentInfo>> ListSegments(const std::string& dir) {
  std::vector<SegmentInfo> out;
  DIR* d = ::opendir(dir.c_str());
  if (d == nullptr) {
    if (errno == ENOENT) return out;
    return ErrnoError("cannot list " + dir);
  }
  while (const dirent* e = ::readdir(d)) {
    const std::string_view name = e->d_name;
    bool sealed;
    if (name.ends_with(kSealedSuffix)) {
      sealed = true;
    } else if (name.ends_with(kActiveSuffix)) {
      sealed = false;
    } else {
      continue;
    }
    const std::string_view stem = name.substr(0, name.size() - (sealed ? 4 : 5));
    if (stem.size() != 12 || !std::all_of(stem.begin(), stem.end(), ::isdigit)) continue;
    SegmentInfo info;
    info.number = std::stoull(std::string(stem));
    info.path = Join(dir, name);
    info.sealed = sealed;
    struct stat st {};
    if (::stat(info.path.c_str(), &st) == 0) info.size = static_cast<uint64_t>(st.st_size);
    out.push_back(std::move(info));
  }
  ::closedir(d);
  std::sort(out.begin(), out.end(),
            [](const SegmentInfo& a, const SegmentInfo& b) { return a.number < b.number; });
  return out;
}

Result<uint64_t> NextSegmentNumber(const std::string& dir) {
  FOOTFALL_ASSIGN_OR_RETURN(auto segments, ListSegments(dir));
  return segments.empty() ? 1 : segments.back().number + 1;
}

Result<FileLock> LockRawLog(const std::string& dir) {
  FOOTFALL_RETURN_IF_ERROR(MakeDirs(dir));
  return FileLock::TryAcquire(Join(dir, kLockFile),
                              "raw log " + dir + " is in use by another footfall process");
}

void FrameRecord(std::string_view body, std::string* out) {
  const size_t frame = BeginFrame(out);
  out->append(body);
  EndFrame(frame, out);
}

size_t BeginFrame(std::string* out) {
  const size_t start = out->size();
  out->append(kRecordHeaderSize, '\0');
  return start;
}

void EndFrame(size_t frame_start, std::string* out) {
  EncodeFrameHeader(std::string_view(*out).substr(frame_start + kRecordHeaderSize),
                    out->data() + frame_start);
}

void EncodeFrameHeader(std::string_view body, char* header) {
  EncodeFixed32(header, static_cast<uint32_t>(body.size()));
  EncodeFixed32(header + 4, MaskCrc(Crc32c(body)));
}

ActiveSegment::ActiveSegment(std::string dir, uint64_t number, UniqueFd fd)
    : dir_(std::move(dir)),
      path_(Join(dir_, SegmentFileName(number, false))),
      number_(number),
      fd_(std::move(fd)),
      size_(kSegmentHeaderSize),
      allocated_(kSegmentHeaderSize) {}

bool ActiveSegment::empty() const { return size_ <= kSegmentHeaderSize; }

Result<ActiveSegment> ActiveSegment::Create(const std::string& dir, uint64_t number,
                                            WhenDurable durable) {
  FOOTFALL_RETURN_IF_ERROR(MakeDirs(dir));
  const std::string path = Join(dir, SegmentFileName(number, false));
  // Readable too: after a failed direct write the last block is read back (UndoAppend).
  UniqueFd fd(::open(path.c_str(), O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0644));
  if (!fd.valid()) return ErrnoError("cannot create segment " + path);
  ActiveSegment seg(dir, number, std::move(fd));
  Status s;
  if (durable == WhenDurable::kEveryBatch) {
    Result<DirectAppender> direct = DirectAppender::Open(path, HeaderBytes());
    if (direct.ok()) {
      seg.direct_ = std::make_unique<DirectAppender>(std::move(*direct));
      seg.allocated_ = seg.direct_->written_end();
    } else if (direct.status().code() != StatusCode::kUnimplemented) {
      s = direct.status();
    }
  }
  if (s.ok() && !seg.direct_) s = WriteAllAt(seg.fd_.get(), HeaderBytes(), 0, path);
  // The header and the directory entry must be durable before any record is acknowledged.
  if (durable != WhenDurable::kAtSeal) {
    seg.preallocate_ = true;
    if (s.ok()) seg.Preallocate(kSegmentHeaderSize);
    if (s.ok() && ::fdatasync(seg.fd_.get()) != 0) s = ErrnoError("fdatasync " + path);
    if (s.ok()) s = SyncDirectory(dir);
  }
  if (!s.ok()) {
    // A file without a whole header holds no record; leaving it would make every later
    // Create of this number fail with EEXIST (a full disk would then never heal by itself).
    ::unlink(path.c_str());
    return s;
  }
  return seg;
}

void ActiveSegment::Preallocate(uint64_t need) {
  if (!preallocate_ || need <= allocated_ || average_batch_ >= kPrefillMaxBatchBytes) return;
  static const std::string* const zeros = new std::string(kPreallocateStep, '\0');
  const uint64_t target = (need / kPreallocateStep + 1) * kPreallocateStep;
  // Not in the block a direct append writes next (after a failed one, allocated_ is the size the
  // file was cut to): up to the zeros, the file then has a hole, which reads as zeros too.
  if (direct_) allocated_ = std::max(allocated_, direct_->written_end());
  while (allocated_ < target) {
    const uint64_t n = std::min<uint64_t>(zeros->size(), target - allocated_);
    // Best effort: on a full disk the records are appended as they come (the append then
    // fails on its own if they do not fit either).
    if (!WriteAllAt(fd_.get(), std::string_view(*zeros).substr(0, n), allocated_, path_,
                    &allocated_)
             .ok()) {
      return;
    }
  }
}

Status ActiveSegment::AppendFramed(std::string_view frames) {
  iovec piece{const_cast<char*>(frames.data()), frames.size()};
  return AppendFramed(std::span<iovec>(&piece, 1));
}

Status ActiveSegment::AppendFramed(std::span<iovec> pieces) {
  if (!fd_.valid()) return FailedPrecondition("segment " + path_ + " is closed");
  if (damaged_) return FailedPrecondition("segment " + path_ + " is damaged");
  uint64_t bytes = 0;
  for (const iovec& piece : pieces) bytes += piece.iov_len;
  average_batch_ = (average_batch_ * 7 + bytes) / 8;
  // Direct writes go around the page cache: the zeros ahead (written through it) must be on
  // disk before the records reach them, so they are written half a step early.
  Preallocate(size_ + bytes + (direct_ ? kPreallocateStep / 2 : 0));
  if (direct_) {
    Status s = direct_->Append(pieces);
    if (!s.ok()) return UndoAppend(std::move(s));
    size_ = direct_->size();
    allocated_ = std::max(allocated_, direct_->written_end());
    return Status::Ok();
  }
  Status s = WriteAllAt(fd_.get(), pieces, size_, path_);
  if (!s.ok()) return UndoAppend(std::move(s));
  size_ += bytes;
  allocated_ = std::max(allocated_, size_);
  return Status::Ok();
}

Status ActiveSegment::UndoAppend(Status error) {
  // Leave no partial frame behind: the next append must start on a frame boundary.
  Status cut = CutTo(size_, "cannot undo a failed append to ");
  return cut.ok() ? error : cut;
}

Status ActiveSegment::CutTo(uint64_t size, std::string_view failure) {
  if (::ftruncate(fd_.get(), static_cast<off_t>(size)) != 0) {
    damaged_ = true;
    return ErrnoError(std::string(failure) + path_);
  }
  size_ = size;
  allocated_ = size;
  if (direct_) {
    if (Status s = direct_->Reload(fd_.get(), size); !s.ok()) {
      damaged_ = true;
      return s;
    }
  }
  return Status::Ok();
}

Status ActiveSegment::Sync() {
  if (fd_.valid() && ::fdatasync(fd_.get()) != 0) return ErrnoError("fdatasync " + path_);
  return Status::Ok();
}

void ActiveSegment::DropCacheBehind(uint64_t synced) {
  if (!fd_.valid() || synced < kCachedBehind) return;
  const uint64_t to = (synced - kCachedBehind) / kCacheDropStep * kCacheDropStep;
  if (to <= cache_dropped_) return;
  ::posix_fadvise(fd_.get(), static_cast<off_t>(cache_dropped_),
                  static_cast<off_t>(to - cache_dropped_), POSIX_FADV_DONTNEED);
  cache_dropped_ = to;
}

Result<UniqueFd> ActiveSegment::DuplicateDescriptor() const {
  if (!fd_.valid()) return FailedPrecondition("segment " + path_ + " is closed");
  UniqueFd fd(::fcntl(fd_.get(), F_DUPFD_CLOEXEC, 0));
  if (!fd.valid()) return ErrnoError("cannot duplicate the descriptor of " + path_);
  return fd;
}

Status ActiveSegment::TruncateTo(uint64_t size) {
  if (!fd_.valid()) return FailedPrecondition("segment " + path_ + " is closed");
  if (size < kSegmentHeaderSize || size > size_) {
    return InvalidArgument("cannot cut " + path_ + " of " + std::to_string(size_) + " bytes to " +
                           std::to_string(size));
  }
  return CutTo(size, "cannot truncate ");
}

Status ActiveSegment::Seal() {
  const std::string to = Join(dir_, SegmentFileName(number_, true));
  if (!fd_.valid()) return FailedPrecondition("segment " + path_ + " is closed");
  // A sealed segment ends with its last record: the zeros ahead of it go.
  if (allocated_ > size_) {
    if (::ftruncate(fd_.get(), static_cast<off_t>(size_)) != 0) {
      return ErrnoError("cannot cut the unused space off " + path_);
    }
    allocated_ = size_;
  }
  if (::fsync(fd_.get()) != 0) return ErrnoError("fsync " + path_);
  ::chmod(path_.c_str(), 0444);  // sealed segments are read-only forever
  if (::rename(path_.c_str(), to.c_str()) != 0) return ErrnoError("cannot seal " + path_);
  fd_.reset();
  direct_.reset();  // its descriptor and buffer
  sealed_ = true;
  return SyncDirectory(dir_);
}

Result<SegmentReader> SegmentReader::Open(const std::string& path) {
  return Open(path, kSegmentHeaderSize);
}

Result<SegmentReader> SegmentReader::Open(const std::string& path, uint64_t offset) {
  FOOTFALL_ASSIGN_OR_RETURN(std::string data, ReadWholeFile(path));
  FOOTFALL_RETURN_IF_ERROR(CheckSegmentHeader(data, path));
  if (offset == 0) offset = kSegmentHeaderSize;
  if (offset < kSegmentHeaderSize || offset > data.size()) {
    return InvalidArgument(path + ": offset " + std::to_string(offset) + " is outside the " +
                           std::to_string(data.size()) + " bytes of records");
  }
  // Walk the length fields (not the checksums: damage past the offset is reported when read,
  // and damage before it does not concern this reader unless it breaks the chain of lengths).
  uint64_t at = kSegmentHeaderSize;
  while (at < offset) {
    if (data.size() - at < kRecordHeaderSize) break;
    const uint32_t len = DecodeFixed32(data.data() + at);
    if (len == 0 || len > kMaxRecordSize) {
      return Corruption(path + ": damaged record length at offset " + std::to_string(at) +
                        ", before offset " + std::to_string(offset));
    }
    at += kRecordHeaderSize + len;
  }
  if (at != offset) {
    return InvalidArgument(path + ": offset " + std::to_string(offset) +
                           " is not the start of a record");
  }
  SegmentReader reader(path, std::move(data));
  reader.pos_ = offset;
  return reader;
}

Result<std::optional<std::string_view>> SegmentReader::Next() {
  if (pos_ == data_.size()) return std::optional<std::string_view>();
  const uint64_t frame = ValidFrameAt(data_, pos_);
  if (frame == 0) {
    return Corruption(path_ + ": damaged record at offset " + std::to_string(pos_) + " of " +
                      std::to_string(data_.size()) + " bytes");
  }
  const std::string_view body(data_.data() + pos_ + kRecordHeaderSize, frame - kRecordHeaderSize);
  pos_ += frame;
  return std::optional<std::string_view>(body);
}

Status SealRecovered(const std::string& dir, uint64_t number) {
  const std::string from = Join(dir, SegmentFileName(number, false));
  struct stat st {};
  if (::stat(from.c_str(), &st) != 0) return ErrnoError("cannot stat " + from);
  if (static_cast<uint64_t>(st.st_size) <= kSegmentHeaderSize) {
    if (::unlink(from.c_str()) != 0) return ErrnoError("cannot remove empty segment " + from);
    return SyncDirectory(dir);
  }
  const UniqueFd fd(::open(from.c_str(), O_RDONLY | O_CLOEXEC));
  if (!fd.valid()) return ErrnoError("cannot open " + from);
  if (::fsync(fd.get()) != 0) return ErrnoError("fsync " + from);
  return RenameSealed(dir, from, Join(dir, SegmentFileName(number, true)));
}

Result<uint64_t> TruncateTornTail(const std::string& path) {
  FOOTFALL_ASSIGN_OR_RETURN(std::string data, ReadWholeFile(path));
  uint64_t keep = 0;
  if (CheckSegmentHeader(data, path).ok()) {
    keep = kSegmentHeaderSize;
    while (const uint64_t frame = ValidFrameAt(data, keep)) keep += frame;
  }
  if (keep == data.size()) return uint64_t{0};
  if (::truncate(path.c_str(), static_cast<off_t>(keep)) != 0) {
    return ErrnoError("cannot truncate torn tail of " + path);
  }
  // Zeros at the end are space filled ahead of the records, not part of a torn one.
  return EndBeforeZeros(data, keep) - keep;
}

}  // namespace footfall::rawlog
