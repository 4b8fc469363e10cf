// Time as integer microseconds since the Unix epoch, UTC, everywhere inside footfall.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "base/status.h"

namespace footfall {

using Micros = int64_t;
constexpr Micros kMicrosPerSecond = 1'000'000;
constexpr Micros kMicrosPerHour = 3'600 * kMicrosPerSecond;
constexpr Micros kMicrosPerDay = 86'400 * kMicrosPerSecond;

Micros NowMicros();

// "2026-11-26T09:15:02.123456Z" (microseconds shown only when non-zero, as milliseconds when
// they are a whole number of milliseconds).
std::string FormatIso8601(Micros t);
// "2026-11-26 09:15:02.123456": fixed width, so it sorts as text; what SQL tables store.
std::string FormatTimestampSql(Micros t);
// "2026-11-26".
std::string FormatDate(Micros t);
// The start of the UTC hour holding `t` (floor, also before 1970).
constexpr Micros HourStart(Micros t) {
  const Micros h = t / kMicrosPerHour * kMicrosPerHour;
  return h > t ? h - kMicrosPerHour : h;
}
// Days since the epoch of the UTC day holding `t` (floor, also before 1970).
int64_t DayNumber(Micros t);

// Accepts "YYYY-MM-DD", "YYYY-MM-DDTHH:MM[:SS[.frac]]" with an optional "Z" or "+HH:MM" offset
// ("T" may be a space); times without an offset are UTC.
Result<Micros> ParseIso8601(std::string_view s);

// Days since the epoch for a proleptic Gregorian date.
int64_t DaysFromCivil(int64_t y, unsigned m, unsigned d);

}  // namespace footfall
