#include "pipeline/gen.h"

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <future>
#include <memory>
#include <mutex>
#include <optional>
#include <thread>
#include <vector>

#include "pipeline/http_client.h"
#include "rawlog/segment.h"

namespace footfall::pipeline {
namespace {

// Traffic is planned, rendered and written in blocks of about this many events.
constexpr uint64_t kBlockEvents = 4096;
constexpr uint64_t kProgressEvery = 100'000;

// One block of traffic on its way through the writer: planned on one thread, rendered into
// framed records on another, written out in order by the caller's.
struct Block {
  enum class State { kFree, kPlanned, kRendering, kRendered };
  State state = State::kFree;
  std::vector<PlanItem> items;
  size_t item_count = 0;
  std::string frames;
  std::vector<size_t> ends;  // where each record's frame ends in `frames`
  uint64_t events = 0;
};

// Renders a block's planned items into framed raw-log records.
class BlockRenderer {
 public:
  explicit BlockRenderer(const TrafficOptions& options) : sessions_(options) {}

  void Render(Block* block) {
    block->frames.clear();
    block->ends.clear();
    block->events = 0;
    for (size_t i = 0; i < block->item_count; ++i) {
      PlanItem& item = block->items[i];
      if (item.studio) {
        Frame(item.studio_payload, block);
        ++block->events;
        continue;
      }
      sessions_.Start(item.session);
      while (const uint32_t events = sessions_.Next(&payload_)) {
        Frame(payload_, block);
        block->events += events;
      }
    }
  }

 private:
  void Frame(const rawlog::CollectorPayload& payload, Block* block) {
    record_.clear();
    rawlog::EncodePayload(payload, &record_);
    rawlog::FrameRecord(record_, &block->frames);
    block->ends.push_back(block->frames.size());
  }

  SessionRenderer sessions_;
  rawlog::CollectorPayload payload_;
  std::string record_;
};

// Writes framed records into segments in order, sealing each one that reaches the size limit
// on a thread of its own while the next is written: the disk writes one segment back while
// the CPU makes the next. One seal at a time, so segments are sealed in order.
class SegmentWriter {
 public:
  SegmentWriter(std::string dir, uint64_t first_number, uint64_t max_bytes)
      : dir_(std::move(dir)), number_(first_number), max_bytes_(max_bytes) {}

  Status Write(const Block& block) {
    size_t from = 0, record = 0;
    while (from < block.frames.size()) {
      if (!segment_) {
        FOOTFALL_ASSIGN_OR_RETURN(rawlog::ActiveSegment s,
                                  rawlog::ActiveSegment::Create(dir_, number_++));
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
  if (threads <= 0) threads = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));

  // Blocks go round a ring: the planner fills free ones in order, renderers take planned ones
  // in order, and this thread writes rendered ones in order.
  std::vector<Block> ring(static_cast<size_t>(2 * threads + 2));
  std::mutex mu;
  std::condition_variable changed;
  uint64_t planned = 0, claimed = 0;  // blocks planned, blocks taken by a renderer
  bool planning_done = false, stop = false;
  const auto slot = [&](uint64_t n) -> Block& { return ring[n % ring.size()]; };

  std::thread planner_thread([&] {
    TrafficPlanner planner(options);
    for (bool more = true; more;) {
      std::unique_lock l(mu);
      changed.wait(l, [&] { return stop || slot(planned).state == Block::State::kFree; });
      if (stop) return;
      Block& block = slot(planned);
      l.unlock();
      block.item_count = 0;
      for (uint64_t events = 0; events < kBlockEvents;) {
        if (block.item_count == block.items.size()) block.items.emplace_back();
        PlanItem& item = block.items[block.item_count];
        const uint64_t before = planner.planned();
        if (!(more = planner.Next(&item))) break;
        ++block.item_count;
        events += planner.planned() - before;
      }
      l.lock();
      if (block.item_count > 0) {
        block.state = Block::State::kPlanned;
        ++planned;
      }
      planning_done = !more;
      changed.notify_all();
    }
  });
  std::vector<std::thread> renderers;
  for (int t = 0; t < threads; ++t) {
    renderers.emplace_back([&] {
      BlockRenderer renderer(options);
      while (true) {
        std::unique_lock l(mu);
        changed.wait(l, [&] { return stop || claimed < planned || planning_done; });
        if (stop || claimed == planned) return;
        Block& block = slot(claimed++);
        block.state = Block::State::kRendering;
        l.unlock();
        renderer.Render(&block);
        l.lock();
        block.state = Block::State::kRendered;
        changed.notify_all();
      }
    });
  }

  SegmentWriter writer(raw_dir, first_number, segment_max_bytes);
  RawTrafficReport report;
  uint64_t reported = 0;  // events last shown by `progress`
  Status status = [&]() -> Status {
    for (uint64_t written = 0;; ++written) {
      std::unique_lock l(mu);
      changed.wait(l, [&] {
        return slot(written).state == Block::State::kRendered ||
               (planning_done && written == planned);
      });
      if (slot(written).state != Block::State::kRendered) return Status::Ok();
      Block& block = slot(written);
      l.unlock();
      FOOTFALL_RETURN_IF_ERROR(writer.Write(block));
      report.records += block.ends.size();
      report.events += block.events;
      if (progress && report.events - reported >= kProgressEvery)
        progress(reported = report.events);
      l.lock();
      block.state = Block::State::kFree;
      changed.notify_all();
    }
  }();
  {
    std::lock_guard l(mu);
    stop = true;
    changed.notify_all();
  }
  planner_thread.join();
  for (std::thread& t : renderers) t.join();
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
