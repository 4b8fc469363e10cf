// Whole-file and directory helpers on POSIX calls, with errors that name the path.
#pragma once

#include <string>
#include <string_view>

#include "base/status.h"

namespace footfall {

// The file's bytes; kNotFound when it does not exist, kIoError for other failures (a directory,
// no permission, a read error).
Result<std::string> ReadWholeFile(const std::string& path);

// Creates a directory and its missing parents.
Status MakeDirs(const std::string& dir);

// fsyncs the directory `dir`, so that names created, renamed or removed in it are durable.
Status SyncDirectory(const std::string& dir);

// Replaces `path` with `bytes` durably and atomically: written to a temporary file beside it,
// fsynced, renamed over `path`, and the directory fsynced. Readers see the old content or the
// new, never a part; after a crash, the old or the new. The directory must exist.
Status WriteFileDurably(const std::string& path, std::string_view bytes);

}  // namespace footfall
