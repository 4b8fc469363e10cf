#include "pipeline/traffic_frames.h"

#include <algorithm>
#include <condition_variable>
#include <mutex>
#include <thread>
#include <vector>

#include "pipeline/traffic.h"
#include "rawlog/segment.h"

namespace footfall::pipeline {
namespace {

// Traffic is planned, rendered and handed on in blocks of about this many events.
constexpr uint64_t kBlockEvents = 4096;

// One block of traffic on its way: planned on one thread, rendered into framed records on
// another, handed to the sink in order on the caller's.
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
  static void Frame(const rawlog::CollectorPayload& payload, Block* block) {
    const size_t frame = rawlog::BeginFrame(&block->frames);
    rawlog::EncodePayload(payload, &block->frames);
    rawlog::EndFrame(frame, &block->frames);
    block->ends.push_back(block->frames.size());
  }

  SessionRenderer sessions_;
  rawlog::CollectorPayload payload_;
};

}  // namespace

Status RenderFramedTraffic(const TrafficOptions& options, int threads,
                           const FramedTrafficSink& sink) {
  if (threads <= 0) threads = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  // Blocks go round a ring: the planner fills free ones in order, renderers take planned ones
  // in order, and this thread hands rendered ones to the sink in order.
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

  Status status = [&]() -> Status {
    for (uint64_t handed = 0;; ++handed) {
      std::unique_lock l(mu);
      changed.wait(l, [&] {
        return slot(handed).state == Block::State::kRendered ||
               (planning_done && handed == planned);
      });
      if (slot(handed).state != Block::State::kRendered) return Status::Ok();
      Block& block = slot(handed);
      l.unlock();
      FOOTFALL_RETURN_IF_ERROR(sink({block.frames, block.ends, block.events}));
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
  return status;
}

}  // namespace footfall::pipeline
