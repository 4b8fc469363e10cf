// Datasets: a directory of Hive-partitioned Parquet files ("date=2026-11-26/….parquet") whose
// content is defined by versioned manifests. A commit publishes version N+1 atomically; a
// published version never changes. The layout, the manifest format and the commit protocol are
// specified in docs/formats/dataset.md, whose constants live here.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "parquet/reader.h"
#include "parquet/schema.h"
#include "parquet/writer.h"

namespace footfall::parquet {

// Manifest file names: "_manifest-" + version (12 digits at least) + ".json".
inline constexpr std::string_view kManifestPrefix = "_manifest-";
inline constexpr std::string_view kManifestSuffix = ".json";
// The lock file a DatasetWriter holds, in the dataset directory.
inline constexpr std::string_view kDatasetLockName = "_lock";
// The "format" member of every manifest, and the format version this code writes and reads.
inline constexpr std::string_view kManifestFormat = "footfall-dataset";
inline constexpr int64_t kManifestFormatVersion = 1;

// One data file of a dataset version.
struct DatasetFile {
  std::string path;       // relative to the dataset directory: "<partition>/<name>" or "<name>"
  std::string partition;  // Hive partition path, "date=2026-11-26" or "date=…/hour=07"; "" = none
  int64_t rows = 0;
  int64_t bytes = 0;                // the file's size
  std::vector<std::string> inputs;  // what it was derived from, e.g. raw segment names
  bool operator==(const DatasetFile&) const = default;
};

// An inclusive range of one partition key's values, compared as strings (ISO dates sort as
// text). A file whose partition lacks the key is outside every range.
struct PartitionRange {
  std::string key = "date";
  std::optional<std::string> min;  // unset: unbounded
  std::optional<std::string> max;
};

// One version of a dataset, as its manifest describes it. A value type.
struct DatasetManifest {
  int64_t version = 0;                            // 0: nothing committed yet
  Schema schema;                                  // of every file (empty before the first commit)
  std::vector<DatasetFile> files;                 // sorted by path
  std::map<std::string, std::string> properties;  // application data, e.g. a watermark

  // True when some file lists `input` among its inputs.
  bool HasInput(std::string_view input) const;
  std::set<std::string> Inputs() const;
  // The files whose partition lies in `range`, in path order.
  std::vector<const DatasetFile*> FilesIn(const PartitionRange& range) const;
  bool operator==(const DatasetManifest&) const = default;
};

// The value of `key` in a partition path: PartitionValue("date=2026-11-26/hour=07", "hour") is
// "07". nullopt when the path has no such key.
std::optional<std::string_view> PartitionValue(std::string_view partition, std::string_view key);

// kInvalidArgument unless `partition` is "" or "k=v" segments joined by '/', each key and value
// non-empty, of letters, digits and "-_.:+" (no "." or ".." value, key not starting with '_' or
// '.'), so that every partition is one safe directory path.
Status ValidatePartition(std::string_view partition);

// The manifest as JSON (docs/formats/dataset.md), and back. Decoding checks the format name and
// version, every member's type and the files' paths; kCorruption naming `name` otherwise.
std::string EncodeManifest(const DatasetManifest& manifest);
Result<DatasetManifest> DecodeManifest(std::string_view json, const std::string& name);

// The versions whose manifests are present in `dir`, ascending. kNotFound when `dir` does not
// exist.
Result<std::vector<int64_t>> ListDatasetVersions(const std::string& dir);

// A published version of a dataset, for readers (the dataflow engine, tools). Open never sees
// a version that is not wholly published: data files are renamed into place and fsynced before
// the manifest that lists them is. The files of a version stay while its manifest is retained
// (DatasetWriterOptions::keep_versions), so a reader should not hold a version for longer than
// that many commits. Immutable; any thread. Reading takes no lock.
class Dataset {
 public:
  // The newest version; kNotFound when nothing has been published in `dir`.
  static Result<Dataset> Open(const std::string& dir);
  static Result<Dataset> OpenVersion(const std::string& dir, int64_t version);

  const std::string& dir() const { return dir_; }
  const DatasetManifest& manifest() const { return manifest_; }
  int64_t version() const { return manifest_.version; }
  const Schema& schema() const { return manifest_.schema; }
  const std::vector<DatasetFile>& files() const { return manifest_.files; }
  // The files whose partition lies in `range`.
  std::vector<DatasetFile> Files(const PartitionRange& range) const;
  std::string PathOf(const DatasetFile& file) const { return dir_ + "/" + file.path; }
  Result<ParquetReader> OpenFile(const DatasetFile& file, ReaderOptions options = {}) const;

 private:
  Dataset(std::string dir, DatasetManifest manifest)
      : dir_(std::move(dir)), manifest_(std::move(manifest)) {}
  std::string dir_;
  DatasetManifest manifest_;
};

struct DatasetWriterOptions {
  // Named in the error a second writer gets: "<holder> (lock … is held by another process)".
  std::string holder = "a dataset writer";
  // Manifests kept (the newest included). Older ones are deleted by a commit, with the files
  // only they listed, so a reader of an old version has this many commits to finish.
  int keep_versions = 8;
};

struct CommitOptions {
  // False (incremental, as enrichment commits): the new version holds the previous version's
  // files and the staged ones. True (a batch view's rebuild): only the staged ones.
  bool replace = false;
  // Set on the new version, over the previous version's properties (all dropped on replace).
  std::map<std::string, std::string> properties;
};

// The one writer of a dataset directory: stages new files and commits them as the next
// version. Open creates the directory if needed, takes its lock (a second writer, in this
// process or another, gets kFailedPrecondition), and removes what a crashed writer left:
// temporary and staged files, data files no retained manifest lists, surplus manifests.
//
// A file is created with CreateFile, written, then handed to AddFile, which closes it: it is
// then whole and fsynced under a staging name that readers and "*.parquet" globs ignore.
// Commit renames the staged files to their names, fsyncs their directories, then writes the
// manifest of version N+1 to a temporary file, fsyncs it, renames it and fsyncs the dataset
// directory: the version is published and durable when Commit returns. A crash at any point
// leaves version N readable and whole; the next Open removes the debris. Files are never
// rewritten: a path listed by a retained version cannot be created again (kAlreadyExists).
//
// Errors: kInvalidArgument for a bad partition, name or schema; kIoError from the system; after
// a failed Commit the writer should be dropped and reopened. One owner, one thread; move-only.
class DatasetWriter {
 public:
  static Result<DatasetWriter> Open(const std::string& dir, DatasetWriterOptions options = {});

  DatasetWriter(DatasetWriter&&) noexcept;
  DatasetWriter& operator=(DatasetWriter&&) noexcept;
  ~DatasetWriter();  // drops staged files that were not committed

  const std::string& dir() const;
  // The last committed version (version 0 and no files before the first commit).
  const DatasetManifest& current() const;
  int64_t next_version() const { return current().version + 1; }

  // A writer for the file `name` (ending in ".parquet", no '/', not starting with '.' or '_')
  // in `partition` (see ValidatePartition). Write to it, then pass it to AddFile.
  Result<ParquetWriter> CreateFile(std::string_view partition, std::string_view name, Schema schema,
                                   WriterOptions options = {});
  // Closes `file` (a writer CreateFile returned) and stages it for the next commit. Every file
  // of a version has the version's schema: kInvalidArgument when it differs from the other
  // staged files'.
  Status AddFile(ParquetWriter file, std::vector<std::string> inputs);
  // Stages a whole Parquet file written by someone else (another thread, or another process of
  // the same job, such as a rank under MPI): renames `file`, which must be on the dataset's
  // filesystem, to the staging name of `partition`/`name` (as CreateFile names them). Its schema
  // and rows come from its footer; a file that does not open is kCorruption and stays where it
  // is; one of another schema than the files staged before it is kInvalidArgument and removed,
  // as AddFile removes such a file.
  Status AddWrittenFile(const std::string& file, std::string_view partition, std::string_view name,
                        std::vector<std::string> inputs);
  size_t staged_files() const;

  // Publishes version N+1 (see above) and returns it. Without replace, the staged files' schema
  // must equal the current version's (when that has files).
  Result<int64_t> Commit(CommitOptions options = {});
  // Removes the staged files; the next commit starts empty.
  Status Abort();

 private:
  struct Impl;
  explicit DatasetWriter(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

// For a reprocess: `fresh`, a dataset directory with a published version, takes the place of
// `target` atomically (renameat2 RENAME_EXCHANGE when `target` exists, a rename otherwise; the
// parent directory is fsynced), then the old tree, now at `fresh`, is removed. A reader sees
// the old dataset or the new one, never a mix. Both must be in the same file system, and no
// writer may hold either. A crash after the swap leaves the old tree at `fresh`; remove it
// with RemoveDatasetDirectory before writing there again.
Status ReplaceDatasetDirectory(const std::string& fresh, const std::string& target);
// Removes `dir` and everything under it; OK when it does not exist.
Status RemoveDatasetDirectory(const std::string& dir);

}  // namespace footfall::parquet
