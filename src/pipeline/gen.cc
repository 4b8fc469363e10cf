#include "pipeline/gen.h"

#include <algorithm>
#include <chrono>
#include <future>
#include <memory>
#include <optional>
#include <thread>

#include "pipeline/http_client.h"
#include "pipeline/traffic_frames.h"
#include "rawlog/segment.h"

namespace footfall::pipeline {
namespace {

constexpr uint64_t kProgressEvery = 100'000;

// Writes framed records into segments in order, sealing each one that reaches the size limit
// on a thread of its own while the next is written: the disk writes one segment back while
// the CPU makes the next. One seal at a time, so segments are sealed in order.
class SegmentWriter {
 public:
  SegmentWriter(std::string dir, uint64_t first_number, uint64_t max_bytes)
      : dir_(std::move(dir)), number_(first_number), max_bytes_(max_bytes) {}

  Status Write(const FramedTraffic& block) {
    size_t from = 0, record = 0;
    while (from < block.frames.size()) {
      if (!segment_) {
        // Nothing is acknowledged before the seal, which syncs the file and its new name.
        FOOTFALL_ASSIGN_OR_RETURN(
            rawlog::ActiveSegment s,
            rawlog::ActiveSegment::Create(dir_, number_++,
                                          rawlog::ActiveSegment::WhenDurable::kAtSeal));
        segment_.emplace(std::move(s));
      }
      // Up to the record that brings the segment to its limit, or the whole rest.
      const uint64_t room = max_bytes_ > segment_->size() ? max_bytes_ - segment_->size() : 0;
      const auto full = std::lower_bound(block.ends.begin() + static_cast<ptrdiff_t>(record),
                                         block.ends.end(), from + room);
      const size_t to = full == block.ends.end() ? block.frames.size() : *full;
      record = static_cast<size_t>(full - block.ends.begin()) + (full != block.ends.end());
      FOOTFALL_RETURN_IF_ERROR(
          segment_->AppendFramed(std::string_view(block.frames).substr(from, to - from)));
      bytes_ += to - from;
      from = to;
      if (full != block.ends.end()) FOOTFALL_RETURN_IF_ERROR(Seal());
    }
    return Status::Ok();
  }

  // Seals the last segment and waits for every seal; also on failure paths.
  Status Finish() {
    Status s = segment_ ? Seal() : Status::Ok();
    const Status sealed = WaitForSeal();
    return s.ok() ? sealed : s;
  }

  uint64_t segments() const { return segments_; }
  uint64_t bytes() const { return bytes_; }

 private:
  Status Seal() {
    FOOTFALL_RETURN_IF_ERROR(WaitForSeal());
    auto full = std::make_shared<rawlog::ActiveSegment>(std::move(*segment_));
    segment_.reset();
    sealing_ = std::async(std::launch::async, [full] { return full->Seal(); });
    return Status::Ok();
  }

  Status WaitForSeal() {
    if (!sealing_.valid()) return Status::Ok();
    Status s = sealing_.get();
    if (s.ok()) ++segments_;
    return s;
  }

  const std::string dir_;
  uint64_t number_;
  const uint64_t max_bytes_;
  std::optional<rawlog::ActiveSegment> segment_;
  std::future<Status> sealing_;
  uint64_t segments_ = 0;
  uint64_t bytes_ = 0;
};

}  // namespace

Result<RawTrafficReport> WriteTrafficToRawLog(const TrafficOptions& options,
                                              const std::string& raw_dir,
                                              uint64_t segment_max_bytes, const Progress& progress,
                                              int threads) {
  FOOTFALL_ASSIGN_OR_RETURN(FileLock lock, rawlog::LockRawLog(raw_dir));
  FOOTFALL_ASSIGN_OR_RETURN(uint64_t first_number, rawlog::NextSegmentNumber(raw_dir));
  SegmentWriter writer(raw_dir, first_number, segment_max_bytes);
  RawTrafficReport report;
  uint64_t reported = 0;  // events last shown by `progress`
  const Status status = RenderFramedTraffic(options, threads, [&](const FramedTraffic& block) {
    FOOTFALL_RETURN_IF_ERROR(writer.Write(block));
    report.records += block.ends.size();
    report.events += block.events;
    if (progress && report.events - reported >= kProgressEvery) progress(reported = report.events);
    return Status::Ok();
  });
  // A seal in flight is waited for on every path, failed ones included.
  const Status sealed = writer.Finish();
  FOOTFALL_RETURN_IF_ERROR(status);
  FOOTFALL_RETURN_IF_ERROR(sealed);
  report.segments = writer.segments();
  report.bytes = writer.bytes();
  if (progress && reported != report.events) progress(report.events);
  return report;
}

Status SendTrafficOverHttp(const TrafficOptions& options, const std::string& target,
                           const Progress& progress, const SendOptions& send) {
  FOOTFALL_ASSIGN_OR_RETURN(HttpClient client, HttpClient::Connect(target));
  TrafficGenerator gen(options);
  rawlog::CollectorPayload payload;
  const Micros began = NowMicros();
  while (gen.Next(&payload)) {
    if (send.stop != nullptr && send.stop->load()) break;
    if (send.events_per_second > 0) {
      // Pace to the requested rate; sleep in short steps so that a stop is noticed at once.
      const auto due = began + static_cast<Micros>(static_cast<double>(gen.produced() - 1) *
                                                   kMicrosPerSecond / send.events_per_second);
      while (NowMicros() < due && (send.stop == nullptr || !send.stop->load())) {
        std::this_thread::sleep_for(
            std::chrono::microseconds(std::min<Micros>(due - NowMicros(), 100'000)));
      }
    }
    std::vector<std::pair<std::string, std::string>> headers = {{"User-Agent", payload.user_agent}};
    if (!payload.referer.empty()) headers.emplace_back("Referer", payload.referer);
    if (!payload.network_userid.empty()) {
      headers.emplace_back("Cookie", "sp=" + payload.network_userid);
    }
    if (!payload.content_type.empty()) headers.emplace_back("Content-Type", payload.content_type);
    const std::string target_path =
        payload.query.empty() ? payload.path : payload.path + "?" + payload.query;
    FOOTFALL_ASSIGN_OR_RETURN(HttpClient::Response response,
                              client.Send(payload.method, target_path, headers, payload.body));
    if (response.status < 200 || response.status >= 300) {
      return Status(StatusCode::kFailedPrecondition,
                    "collector at " + target + " answered " + std::to_string(response.status) +
                        " after " + std::to_string(gen.produced() - 1) + " events");
    }
    if (progress && gen.produced() % 1000 == 0) progress(gen.produced());
  }
  if (progress) progress(gen.produced());
  return Status::Ok();
}

}  // namespace footfall::pipeline
