#include "http/date.h"

#include <cstring>

namespace footfall::http {

void AppendHttpDate(int64_t unix_seconds, std::string* dest) {
  static constexpr const char* kDays[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
  static constexpr const char* kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                            "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  int64_t days = unix_seconds / 86400;
  int64_t secs = unix_seconds % 86400;
  if (secs < 0) {
    secs += 86400;
    --days;
  }
  // 1970-01-01 was a Thursday.
  const int64_t weekday = ((days % 7) + 7 + 4) % 7;
  // Civil date from a day count (H. Hinnant, "chrono-compatible low-level date algorithms").
  const int64_t z = days + 719468;
  const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const int64_t doe = z - era * 146097;
  const int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const int64_t mp = (5 * doy + 2) / 153;
  const int64_t day = doy - (153 * mp + 2) / 5 + 1;
  const int64_t month = mp < 10 ? mp + 3 : mp - 9;
  const int64_t year = yoe + era * 400 + (month <= 2 ? 1 : 0);

  const size_t at = dest->size();
  dest->append("Thu, 01 Jan 1970 00:00:00 GMT");
  char* out = dest->data() + at;
  auto put2 = [out](size_t pos, int64_t v) {
    out[pos] = static_cast<char>('0' + v / 10);
    out[pos + 1] = static_cast<char>('0' + v % 10);
  };
  std::memcpy(out, kDays[weekday], 3);
  put2(5, day);
  std::memcpy(out + 8, kMonths[month - 1], 3);
  const int64_t y = year < 0 ? 0 : (year > 9999 ? 9999 : year);
  put2(12, y / 100);
  put2(14, y % 100);
  put2(17, secs / 3600);
  put2(20, secs / 60 % 60);
  put2(23, secs % 60);
}

std::string FormatHttpDate(int64_t unix_seconds) {
  std::string out;
  AppendHttpDate(unix_seconds, &out);
  return out;
}

}  // namespace footfall::http
