// Renders a QueryResult for people (aligned table) and for programs (CSV, JSON).
#pragma once

#include <string>
#include <string_view>

#include "base/status.h"
#include "serving/query.h"

namespace footfall::serving {

enum class OutputFormat { kTable, kCsv, kJson };

// "table", "csv" or "json", in any letter case; kInvalidArgument names the allowed values.
Result<OutputFormat> ParseOutputFormat(std::string_view name);

// kTable: psql-style aligned columns, a header and a separator line, then "(N rows)". Numeric
//   columns align right, others left; NULL is blank; control characters show as \n, \r, \t or
//   \xHH so each row stays on one line; invalid UTF-8 shows as U+FFFD.
// kCsv: RFC 4180: a header row, CRLF line ends, fields holding a comma, quote, CR or LF quoted
//   with quotes doubled; NULL is an empty field and the empty string is "".
// kJson: an array of objects keyed by column name, one per line; NULL, NaN and infinities are
//   null; invalid UTF-8 becomes \ufffd.
// Reals print with the fewest digits that read back to the same double, and always with a "." or
// an exponent, so 1.0 stays distinguishable from 1.
std::string FormatResult(const QueryResult& result, OutputFormat format);

}  // namespace footfall::serving
