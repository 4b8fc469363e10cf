#include "base/status.h"

#include <gtest/gtest.h>

namespace footfall {
namespace {

Result<int> Half(int v) {
  if (v % 2 != 0) return InvalidArgument("odd");
  return v / 2;
}

Result<int> Quarter(int v) {
  FOOTFALL_ASSIGN_OR_RETURN(int h, Half(v));
  FOOTFALL_ASSIGN_OR_RETURN(int q, Half(h));
  return q;
}

Status CheckEven(int v) {
  FOOTFALL_RETURN_IF_ERROR(Half(v).status());
  return Status::Ok();
}

TEST(Status, PropagatesCodes) {
  EXPECT_EQ(*Quarter(8), 2);
  EXPECT_EQ(Quarter(6).status().code(), StatusCode::kInvalidArgument);
  EXPECT_TRUE(CheckEven(2).ok());
  EXPECT_EQ(CheckEven(3).code(), StatusCode::kInvalidArgument);
}

TEST(Status, ContextKeepsCode) {
  const Status s = Corruption("bad crc").WithContext("segment 7");
  EXPECT_EQ(s.code(), StatusCode::kCorruption);
  EXPECT_EQ(s.ToString(), "CORRUPTION: segment 7: bad crc");
}

}  // namespace
}  // namespace footfall
