#include "rawlog/direct_append.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <optional>
#include <string>
#include <vector>

#include "base/files.h"
#include "base/temp_dir.h"

namespace footfall::rawlog {
namespace {

std::string ReadFile(const std::string& path) {
  auto bytes = ReadWholeFile(path);
  EXPECT_TRUE(bytes.ok()) << bytes.status().ToString();
  return bytes.ok() ? *bytes : std::string();
}

// Creates `path` and opens it for direct appends after `head`; nullopt (and the test skipped by
// the caller) where the file system does not take direct I/O.
std::optional<DirectAppender> Make(const std::string& path, std::string_view head) {
  const UniqueFd fd(::open(path.c_str(), O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0644));
  EXPECT_TRUE(fd.valid()) << path;
  Result<DirectAppender> appender = DirectAppender::Open(path, head);
  if (!appender.ok()) {
    EXPECT_EQ(appender.status().code(), StatusCode::kUnimplemented) << appender.status().ToString();
    return std::nullopt;
  }
  return std::move(*appender);
}

Status Append(DirectAppender& appender, const std::vector<std::string>& pieces) {
  std::vector<iovec> iov;
  for (const std::string& p : pieces) iov.push_back({const_cast<char*>(p.data()), p.size()});
  return appender.Append(iov);
}

// The file holds exactly `bytes`, then zeros to the end of its last block.
void ExpectFile(const std::string& path, const std::string& bytes) {
  const std::string file = ReadFile(path);
  ASSERT_EQ(file.size(), DirectAppender::RoundUp(bytes.size()));
  EXPECT_TRUE(file.compare(0, bytes.size(), bytes) == 0);
  EXPECT_EQ(file.find_first_not_of('\0', bytes.size()), std::string::npos);
}

TEST(DirectAppender, AppendsAcrossBlocksAndTheBufferKeepingTheLastPartialBlock) {
  TempDir tmp;
  const std::string path = tmp.path() + "/f";
  auto appender = Make(path, "head");
  if (!appender) GTEST_SKIP() << "no direct I/O on " << tmp.path();
  std::string expected = "head";
  ExpectFile(path, expected);
  EXPECT_EQ(appender->size(), 4u);
  EXPECT_EQ(appender->written_end(), DirectAppender::kBlock);

  const auto append = [&](const std::vector<std::string>& pieces) {
    ASSERT_TRUE(Append(*appender, pieces).ok());
    for (const std::string& p : pieces) expected += p;
    EXPECT_EQ(appender->size(), expected.size());
    ExpectFile(path, expected);
  };
  append({"a", std::string(100, 'b')});                // within the first block
  append({std::string(5000, 'c')});                    // on into the next two
  append({std::string(DirectAppender::kBlock, 'd')});  // a block's worth
  append({std::string(3 << 20, 'e'), "tail"});         // more than the 1 MiB buffer
  append({std::string(DirectAppender::kBlock - expected.size() % DirectAppender::kBlock,
                      'f')});  // up to a block boundary
  append({"g"});               // and into a new block
}

TEST(DirectAppender, ReloadsTheLastBlockAfterTheFileWasCut) {
  TempDir tmp;
  const std::string path = tmp.path() + "/f";
  auto appender = Make(path, "head");
  if (!appender) GTEST_SKIP() << "no direct I/O on " << tmp.path();
  const std::string body(10000, 'x');
  ASSERT_TRUE(Append(*appender, {body}).ok());

  // Cut inside the third block, as after a failed append, and go on from there.
  const uint64_t cut = 9000;
  const UniqueFd fd(::open(path.c_str(), O_RDWR | O_CLOEXEC));
  ASSERT_TRUE(fd.valid());
  ASSERT_EQ(::ftruncate(fd.get(), cut), 0);
  ASSERT_TRUE(appender->Reload(fd.get(), cut).ok());
  EXPECT_EQ(appender->size(), cut);
  ASSERT_TRUE(Append(*appender, {"after the cut"}).ok());
  ExpectFile(path, ("head" + body).substr(0, cut) + "after the cut");

  // A cut on a block boundary leaves no partial block to read back.
  ASSERT_EQ(::ftruncate(fd.get(), 2 * DirectAppender::kBlock), 0);
  ASSERT_TRUE(appender->Reload(fd.get(), 2 * DirectAppender::kBlock).ok());
  ASSERT_TRUE(Append(*appender, {"z"}).ok());
  ExpectFile(path, ("head" + body).substr(0, 2 * DirectAppender::kBlock) + "z");

  // A partial block past the file's end is an error, not a block of garbage.
  EXPECT_FALSE(appender->Reload(fd.get(), (1 << 20) + 10).ok());
}

TEST(DirectAppender, RefusesAHeadOfABlockOrMore) {
  TempDir tmp;
  const std::string path = tmp.path() + "/f";
  const UniqueFd fd(::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644));
  ASSERT_TRUE(fd.valid());
  const Result<DirectAppender> appender =
      DirectAppender::Open(path, std::string(DirectAppender::kBlock, 'h'));
  EXPECT_EQ(appender.status().code(), StatusCode::kInvalidArgument);
}

TEST(DirectAppender, NamesTheFileItCannotOpen) {
  TempDir tmp;
  const Result<DirectAppender> appender = DirectAppender::Open(tmp.path() + "/missing", "h");
  ASSERT_FALSE(appender.ok());
  EXPECT_NE(appender.status().ToString().find(tmp.path() + "/missing"), std::string::npos);
}

}  // namespace
}  // namespace footfall::rawlog
