#include "base/time.h"

#include <charconv>
#include <chrono>
#include <cstdio>

namespace footfall {

Micros NowMicros() {
  using namespace std::chrono;
  return duration_cast<microseconds>(system_clock::now().time_since_epoch()).count();
}

// Howard Hinnant's civil-date algorithms.
int64_t DaysFromCivil(int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const auto yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<int64_t>(doe) - 719468;
}

namespace {

struct Civil {
  int64_t y;
  unsigned m, d;
};

Civil CivilFromDays(int64_t z) {
  z += 719468;
  const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const auto doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const int64_t y = static_cast<int64_t>(yoe) + era * 400;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  const unsigned d = doy - (153 * mp + 2) / 5 + 1;
  const unsigned m = mp < 10 ? mp + 3 : mp - 9;
  return {y + (m <= 2), m, d};
}

int64_t FloorDiv(int64_t a, int64_t b) { return a / b - ((a % b != 0) && ((a < 0) != (b < 0))); }

bool ParseDigits(std::string_view s, size_t pos, size_t n, int* out) {
  if (pos + n > s.size()) return false;
  int v = 0;
  for (size_t i = pos; i < pos + n; ++i) {
    if (s[i] < '0' || s[i] > '9') return false;
    v = v * 10 + (s[i] - '0');
  }
  *out = v;
  return true;
}

}  // namespace

int64_t DayNumber(Micros t) { return FloorDiv(t, kMicrosPerDay); }

namespace {

// Writes v (0 <= v < 10^width) as `width` digits, zero-padded: the formatters below run for
// every timestamp a batch loads, where snprintf costs several times more.
void PutDigits(char* p, int64_t v, int width) {
  for (int i = width - 1; i >= 0; --i) {
    p[i] = static_cast<char>('0' + v % 10);
    v /= 10;
  }
}

}  // namespace

std::string FormatDate(Micros t) {
  const Civil c = CivilFromDays(DayNumber(t));
  if (c.y < 0 || c.y > 9999) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%04lld-%02u-%02u", static_cast<long long>(c.y), c.m, c.d);
    return buf;
  }
  std::string s = "0000-00-00";
  PutDigits(&s[0], c.y, 4);
  PutDigits(&s[5], c.m, 2);
  PutDigits(&s[8], c.d, 2);
  return s;
}

std::string FormatIso8601(Micros t) {
  const int64_t day = DayNumber(t);
  const Micros in_day = t - day * kMicrosPerDay;
  const Civil c = CivilFromDays(day);
  const int64_t secs = in_day / kMicrosPerSecond;
  const int64_t frac = in_day % kMicrosPerSecond;
  char buf[64];
  int n = std::snprintf(buf, sizeof buf, "%04lld-%02u-%02uT%02lld:%02lld:%02lld",
                        static_cast<long long>(c.y), c.m, c.d, static_cast<long long>(secs / 3600),
                        static_cast<long long>(secs / 60 % 60), static_cast<long long>(secs % 60));
  if (frac % 1000 == 0 && frac != 0) {
    n += std::snprintf(buf + n, sizeof buf - n, ".%03lld", static_cast<long long>(frac / 1000));
  } else if (frac != 0) {
    n += std::snprintf(buf + n, sizeof buf - n, ".%06lld", static_cast<long long>(frac));
  }
  std::snprintf(buf + n, sizeof buf - n, "Z");
  return buf;
}

std::string FormatTimestampSql(Micros t) {
  const int64_t day = DayNumber(t);
  const Micros in_day = t - day * kMicrosPerDay;
  const int64_t secs = in_day / kMicrosPerSecond;
  char time[] = " 00:00:00.000000";
  PutDigits(time + 1, secs / 3600, 2);
  PutDigits(time + 4, secs / 60 % 60, 2);
  PutDigits(time + 7, secs % 60, 2);
  PutDigits(time + 10, in_day % kMicrosPerSecond, 6);
  return FormatDate(t) + time;
}

Result<Micros> ParseIso8601(std::string_view s) {
  const auto bad = [&] {
    return InvalidArgument("'" + std::string(s) +
                           "' is not an ISO 8601 time (expected YYYY-MM-DD[THH:MM[:SS]][Z])");
  };
  int y, mo, d;
  if (!ParseDigits(s, 0, 4, &y) || s.size() < 10 || s[4] != '-' || !ParseDigits(s, 5, 2, &mo) ||
      s[7] != '-' || !ParseDigits(s, 8, 2, &d) || mo < 1 || mo > 12 || d < 1 || d > 31) {
    return bad();
  }
  Micros t = DaysFromCivil(y, mo, d) * kMicrosPerDay;
  size_t pos = 10;
  if (pos == s.size()) return t;
  if (s[pos] != 'T' && s[pos] != ' ') return bad();
  int hh, mm, ss = 0;
  if (!ParseDigits(s, pos + 1, 2, &hh) || pos + 3 >= s.size() || s[pos + 3] != ':' ||
      !ParseDigits(s, pos + 4, 2, &mm) || hh > 23 || mm > 59) {
    return bad();
  }
  pos += 6;
  if (pos < s.size() && s[pos] == ':') {
    if (!ParseDigits(s, pos + 1, 2, &ss) || ss > 60) return bad();
    pos += 3;
  }
  t += (hh * 3600LL + mm * 60LL + ss) * kMicrosPerSecond;
  if (pos < s.size() && s[pos] == '.') {
    ++pos;
    Micros scale = 100000, frac = 0;
    const size_t start = pos;
    while (pos < s.size() && s[pos] >= '0' && s[pos] <= '9') {
      frac += (s[pos] - '0') * scale;
      scale /= 10;
      ++pos;
    }
    if (pos == start) return bad();
    t += frac;
  }
  if (pos == s.size()) return t;
  if (s[pos] == 'Z' && pos + 1 == s.size()) return t;
  if ((s[pos] == '+' || s[pos] == '-') && pos + 6 == s.size() && s[pos + 3] == ':') {
    int oh, om;
    if (!ParseDigits(s, pos + 1, 2, &oh) || !ParseDigits(s, pos + 4, 2, &om)) return bad();
    const Micros off = (oh * 3600LL + om * 60LL) * kMicrosPerSecond;
    return s[pos] == '+' ? t - off : t + off;
  }
  return bad();
}

}  // namespace footfall
