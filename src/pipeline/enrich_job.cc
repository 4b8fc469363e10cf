#include "pipeline/enrich_job.h"

#include <sys/stat.h>
#include <xxhash.h>

#include <algorithm>
#include <atomic>
#include <filesystem>
#include <mutex>
#include <thread>

#include "base/file_lock.h"
#include "base/files.h"
#include "base/progress.h"
#include "enrich/enrich.h"
#include "enrich/ua_parser.h"
#include "iglu/registry.h"
#include "parquet/dataset.h"
#include "pipeline/enriched_dataset.h"
#include "rawlog/segment.h"

namespace footfall::pipeline {
namespace {

// Bumped whenever enrichment's code changes what it produces for the same input and config.
constexpr std::string_view kEnrichCodeVersion = "footfall-enrich-1";
constexpr std::string_view kConfigHashProperty = "config_hash";
constexpr size_t kWriteBatch = 16 * 1024;

class Hasher {
 public:
  Hasher() { XXH3_128bits_reset(state_); }
  ~Hasher() { XXH3_freeState(state_); }
  Hasher(const Hasher&) = delete;
  Hasher& operator=(const Hasher&) = delete;
  // Length-prefixed, so that ("ab", "c") and ("a", "bc") differ.
  void Add(std::string_view s) {
    const uint64_t n = s.size();
    XXH3_128bits_update(state_, &n, sizeof n);
    XXH3_128bits_update(state_, s.data(), s.size());
  }
  void Add(int64_t v) { Add(std::to_string(v)); }
  void Add(const std::vector<std::string>& v) {
    Add(static_cast<int64_t>(v.size()));
    for (const auto& s : v) Add(s);
  }
  std::string Hex() const {
    const XXH128_hash_t h = XXH3_128bits_digest(state_);
    char out[33];
    std::snprintf(out, sizeof out, "%016llx%016llx", static_cast<unsigned long long>(h.high64),
                  static_cast<unsigned long long>(h.low64));
    return std::string(out, 16);  // 64 bits name a setup well enough
  }

 private:
  XXH3_state_t* state_ = XXH3_createState();
};

std::string SegmentName(uint64_t number) {
  char name[32];
  std::snprintf(name, sizeof name, "%012llu", static_cast<unsigned long long>(number));
  return name;
}

std::string DateOf(Micros t) { return t > 0 ? FormatDate(t) : "1970-01-01"; }

// What one worker produced for one segment, to be committed.
struct SegmentOutput {
  std::vector<parquet::ParquetWriter> files;
  uint64_t records = 0, events = 0;
  std::map<std::string, uint64_t> bad_by_type;
};

}  // namespace

Result<std::string> EnrichConfigHash(const enrich::EnrichConfig& c,
                                     const std::string& schemas_dir) {
  Hasher h;
  h.Add(kEnrichCodeVersion);
  h.Add(c.user_agent);
  h.Add(c.ua_parser_context);
  h.Add(c.referer);
  for (const enrich::RefererEntry& r : c.extra_referers) {
    h.Add(r.medium);
    h.Add(r.source);
    h.Add(r.hosts);
    h.Add(r.term_params);
  }
  h.Add(c.internal_domains);
  h.Add(c.campaign);
  h.Add(c.anonymize_ip);
  h.Add(c.ipv4_octets);
  h.Add(c.ipv6_segments);
  h.Add(c.fingerprint);
  h.Add(c.fingerprint_excluded);
  if (c.user_agent) {
    FOOTFALL_ASSIGN_OR_RETURN(std::string regexes, ReadWholeFile(enrich::kDefaultUapRegexes));
    h.Add(regexes);
  }
  h.Add(c.geo_database);
  if (!c.geo_database.empty()) {
    // A database is large: its size and modification time stand for its content.
    struct stat st {};
    if (::stat(c.geo_database.c_str(), &st) != 0) {
      return ErrnoError("geo database " + c.geo_database);
    }
    h.Add(static_cast<int64_t>(st.st_size));
    h.Add(static_cast<int64_t>(st.st_mtim.tv_sec));
  }
  if (!schemas_dir.empty()) {
    std::vector<std::string> files;
    std::error_code ec;
    for (auto it = std::filesystem::recursive_directory_iterator(schemas_dir, ec);
         !ec && it != std::filesystem::recursive_directory_iterator(); it.increment(ec)) {
      if (it->is_regular_file()) files.push_back(it->path().string());
    }
    if (ec) return IoError("cannot list schemas in " + schemas_dir + ": " + ec.message());
    std::sort(files.begin(), files.end());
    for (const std::string& f : files) {
      h.Add(f.substr(schemas_dir.size()));
      FOOTFALL_ASSIGN_OR_RETURN(std::string content, ReadWholeFile(f));
      h.Add(content);
    }
  }
  return h.Hex();
}

Result<EnrichJobReport> RunEnrich(const EnrichJobOptions& options) {
  const Micros started = NowMicros();
  const std::string& data = options.data_dir;
  FOOTFALL_RETURN_IF_ERROR(MakeDirs(data));
  FOOTFALL_ASSIGN_OR_RETURN(
      FileLock lock, FileLock::TryAcquire(data + "/enrich.lock",
                                          "an enrichment run is already going on in " + data));
  EnrichJobReport report;
  FOOTFALL_ASSIGN_OR_RETURN(report.config_hash,
                            EnrichConfigHash(options.config, options.schemas_dir));
  const std::string& hash = report.config_hash;

  const std::string enriched_dir = data + "/enriched";
  const std::string target_dir = options.reprocess ? data + "/enriched.reprocess" : enriched_dir;
  if (options.reprocess) {
    FOOTFALL_RETURN_IF_ERROR(parquet::RemoveDatasetDirectory(target_dir));
  } else if (auto current = parquet::Dataset::Open(enriched_dir); current.ok()) {
    const auto& props = current->manifest().properties;
    const auto it = props.find(std::string(kConfigHashProperty));
    if (it != props.end() && it->second != hash) {
      return FailedPrecondition(
          "the enrichment config changed since " + enriched_dir + " was built (config " +
          it->second + ", now " + hash +
          "); run `footfall enrich --reprocess` to rebuild it from the raw log");
    }
  }

  FOOTFALL_ASSIGN_OR_RETURN(iglu::SchemaRegistry registry,
                            iglu::SchemaRegistry::Load(options.schemas_dir));
  std::shared_ptr<const enrich::UaParser> ua;
  if (options.config.user_agent) {
    FOOTFALL_ASSIGN_OR_RETURN(std::unique_ptr<enrich::UaParser> parser, enrich::UaParser::Load());
    ua = std::move(parser);
  }
  parquet::DatasetWriterOptions writer_options;
  writer_options.holder = "footfall enrich";
  FOOTFALL_ASSIGN_OR_RETURN(parquet::DatasetWriter dataset,
                            parquet::DatasetWriter::Open(target_dir, writer_options));

  FOOTFALL_ASSIGN_OR_RETURN(auto segments, rawlog::ListSegments(data + "/raw"));
  std::vector<rawlog::SegmentInfo> pending;
  for (const rawlog::SegmentInfo& s : segments) {
    if (!s.sealed) continue;  // the collector's active segment: a later run takes it
    ++report.segments_total;
    if (!dataset.current().HasInput(SegmentName(s.number) + ".seg")) pending.push_back(s);
  }

  const size_t threads = std::min<size_t>(
      pending.size(),
      options.threads > 0 ? options.threads : std::max(1u, std::thread::hardware_concurrency()));
  std::vector<enrich::Enricher> enrichers;
  for (size_t t = 0; t < threads; ++t) {
    FOOTFALL_ASSIGN_OR_RETURN(enrich::Enricher e,
                              enrich::Enricher::Create(options.config, &registry, ua));
    enrichers.push_back(std::move(e));
  }

  const parquet::Schema schema = EnrichedEventSchema();
  std::mutex mu;  // guards `dataset`, `report` and `first_error`
  Status first_error;
  std::atomic<size_t> next{0};
  std::atomic<bool> failed{false};
  std::optional<ProgressBar> bar;
  if (options.progress) bar.emplace("enrich", pending.size(), "segments");
  size_t done = 0;

  // Enriches one segment into per-date Parquet files (created, not yet committed) and bad-row
  // files (written durably).
  const auto enrich_segment = [&](enrich::Enricher& enricher,
                                  const rawlog::SegmentInfo& seg) -> Result<SegmentOutput> {
    SegmentOutput out;
    const std::string name = SegmentName(seg.number);
    struct DateFile {
      std::optional<parquet::ParquetWriter> file;
      std::vector<event::Event> buffer;
    };
    std::map<std::string, DateFile> by_date;
    std::map<std::string, std::string> bad_lines;  // date -> JSON lines
    const auto open = [&](const std::string& date, DateFile& df) -> Status {
      if (df.file) return Status::Ok();
      std::lock_guard l(mu);
      FOOTFALL_ASSIGN_OR_RETURN(
          parquet::ParquetWriter w,
          dataset.CreateFile("date=" + date, name + "-" + hash + ".parquet", schema));
      df.file.emplace(std::move(w));
      return Status::Ok();
    };
    const auto flush = [&](const std::string& date, DateFile& df) -> Status {
      if (df.buffer.empty()) return Status::Ok();
      FOOTFALL_RETURN_IF_ERROR(open(date, df));
      std::vector<parquet::ColumnVector> columns;
      AppendEventColumns(df.buffer, &columns);
      df.buffer.clear();
      return df.file->Write(columns);
    };
    enrich::EnrichOutput batch;
    const auto add_bad = [&](const enrich::BadRow& bad) {
      ++out.bad_by_type[std::string(enrich::BadRowTypeName(bad.type))];
      std::string& lines = bad_lines[DateOf(bad.timestamp)];
      lines += enrich::BadRowToJson(bad);
      lines += '\n';
    };
    FOOTFALL_ASSIGN_OR_RETURN(rawlog::SegmentReader reader, rawlog::SegmentReader::Open(seg.path));
    for (;;) {
      auto record = reader.Next();
      if (!record.ok()) {
        // Damage in a sealed segment: what precedes it is kept; the rest is one bad row.
        add_bad({enrich::BadRowType::kCollectorPayloadFormatViolation,
                 0,
                 {{"segment", seg.path + " at offset " + std::to_string(reader.offset()),
                   record.status().message()}},
                 ""});
        break;
      }
      if (!*record) break;
      ++out.records;
      batch.clear();
      enricher.EnrichRecord(**record, &batch);
      if (batch.events.empty() && batch.bad_rows.empty()) {
        return Internal("a record of " + seg.path + " gave neither an event nor a bad row");
      }
      for (const enrich::BadRow& bad : batch.bad_rows) add_bad(bad);
      for (event::Event& e : batch.events) {
        const std::string date = DateOf(e.collector_tstamp.value_or(0));
        DateFile& df = by_date[date];
        df.buffer.push_back(std::move(e));
        ++out.events;
        if (df.buffer.size() >= kWriteBatch) FOOTFALL_RETURN_IF_ERROR(flush(date, df));
      }
    }
    if (by_date.empty()) {
      // No event: an empty file still records that the segment is done.
      by_date[bad_lines.empty() ? DateOf(0) : bad_lines.begin()->first];
    }
    for (auto& [date, df] : by_date) {
      FOOTFALL_RETURN_IF_ERROR(flush(date, df));
      FOOTFALL_RETURN_IF_ERROR(open(date, df));  // an empty file for a segment without events
      out.files.push_back(std::move(*df.file));
    }
    for (const auto& [date, lines] : bad_lines) {
      const std::string dir = data + "/bad/date=" + date;
      FOOTFALL_RETURN_IF_ERROR(MakeDirs(dir));
      FOOTFALL_RETURN_IF_ERROR(WriteFileDurably(dir + "/" + name + "-" + hash + ".jsonl", lines));
    }
    return out;
  };

  const auto worker = [&](enrich::Enricher& enricher) {
    for (size_t i; !failed && (i = next++) < pending.size();) {
      Result<SegmentOutput> out = enrich_segment(enricher, pending[i]);
      std::lock_guard l(mu);
      Status s = out.status();
      if (s.ok()) {
        // The segment's files alone are staged here, and committed together.
        for (parquet::ParquetWriter& f : out->files) {
          if (s = dataset.AddFile(std::move(f), {SegmentName(pending[i].number) + ".seg"});
              !s.ok()) {
            break;
          }
        }
      }
      if (s.ok()) {
        parquet::CommitOptions commit;
        commit.properties[std::string(kConfigHashProperty)] = hash;
        s = dataset.Commit(commit).status();
      }
      if (!s.ok()) {
        if (first_error.ok()) first_error = s;
        failed = true;
        return;
      }
      ++report.segments_enriched;
      report.raw_records += out->records;
      report.events += out->events;
      for (const auto& [type, n] : out->bad_by_type) {
        report.bad_rows += n;
        report.bad_rows_by_type[type] += n;
      }
      ++done;
      if (bar) bar->Update(done, HumanCount(report.events) + " events");
    }
  };
  std::vector<std::thread> pool;
  for (size_t t = 1; t < threads; ++t) pool.emplace_back(worker, std::ref(enrichers[t]));
  if (threads > 0) worker(enrichers[0]);
  for (std::thread& t : pool) t.join();
  if (bar) bar->Finish();
  FOOTFALL_RETURN_IF_ERROR(first_error);

  if (options.reprocess) {
    if (dataset.current().version == 0) {
      // An empty raw log: still publish an empty version carrying the new hash.
      parquet::CommitOptions commit;
      commit.properties[std::string(kConfigHashProperty)] = hash;
      FOOTFALL_RETURN_IF_ERROR(dataset.Commit(commit).status());
    }
    report.dataset_version = dataset.current().version;
    { parquet::DatasetWriter closing = std::move(dataset); }
    FOOTFALL_RETURN_IF_ERROR(parquet::ReplaceDatasetDirectory(target_dir, enriched_dir));
    // Bad rows of other configs are now stale.
    std::error_code ec;
    for (auto it = std::filesystem::recursive_directory_iterator(data + "/bad", ec);
         !ec && it != std::filesystem::recursive_directory_iterator(); it.increment(ec)) {
      const std::string path = it->path().string();
      if (it->is_regular_file() && !path.ends_with("-" + hash + ".jsonl")) {
        std::filesystem::remove(it->path(), ec);
      }
    }
  } else {
    report.dataset_version = dataset.current().version;
  }
  report.duration = NowMicros() - started;
  return report;
}

}  // namespace footfall::pipeline
