// Enrichment: collector payload -> canonical enriched events, or typed bad rows.
//
// A pure function of (payload, EnrichConfig, schema registry, uap-core regexes, geo database):
// the same payload always gives the same events and bad rows. Event ids a tracker did not send
// are derived from the payload's bytes, nothing reads the clock, and caches never change a
// result — so the enriched dataset can be rebuilt from the raw log with identical results.
//
// Every payload yields at least one event or one bad row, and every item of a tp2 POST batch
// yields exactly one of the two: a bad item never rejects the others.
#pragma once

#include <functional>
#include <memory>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "enrich/bad_row.h"
#include "enrich/config.h"
#include "event/event.h"
#include "rawlog/payload.h"

namespace footfall::iglu {
class SchemaRegistry;
}  // namespace footfall::iglu

namespace footfall::enrich {

class UaParser;

struct EnrichOutput {
  std::vector<event::Event> events;
  std::vector<BadRow> bad_rows;
  void clear() {
    events.clear();
    bad_rows.clear();
  }
};

// Turns payloads into events with the configured enrichments.
//
// Ownership: the registry (may be null: no schema validation) must outlive the Enricher; the
// UaParser is shared between Enrichers (it is immutable and thread-safe) and may be null only
// when `config.user_agent` is off. The Enricher owns its scratch buffers, its user-agent result
// cache (bounded by `config.ua_cache_entries`) and its geo database handle.
//
// Threads: not thread-safe — create one per worker thread. Two Enrichers with the same inputs
// give identical outputs.
class Enricher {
 public:
  // kFailedPrecondition when the user-agent enrichment is on without a parser; kInvalidArgument
  // for out-of-range anonymization counts; the geo database's errors when it cannot be opened.
  static Result<Enricher> Create(EnrichConfig config, const iglu::SchemaRegistry* registry,
                                 std::shared_ptr<const UaParser> ua_parser);

  Enricher(Enricher&&) noexcept;
  Enricher& operator=(Enricher&&) noexcept;
  ~Enricher();

  // Appends the events (one per tracker-protocol item) and bad rows of one payload to `out`.
  void Enrich(const rawlog::CollectorPayload& payload, EnrichOutput* out);

  // Decodes one raw-log record and enriches it; an undecodable record becomes a
  // collector_payload_format_violation bad row.
  void EnrichRecord(std::string_view record, EnrichOutput* out);

  // Decides, before the costly work, whether an item is enriched at all, from the key its event
  // would be sampled by: the domain_userid, else the network_userid, else the event id — the
  // values the event would get (views::UserKey, then event_id). Skipped items yield neither an
  // event nor a bad row. For the speed layer's sampling.
  using ItemFilter = std::function<bool(std::string_view sample_key)>;
  void EnrichRecord(std::string_view record, const ItemFilter& keep, EnrichOutput* out);

  const EnrichConfig& config() const;

  struct Stats {
    uint64_t ua_cache_hits = 0, ua_cache_misses = 0;
  };
  Stats stats() const;

 private:
  struct Impl;
  explicit Enricher(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace footfall::enrich
