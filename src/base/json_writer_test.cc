#include "base/json_writer.h"

#include <gtest/gtest.h>

#include <cmath>

namespace footfall {
namespace {

TEST(JsonWriter, NestedContainersAndCommas) {
  JsonWriter w;
  w.BeginObject()
      .Key("a")
      .Int(1)
      .Key("b")
      .BeginArray()
      .String("x")
      .Null()
      .Bool(true)
      .BeginObject()
      .EndObject()
      .EndArray()
      .Key("c")
      .Double(0.1)
      .EndObject();
  EXPECT_EQ(w.str(), R"({"a":1,"b":["x",null,true,{}],"c":0.1})");
}

TEST(JsonWriter, EscapesAndNonFinite) {
  JsonWriter w;
  w.BeginArray().String("q\"\\\n\x01✓").Double(NAN).Double(1e300).Double(-2.5).EndArray();
  EXPECT_EQ(w.str(), "[\"q\\\"\\\\\\n\\u0001✓\",null,1e+300,-2.5]");
}

}  // namespace
}  // namespace footfall
