// The engine's shuffle and its memory-bounded buffers: map outputs partitioned by a stable hash
// of the key (or by range), external sorting with multiway merge, and hash aggregation that
// spills sorted runs. Internal to the engine's operators (dataset.h).
#pragma once

#include <xxhash.h>

#include <algorithm>
#include <array>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include "engine/context.h"
#include "engine/flat_table.h"
#include "engine/serializer.h"
#include "engine/spill.h"

namespace footfall::engine::internal {

// Runs merged at once; more are first merged into longer runs. Each open run holds about two
// blocks, so a merge holds at most kMaxMergeFanIn * 2 * kSpillBlockBytes (8 MiB) beyond the
// budget.
inline constexpr size_t kMaxMergeFanIn = 64;

// Seeds: one for choosing a partition, another for hash tables, so that the keys that meet in
// one partition still spread over a table's buckets.
inline constexpr uint64_t kPartitionSeed = 0;
inline constexpr uint64_t kTableSeed = 0x9e3779b97f4a7c15ULL;

// The stable hash of a key: xxHash3 of its serialized bytes, the same in every process.
template <typename K>
uint64_t StableHash(const K& key, uint64_t seed) {
  thread_local std::string scratch;
  scratch.clear();
  Serialize(key, &scratch);
  return XXH3_64bits_withSeed(scratch.data(), scratch.size(), seed);
}

inline size_t PartitionOfHash(uint64_t hash, size_t partitions) {
  return static_cast<size_t>((static_cast<unsigned __int128>(hash) * partitions) >> 64);
}

// The hash a table probes by: any function of the key that is the same on every run; strings
// skip the serialization.
template <typename K>
uint64_t TableHash(const K& key) {
  if constexpr (std::is_same_v<K, std::string>) {
    return XXH3_64bits_withSeed(key.data(), key.size(), kTableSeed);
  } else {
    return StableHash(key, kTableSeed);
  }
}

// One map task's output for one shuffle input, in the order written: chunks in memory or
// spilled (one run per reduce partition in a spill file). In memory, each reduce partition is a
// list of blocks of serialized records, each ending at a record boundary and up to about
// kSpillBlockBytes long: written without ever copying what a block already holds, spilled block
// by block, and the unit in which an exchange between ranks sends a partition.
struct ShuffleChunk {
  std::vector<std::vector<std::string>> blocks;  // by reduce partition
  std::shared_ptr<SpillFile> file;
  std::vector<SpillSegment> segments;
};
struct MapOutput {
  std::vector<ShuffleChunk> chunks;
  uint64_t retained = 0;  // bytes of `memory` chunks drawn from the retained pool
};

// Every map output of one shuffle input. Each map task writes its own slot; reduce tasks read
// after the map stage ended. Returns what it holds to the retained pool when destroyed.
class ShuffleData {
 public:
  ShuffleData(MemoryPool* pool, size_t map_tasks) : pool_(pool), outputs_(map_tasks) {}
  ~ShuffleData() {
    for (auto& o : outputs_) pool_->Release(o.retained);
  }
  ShuffleData(const ShuffleData&) = delete;
  ShuffleData& operator=(const ShuffleData&) = delete;

  MapOutput* output(size_t map_task) { return &outputs_[map_task]; }
  size_t map_tasks() const { return outputs_.size(); }
  MemoryPool* pool() const { return pool_; }

  // fn(block) for each block of reduce partition `r`, in map-task order, then chunk order.
  template <typename F>
  void ForEachBlock(size_t r, F&& fn) const {
    for (size_t m = 0; m < outputs_.size(); ++m) ForEachBlockOf(m, r, fn);
  }
  // fn(block) for each block that map task `m` wrote for reduce partition `r`, in chunk order.
  template <typename F>
  void ForEachBlockOf(size_t m, size_t r, F&& fn) const {
    for (const ShuffleChunk& c : outputs_[m].chunks) {
      if (c.file == nullptr) {
        for (const std::string& block : c.blocks[r]) fn(std::string_view(block));
        continue;
      }
      RunReader reader(c.file, c.segments[r]);
      std::string_view block;
      while (ValueOrThrow(reader.NextBlock(&block))) fn(block);
    }
  }

 private:
  MemoryPool* pool_;
  std::vector<MapOutput> outputs_;
};

// Decodes every record of `block`, calling fn(R&&).
template <typename R, typename F>
void DecodeBlock(std::string_view block, F&& fn) {
  Decoder in(block);
  while (!in.empty()) {
    R rec{};
    Deserialize(in, &rec);
    if (!in.ok()) throw TaskFailure(Corruption("shuffle data: a record does not decode"));
    fn(std::move(rec));
  }
}

// Every record of reduce partition `r`, in a deterministic order (map task, then write order).
template <typename R, typename F>
void ReadPartition(const ShuffleData& data, size_t r, TaskContext& tc, F&& fn) {
  uint64_t n = 0;
  data.ForEachBlock(r, [&](std::string_view block) {
    tc.CheckCancelled();
    DecodeBlock<R>(block, [&](R&& rec) {
      ++n;
      fn(std::move(rec));
    });
  });
  (void)n;
}

// Emptied full-sized shuffle blocks a thread keeps for its next tasks' writers: a shuffle
// larger than memory spills every task's blocks, and without this each task would allocate its
// blocks again and fault their pages in. Holds at most kMaxBlocks (about 40 MiB) beyond the
// budget, per thread.
class BlockPool {
 public:
  static constexpr size_t kMaxBlocks = 512;

  static BlockPool& OfThisThread() {
    thread_local BlockPool pool;
    return pool;
  }
  // An empty block, reserved to `capacity` when none is kept.
  std::string Take(size_t capacity) {
    if (blocks_.empty()) {
      std::string b;
      b.reserve(capacity);
      return b;
    }
    std::string b = std::move(blocks_.back());
    blocks_.pop_back();
    return b;
  }
  // Keeps `block` if it is full-sized (one that a huge record made larger is freed).
  void Give(std::string&& block) {
    const size_t c = block.capacity();
    if (c < kSpillBlockBytes || c > 2 * kSpillBlockBytes || blocks_.size() == kMaxBlocks) return;
    block.clear();
    blocks_.push_back(std::move(block));
  }

 private:
  std::vector<std::string> blocks_;
};

// Writes one map task's records into per-reduce-partition buffers. Over the task's memory share
// the buffers go to a spill file as one chunk; at the end they stay in memory when the retained
// pool has room, else they are spilled too. One task's thread.
class PartitionWriter {
 public:
  PartitionWriter(TaskContext& tc, size_t partitions, MapOutput* out, uint64_t share)
      : tc_(tc), accounted_(tc), out_(out), share_(share), blocks_(partitions) {}

  // Appends one record, serialized as `write(std::string*)` does, to partition `r`.
  template <typename W>
  void Write(size_t r, W&& write) {
    std::string& b = OpenBlock(r);
    const size_t before = b.size();
    write(&b);
    bytes_ += b.size() - before;
    total_bytes_ += b.size() - before;
    if ((++records_ & 1023) == 0) {
      tc_.CheckCancelled();
      accounted_.Set(bytes_);
    }
    if (bytes_ > share_) Spill();
  }

  // A key and a value, to the partition the stable hash of the key chooses.
  template <typename K, typename V>
  void WriteKeyed(const K& key, const V& value) {
    key_scratch_.clear();
    Serialize(key, &key_scratch_);
    const size_t r = PartitionOfHash(
        XXH3_64bits_withSeed(key_scratch_.data(), key_scratch_.size(), kPartitionSeed),
        blocks_.size());
    Write(r, [&](std::string* b) {
      b->append(key_scratch_);
      Serialize(value, b);
    });
  }

  void Finish() {
    if (bytes_ > 0) {
      if (tc_.retained_pool()->TryReserve(bytes_)) {
        out_->retained += bytes_;
        // Only a partition's last block may be much larger than it holds.
        for (auto& list : blocks_) {
          if (!list.empty() && list.back().capacity() > 2 * list.back().size()) {
            list.back().shrink_to_fit();
          }
        }
        ShuffleChunk chunk;
        chunk.blocks = std::move(blocks_);
        out_->chunks.push_back(std::move(chunk));
      } else {
        Spill();
      }
    }
    accounted_.Set(0);
    tc_.AddRows(records_);
    tc_.AddShuffleBytes(total_bytes_);
    tc_.context()->AddShuffle(records_, total_bytes_);
  }

 private:
  // Room past its size in a block, so that a record under a quarter of the size never makes a
  // block grow (and copy what it holds).
  static constexpr size_t Reserve(size_t size) { return size + size / 4; }
  static constexpr size_t kFirstBlockBytes = kSpillBlockBytes / 16;
  // The size of a partition's k-th block: 4 KiB, doubling up to kSpillBlockBytes, so that a
  // small partition stays small and a large one is written in full-sized blocks.
  static size_t BlockSize(size_t k) { return k >= 4 ? kSpillBlockBytes : kFirstBlockBytes << k; }

  // The block partition `r`'s next record goes to, a new one once the last holds its size.
  // Full-sized blocks come from the thread's pool when it has some.
  std::string& OpenBlock(size_t r) {
    std::vector<std::string>& list = blocks_[r];
    if (!list.empty() && list.back().size() < BlockSize(list.size() - 1)) return list.back();
    const size_t size = BlockSize(list.size());
    if (size == kSpillBlockBytes) {
      list.push_back(BlockPool::OfThisThread().Take(Reserve(size)));
    } else {
      list.emplace_back().reserve(Reserve(size));
    }
    return list.back();
  }

  void Spill() {
    if (writer_ == nullptr) writer_ = std::make_unique<RunWriter>(tc_.NewSpillFile());
    ShuffleChunk chunk;
    chunk.file = writer_->file();
    for (auto& list : blocks_) {
      for (std::string& block : list) {
        ThrowIfError(writer_->WriteBlock(block));
        BlockPool::OfThisThread().Give(std::move(block));
      }
      list.clear();
      chunk.segments.push_back(ValueOrThrow(writer_->FinishRun()));
    }
    out_->chunks.push_back(std::move(chunk));
    bytes_ = 0;
    accounted_.Set(0);
  }

  TaskContext& tc_;
  Accounted accounted_;
  MapOutput* out_;
  uint64_t share_;
  std::vector<std::vector<std::string>> blocks_;  // by reduce partition
  std::string key_scratch_;
  std::unique_ptr<RunWriter> writer_;
  uint64_t bytes_ = 0;  // in blocks_ now
  uint64_t total_bytes_ = 0;
  uint64_t records_ = 0;
};

// A sorted run in a spill file.
struct Run {
  std::shared_ptr<SpillFile> file;
  SpillSegment segment;
};

// Sorts `records` by `less` (stably: equal records keep their order). Large records are not
// moved around by the sort: an order of indices is sorted, then each record moved once.
template <typename R, typename Less>
void StableSortRecords(std::vector<R>* records, const Less& less) {
  if constexpr (sizeof(R) <= 64) {
    std::stable_sort(records->begin(), records->end(), less);
  } else {
    std::vector<uint32_t> order(records->size());
    for (uint32_t i = 0; i < order.size(); ++i) order[i] = i;
    const std::vector<R>& r = *records;
    std::stable_sort(order.begin(), order.end(),
                     [&](uint32_t a, uint32_t b) { return less(r[a], r[b]); });
    std::vector<R> sorted;
    sorted.reserve(records->size());
    for (uint32_t i : order) sorted.push_back(std::move((*records)[i]));
    *records = std::move(sorted);
  }
}

// A source of records in sorted order for a merge.
template <typename R>
class SortedSource {
 public:
  virtual ~SortedSource() = default;
  virtual bool Valid() const = 0;
  virtual R& Current() = 0;
  virtual void Advance() = 0;
};

template <typename R>
class VectorSource final : public SortedSource<R> {
 public:
  explicit VectorSource(std::vector<R> records) : records_(std::move(records)) {}
  bool Valid() const override { return i_ < records_.size(); }
  R& Current() override { return records_[i_]; }
  void Advance() override { ++i_; }

 private:
  std::vector<R> records_;
  size_t i_ = 0;
};

template <typename R>
class RunSource final : public SortedSource<R> {
 public:
  explicit RunSource(const Run& run) : reader_(run.file, run.segment), in_(nullptr, nullptr) {
    Advance();
  }
  bool Valid() const override { return valid_; }
  R& Current() override { return current_; }
  void Advance() override {
    while (in_.empty()) {
      std::string_view block;
      if (!ValueOrThrow(reader_.NextBlock(&block))) {
        valid_ = false;
        return;
      }
      in_ = Decoder(block);
    }
    Deserialize(in_, &current_);
    if (!in_.ok()) throw TaskFailure(Corruption("spill run: a record does not decode"));
  }

 private:
  RunReader reader_;
  Decoder in_;
  R current_{};
  bool valid_ = true;
};

// Merges sorted sources into one sorted stream; equal records come in source order, so merging
// runs written in input order is a stable sort of the input.
template <typename R, typename Less>
class MergeStream final : public SortedSource<R> {
 public:
  MergeStream(std::vector<std::unique_ptr<SortedSource<R>>> sources, Less less)
      : sources_(std::move(sources)), less_(less) {
    for (size_t i = 0; i < sources_.size(); ++i) {
      if (sources_[i]->Valid()) heap_.push_back(i);
    }
    std::make_heap(heap_.begin(), heap_.end(), HeapLess{this});
  }
  bool Valid() const override { return !heap_.empty(); }
  R& Current() override { return sources_[heap_.front()]->Current(); }
  void Advance() override {
    std::pop_heap(heap_.begin(), heap_.end(), HeapLess{this});
    const size_t i = heap_.back();
    sources_[i]->Advance();
    if (sources_[i]->Valid()) {
      std::push_heap(heap_.begin(), heap_.end(), HeapLess{this});
    } else {
      heap_.pop_back();
    }
  }

 private:
  // std heaps keep the greatest on top: "a < b" here means b comes out first.
  struct HeapLess {
    MergeStream* m;
    bool operator()(size_t a, size_t b) const {
      R& ra = m->sources_[a]->Current();
      R& rb = m->sources_[b]->Current();
      if (m->less_(rb, ra)) return true;
      if (m->less_(ra, rb)) return false;
      return a > b;
    }
  };
  std::vector<std::unique_ptr<SortedSource<R>>> sources_;
  Less less_;
  std::vector<size_t> heap_;
};

// Writes a sorted vector as one run.
template <typename R>
Run WriteRun(RunWriter* writer, SortedSource<R>& records) {
  for (; records.Valid(); records.Advance()) {
    Serialize(records.Current(), writer->buffer());
    ThrowIfError(writer->MaybeFlush());
  }
  return Run{writer->file(), ValueOrThrow(writer->FinishRun())};
}

// Merges `runs` (kept in order) plus an in-memory sorted tail into one stream, first merging
// runs into longer ones while there are more than kMaxMergeFanIn.
template <typename R, typename Less>
std::unique_ptr<SortedSource<R>> MergeRuns(TaskContext& tc, RunWriter* writer,
                                           std::vector<Run> runs, std::vector<R> tail, Less less) {
  while (runs.size() + 1 > kMaxMergeFanIn) {
    std::vector<Run> next;
    for (size_t i = 0; i < runs.size(); i += kMaxMergeFanIn) {
      const size_t end = std::min(runs.size(), i + kMaxMergeFanIn);
      if (end - i == 1) {
        next.push_back(runs[i]);
        continue;
      }
      std::vector<std::unique_ptr<SortedSource<R>>> sources;
      for (size_t j = i; j < end; ++j) sources.push_back(std::make_unique<RunSource<R>>(runs[j]));
      MergeStream<R, Less> merged(std::move(sources), less);
      tc.CheckCancelled();
      next.push_back(WriteRun(writer, merged));
    }
    runs = std::move(next);
  }
  std::vector<std::unique_ptr<SortedSource<R>>> sources;
  for (const Run& run : runs) sources.push_back(std::make_unique<RunSource<R>>(run));
  sources.push_back(std::make_unique<VectorSource<R>>(std::move(tail)));
  if (sources.size() == 1) return std::move(sources.front());
  return std::make_unique<MergeStream<R, Less>>(std::move(sources), less);
}

// Sorts any number of records (stably) within a memory share: sorted runs go to a spill file
// when the buffer exceeds it, and Finish() merges them. One task's thread.
template <typename R, typename Less>
class ExternalSorter {
 public:
  ExternalSorter(TaskContext& tc, Less less, uint64_t share)
      : tc_(tc), accounted_(tc), less_(less), share_(share) {}

  void Add(R&& rec) {
    heap_bytes_ += HeapBytes(rec);
    records_.push_back(std::move(rec));
    if ((records_.size() & 1023) == 0) {
      tc_.CheckCancelled();
      accounted_.Set(bytes());
    }
    if (bytes() > share_) Spill();
  }

  std::unique_ptr<SortedSource<R>> Finish() {
    StableSortRecords(&records_, less_);
    RunWriter* w = runs_.size() + 1 > kMaxMergeFanIn ? writer() : nullptr;
    auto out = MergeRuns(tc_, w, std::move(runs_), std::move(records_), less_);
    records_ = {};
    heap_bytes_ = 0;
    return out;
  }

 private:
  uint64_t bytes() const { return records_.capacity() * sizeof(R) + heap_bytes_; }
  RunWriter* writer() {
    if (writer_ == nullptr) writer_ = std::make_unique<RunWriter>(tc_.NewSpillFile());
    return writer_.get();
  }
  void Spill() {
    StableSortRecords(&records_, less_);
    VectorSource<R> sorted(std::move(records_));
    runs_.push_back(WriteRun(writer(), sorted));
    records_ = {};
    heap_bytes_ = 0;
    accounted_.Set(0);
  }

  TaskContext& tc_;
  Accounted accounted_;
  Less less_;
  uint64_t share_;
  std::vector<R> records_;
  uint64_t heap_bytes_ = 0;
  std::vector<Run> runs_;
  std::unique_ptr<RunWriter> writer_;
};

// Feeds (key, x) records to a HashAggregator a batch at a time, every lookup of a batch
// prefetched before the first is made: a table larger than the caches is bound by the latency
// of its misses, and this overlaps them. add(K&&, uint64_t hash, X&&) does the adding.
template <typename K, typename X, typename Table, typename AddFn>
class PrefetchingAdder {
 public:
  PrefetchingAdder(const Table& table, AddFn add) : table_(table), add_(std::move(add)) {
    batch_.reserve(kBatch);
  }

  void Add(std::pair<K, X>&& record) {
    hashes_[batch_.size()] = table_.Prefetch(record.first);
    batch_.push_back(std::move(record));
    if (batch_.size() == kBatch) Flush();
  }
  void Flush() {
    for (size_t i = 0; i < batch_.size(); ++i) {
      add_(std::move(batch_[i].first), hashes_[i], std::move(batch_[i].second));
    }
    batch_.clear();
  }

 private:
  static constexpr size_t kBatch = 16;
  const Table& table_;
  AddFn add_;
  std::vector<std::pair<K, X>> batch_;
  std::array<uint64_t, kBatch> hashes_;
};

template <typename K, typename X, typename Table, typename AddFn>
PrefetchingAdder<K, X, Table, AddFn> MakePrefetchingAdder(const Table& table, AddFn add) {
  return {table, std::move(add)};
}

template <typename K, typename C>
struct KeyLess {
  bool operator()(const std::pair<K, C>& a, const std::pair<K, C>& b) const {
    return a.first < b.first;
  }
};

// A hash table of combiners by key within a memory share. Map side, it is drained (unordered)
// into the shuffle when full; reduce side, it spills runs sorted by key and FinishSorted()
// merges them, combining equal keys. One task's thread.
template <typename K, typename C>
class HashAggregator {
 public:
  HashAggregator(TaskContext& tc, uint64_t share) : tc_(tc), accounted_(tc), share_(share) {}

  // Full: the caller drains or spills before adding more.
  bool full() const { return bytes() > share_; }

  // The hash of `key` for the Add calls, starting to load where its lookup will read.
  uint64_t Prefetch(const K& key) const {
    const uint64_t hash = TableHash(key);
    table_.Prefetch(hash);
    return hash;
  }

  // Merges `c` into the entry of `key` (whose Prefetch() hash is `hash`) with merge(C&, C&&),
  // or inserts it.
  template <typename Merge>
  void AddCombiner(K&& key, uint64_t hash, C&& c, Merge& merge) {
    auto [entry, inserted] =
        table_.FindOrInsert(std::move(key), hash, [&] { return std::move(c); });
    if (inserted) {
      Inserted(entry);
    } else {
      merge(entry.second, std::move(c));
      Updated();
    }
  }
  // With create(V&&) -> C and merge_value(C&, V&&).
  template <typename V, typename Create, typename MergeValue>
  void AddValue(K&& key, uint64_t hash, V&& v, Create& create, MergeValue& merge_value) {
    auto [entry, inserted] =
        table_.FindOrInsert(std::move(key), hash, [&] { return create(std::move(v)); });
    if (inserted) {
      Inserted(entry);
    } else {
      merge_value(entry.second, std::move(v));
      Updated();
    }
  }

  // Hands every entry to fn(const K&, const C&), in the order they were inserted, and empties
  // the table.
  template <typename F>
  void Drain(F&& fn) {
    table_.ForEach([&](const std::pair<K, C>& e) { fn(e.first, e.second); });
    Clear();
  }

  // Writes the entries as a run sorted by key and empties the table.
  void Spill() {
    VectorSource<std::pair<K, C>> sorted(SortedEntries());
    runs_.push_back(WriteRun(writer(), sorted));
    Clear();
  }

  // Every key once, in key order, with its combiners merged: fn(K&&, C&&).
  template <typename Merge, typename F>
  void FinishSorted(Merge& merge, F&& fn) {
    auto tail = SortedEntries();
    Clear();
    RunWriter* w = writer_or_null();  // before runs_ is moved from
    auto stream = MergeRuns(tc_, w, std::move(runs_), std::move(tail), KeyLess<K, C>{});
    while (stream->Valid()) {
      std::pair<K, C> cur = std::move(stream->Current());
      stream->Advance();
      while (stream->Valid() && stream->Current().first == cur.first) {
        merge(cur.second, std::move(stream->Current().second));
        stream->Advance();
      }
      fn(std::move(cur.first), std::move(cur.second));
    }
  }

 private:
  uint64_t bytes() const { return bytes_ + table_.overhead_bytes(); }

  static uint64_t EntryBytes(const std::pair<K, C>& e) {
    return sizeof(e) + HeapBytes(e.first) + HeapBytes(e.second);
  }
  void Inserted(const std::pair<K, C>& e) {
    bytes_ += EntryBytes(e);
    Tick();
  }
  // A combiner that owns memory may grow when merged into; the estimate is redone after as
  // many updates as there are entries, which keeps the cost per update constant.
  void Updated() {
    if constexpr (!std::is_trivially_copyable_v<C>) {
      if (++updates_ > table_.size() + 1024) {
        updates_ = 0;
        bytes_ = 0;
        table_.ForEach([&](const std::pair<K, C>& e) { bytes_ += EntryBytes(e); });
      }
    }
    Tick();
  }
  void Tick() {
    if ((++ops_ & 1023) == 0) {
      tc_.CheckCancelled();
      accounted_.Set(bytes());
    }
  }
  // Sorts pointers to the entries, then moves each entry out once: combiners may be large.
  std::vector<std::pair<K, C>> SortedEntries() {
    std::vector<std::pair<K, C>*> order;
    order.reserve(table_.size());
    table_.ForEach([&](std::pair<K, C>& e) { order.push_back(&e); });
    std::sort(order.begin(), order.end(),
              [](const auto* a, const auto* b) { return a->first < b->first; });
    std::vector<std::pair<K, C>> entries;
    entries.reserve(order.size());
    for (auto* e : order) entries.push_back(std::move(*e));
    return entries;
  }
  void Clear() {
    table_.Clear();
    bytes_ = 0;
    updates_ = 0;
    accounted_.Set(0);
  }
  RunWriter* writer() {
    if (writer_ == nullptr) writer_ = std::make_unique<RunWriter>(tc_.NewSpillFile());
    return writer_.get();
  }
  RunWriter* writer_or_null() { return runs_.size() + 1 > kMaxMergeFanIn ? writer() : nullptr; }

  TaskContext& tc_;
  Accounted accounted_;
  uint64_t share_;
  FlatTable<K, C> table_;
  uint64_t bytes_ = 0;
  uint64_t updates_ = 0;
  uint64_t ops_ = 0;
  std::vector<Run> runs_;
  std::unique_ptr<RunWriter> writer_;
};

}  // namespace footfall::engine::internal
