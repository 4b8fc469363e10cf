// Line-oriented logging to stderr: "2026-11-26T09:15:02.123Z INFO component: message".
// Thread-safe; one write(2) per line so lines from threads never interleave.
#pragma once

#include <string_view>

namespace footfall {

enum class LogLevel { kDebug, kInfo, kWarning, kError };

void SetLogLevel(LogLevel level);
void Log(LogLevel level, std::string_view component, std::string_view message);

inline void LogInfo(std::string_view component, std::string_view m) {
  Log(LogLevel::kInfo, component, m);
}
inline void LogWarning(std::string_view component, std::string_view m) {
  Log(LogLevel::kWarning, component, m);
}
inline void LogError(std::string_view component, std::string_view m) {
  Log(LogLevel::kError, component, m);
}

}  // namespace footfall
