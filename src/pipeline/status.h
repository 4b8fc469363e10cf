// What a data directory holds right now: raw segments, the published version and its
// watermark, and how far batch lags behind the raw log. For `footfall status` and
// GET /api/v1/status.
#pragma once

#include <cstdint>
#include <string>

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
};

Result<DataStatus> ReadDataStatus(const std::string& data_dir);

std::string DataStatusJson(const DataStatus& s);
std::string DataStatusText(const DataStatus& s);

}  // namespace footfall::pipeline
