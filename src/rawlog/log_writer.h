// LogWriter: the single writer of a raw log directory. It owns the active segment, appends
// records to it with group commit, and seals it by size, by age and on Close().
//
// Visibility and durability: a record is durable — and its `done` callback runs with OK — only
// after the write(2) and fdatasync(2) of the batch that holds it returned. Every record that
// arrived while the previous batch was being synced goes into the next batch, so one fdatasync
// acknowledges many requests. Readers see only sealed segments (see reader.h), never the
// active one.
//
// Threads: Append(), SealActive(), Stats() and Close() may be called from any thread. `done`
// callbacks run on the writer's own thread and must not block; post work elsewhere instead.
// Only one LogWriter may hold a directory: Open() takes an exclusive lock on `dir/LOCK`.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "base/status.h"
#include "base/time.h"

namespace footfall::rawlog {

struct LogOptions {
  uint64_t segment_max_bytes = 64ull << 20;   // seal once the active segment reaches this size
  Micros seal_after = 60 * kMicrosPerSecond;  // seal a non-empty active segment this old
  bool sync = true;  // fdatasync before acknowledging; only tools that seal anyway turn it off
};

struct LogStats {
  uint64_t records = 0;          // appended since Open
  uint64_t bytes = 0;            // record bytes appended since Open (framing included)
  uint64_t syncs = 0;            // fdatasync calls since Open
  uint64_t sealed_segments = 0;  // segments sealed since Open
  uint64_t active_segment = 0;   // number of the active segment
};

class LogWriter {
 public:
  using Done = std::function<void(const Status&)>;

  // Opens (creating if needed) the raw log in `dir`, recovering an active segment left by a
  // crash: its torn tail is truncated (and reported in the log) and it is sealed.
  static Result<std::unique_ptr<LogWriter>> Open(const std::string& dir, LogOptions options);

  ~LogWriter();  // Close()s, ignoring its status
  LogWriter(const LogWriter&) = delete;
  LogWriter& operator=(const LogWriter&) = delete;

  // Queues one record (an encoded CollectorPayload). `done` runs once the record is durable,
  // or with an error when it could not be written (then the record is not in the log).
  // After Close() it runs at once with kFailedPrecondition.
  void Append(std::string record, Done done);

  // Makes everything appended so far durable and seals the active segment if it holds any
  // record; blocks until done.
  Status SealActive();

  // Drains the queue, seals the active segment and stops the writer thread. Idempotent.
  Status Close();

  LogStats Stats() const;

 private:
  class Impl;
  explicit LogWriter(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace footfall::rawlog
