// Base64 as trackers send it in ue_px and cx: the URL-safe alphabet (RFC 4648 §5) without `=`
// padding, or the standard alphabet with or without padding — both are accepted, even mixed.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace footfall::enrich {

// nullopt for a character outside both alphabets, padding anywhere but at the end, or a length
// that no encoding produces (one character left over).
std::optional<std::string> DecodeBase64Any(std::string_view in);

// URL-safe alphabet, no padding (what the trackers send); for tests and generators.
std::string EncodeBase64Url(std::string_view in);

}  // namespace footfall::enrich
