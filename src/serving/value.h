// Typed cells of the serving store: what VersionWriter loads and what ReadOnlyStore returns.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <variant>

namespace footfall::serving {

// std::monostate is SQL NULL. Query results carry SQLite's storage class of each value, so a BLOB
// comes back as a std::string holding its bytes.
using Value = std::variant<std::monostate, int64_t, double, std::string>;

enum class ColumnType { kInteger, kReal, kText };

struct Column {
  std::string name;
  ColumnType type;
};

// The SQL type name declared for `type` ("INTEGER", "REAL", "TEXT").
constexpr std::string_view ColumnTypeSql(ColumnType type) {
  switch (type) {
    case ColumnType::kInteger:
      return "INTEGER";
    case ColumnType::kReal:
      return "REAL";
    case ColumnType::kText:
      return "TEXT";
  }
  return "TEXT";
}

}  // namespace footfall::serving
