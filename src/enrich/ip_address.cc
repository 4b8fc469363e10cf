#include "enrich/ip_address.h"

#include <arpa/inet.h>

#include <algorithm>
#include <cstdio>

namespace footfall::enrich {

std::string AnonymizeIp(std::string_view ip, int ipv4_octets, int ipv6_segments) {
  if (ip.empty() || ip.size() > 64) return std::string(ip);
  const std::string text(ip);
  unsigned char bytes[16];
  if (inet_pton(AF_INET, text.c_str(), bytes) == 1) {
    const int keep = 4 - std::clamp(ipv4_octets, 0, 4);
    std::string out;
    for (int i = 0; i < 4; ++i) {
      if (i > 0) out += '.';
      out += i < keep ? std::to_string(bytes[i]) : "x";
    }
    return out;
  }
  if (inet_pton(AF_INET6, text.c_str(), bytes) == 1) {
    const int keep = 8 - std::clamp(ipv6_segments, 0, 8);
    std::string out;
    for (int i = 0; i < 8; ++i) {
      if (i > 0) out += ':';
      if (i < keep) {
        char group[8];
        std::snprintf(group, sizeof(group), "%x", (bytes[2 * i] << 8) | bytes[2 * i + 1]);
        out += group;
      } else {
        out += 'x';
      }
    }
    return out;
  }
  return text;
}

}  // namespace footfall::enrich
