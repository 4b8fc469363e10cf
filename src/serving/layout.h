// On-disk layout of the serving store, one directory (<data>/serving):
//
//   v<N>.sqlite      published version N (N = 1, 2, ..., no leading zeros); never modified after
//                    it is published. `PRAGMA user_version` inside it also holds N.
//   v<N>.sqlite.tmp  version N while VersionWriter loads it; nothing reads it.
//   CURRENT          the current version as decimal text and a newline ("7\n").
//
// Publishing N (StagingFile::Publish) fsyncs the staged file, renames it to v<N>.sqlite (never over
// an existing file), fsyncs the directory, then replaces CURRENT atomically (temporary file, fsync,
// rename, fsync of the directory). A crash at any point leaves CURRENT naming a complete version.
// Readers resolve CURRENT once and keep their file open, so publishing N+1, or removing N while
// it is open, never disturbs them.
//
// The functions may be called from any thread; StagingFile keeps writers of one version apart.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "base/files.h"
#include "base/status.h"

namespace footfall::serving {

inline constexpr std::string_view kCurrentFileName = "CURRENT";

// <serving_dir>/v<version>.sqlite
std::string VersionPath(std::string_view serving_dir, int64_t version);

// The version CURRENT names. kNotFound when nothing was published yet, kCorruption when CURRENT
// does not hold a positive decimal number.
Result<int64_t> CurrentVersion(const std::string& serving_dir);

// Published versions present in the directory, ascending; empty when the directory is missing.
Result<std::vector<int64_t>> ListVersions(const std::string& serving_dir);

// One more than the newest version file present, 1 when there is none.
Result<int64_t> NextVersion(const std::string& serving_dir);

// Points CURRENT at `version` atomically and durably; kNotFound unless v<version>.sqlite exists.
// Also how an operator rolls back to an older version.
Status SetCurrentVersion(const std::string& serving_dir, int64_t version);

// Deletes version files older than the newest `keep` (>= 1), never the one CURRENT names. Open
// readers of a deleted version keep reading it until they close it.
Status RemoveOldVersions(const std::string& serving_dir, int keep);

// The staging file of one version while VersionWriter loads it, reserved for that writer by an
// exclusive flock(2) held for the StagingFile's life: a second writer of the same version (say a
// manual `footfall batch` beside a scheduled one) fails instead of deleting or publishing a file
// that is still being written. Move-only; one thread at a time.
class StagingFile {
 public:
  // Creates the directory if needed. kAlreadyExists when v<version>.sqlite is published;
  // kFailedPrecondition while another writer holds the version. A staging file a crashed writer
  // left behind holds no lock; it is emptied and reused.
  static Result<StagingFile> Reserve(const std::string& serving_dir, int64_t version);

  StagingFile(StagingFile&& other) noexcept;
  StagingFile& operator=(StagingFile&& other) noexcept;
  // Removes the file unless it was published, then releases the reservation.
  ~StagingFile();

  const std::string& path() const { return path_; }

  // Publishes the file, which its writer has closed, as described at the top of this header.
  // kAlreadyExists, and nothing changes, if v<version>.sqlite appeared in the meantime.
  Status Publish();

 private:
  StagingFile(std::string serving_dir, int64_t version, std::string path, UniqueFd lock_fd)
      : serving_dir_(std::move(serving_dir)),
        version_(version),
        path_(std::move(path)),
        lock_fd_(std::move(lock_fd)) {}
  void Release();

  std::string serving_dir_;
  int64_t version_ = 0;
  std::string path_;
  // Holds the flock; not valid() once moved from or released.
  UniqueFd lock_fd_;
  // Set once the rename into place happened: the path no longer names this file.
  bool renamed_ = false;
};

}  // namespace footfall::serving
