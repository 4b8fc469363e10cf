// Whole-file and directory helpers on POSIX calls, with errors that name the path.
#pragma once

#include <string>

#include "base/status.h"

namespace footfall {

// The file's bytes; kNotFound when it does not exist, kIoError for other failures (a directory,
// no permission, a read error).
Result<std::string> ReadWholeFile(const std::string& path);

// Creates a directory and its missing parents.
Status MakeDirs(const std::string& dir);

}  // namespace footfall
