#include "engine/exchange.h"

#include <algorithm>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "engine/spill.h"

namespace footfall::engine::internal {
namespace {

// Bytes sent to one peer per round: large enough that a round's latency is amortized, small
// enough that N peers' buffers stay well inside a small budget.
constexpr uint64_t kMinRoundBytesPerPeer = 256 * 1024;
constexpr uint64_t kMaxRoundBytesPerPeer = 8 * 1024 * 1024;

// A round's message to one peer: [1 byte: the sender has more to send after this round] then
// frames of [varint map task][varint reduce partition][varint length][records].
void AppendFrame(std::string* out, size_t m, size_t r, std::string_view records) {
  WriteVarint(m, out);
  WriteVarint(r, out);
  WriteVarint(records.size(), out);
  out->append(records);
}

// Walks the blocks this rank's map tasks wrote for the reduce partitions of one destination,
// in the order a reduce task reads them: map task, chunk, partition, block.
class BlockCursor {
 public:
  BlockCursor(ShuffleData* data, std::vector<size_t> maps, std::vector<size_t> parts)
      : data_(data), maps_(std::move(maps)), parts_(std::move(parts)) {}

  // Appends frames to `out` until it holds `limit` bytes or every block went. Memory blocks
  // are freed (and returned to the retained pool) once sent.
  Status Fill(std::string* out, uint64_t limit) {
    while (out->size() < limit && mi_ < maps_.size()) {
      const size_t m = maps_[mi_];
      MapOutput* o = data_->output(m);
      if (c_ == o->chunks.size()) {
        ++mi_;
        c_ = 0;
        continue;
      }
      ShuffleChunk& chunk = o->chunks[c_];
      if (ri_ == parts_.size()) {
        ++c_;
        ri_ = 0;
        continue;
      }
      const size_t r = parts_[ri_];
      if (chunk.file == nullptr) {
        std::vector<std::string>& blocks = chunk.blocks[r];
        if (piece_ < blocks.size()) {
          AppendFrame(out, m, r, blocks[piece_++]);
          continue;
        }
        uint64_t freed = 0;
        for (const std::string& b : blocks) freed += b.size();
        std::vector<std::string>().swap(blocks);
        const uint64_t release = std::min<uint64_t>(freed, o->retained);
        o->retained -= release;
        data_->pool()->Release(release);
        piece_ = 0;
        ++ri_;
        continue;
      }
      if (!reader_) reader_.emplace(chunk.file, chunk.segments[r]);
      std::string_view block;
      FOOTFALL_ASSIGN_OR_RETURN(bool more, reader_->NextBlock(&block));
      if (more) {
        AppendFrame(out, m, r, block);
        continue;
      }
      reader_.reset();
      ++ri_;
    }
    return Status::Ok();
  }

  bool done() const { return mi_ == maps_.size(); }

 private:
  ShuffleData* data_;
  const std::vector<size_t> maps_;   // this rank's map tasks, ascending
  const std::vector<size_t> parts_;  // the destination's reduce partitions, ascending
  size_t mi_ = 0;                    // into maps_
  size_t c_ = 0;                     // chunk
  size_t ri_ = 0;                    // into parts_
  size_t piece_ = 0;                 // block of a memory chunk
  std::optional<RunReader> reader_;  // block of a spilled chunk
};

// Files received blocks as map outputs of the (remote) map tasks that wrote them. Each remote
// map task has at most one chunk in memory at a time; when the received bytes in memory pass
// the limit, every such chunk is spilled (one run per owned partition), so that the chunks of a
// map task stay in the order their blocks were written.
class BlockReceiver {
 public:
  BlockReceiver(Context& ctx, ShuffleData* data, size_t reduce_partitions, uint64_t limit)
      : ctx_(ctx),
        data_(data),
        partitions_(reduce_partitions),
        limit_(limit),
        pending_(data->map_tasks()) {}
  ~BlockReceiver() { Account(0); }

  Status Add(size_t source, std::string_view frames) {
    Executor& ex = ctx_.executor();
    Decoder in(frames);
    while (!in.empty()) {
      const uint64_t m = in.Varint();
      const uint64_t r = in.Varint();
      const uint64_t n = in.Varint();
      std::string_view records = in.Take(n);
      if (!in.ok() || m >= pending_.size() || m % ex.num_ranks() != source || r >= partitions_ ||
          !ex.Owns(r)) {
        return Corruption("shuffle exchange: a malformed block from rank " +
                          std::to_string(source));
      }
      std::optional<ShuffleChunk>& p = pending_[m];
      if (!p) {
        p.emplace();
        p->blocks.resize(partitions_);
      }
      p->blocks[r].emplace_back(records);
      bytes_ += records.size();
    }
    Account(bytes_);
    if (bytes_ > limit_) return SpillPending();
    return Status::Ok();
  }

  // Keeps what is still in memory when the retained pool has room, else spills it.
  Status Finish() {
    if (bytes_ == 0) return Status::Ok();
    if (!data_->pool()->TryReserve(bytes_)) return SpillPending();
    for (size_t m = 0; m < pending_.size(); ++m) {
      std::optional<ShuffleChunk>& p = pending_[m];
      if (!p) continue;
      uint64_t n = 0;
      for (const auto& blocks : p->blocks) {
        for (const std::string& b : blocks) n += b.size();
      }
      MapOutput* o = data_->output(m);
      o->retained += n;
      o->chunks.push_back(std::move(*p));
      p.reset();
    }
    bytes_ = 0;
    Account(0);
    return Status::Ok();
  }

 private:
  Status SpillPending() {
    if (writer_ == nullptr) {
      FOOTFALL_ASSIGN_OR_RETURN(auto file,
                                SpillFile::Create(ctx_.spill_dir(), ctx_.spill_counters()));
      writer_ = std::make_unique<RunWriter>(std::move(file));
    }
    for (size_t m = 0; m < pending_.size(); ++m) {
      std::optional<ShuffleChunk>& p = pending_[m];
      if (!p) continue;
      ShuffleChunk chunk;
      chunk.file = writer_->file();
      chunk.segments.resize(partitions_);
      for (size_t r = 0; r < partitions_; ++r) {
        if (p->blocks[r].empty()) continue;
        for (const std::string& b : p->blocks[r]) {
          FOOTFALL_RETURN_IF_ERROR(writer_->WriteBlock(b));
        }
        FOOTFALL_ASSIGN_OR_RETURN(chunk.segments[r], writer_->FinishRun());
      }
      data_->output(m)->chunks.push_back(std::move(chunk));
      p.reset();
    }
    bytes_ = 0;
    Account(0);
    return Status::Ok();
  }

  void Account(uint64_t bytes) {
    ctx_.NoteAccounted(static_cast<int64_t>(bytes) - static_cast<int64_t>(accounted_));
    accounted_ = bytes;
  }

  Context& ctx_;
  ShuffleData* data_;
  const size_t partitions_;
  const uint64_t limit_;
  std::vector<std::optional<ShuffleChunk>> pending_;  // by map task
  uint64_t bytes_ = 0;                                // in pending_
  uint64_t accounted_ = 0;
  std::unique_ptr<RunWriter> writer_;
};

}  // namespace

namespace {

Status Exchange(Context& ctx, ShuffleData* data, size_t reduce_partitions) {
  Executor& ex = ctx.executor();
  const size_t ranks = ex.num_ranks();
  const size_t me = ex.rank();
  const uint64_t budget = ctx.options().memory_budget_bytes;
  const uint64_t round_bytes =
      std::clamp<uint64_t>(budget / 8 / ranks, kMinRoundBytesPerPeer, kMaxRoundBytesPerPeer);

  std::vector<size_t> maps;
  for (size_t m = me; m < data->map_tasks(); m += ranks) maps.push_back(m);
  std::vector<std::unique_ptr<BlockCursor>> cursors(ranks);
  for (size_t d = 0; d < ranks; ++d) {
    if (d == me) continue;
    std::vector<size_t> parts;
    for (size_t r = d; r < reduce_partitions; r += ranks) parts.push_back(r);
    cursors[d] = std::make_unique<BlockCursor>(data, maps, std::move(parts));
  }
  // Between stages no task runs: the tasks' half of the budget holds received blocks.
  BlockReceiver receiver(ctx, data, reduce_partitions, std::max<uint64_t>(1, budget / 2));

  while (true) {
    std::vector<std::string> send(ranks);
    bool more = false;
    for (size_t d = 0; d < ranks; ++d) {
      if (d == me) continue;
      send[d].push_back('\0');
      FOOTFALL_RETURN_IF_ERROR(cursors[d]->Fill(&send[d], round_bytes + 1));
      more = more || !cursors[d]->done();
    }
    for (size_t d = 0; d < ranks; ++d) {
      if (d != me) send[d][0] = more ? '\1' : '\0';
    }
    FOOTFALL_ASSIGN_OR_RETURN(std::vector<std::string> received, ex.AllToAll(std::move(send)));
    if (received.size() != ranks) return Internal("shuffle exchange: wrong number of peers");
    bool anyone_more = more;
    for (size_t s = 0; s < ranks; ++s) {
      if (s == me) continue;
      const std::string& msg = received[s];
      if (msg.empty()) {
        return Corruption("shuffle exchange: an empty message from rank " + std::to_string(s));
      }
      anyone_more = anyone_more || msg[0] != '\0';
      FOOTFALL_RETURN_IF_ERROR(receiver.Add(s, std::string_view(msg).substr(1)));
    }
    // Every rank saw every rank's flag, so all of them stop after the same round.
    if (!anyone_more) break;
  }
  return receiver.Finish();
}

}  // namespace

Status ExchangeShuffle(Context& ctx, ShuffleData* data, size_t reduce_partitions) {
  if (ctx.executor().num_ranks() == 1) return Status::Ok();
  Status s = Exchange(ctx, data, reduce_partitions);
  // A rank that fails here (a spill file it cannot write, a malformed block) cannot tell the
  // others, which wait in the next round or the next stage's agreement: the job ends.
  if (!s.ok()) ctx.executor().AbortJob(s.WithContext("shuffle exchange"));
  return s;
}

}  // namespace footfall::engine::internal
