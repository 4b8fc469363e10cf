// ASCII case folding, inline: std::tolower is a call per character that consults the locale,
// where protocol text (schemes, hosts, UUIDs, media types) only ever needs A-Z folded.
#pragma once

#include <string>

namespace footfall {

inline char AsciiLower(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c + 32) : c; }

inline void AsciiLowerInPlace(std::string* s) {
  for (char& c : *s) c = AsciiLower(c);
}

}  // namespace footfall
