#include "base/files.h"

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

}  // namespace
}  // namespace footfall
