// Base64 (RFC 4648): encoding in the standard (§4) or URL-safe (§5) alphabet, and a tolerant
// decoder for what Snowplow trackers send in `ue_px` and `cx` — either alphabet, padded or not.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace footfall {

enum class Base64Alphabet { kStandard, kUrlSafe };

// Standard alphabet with `=` padding, or URL-safe without padding (as trackers send it).
std::string Base64Encode(std::string_view bytes, Base64Alphabet alphabet);

// Decodes either alphabet (even mixed), with or without `=` padding. Empty optional for any
// other character (spaces and percent-escapes included), a length that no encoding produces,
// or padding in the middle. Unused bits of the last character are ignored.
std::optional<std::string> Base64Decode(std::string_view text);

}  // namespace footfall
