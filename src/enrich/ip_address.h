// IP address anonymization as Snowplow's enrichment does it: the last octets of an IPv4 address,
// or the last 16-bit groups of an IPv6 address, become "x".
#pragma once

#include <string>
#include <string_view>

namespace footfall::enrich {

// "203.0.113.9" with 1 octet → "203.0.113.x"; "2001:db8::1" with 5 segments →
// "2001:db8:0:x:x:x:x:x" (the address is expanded first so that "::" cannot hide groups).
// Counts are clamped to 0..4 and 0..8. Text that is not an IP address is returned unchanged
// (an `ip` override may hold anything); an empty string stays empty.
std::string AnonymizeIp(std::string_view ip, int ipv4_octets, int ipv6_segments);

}  // namespace footfall::enrich
