#include "base/files.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <string>

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

TEST(Files, UniqueFdResetAndCloseGiveUpTheDescriptor) {
  TempDir tmp;
  const std::string path = tmp.Sub("f");
  ASSERT_TRUE(WriteFileDurably(path, "x").ok());
  UniqueFd fd = OpenForReading(path).value();
  const int first = fd.get();
  fd.reset(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  EXPECT_TRUE(fd.valid());
  EXPECT_EQ(::fcntl(first, F_GETFD), -1);  // the one held before is closed
  const int second = fd.get();
  EXPECT_TRUE(fd.Close(path).ok());
  EXPECT_FALSE(fd.valid());
  EXPECT_EQ(::fcntl(second, F_GETFD), -1);
  EXPECT_TRUE(fd.Close(path).ok());  // nothing held: nothing to report

  // close(2) failing is reported with the path: here the descriptor was closed behind its back.
  UniqueFd stolen = OpenForReading(path).value();
  ASSERT_EQ(::close(stolen.get()), 0);
  const Status closed = stolen.Close(path);
  EXPECT_EQ(closed.code(), StatusCode::kIoError);
  EXPECT_NE(closed.message().find(path), std::string::npos) << closed.ToString();
}

TEST(Files, WriteAllWritesEverything) {
  TempDir tmp;
  const std::string path = tmp.Sub("f");
  const std::string big(1 << 20, 'b');
  {
    const UniqueFd fd(::open(path.c_str(), O_WRONLY | O_CREAT | O_CLOEXEC, 0644));
    ASSERT_TRUE(fd.valid());
    ASSERT_TRUE(WriteAll(fd.get(), big, path).ok());
  }
  EXPECT_EQ(ReadWholeFile(path).value(), big);
  const UniqueFd read_only = OpenForReading(path).value();
  const Status failed = WriteAll(read_only.get(), "x", path);
  EXPECT_EQ(failed.code(), StatusCode::kIoError);
  EXPECT_NE(failed.message().find(path), std::string::npos) << failed.ToString();
}

}  // namespace
}  // namespace footfall
