#include "serving/format.h"

#include <gtest/gtest.h>

#include <limits>
#include <string>

namespace footfall::serving {
namespace {

QueryResult Sample() {
  QueryResult result;
  result.columns = {"id", "name", "score"};
  result.rows = {
      {int64_t{1}, std::string("a,b"), 0.1},
      {int64_t{22}, std::string("say \"hi\""), 1e300},
      {std::monostate(), std::string("two\nlines"), std::monostate()},
      {int64_t{-3}, std::string("日本 ✓"), 2.0},
      {int64_t{4}, std::string(""), std::monostate()},
  };
  return result;
}

QueryResult OneColumn(std::vector<Value> values) {
  QueryResult result;
  result.columns = {"v"};
  for (Value& value : values) result.rows.push_back({std::move(value)});
  return result;
}

TEST(Format, Table) {
  EXPECT_EQ(FormatResult(Sample(), OutputFormat::kTable),
            " id | name       |  score\n"
            "----+------------+--------\n"
            "  1 | a,b        |    0.1\n"
            " 22 | say \"hi\"   | 1e+300\n"
            "    | two\\nlines |\n"
            " -3 | 日本 ✓     |    2.0\n"
            "  4 |            |\n"
            "(5 rows)\n");
}

TEST(Format, Csv) {
  EXPECT_EQ(FormatResult(Sample(), OutputFormat::kCsv),
            "id,name,score\r\n"
            "1,\"a,b\",0.1\r\n"
            "22,\"say \"\"hi\"\"\",1e+300\r\n"
            ",\"two\nlines\",\r\n"
            "-3,日本 ✓,2.0\r\n"
            "4,\"\",\r\n");
}

TEST(Format, Json) {
  EXPECT_EQ(FormatResult(Sample(), OutputFormat::kJson),
            "[\n"
            "  {\"id\":1,\"name\":\"a,b\",\"score\":0.1},\n"
            "  {\"id\":22,\"name\":\"say \\\"hi\\\"\",\"score\":1e+300},\n"
            "  {\"id\":null,\"name\":\"two\\nlines\",\"score\":null},\n"
            "  {\"id\":-3,\"name\":\"日本 ✓\",\"score\":2.0},\n"
            "  {\"id\":4,\"name\":\"\",\"score\":null}\n"
            "]\n");
}

TEST(Format, EmptyResults) {
  QueryResult empty;
  empty.columns = {"a", "b"};
  EXPECT_EQ(FormatResult(empty, OutputFormat::kTable),
            " a | b\n"
            "---+---\n"
            "(0 rows)\n");
  EXPECT_EQ(FormatResult(empty, OutputFormat::kCsv), "a,b\r\n");
  EXPECT_EQ(FormatResult(empty, OutputFormat::kJson), "[]\n");
}

TEST(Format, TableFooterCountsAndTruncation) {
  QueryResult result = OneColumn({int64_t{1}});
  EXPECT_EQ(FormatResult(result, OutputFormat::kTable), " v\n---\n 1\n(1 row)\n");
  result.truncated = true;
  EXPECT_EQ(FormatResult(result, OutputFormat::kTable), " v\n---\n 1\n(1 row, truncated)\n");
}

TEST(Format, RealsRoundTripAndStayReal) {
  const QueryResult result = OneColumn(
      {0.1 + 0.2, 123.0, -0.0, 1e16, 1.5e-7, 1e300, std::numeric_limits<double>::quiet_NaN(),
       std::numeric_limits<double>::infinity(), -std::numeric_limits<double>::infinity()});
  EXPECT_EQ(FormatResult(result, OutputFormat::kCsv),
            "v\r\n0.30000000000000004\r\n123.0\r\n-0.0\r\n1e+16\r\n1.5e-07\r\n1e+300\r\n"
            "NaN\r\nInfinity\r\n-Infinity\r\n");
  EXPECT_EQ(FormatResult(result, OutputFormat::kJson),
            "[\n  {\"v\":0.30000000000000004},\n  {\"v\":123.0},\n  {\"v\":-0.0},\n"
            "  {\"v\":1e+16},\n  {\"v\":1.5e-07},\n  {\"v\":1e+300},\n  {\"v\":null},\n"
            "  {\"v\":null},\n  {\"v\":null}\n]\n");
  EXPECT_EQ(FormatResult(OneColumn({std::numeric_limits<int64_t>::min()}), OutputFormat::kJson),
            "[\n  {\"v\":-9223372036854775808}\n]\n");
}

TEST(Format, EscapesControlCharactersAndInvalidUtf8) {
  const QueryResult result = OneColumn({std::string("a\x01"
                                                    "b\tc\\d\re"),
                                        std::string("ok \xff\xc3(x \xed\xa0\x80")});
  EXPECT_EQ(FormatResult(result, OutputFormat::kJson),
            "[\n"
            "  {\"v\":\"a\\u0001b\\tc\\\\d\\re\"},\n"
            "  {\"v\":\"ok \\ufffd\\ufffd(x \\ufffd\\ufffd\\ufffd\"}\n"
            "]\n");
  EXPECT_EQ(FormatResult(result, OutputFormat::kTable),
            " v\n"
            "----------------\n"
            " a\\x01b\\tc\\d\\re\n"
            " ok ��(x ���\n"
            "(2 rows)\n");
  // CSV passes bytes through; only the quoting rules apply.
  EXPECT_EQ(FormatResult(result, OutputFormat::kCsv),
            "v\r\n\"a\x01"
            "b\tc\\d\re\"\r\nok \xff\xc3(x \xed\xa0\x80\r\n");
}

TEST(Format, MixedColumnAlignsLeft) {
  const QueryResult result = OneColumn({int64_t{10}, std::string("x")});
  EXPECT_EQ(FormatResult(result, OutputFormat::kTable), " v\n----\n 10\n x\n(2 rows)\n");
}

TEST(Format, ParseOutputFormat) {
  EXPECT_EQ(*ParseOutputFormat("table"), OutputFormat::kTable);
  EXPECT_EQ(*ParseOutputFormat("CSV"), OutputFormat::kCsv);
  EXPECT_EQ(*ParseOutputFormat("json"), OutputFormat::kJson);
  EXPECT_EQ(ParseOutputFormat("xml").status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(ParseOutputFormat("").status().code(), StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace footfall::serving
