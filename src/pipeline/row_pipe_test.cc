#include "pipeline/row_pipe.h"

#include <gtest/gtest.h>

#include <stdexcept>
#include <string>
#include <vector>

namespace footfall::pipeline {
namespace {

using serving::Value;
using Sink = RowSink;

void Copy(std::span<const Value> row, std::span<Value> slot) {
  std::copy(row.begin(), row.end(), slot.begin());
}

// Rows (i, "row i") for i below n.
RowSource Counting(int64_t n) {
  return [n](const Sink& sink) -> Status {
    for (int64_t i = 0; i < n; ++i) {
      const Value row[] = {Value(i), Value("row " + std::to_string(i))};
      if (Status s = sink(row); !s.ok()) return s;
    }
    return Status::Ok();
  };
}

TEST(PipeRows, HandsOverEveryRowInOrderAcrossBatches) {
  for (const int64_t n : {0, 1, 2047, 2048, 2049, 20000}) {
    std::vector<int64_t> seen;
    const Status s = PipeRows(2, Counting(n), Copy, [&](std::span<const Value> row) {
      EXPECT_EQ(std::get<std::string>(row[1]), "row " + std::to_string(std::get<int64_t>(row[0])));
      seen.push_back(std::get<int64_t>(row[0]));
      return Status::Ok();
    });
    ASSERT_TRUE(s.ok()) << s.ToString();
    ASSERT_EQ(seen.size(), static_cast<size_t>(n));
    for (int64_t i = 0; i < n; ++i) ASSERT_EQ(seen[i], i);
  }
}

TEST(PipeRows, FillRunsOnTheProducersSide) {
  std::vector<std::string> seen;
  const Status s = PipeRows(
      2, Counting(3),
      [](std::span<const Value> row, std::span<Value> slot) {
        slot[0] = row[0];
        slot[1] = "filled " + std::get<std::string>(row[1]);
      },
      [&](std::span<const Value> row) {
        seen.push_back(std::get<std::string>(row[1]));
        return Status::Ok();
      });
  ASSERT_TRUE(s.ok()) << s.ToString();
  EXPECT_EQ(seen, (std::vector<std::string>{"filled row 0", "filled row 1", "filled row 2"}));
}

TEST(PipeRows, AConsumerErrorStopsTheProducer) {
  int64_t consumed = 0;
  const Status s = PipeRows(2, Counting(1'000'000), Copy, [&](std::span<const Value>) {
    return ++consumed == 5000 ? IoError("disk full") : Status::Ok();
  });
  EXPECT_EQ(s.code(), StatusCode::kIoError);
  EXPECT_EQ(s.message(), "disk full");
  EXPECT_EQ(consumed, 5000);
}

TEST(PipeRows, AProducerErrorComesAfterTheRowsBeforeIt) {
  int64_t consumed = 0;
  const auto failing = [](const Sink& sink) -> Status {
    for (int64_t i = 0; i < 3000; ++i) {
      const Value row[] = {Value(i), Value()};
      if (Status s = sink(row); !s.ok()) return s;
    }
    return Corruption("page 7 of x.parquet is truncated");
  };
  const Status s = PipeRows(2, failing, Copy, [&](std::span<const Value>) {
    ++consumed;
    return Status::Ok();
  });
  EXPECT_EQ(s.code(), StatusCode::kCorruption);
  EXPECT_EQ(consumed, 3000);
}

TEST(PipeRows, AThrowingProducerIsAnError) {
  const auto throwing = [](const Sink&) -> Status { throw std::runtime_error("bad row"); };
  const Status s = PipeRows(2, throwing, Copy, [](std::span<const Value>) { return Status::Ok(); });
  EXPECT_EQ(s.code(), StatusCode::kInternal);
  EXPECT_NE(s.message().find("bad row"), std::string::npos);
}

TEST(PipeRows, AThrowingConsumerIsAnErrorAndStopsTheProducer) {
  const Status s = PipeRows(2, Counting(1'000'000), Copy, [](std::span<const Value>) -> Status {
    throw std::runtime_error("no room");
  });
  EXPECT_EQ(s.code(), StatusCode::kInternal);
  EXPECT_NE(s.message().find("no room"), std::string::npos);
}

TEST(PipeRows, ARowOfTheWrongWidthIsAnError) {
  const auto wide = [](const Sink& sink) -> Status {
    const Value row[] = {Value(int64_t{1}), Value(), Value()};
    return sink(row);
  };
  const Status s = PipeRows(2, wide, Copy, [](std::span<const Value>) { return Status::Ok(); });
  EXPECT_EQ(s.code(), StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace footfall::pipeline
