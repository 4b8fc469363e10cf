#include "base/files.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/resource.h>
#include <unistd.h>

#include <climits>
#include <csignal>
#include <string>
#include <vector>

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

// Pieces over `parts`, which must outlive them.
std::vector<iovec> PiecesOf(std::vector<std::string>& parts) {
  std::vector<iovec> pieces;
  for (std::string& p : parts) pieces.push_back({p.data(), p.size()});
  return pieces;
}

std::string Concatenated(std::span<const iovec> pieces) {
  std::string out;
  for (const iovec& p : pieces) out.append(static_cast<const char*>(p.iov_base), p.iov_len);
  return out;
}

TEST(Files, SkipBytesDropsWholePiecesAndCutsThePartOne) {
  std::vector<std::string> parts = {"abc", "", "defg", "h"};
  std::vector<iovec> pieces = PiecesOf(parts);
  for (size_t skip = 0; skip <= 8; ++skip) {
    std::vector<iovec> copy = pieces;  // SkipBytes changes the piece it cuts
    std::span<iovec> rest(copy);
    SkipBytes(&rest, skip);
    EXPECT_EQ(Concatenated(rest), std::string("abcdefgh").substr(skip)) << skip;
    EXPECT_TRUE(rest.empty() || rest.front().iov_len > 0) << skip;
  }
  std::span<iovec> rest(pieces);
  SkipBytes(&rest, 3);  // a boundary: the empty piece after "abc" goes too
  EXPECT_EQ(rest.size(), 2u);
}

TEST(Files, WriteAllAtWritesMorePiecesThanOneCallTakes) {
  TempDir tmp;
  const std::string path = tmp.Sub("f");
  std::vector<std::string> parts;
  for (int i = 0; i < 3 * IOV_MAX + 7; ++i) parts.push_back(std::to_string(i) + ",");
  std::vector<iovec> pieces = PiecesOf(parts);
  const std::string expected = Concatenated(pieces);
  const UniqueFd fd(::open(path.c_str(), O_WRONLY | O_CREAT | O_CLOEXEC, 0644));
  ASSERT_TRUE(fd.valid());
  ASSERT_TRUE(WriteAllAt(fd.get(), "header|", 0, path).ok());
  uint64_t written = 0;
  ASSERT_TRUE(WriteAllAt(fd.get(), pieces, 7, path, &written).ok());
  EXPECT_EQ(written, expected.size());
  EXPECT_EQ(ReadWholeFile(path).value(), "header|" + expected);
}

TEST(Files, WriteAllAtSkipsEmptyPieces) {
  TempDir tmp;
  const std::string path = tmp.Sub("f");
  const UniqueFd fd(::open(path.c_str(), O_WRONLY | O_CREAT | O_CLOEXEC, 0644));
  ASSERT_TRUE(fd.valid());
  std::vector<std::string> parts = {"", "a", "", "", "b", ""};
  std::vector<iovec> pieces = PiecesOf(parts);
  uint64_t written = 0;
  ASSERT_TRUE(WriteAllAt(fd.get(), pieces, 0, path, &written).ok());
  EXPECT_EQ(written, 2u);
  std::vector<std::string> empty = {"", ""};
  std::vector<iovec> none = PiecesOf(empty);
  ASSERT_TRUE(WriteAllAt(fd.get(), none, 2, path, &written).ok());
  EXPECT_EQ(written, 2u);
  EXPECT_EQ(ReadWholeFile(path).value(), "ab");
}

// A file size limit (RLIMIT_FSIZE) makes pwritev write short and then fail: what was written is
// counted, and the error names the file.
TEST(Files, WriteAllAtCountsAShortWriteBeforeAnError) {
  TempDir tmp;
  const std::string path = tmp.Sub("f");
  std::vector<std::string> parts = {std::string(3000, 'a'), std::string(3000, 'b')};
  std::vector<iovec> pieces = PiecesOf(parts);
  const UniqueFd fd(::open(path.c_str(), O_WRONLY | O_CREAT | O_CLOEXEC, 0644));
  ASSERT_TRUE(fd.valid());
  rlimit saved{};
  ASSERT_EQ(::getrlimit(RLIMIT_FSIZE, &saved), 0);
  const auto old_handler = std::signal(SIGXFSZ, SIG_IGN);
  rlimit limited = saved;
  limited.rlim_cur = 4096;
  ASSERT_EQ(::setrlimit(RLIMIT_FSIZE, &limited), 0);
  uint64_t written = 0;
  const Status s = WriteAllAt(fd.get(), pieces, 100, path, &written);
  ASSERT_EQ(::setrlimit(RLIMIT_FSIZE, &saved), 0);
  std::signal(SIGXFSZ, old_handler);
  EXPECT_EQ(s.code(), StatusCode::kIoError);
  EXPECT_NE(s.message().find(path), std::string::npos) << s.ToString();
  EXPECT_EQ(written, 4096u - 100);
  const std::string data = ReadWholeFile(path).value();
  EXPECT_EQ(data, std::string(100, '\0') + parts[0] + std::string(996, 'b'));
}

}  // namespace
}  // namespace footfall
