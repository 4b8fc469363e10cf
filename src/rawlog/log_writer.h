// LogWriter: the single writer of a raw log directory. It owns the active segment, appends
// records to it with group commit, and seals it by size, by age and on Close().
//
// Visibility and durability: a record's bytes are visible in the active `.open` file (to a
// Tailer) once the write(2) of its batch returned. When it is durable depends on
// LogOptions::durability: with kFsync (the default) its `done` callback runs with OK only
// after the fdatasync(2) of the batch that holds it returned — every record that arrived while
// the previous batch was being synced goes into the next batch, so one fdatasync acknowledges
// many requests. With kInterval and kNone, `done` runs after the write and the record becomes
// durable at the next periodic sync or at the seal (the periodic sync runs on a thread of its
// own, so records keep being written and acknowledged while it waits on the device); a machine
// crash in between loses it (an application crash does not: the bytes are in the page cache).
// Sealed segments are always durable: sealing syncs.
//
// Memory is bounded: records queued and not yet acknowledged count against max_queued_bytes and
// max_queued_records, and an Append over either is refused at once with kResourceExhausted (the
// collector answers 503 so the tracker retries later).
//
// I/O errors (a full disk, a failing device) fail exactly the records of the batch being written:
// their `done` gets the error and no byte of theirs stays in the log. The writer keeps running,
// and the next batch tries again, so it recovers by itself when space returns. Health() reports
// the error meanwhile. See WriteChunk() in log_writer.cc for what happens to the segment after a
// failed sync, and docs/formats/rawlog.md for the whole policy.
//
// Threads: Append(), SealActive(), Stats(), Health(), AcknowledgedEnd() and Close() may be called
// from any thread. `done` callbacks run on the writer's own thread and must not block; post work
// elsewhere instead. A refused Append (closed, over the bound, invalid record) runs `done` at
// once on the calling thread, before Append returns. Only one LogWriter may hold a directory:
// Open() takes an exclusive lock on `dir/LOCK`.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "base/histogram.h"
#include "base/small_function.h"
#include "base/status.h"
#include "base/time.h"
#include "rawlog/position.h"

namespace footfall::rawlog {

enum class Durability {
  kFsync,     // done(OK) only after the fdatasync of the batch: nothing acknowledged is lost
  kInterval,  // done(OK) after write(2); fdatasync at most every sync_interval — a machine
              // crash loses up to that much acknowledged data
  kNone,      // done(OK) after write(2); synced only when a segment is sealed (tools, tests)
};

// The writer's operations on the active segment that can fail, for LogOptions::inject_fault.
enum class IoStep { kWrite, kSync, kTruncate };

struct LogOptions {
  uint64_t segment_max_bytes = 64ull << 20;   // seal once the active segment reaches this size
  Micros seal_after = 60 * kMicrosPerSecond;  // seal a non-empty active segment this old
  Durability durability = Durability::kFsync;
  Micros sync_interval = 100'000;  // kInterval: the longest an acknowledged write stays unsynced
  // Backpressure: records appended and not yet acknowledged (queued or being written). An Append
  // that would go over either bound is refused with kResourceExhausted; one record is always
  // accepted when nothing is queued, so a bound below the record size cannot block the log.
  uint64_t max_queued_bytes = 64ull << 20;
  uint64_t max_queued_records = 1u << 18;
  // Fault injection for tests of the failure policy (a failed fdatasync, a failed cut after
  // it): called before each write, fdatasync and truncation of the active segment, on the
  // writer's thread (and for the periodic sync of kInterval, on the thread that runs it); a non-OK
  // status is taken as that operation's failure, and the operation is not made. Null (the default)
  // outside tests.
  std::function<Status(IoStep)> inject_fault;
};

struct LogStats {
  uint64_t records = 0;  // acknowledged OK since Open
  uint64_t bytes = 0;    // bytes of those records in the log since Open (framing included)
  uint64_t syncs = 0;    // fdatasync calls since Open (failed ones included)
  // Sealed segments in the directory and their bytes on disk: counted at Open (after recovery),
  // then kept current as segments are sealed.
  uint64_t sealed_segments = 0;
  uint64_t sealed_bytes = 0;
  uint64_t active_segment = 0;    // number of the active segment (the last one made)
  uint64_t active_bytes = 0;      // bytes in the active segment, 0 when none is open
  uint64_t queued_records = 0;    // appended, not yet acknowledged (now)
  uint64_t queued_bytes = 0;      // their record bytes (now)
  uint64_t rejected_records = 0;  // refused by backpressure since Open
  uint64_t failed_records = 0;    // whose `done` got an I/O error since Open
  uint64_t io_errors = 0;         // failed creates, writes, syncs and seals since Open
  // Segments left `.open` after an I/O error, not yet sealed (retried every second, and sealed
  // by recovery at the next Open otherwise).
  uint64_t abandoned_segments = 0;
  // Whether the last segment made writes its records with direct I/O: with kFsync, where the
  // file system takes it (ActiveSegment::WhenDurable::kEveryBatch).
  bool direct_io = false;
  bool healthy = true;               // Health().ok()
  HistogramSnapshot append_latency;  // Append → done, per record that reached the writer
  HistogramSnapshot sync_latency;    // each fdatasync of the active segment
};

// Appends the stats as Prometheus text, metric names `footfall_rawlog_*` (for /metrics).
void AppendPrometheusMetrics(const LogStats& stats, std::string* out);

class LogWriter {
 public:
  // Held inline, never on the heap (up to 64 bytes of captures).
  using Done = SmallFunction<void(const Status&), 64>;

  // Opens (creating if needed) the raw log in `dir`, recovering an active segment left by a
  // crash: its torn tail is truncated (and reported in the log) and it is sealed.
  static Result<std::unique_ptr<LogWriter>> Open(const std::string& dir, LogOptions options);

  ~LogWriter();  // Close()s, ignoring its status
  LogWriter(const LogWriter&) = delete;
  LogWriter& operator=(const LogWriter&) = delete;

  // Queues one record (an encoded CollectorPayload, 1 byte to kMaxRecordSize). `done` runs once
  // the record is acknowledged (see Durability), or with an error when it is not in the log:
  // kIoError for a failed write or sync, kResourceExhausted when over the queue bound,
  // kInvalidArgument for an empty or oversized record, kFailedPrecondition after Close().
  void Append(std::string record, Done done);
  // The same, for a caller that reuses its buffer: takes the bytes of `*record` and leaves it
  // empty, often with the capacity of a record written earlier, so that a caller encoding
  // records into one buffer allocates nothing once warm.
  void Append(std::string* record, Done done);

  // Makes everything appended so far durable and seals the active segment if it holds any
  // record; blocks until done.
  Status SealActive();

  // Drains the queue, seals the active segment and stops the writer thread. Idempotent.
  Status Close();

  LogStats Stats() const;

  // OK, or the last I/O error (a full disk, say) when the most recent batch of records failed
  // or a sync or seal failed after it: what /health reports. It is set before the `done`
  // callbacks of the batch run, and the next batch that succeeds makes it OK again.
  Status Health() const;

  // Just past the last record acknowledged OK: {active segment, its acknowledged size}, or
  // {next segment, 0} before a segment is made. A Tailer given this writer reads the active
  // segment only up to here, so it never returns a record whose append failed and, with
  // kFsync, never one that is not yet durable.
  Position AcknowledgedEnd() const;

 private:
  class Impl;
  explicit LogWriter(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace footfall::rawlog
