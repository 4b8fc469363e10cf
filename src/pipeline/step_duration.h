// How long one step of a batch run took: "read and deduplicate", "sessions", "flow <name>",
// "Parquet views"... — the run report's durations per view.
#pragma once

#include <string>

#include "base/time.h"

namespace footfall::pipeline {

struct StepDuration {
  std::string step;
  Micros micros = 0;
};

}  // namespace footfall::pipeline
