#include "pipeline/gen.h"

#include <algorithm>
#include <chrono>
#include <future>
#include <memory>
#include <thread>

#include "pipeline/http_client.h"
#include "rawlog/segment.h"

namespace footfall::pipeline {
namespace {
constexpr uint64_t kProgressEvery = 100'000;
constexpr size_t kWriteChunk = 1 << 20;
}  // namespace

Result<uint64_t> WriteTrafficToRawLog(const TrafficOptions& options, const std::string& raw_dir,
                                      uint64_t segment_max_bytes, const Progress& progress) {
  FOOTFALL_ASSIGN_OR_RETURN(FileLock lock, rawlog::LockRawLog(raw_dir));
  FOOTFALL_ASSIGN_OR_RETURN(uint64_t number, rawlog::NextSegmentNumber(raw_dir));
  TrafficGenerator gen(options);
  rawlog::CollectorPayload payload;
  std::string record, frames;
  uint64_t segments = 0;
  std::optional<rawlog::ActiveSegment> segment;
  // A full segment is sealed (fsync, rename, directory fsync) on a thread of its own while the
  // next one is generated: the disk writes one segment back while the CPU makes the next. One
  // seal at a time, so segments are sealed in order.
  std::future<Status> sealing;
  const auto finish_sealing = [&]() -> Status {
    if (!sealing.valid()) return Status::Ok();
    Status s = sealing.get();
    if (s.ok()) ++segments;
    return s;
  };
  const auto seal = [&]() -> Status {
    FOOTFALL_RETURN_IF_ERROR(finish_sealing());
    auto full = std::make_shared<rawlog::ActiveSegment>(std::move(*segment));
    segment.reset();
    sealing = std::async(std::launch::async, [full] { return full->Seal(); });
    return Status::Ok();
  };
  const auto flush = [&]() -> Status {
    if (frames.empty()) return Status::Ok();
    FOOTFALL_RETURN_IF_ERROR(segment->AppendFramed(frames));
    frames.clear();
    return Status::Ok();
  };
  Status status = [&]() -> Status {
    while (gen.Next(&payload)) {
      if (!segment) {
        FOOTFALL_ASSIGN_OR_RETURN(rawlog::ActiveSegment s,
                                  rawlog::ActiveSegment::Create(raw_dir, number++));
        segment.emplace(std::move(s));
      }
      record.clear();
      rawlog::EncodePayload(payload, &record);
      rawlog::FrameRecord(record, &frames);
      if (frames.size() >= kWriteChunk) FOOTFALL_RETURN_IF_ERROR(flush());
      if (segment->size() + frames.size() >= segment_max_bytes) {
        FOOTFALL_RETURN_IF_ERROR(flush());
        FOOTFALL_RETURN_IF_ERROR(seal());
      }
      if (progress && gen.produced() % kProgressEvery == 0) progress(gen.produced());
    }
    if (segment) {
      FOOTFALL_RETURN_IF_ERROR(flush());
      FOOTFALL_RETURN_IF_ERROR(seal());
    }
    return Status::Ok();
  }();
  // A seal in flight is waited for on every path, failed ones included.
  const Status sealed = finish_sealing();
  FOOTFALL_RETURN_IF_ERROR(status);
  FOOTFALL_RETURN_IF_ERROR(sealed);
  if (progress) progress(gen.produced());
  return segments;
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
