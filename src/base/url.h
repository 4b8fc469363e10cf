// Percent-encoding and `application/x-www-form-urlencoded` query strings.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace footfall {

// Decodes %XX escapes and, in query strings, '+' as space. Malformed escapes are kept as they
// are (browsers and the Snowplow collector do the same), so this never fails.
std::string PercentDecode(std::string_view in, bool plus_as_space = true);

// Encodes everything but RFC 3986 unreserved characters.
std::string PercentEncode(std::string_view in);
void AppendPercentEncoded(std::string* out, std::string_view in);

// Splits "a=1&b=2" into decoded (name, value) pairs, in order; empty pieces are skipped and a
// name without '=' gets an empty value.
std::vector<std::pair<std::string, std::string>> ParseQueryString(std::string_view query);

}  // namespace footfall
