#include "base/files.h"

#include <fcntl.h>
#include <gtest/gtest.h>

#include "base/temp_dir.h"

namespace footfall {
namespace {

TEST(Files, WriteFileDurablyReplacesWholly) {
  TempDir tmp;
  const std::string path = tmp.Sub("a/b.txt");
  ASSERT_TRUE(MakeDirs(tmp.Sub("a")).ok());
  ASSERT_TRUE(WriteFileDurably(path, "first").ok());
  ASSERT_TRUE(WriteFileDurably(path, "second").ok());
  EXPECT_EQ(ReadWholeFile(path).value(), "second");
  EXPECT_EQ(ReadWholeFile(path + ".tmp").status().code(), StatusCode::kNotFound);
  EXPECT_EQ(WriteFileDurably(tmp.Sub("missing/x"), "x").code(), StatusCode::kIoError);
  EXPECT_EQ(ReadWholeFile(tmp.Sub("nope")).status().code(), StatusCode::kNotFound);
}

TEST(Files, OpenForReadingClosesWhenTheLastOwnerGoes) {
  TempDir tmp;
  const std::string path = tmp.Sub("f");
  ASSERT_TRUE(WriteFileDurably(path, "x").ok());
  EXPECT_EQ(OpenForReading(tmp.Sub("nope")).status().code(), StatusCode::kNotFound);
  EXPECT_TRUE(OpenForReading(tmp.path()).ok());  // a directory opens read-only too
  int raw = -1;
  {
    auto opened = OpenForReading(path);
    ASSERT_TRUE(opened.ok()) << opened.status().ToString();
    UniqueFd moved = std::move(opened).value();
    raw = moved.get();
    ASSERT_GE(raw, 0);
    UniqueFd second = std::move(moved);
    EXPECT_EQ(moved.get(), -1);  // NOLINT(bugprone-use-after-move): moved-from holds none
    EXPECT_EQ(::fcntl(raw, F_GETFD), FD_CLOEXEC);
  }
  EXPECT_EQ(::fcntl(raw, F_GETFD), -1);  // closed
}

}  // namespace
}  // namespace footfall
