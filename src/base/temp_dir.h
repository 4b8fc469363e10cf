// A directory under $TMPDIR (default /tmp) that is removed with everything in it when the
// object goes away. For tests and tools that need scratch space.
#pragma once

#include <string>

namespace footfall {

class TempDir {
 public:
  TempDir();  // aborts the program when no directory can be made (tests cannot go on without)
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  const std::string& path() const { return path_; }
  std::string Sub(const std::string& name) const { return path_ + "/" + name; }

 private:
  std::string path_;
};

}  // namespace footfall
