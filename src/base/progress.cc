#include "base/progress.h"

#include <unistd.h>

#include <cstdio>

#include "base/log.h"

namespace footfall {
namespace {

constexpr Micros kTerminalInterval = 100'000;          // redraw at most 10 times a second
constexpr Micros kLogInterval = 5 * kMicrosPerSecond;  // without a terminal
constexpr int kBarWidth = 24;

}  // namespace

std::string HumanCount(uint64_t n) {
  char buf[32];
  if (n >= 10'000'000'000ull) {
    std::snprintf(buf, sizeof buf, "%.0fG", static_cast<double>(n) / 1e9);
  } else if (n >= 1'000'000'000) {
    std::snprintf(buf, sizeof buf, "%.2fG", static_cast<double>(n) / 1e9);
  } else if (n >= 1'000'000) {
    std::snprintf(buf, sizeof buf, "%.1fM", static_cast<double>(n) / 1e6);
  } else if (n >= 10'000) {
    std::snprintf(buf, sizeof buf, "%.1fk", static_cast<double>(n) / 1e3);
  } else {
    std::snprintf(buf, sizeof buf, "%llu", static_cast<unsigned long long>(n));
  }
  return buf;
}

ProgressBar::ProgressBar(std::string label, uint64_t total, std::string unit)
    : label_(std::move(label)),
      total_(total),
      unit_(std::move(unit)),
      terminal_(isatty(STDERR_FILENO) == 1),
      started_(NowMicros()) {}

ProgressBar::~ProgressBar() { Finish(); }

std::string ProgressBar::Format(const std::string& label, uint64_t done, uint64_t total,
                                const std::string& unit, const std::string& detail,
                                Micros elapsed) {
  std::string line = label + " ";
  if (total > 0) {
    const uint64_t shown = done > total ? total : done;
    const int filled = static_cast<int>(shown * kBarWidth / total);
    line += "[" + std::string(filled, '#') + std::string(kBarWidth - filled, ' ') + "] ";
    line += std::to_string(done) + "/" + std::to_string(total);
  } else {
    line += std::to_string(done);
  }
  line += " " + unit;
  if (!detail.empty()) line += ", " + detail;
  char secs[32];
  std::snprintf(secs, sizeof secs, " (%.1f s)", static_cast<double>(elapsed) / kMicrosPerSecond);
  return line + secs;
}

void ProgressBar::Update(uint64_t done, const std::string& detail) {
  std::lock_guard lock(mu_);
  if (finished_) return;
  done_ = done;
  detail_ = detail;
  const Micros now = NowMicros();
  if (now - last_draw_ < (terminal_ ? kTerminalInterval : kLogInterval)) return;
  last_draw_ = now;
  Draw(false);
}

void ProgressBar::Finish() {
  std::lock_guard lock(mu_);
  if (finished_) return;
  finished_ = true;
  // Unattended runs print their own summary; only a terminal needs the line completed.
  if (terminal_ && last_draw_ != 0) Draw(true);
}

void ProgressBar::Draw(bool final) {
  const std::string line = Format(label_, done_, total_, unit_, detail_, NowMicros() - started_);
  if (terminal_) {
    std::fprintf(stderr, "\r\033[K%s%s", line.c_str(), final ? "\n" : "");
    std::fflush(stderr);
  } else {
    LogInfo(label_, line.substr(label_.size() + 1));
  }
}

}  // namespace footfall
