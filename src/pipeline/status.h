// What a data directory holds right now: raw segments, the published version and its
// watermark, and how far batch lags behind the raw log. For `footfall status` and
// GET /api/v1/status.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "base/status.h"

namespace footfall::pipeline {

struct DataStatus {
  std::string data_dir;
  uint64_t sealed_segments = 0;
  uint64_t sealed_bytes = 0;
  uint64_t active_segments = 0;
  uint64_t active_bytes = 0;
  uint64_t last_sealed_segment = 0;
  int64_t version = 0;  // 0: nothing published yet
  std::string built_at;
  int64_t watermark_segment = 0;
  int64_t events = 0;
  int64_t bad_rows = 0;
  uint64_t lag_segments = 0;  // sealed segments past the watermark
  uint64_t lag_bytes = 0;     // their bytes

  // The speed layer of the process reporting (footfall run / serve), when it runs one.
  struct Live {
    double sample_rate = 1.0;
    int64_t since_segment = 0;  // first raw segment counted live (watermark + 1)
    std::string position;       // where its tailer reads next, "segment:offset"
    int64_t events = 0;         // scaled to the whole population when sampling
    int64_t page_views = 0;
    int64_t sessions = 0;
    int64_t users = 0;  // HyperLogLog estimate, scaled
    int64_t lag_ms = 0;
    uint64_t bad_rows = 0;
  };
  std::optional<Live> live;

  // What each component of the reporting process is doing (footfall run / serve), in the order
  // they start; empty for `footfall status`, which reads the data directory alone.
  struct Component {
    std::string name;    // collector, speed, batch
    std::string state;   // one word: accepting, failing, following, idle, rebuilding, failed
    std::string detail;  // a sentence for people
  };
  std::vector<Component> components;
};

Result<DataStatus> ReadDataStatus(const std::string& data_dir);

std::string DataStatusJson(const DataStatus& s);
std::string DataStatusText(const DataStatus& s);

}  // namespace footfall::pipeline
