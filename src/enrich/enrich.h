// Enrichment: collector payload -> canonical enriched events, or typed bad rows.
//
// A pure function: the same payload always gives the same events and bad rows (event ids that
// a tracker did not send are derived from the payload's bytes, not drawn at random), so the
// enriched dataset can be rebuilt from the raw log at any time with identical results.
#pragma once

#include <string_view>
#include <vector>

#include "enrich/bad_row.h"
#include "event/event.h"
#include "rawlog/payload.h"

namespace footfall::enrich {

struct EnrichOutput {
  std::vector<event::Event> events;
  std::vector<BadRow> bad_rows;
  void clear() {
    events.clear();
    bad_rows.clear();
  }
};

// Appends the events (one per tracker-protocol item) and bad rows of one payload to `out`.
void EnrichPayload(const rawlog::CollectorPayload& payload, EnrichOutput* out);

// Decodes one raw-log record and enriches it; an undecodable record becomes a
// collector_payload_format_violation bad row.
void EnrichRecord(std::string_view record, EnrichOutput* out);

}  // namespace footfall::enrich
