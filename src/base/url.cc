#include "base/url.h"

#include <array>

namespace footfall {
namespace {

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

}  // namespace

std::string PercentDecode(std::string_view in, bool plus_as_space) {
  std::string out;
  out.reserve(in.size());
  for (size_t i = 0; i < in.size(); ++i) {
    const char c = in[i];
    if (c == '%' && i + 2 < in.size()) {
      const int hi = HexValue(in[i + 1]), lo = HexValue(in[i + 2]);
      if (hi >= 0 && lo >= 0) {
        out.push_back(static_cast<char>(hi * 16 + lo));
        i += 2;
        continue;
      }
    }
    out.push_back(c == '+' && plus_as_space ? ' ' : c);
  }
  return out;
}

void AppendPercentEncoded(std::string* out, std::string_view in) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  static constexpr auto kUnreserved = [] {
    std::array<bool, 256> t{};
    for (int c = 0; c < 256; ++c) {
      t[c] = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
             c == '-' || c == '.' || c == '_' || c == '~';
    }
    return t;
  }();
  // Worst case every byte becomes three; write into place and trim.
  const size_t start = out->size();
  out->resize(start + 3 * in.size());
  char* p = out->data() + start;
  for (const char ch : in) {
    const auto c = static_cast<unsigned char>(ch);
    if (kUnreserved[c]) {
      *p++ = ch;
    } else {
      *p++ = '%';
      *p++ = kHex[c >> 4];
      *p++ = kHex[c & 0xf];
    }
  }
  out->resize(static_cast<size_t>(p - out->data()));
}

std::string PercentEncode(std::string_view in) {
  std::string out;
  AppendPercentEncoded(&out, in);
  return out;
}

std::vector<std::pair<std::string, std::string>> ParseQueryString(std::string_view query) {
  std::vector<std::pair<std::string, std::string>> out;
  while (!query.empty()) {
    const size_t amp = query.find('&');
    std::string_view piece = query.substr(0, amp);
    query = amp == std::string_view::npos ? std::string_view() : query.substr(amp + 1);
    if (piece.empty()) continue;
    const size_t eq = piece.find('=');
    if (eq == std::string_view::npos) {
      out.emplace_back(PercentDecode(piece), std::string());
    } else {
      out.emplace_back(PercentDecode(piece.substr(0, eq)), PercentDecode(piece.substr(eq + 1)));
    }
  }
  return out;
}

}  // namespace footfall
