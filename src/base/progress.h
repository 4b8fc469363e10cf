// ProgressBar: how far a long job has got, for people watching it. On a terminal (stderr is a
// tty) it redraws one line in place — label, bar, done/total, a detail, elapsed time; otherwise
// it logs a line every few seconds, so that logs of unattended runs show progress too.
//
// Update may be called from any thread and as often as wanted: drawing is rate-limited.
// Finish (or the destructor) draws the final state and ends the line.
#pragma once

#include <cstdint>
#include <mutex>
#include <string>

#include "base/time.h"

namespace footfall {

class ProgressBar {
 public:
  // `unit` names what is counted ("segments"); `total` 0 means unknown (no bar is drawn).
  ProgressBar(std::string label, uint64_t total, std::string unit);
  ProgressBar(const ProgressBar&) = delete;
  ProgressBar& operator=(const ProgressBar&) = delete;
  ~ProgressBar();

  // `done` of `total` finished; `detail` is shown after the count ("1.2M events").
  void Update(uint64_t done, const std::string& detail = "");
  void Finish();

  // The line drawn for a state, without terminal control characters (for tests).
  static std::string Format(const std::string& label, uint64_t done, uint64_t total,
                            const std::string& unit, const std::string& detail, Micros elapsed);

 private:
  void Draw(bool final);  // with mu_ held

  // Constant after construction.
  const std::string label_;
  const uint64_t total_;
  const std::string unit_;
  const bool terminal_;
  const Micros started_;

  std::mutex mu_;
  uint64_t done_ = 0;      // guarded by mu_
  std::string detail_;     // guarded by mu_
  Micros last_draw_ = 0;   // guarded by mu_
  bool finished_ = false;  // guarded by mu_
};

// "1.2M", "35.0k", "812": a count for a progress line.
std::string HumanCount(uint64_t n);

}  // namespace footfall
