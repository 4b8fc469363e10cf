// HTTP dates (RFC 9110 IMF-fixdate), for the Date header and cookie expiry.
#pragma once

#include <cstdint>
#include <string>

namespace footfall::http {

// "Sun, 06 Nov 1994 08:49:37 GMT" for `unix_seconds` (UTC); always 29 characters.
std::string FormatHttpDate(int64_t unix_seconds);
// The same, appended to `dest`.
void AppendHttpDate(int64_t unix_seconds, std::string* dest);

}  // namespace footfall::http
