#include "serving/layout.h"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <system_error>

#include "base/files.h"
#include "base/log.h"

namespace footfall::serving {
namespace {

namespace fs = std::filesystem;

constexpr std::string_view kStagingSuffix = ".tmp";

std::string JoinPath(std::string_view dir, std::string_view name) {
  std::string path(dir);
  if (!path.empty() && path.back() != '/') path += '/';
  path += name;
  return path;
}

Status FilesystemError(std::string_view what, const std::error_code& ec) {
  std::string message(what);
  message += ": ";
  message += ec.message();
  return IoError(std::move(message));
}

// Parses "v<N>.sqlite" in canonical form; 0 for any other name.
int64_t VersionOfFileName(std::string_view name) {
  constexpr std::string_view kPrefix = "v";
  constexpr std::string_view kSuffix = ".sqlite";
  if (name.size() <= kPrefix.size() + kSuffix.size() || !name.starts_with(kPrefix) ||
      !name.ends_with(kSuffix)) {
    return 0;
  }
  const std::string_view digits =
      name.substr(kPrefix.size(), name.size() - kPrefix.size() - kSuffix.size());
  if (digits.front() == '0') return 0;
  int64_t version = 0;
  const auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), version);
  if (ec != std::errc() || end != digits.data() + digits.size()) return 0;
  return version;
}

Status SyncFd(int fd, const std::string& path) {
  if (::fsync(fd) != 0) return ErrnoError("fsync " + path);
  return Status::Ok();
}

Status RemoveIfPresent(const std::string& path) {
  if (::unlink(path.c_str()) != 0 && errno != ENOENT) return ErrnoError("remove " + path);
  return Status::Ok();
}

Result<bool> Exists(const std::string& path) {
  struct stat st;
  if (::stat(path.c_str(), &st) == 0) return true;
  if (errno == ENOENT) return false;
  return ErrnoError("stat " + path);
}

// Renames without replacing an existing `to`. renameat2 makes that atomic; on filesystems without
// RENAME_NOREPLACE the check and the rename are separate, which is enough with one publisher.
Status RenameNoReplace(const std::string& from, const std::string& to) {
  if (::renameat2(AT_FDCWD, from.c_str(), AT_FDCWD, to.c_str(), RENAME_NOREPLACE) == 0) {
    return Status::Ok();
  }
  if (errno == EEXIST) {
    return Status(StatusCode::kAlreadyExists, to + " already exists; not replacing it");
  }
  if (errno != EINVAL && errno != ENOSYS) return ErrnoError("rename " + from + " to " + to);
  FOOTFALL_ASSIGN_OR_RETURN(const bool exists, Exists(to));
  if (exists) return Status(StatusCode::kAlreadyExists, to + " already exists; not replacing it");
  if (::rename(from.c_str(), to.c_str()) != 0) return ErrnoError("rename " + from + " to " + to);
  return Status::Ok();
}

// Creates `dir` and its missing parents, fsyncing the parent of each one created so that the new
// directory entries survive a crash along with what is published into them.
Status CreateDirectoryDurably(const fs::path& dir) {
  std::error_code ec;
  if (fs::is_directory(dir, ec)) return Status::Ok();
  fs::path parent = dir.parent_path();
  if (parent.empty()) parent = ".";
  if (parent != dir) FOOTFALL_RETURN_IF_ERROR(CreateDirectoryDurably(parent));
  if (!fs::create_directory(dir, ec) && ec) {
    return FilesystemError("create directory " + dir.string(), ec);
  }
  return SyncDirectory(parent.string());
}

// Opens (creating if needed) and flocks `path`. The lock must be on the file the path names after
// locking: a writer that finishes in between unlinks or renames the file it held, and then the
// path is opened again.
Result<UniqueFd> OpenLocked(const std::string& path, int64_t version) {
  constexpr int kAttempts = 10;
  for (int attempt = 0; attempt < kAttempts; ++attempt) {
    UniqueFd fd(::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644));
    if (!fd.valid()) return ErrnoError("create " + path);
    if (::flock(fd.get(), LOCK_EX | LOCK_NB) != 0) {
      if (errno != EWOULDBLOCK) return ErrnoError("lock " + path);
      return FailedPrecondition("serving version " + std::to_string(version) +
                                " is being written by another writer (" + path + ")");
    }
    struct stat locked;
    struct stat named;
    if (::fstat(fd.get(), &locked) != 0) return ErrnoError("stat " + path);
    if (::stat(path.c_str(), &named) == 0 && named.st_dev == locked.st_dev &&
        named.st_ino == locked.st_ino) {
      return fd;
    }
  }
  return FailedPrecondition("serving version " + std::to_string(version) +
                            " keeps changing hands between writers (" + path + ")");
}

}  // namespace

std::string VersionPath(std::string_view serving_dir, int64_t version) {
  return JoinPath(serving_dir, "v" + std::to_string(version) + ".sqlite");
}

Result<int64_t> CurrentVersion(const std::string& serving_dir) {
  const std::string path = JoinPath(serving_dir, kCurrentFileName);
  const UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (!fd.valid()) {
    if (errno == ENOENT) {
      return NotFound("no serving version is published in " + serving_dir + " (no " + path +
                      "); run `footfall batch` first");
    }
    return ErrnoError("open " + path);
  }
  // Anything longer than this is not a version number.
  char buf[32];
  ssize_t n;
  do {
    n = ::read(fd.get(), buf, sizeof(buf));
  } while (n < 0 && errno == EINTR);
  if (n < 0) return ErrnoError("read " + path);
  std::string_view text(buf, static_cast<size_t>(n));
  while (!text.empty() && (text.back() == '\n' || text.back() == '\r' || text.back() == ' ')) {
    text.remove_suffix(1);
  }
  int64_t version = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), version);
  if (text.empty() || n == sizeof(buf) || ec != std::errc() || end != text.data() + text.size() ||
      version < 1) {
    return Corruption(path + " does not hold a version number (expected e.g. \"7\\n\")");
  }
  return version;
}

Result<std::vector<int64_t>> ListVersions(const std::string& serving_dir) {
  std::vector<int64_t> versions;
  std::error_code ec;
  fs::directory_iterator it(serving_dir, ec);
  if (ec) {
    if (ec == std::errc::no_such_file_or_directory) return versions;
    return FilesystemError("list " + serving_dir, ec);
  }
  for (; it != fs::directory_iterator(); it.increment(ec)) {
    if (ec) return FilesystemError("list " + serving_dir, ec);
    const int64_t version = VersionOfFileName(it->path().filename().native());
    if (version > 0) versions.push_back(version);
  }
  if (ec) return FilesystemError("list " + serving_dir, ec);
  std::sort(versions.begin(), versions.end());
  return versions;
}

Result<int64_t> NextVersion(const std::string& serving_dir) {
  FOOTFALL_ASSIGN_OR_RETURN(const std::vector<int64_t> versions, ListVersions(serving_dir));
  return versions.empty() ? 1 : versions.back() + 1;
}

Status SetCurrentVersion(const std::string& serving_dir, int64_t version) {
  const std::string target = VersionPath(serving_dir, version);
  FOOTFALL_ASSIGN_OR_RETURN(const bool exists, Exists(target));
  if (!exists) {
    return NotFound("cannot make version " + std::to_string(version) + " current: " + target +
                    " does not exist");
  }
  const std::string current = JoinPath(serving_dir, kCurrentFileName);
  // A unique temporary name, so that two publishers never write into the same temporary file.
  std::string temp = current + ".tmp.XXXXXX";
  UniqueFd fd(::mkstemp(temp.data()));
  if (!fd.valid()) return ErrnoError("create temporary file in " + serving_dir);
  Status status = Status::Ok();
  // mkstemp creates mode 0600; CURRENT must be readable by every user who may read the versions.
  if (::fchmod(fd.get(), 0644) != 0) status = ErrnoError("chmod " + temp);
  if (status.ok()) status = WriteAll(fd.get(), std::to_string(version) + "\n", temp);
  if (status.ok()) status = SyncFd(fd.get(), temp);
  const Status closed = fd.Close(temp);
  if (status.ok()) status = closed;
  if (status.ok() && ::rename(temp.c_str(), current.c_str()) != 0) {
    status = ErrnoError("rename " + temp + " to " + current);
  }
  if (!status.ok()) {
    ::unlink(temp.c_str());
    return status;
  }
  return SyncDirectory(serving_dir);
}

Status RemoveOldVersions(const std::string& serving_dir, int keep) {
  if (keep < 1) {
    return InvalidArgument("keep must be at least 1 when removing old versions from " +
                           serving_dir + ", got " + std::to_string(keep));
  }
  Result<int64_t> current = CurrentVersion(serving_dir);
  // Without a readable CURRENT there is no telling which file readers rely on, except when nothing
  // was ever made current.
  if (!current.ok() && current.status().code() != StatusCode::kNotFound) return current.status();
  const int64_t current_version = current.ok() ? *current : 0;
  FOOTFALL_ASSIGN_OR_RETURN(const std::vector<int64_t> versions, ListVersions(serving_dir));
  const size_t kept = static_cast<size_t>(keep);
  const size_t removable = versions.size() > kept ? versions.size() - kept : 0;
  for (size_t i = 0; i < removable; ++i) {
    if (versions[i] == current_version) continue;
    FOOTFALL_RETURN_IF_ERROR(RemoveIfPresent(VersionPath(serving_dir, versions[i])));
  }
  return Status::Ok();
}

Result<StagingFile> StagingFile::Reserve(const std::string& serving_dir, int64_t version) {
  if (version < 1) {
    return InvalidArgument("serving version must be at least 1, got " + std::to_string(version));
  }
  fs::path dir = fs::path(serving_dir).lexically_normal();
  if (!dir.has_filename()) dir = dir.parent_path();
  FOOTFALL_RETURN_IF_ERROR(CreateDirectoryDurably(dir));
  const std::string final_path = VersionPath(serving_dir, version);
  std::string path = final_path + std::string(kStagingSuffix);
  FOOTFALL_ASSIGN_OR_RETURN(UniqueFd fd, OpenLocked(path, version));
  // From here the reservation is ours, and its destructor removes the file on every error path.
  StagingFile staging(serving_dir, version, std::move(path), std::move(fd));
  FOOTFALL_ASSIGN_OR_RETURN(const bool published, Exists(final_path));
  if (published) {
    return Status(StatusCode::kAlreadyExists,
                  "serving version " + std::to_string(version) + " already exists: " + final_path);
  }
  if (::ftruncate(staging.lock_fd_.get(), 0) != 0) return ErrnoError("truncate " + staging.path_);
  return staging;
}

StagingFile::StagingFile(StagingFile&& other) noexcept
    : serving_dir_(std::move(other.serving_dir_)),
      version_(other.version_),
      path_(std::move(other.path_)),
      lock_fd_(std::move(other.lock_fd_)),
      renamed_(other.renamed_) {}

StagingFile& StagingFile::operator=(StagingFile&& other) noexcept {
  if (this != &other) {
    Release();
    serving_dir_ = std::move(other.serving_dir_);
    version_ = other.version_;
    path_ = std::move(other.path_);
    lock_fd_ = std::move(other.lock_fd_);
    renamed_ = other.renamed_;
  }
  return *this;
}

StagingFile::~StagingFile() { Release(); }

void StagingFile::Release() {
  if (!lock_fd_.valid()) return;
  // Unlinked while still locked, so no other writer can have reserved this path meanwhile.
  if (!renamed_ && ::unlink(path_.c_str()) != 0 && errno != ENOENT) {
    LogWarning("serving", "cannot remove unpublished " + path_ + ": " + std::strerror(errno));
  }
  lock_fd_.reset();
}

Status StagingFile::Publish() {
  if (!lock_fd_.valid() || renamed_) {
    return FailedPrecondition("staging file " + path_ + " was already published");
  }
  FOOTFALL_RETURN_IF_ERROR(SyncFd(lock_fd_.get(), path_));
  FOOTFALL_RETURN_IF_ERROR(RenameNoReplace(path_, VersionPath(serving_dir_, version_)));
  renamed_ = true;
  FOOTFALL_RETURN_IF_ERROR(SyncDirectory(serving_dir_));
  return SetCurrentVersion(serving_dir_, version_);
}

}  // namespace footfall::serving
