// Constants of the raw-log segment format. The format is specified in docs/formats/rawlog.md;
// change the two together.
#pragma once

#include <cstdint>
#include <string_view>

namespace footfall::rawlog {

// Segment file header: magic (8 bytes), format version (fixed32), masked CRC-32C of the first
// 12 bytes (fixed32).
inline constexpr std::string_view kSegmentMagic = "FFRAWLOG";
inline constexpr uint32_t kFormatVersion = 1;
inline constexpr uint64_t kSegmentHeaderSize = 16;

// Record frame: body length (fixed32), masked CRC-32C of the body (fixed32), body.
inline constexpr uint64_t kRecordHeaderSize = 8;
// A collector request is at most a few MiB; anything longer is a corrupt length field.
inline constexpr uint32_t kMaxRecordSize = 16u << 20;

// Payload encoding version, the first byte of every record body.
inline constexpr uint8_t kPayloadVersion = 1;

inline constexpr std::string_view kSealedSuffix = ".seg";
inline constexpr std::string_view kActiveSuffix = ".open";
inline constexpr std::string_view kLockFile = "LOCK";

}  // namespace footfall::rawlog
