// A geo database for the synthetic traffic: the networks its visitors' addresses come from
// (traffic_catalog.h), each placed in its country's city. `footfall run --demo` enriches with it,
// so that the demo's views have countries; real traffic needs a real database.
#pragma once

#include <string>

#include "base/status.h"
#include "pipeline/config.h"

namespace footfall::pipeline {

// Writes the database to `path` (a MaxMind-format City database), unless the file already holds
// these very bytes: its modification time, part of the enrichment config's identity, then stays.
Status WriteTrafficGeoDatabase(const std::string& path);

// For views of the synthetic traffic (`run --demo`, `batch --demo-views`): when `config` names
// no geo database, writes this one as DATA_DIR/demo-geo.mmdb and names it.
Status UseTrafficGeoDatabase(Config* config);

}  // namespace footfall::pipeline
