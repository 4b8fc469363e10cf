#include "base/base64.h"

#include <array>
#include <cstdint>

namespace footfall {
namespace {

constexpr char kStandard[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
constexpr char kUrlSafe[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

constexpr uint8_t kInvalid = 0xff;

constexpr std::array<uint8_t, 256> MakeDecodeTable() {
  std::array<uint8_t, 256> t{};
  for (auto& v : t) v = kInvalid;
  for (uint8_t i = 0; i < 64; ++i) {
    t[static_cast<unsigned char>(kStandard[i])] = i;
    t[static_cast<unsigned char>(kUrlSafe[i])] = i;
  }
  return t;
}
constexpr std::array<uint8_t, 256> kDecode = MakeDecodeTable();

}  // namespace

std::string Base64Encode(std::string_view s, Base64Alphabet alphabet) {
  const char* a = alphabet == Base64Alphabet::kStandard ? kStandard : kUrlSafe;
  const bool pad = alphabet == Base64Alphabet::kStandard;
  const size_t rest = s.size() % 3;
  // Sized once and written through a pointer: appending a character at a time checks the
  // capacity for each.
  std::string out(s.size() / 3 * 4 + (rest == 0 ? 0 : pad ? 4 : rest + 1), '\0');
  char* p = out.data();
  auto byte = [&](size_t k) { return uint32_t{static_cast<unsigned char>(s[k])}; };
  size_t i = 0;
  for (; i + 3 <= s.size(); i += 3) {
    const uint32_t v = byte(i) << 16 | byte(i + 1) << 8 | byte(i + 2);
    p[0] = a[v >> 18];
    p[1] = a[(v >> 12) & 63];
    p[2] = a[(v >> 6) & 63];
    p[3] = a[v & 63];
    p += 4;
  }
  if (rest > 0) {
    const uint32_t v = byte(i) << 16 | (rest == 2 ? byte(i + 1) << 8 : 0);
    *p++ = a[v >> 18];
    *p++ = a[(v >> 12) & 63];
    if (rest == 2) *p++ = a[(v >> 6) & 63];
    if (pad) *p++ = '=';
    if (pad && rest == 1) *p++ = '=';
  }
  return out;
}

std::optional<std::string> Base64Decode(std::string_view text) {
  // Padding is optional but, when present, must complete the last quantum.
  size_t end = text.size();
  if (end % 4 == 0 && end > 0 && text[end - 1] == '=') {
    --end;
    if (text[end - 1] == '=') --end;
  }
  const std::string_view body = text.substr(0, end);
  if (body.size() % 4 == 1) return std::nullopt;
  // Whole quanta of four characters make three bytes, written into a buffer sized up front.
  std::string out(body.size() / 4 * 3 + (body.size() % 4 == 0 ? 0 : body.size() % 4 - 1), '\0');
  const auto* in = reinterpret_cast<const unsigned char*>(body.data());
  char* to = out.data();
  size_t i = 0;
  for (; i + 4 <= body.size(); i += 4) {
    const uint8_t a = kDecode[in[i]], b = kDecode[in[i + 1]], c = kDecode[in[i + 2]],
                  d = kDecode[in[i + 3]];
    // Valid characters decode to 0..63, kInvalid has the high bits set.
    if (((a | b | c | d) & 0xC0) != 0) return std::nullopt;
    const uint32_t quantum = (uint32_t{a} << 18) | (uint32_t{b} << 12) | (uint32_t{c} << 6) | d;
    *to++ = static_cast<char>(quantum >> 16);
    *to++ = static_cast<char>(quantum >> 8);
    *to++ = static_cast<char>(quantum);
  }
  // The last two or three characters make one or two bytes.
  uint32_t acc = 0;
  int bits = 0;
  for (; i < body.size(); ++i) {
    const uint8_t v = kDecode[in[i]];
    if (v == kInvalid) return std::nullopt;
    acc = (acc << 6) | v;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      *to++ = static_cast<char>((acc >> bits) & 0xff);
    }
  }
  // Leftover bits of a non-canonical encoding are ignored, as lenient decoders do.
  return out;
}

}  // namespace footfall
