// Dataset<T>: an immutable, partitioned collection defined by a lazily built plan. Transformations
// return new Datasets and run nothing; actions (Collect, Count, Reduce, ForEachPartition, and
// the sinks in io.h) run the plan on the Context's executor and return a Result.
//
//   Context ctx(options);  // EngineOptions: threads, memory budget, spill directory
//   auto sessions = FromVector(ctx, views, 64)
//       .KeyBy([](const PageView& v) { return v.user_id; })
//       .GroupByKey([](const PageView& a, const PageView& b) { return a.tstamp < b.tstamp; })
//       .FlatMap([](const auto& user) { return SplitSessions(user.second); });
//   Result<uint64_t> n = sessions.Count();
//
// Functions passed to operators are called from several threads at once and must be pure:
// their result depends only on their arguments (they may throw, or fail a job through the
// Status of a source). Records must be copyable and serializable (serializer.h). Keys of the
// *ByKey operators, Join, Distinct and the sort key of SortBy are compared with operator< and
// operator== (for keys, equal keys must serialize to the same bytes).
//
// Determinism: partition i of any dataset holds the same records in the same order at any
// thread count and memory budget; shuffled datasets hold their keys in ascending order within a
// partition (SortBy: the whole dataset in order across partitions). See docs/engine.md.
#pragma once

#include <algorithm>
#include <cstdint>
#include <functional>
#include <iterator>
#include <memory>
#include <optional>
#include <ranges>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include "base/status.h"
#include "engine/context.h"
#include "engine/exchange.h"
#include "engine/plan.h"
#include "engine/serializer.h"
#include "engine/shuffle.h"

namespace footfall::engine {

template <typename T>
class Dataset;

namespace internal {

template <typename T>
struct PairTraits : std::false_type {};
template <typename K, typename V>
struct PairTraits<std::pair<K, V>> : std::true_type {
  using Key = K;
  using Value = V;
};
template <typename T>
concept IsPair = PairTraits<T>::value;
// An ordering of the values of a dataset of pairs T.
template <typename L, typename T>
concept ValueOrder =
    IsPair<T> && std::is_invocable_r_v<bool, const L&, const typename PairTraits<T>::Value&,
                                       const typename PairTraits<T>::Value&>;

// A deterministic generator for sampling (SplitMix64): the same numbers on every platform.
class SplitMix {
 public:
  explicit SplitMix(uint64_t seed) : s_(seed) {}
  uint64_t Next() {
    uint64_t z = (s_ += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
  }
  double Uniform() { return static_cast<double>(Next() >> 11) * 0x1.0p-53; }

 private:
  uint64_t s_;
};

// ---- Sources ----

template <typename T>
class VectorNode final : public Node<T> {
 public:
  VectorNode(std::shared_ptr<const std::vector<T>> data, size_t partitions)
      : data_(std::move(data)), partitions_(std::max<size_t>(1, partitions)) {}
  size_t num_partitions() const override { return partitions_; }
  void DirectShuffles(std::vector<ShuffleBase*>*) override {}
  void Compute(TaskContext& tc, size_t p, Emitter<T> emit) override {
    const size_t n = data_->size();
    const size_t begin = n * p / partitions_;
    const size_t end = n * (p + 1) / partitions_;
    for (size_t i = begin; i < end; ++i) {
      if (((i - begin) & 4095) == 4095) tc.CheckCancelled();
      emit((*data_)[i]);
    }
  }

 private:
  std::shared_ptr<const std::vector<T>> data_;
  size_t partitions_;
};

template <typename T>
class GeneratorNode final : public Node<T> {
 public:
  using Fn = std::function<Status(size_t, Emitter<T>)>;
  GeneratorNode(size_t partitions, Fn fn) : partitions_(partitions), fn_(std::move(fn)) {}
  size_t num_partitions() const override { return partitions_; }
  void DirectShuffles(std::vector<ShuffleBase*>*) override {}
  void Compute(TaskContext& tc, size_t p, Emitter<T> emit) override {
    uint64_t n = 0;
    auto counted = [&](T&& v) {
      if ((++n & 4095) == 0) tc.CheckCancelled();
      emit(std::move(v));
    };
    ThrowIfError(fn_(p, Emitter<T>(counted)));
  }

 private:
  size_t partitions_;
  Fn fn_;
};

// ---- Narrow operators ----

// Applies step(T&&, const Emitter<U>&) to each record of the parent's partition.
template <typename T, typename U, typename Step>
class PipeNode final : public Node<U> {
 public:
  PipeNode(std::shared_ptr<Node<T>> parent, Step step)
      : parent_(std::move(parent)), step_(std::move(step)) {}
  size_t num_partitions() const override { return parent_->num_partitions(); }
  void DirectShuffles(std::vector<ShuffleBase*>* out) override { parent_->DirectShuffles(out); }
  void Compute(TaskContext& tc, size_t p, Emitter<U> emit) override {
    auto fn = [&](T&& t) { step_(std::move(t), emit); };
    parent_->Compute(tc, p, Emitter<T>(fn));
  }

 private:
  std::shared_ptr<Node<T>> parent_;
  const Step step_;
};

template <typename T, typename U, typename F>
class MapPartitionsNode final : public Node<U> {
 public:
  MapPartitionsNode(std::shared_ptr<Node<T>> parent, F f)
      : parent_(std::move(parent)), f_(std::move(f)) {}
  size_t num_partitions() const override { return parent_->num_partitions(); }
  void DirectShuffles(std::vector<ShuffleBase*>* out) override { parent_->DirectShuffles(out); }
  void Compute(TaskContext& tc, size_t p, Emitter<U> emit) override {
    std::vector<T> records;
    auto fn = [&](T&& t) { records.push_back(std::move(t)); };
    parent_->Compute(tc, p, Emitter<T>(fn));
    for (auto&& u : f_(std::move(records))) emit(U(std::move(u)));
  }

 private:
  std::shared_ptr<Node<T>> parent_;
  const F f_;
};

// Bernoulli sampling with a generator seeded by (seed, partition).
template <typename T>
class SampleNode final : public Node<T> {
 public:
  SampleNode(std::shared_ptr<Node<T>> parent, double fraction, uint64_t seed)
      : parent_(std::move(parent)), fraction_(fraction), seed_(seed) {}
  size_t num_partitions() const override { return parent_->num_partitions(); }
  void DirectShuffles(std::vector<ShuffleBase*>* out) override { parent_->DirectShuffles(out); }
  void Compute(TaskContext& tc, size_t p, Emitter<T> emit) override {
    SplitMix rng(seed_ * 0x100000001b3ULL + p);
    auto fn = [&](T&& t) {
      if (rng.Uniform() < fraction_) emit(std::move(t));
    };
    parent_->Compute(tc, p, Emitter<T>(fn));
  }

 private:
  std::shared_ptr<Node<T>> parent_;
  double fraction_;
  uint64_t seed_;
};

// The partitions of each parent in turn. Under an SPMD executor of R ranks each parent's first
// partition is placed at a multiple of R (empty partitions fill the gap), so that a union
// partition belongs to the rank that owns the parent partition it reads (p % R the same).
template <typename T>
class UnionNode final : public Node<T> {
 public:
  UnionNode(std::vector<std::shared_ptr<Node<T>>> parents, size_t ranks)
      : parents_(std::move(parents)), ranks_(std::max<size_t>(1, ranks)) {}
  size_t num_partitions() const override {
    size_t n = 0;
    for (size_t i = 0; i < parents_.size(); ++i) {
      n += i + 1 < parents_.size() ? Aligned(parents_[i]->num_partitions())
                                   : parents_[i]->num_partitions();
    }
    return n;
  }
  void DirectShuffles(std::vector<ShuffleBase*>* out) override {
    for (auto& p : parents_) p->DirectShuffles(out);
  }
  void Compute(TaskContext& tc, size_t p, Emitter<T> emit) override {
    for (auto& parent : parents_) {
      if (p < parent->num_partitions()) return parent->Compute(tc, p, emit);
      const size_t span = Aligned(parent->num_partitions());
      if (p < span) return;  // a gap
      p -= span;
    }
  }

 private:
  size_t Aligned(size_t n) const { return (n + ranks_ - 1) / ranks_ * ranks_; }
  std::vector<std::shared_ptr<Node<T>>> parents_;
  size_t ranks_;
};

// ---- Shuffles ----

template <typename Out>
class ShuffleNode : public Node<Out>, public ShuffleBase {
 public:
  ShuffleNode(std::string name, size_t partitions)
      : name_(std::move(name)), partitions_(std::max<size_t>(1, partitions)) {}
  size_t num_partitions() const override { return partitions_; }
  void DirectShuffles(std::vector<ShuffleBase*>* out) override { out->push_back(this); }
  std::string name() const override { return name_; }

 protected:
  // Checks, in a reduce task, that the map stage ran (a programmer error otherwise).
  static const ShuffleData& Data(const std::unique_ptr<ShuffleData>& d) {
    if (d == nullptr) throw TaskFailure(Internal("shuffle read before its map stage ran"));
    return *d;
  }
  std::string name_;
  size_t partitions_;
};

// Map side: records pass through, partitioned by key.
template <typename K, typename V>
Status RunKeyedMapStage(Context& ctx, const std::string& name, Node<std::pair<K, V>>* parent,
                        size_t partitions, std::unique_ptr<ShuffleData>* data) {
  *data = std::make_unique<ShuffleData>(ctx.retained_pool(), parent->num_partitions());
  ShuffleData* d = data->get();
  FOOTFALL_RETURN_IF_ERROR(ctx.RunStage(name, parent->num_partitions(), [&](TaskContext& tc) {
    PartitionWriter w(tc, partitions, d->output(tc.partition()), tc.memory_share());
    auto fn = [&](std::pair<K, V>&& kv) { w.WriteKeyed(kv.first, kv.second); };
    parent->Compute(tc, tc.partition(), Emitter<std::pair<K, V>>(fn));
    w.Finish();
  }));
  return ExchangeShuffle(ctx, d, partitions);
}

// CombineByKey and the operators built on it: combined on the map side, then merged by key.
template <typename K, typename V, typename C, typename Create, typename MergeValue,
          typename MergeCombiners>
class CombineNode final : public ShuffleNode<std::pair<K, C>> {
 public:
  CombineNode(std::string name, size_t partitions, std::shared_ptr<Node<std::pair<K, V>>> parent,
              Create create, MergeValue merge_value, MergeCombiners merge_combiners)
      : ShuffleNode<std::pair<K, C>>(std::move(name), partitions),
        parent_(std::move(parent)),
        create_(std::move(create)),
        merge_value_(std::move(merge_value)),
        merge_combiners_(std::move(merge_combiners)) {}

  void InputShuffles(std::vector<ShuffleBase*>* out) override { parent_->DirectShuffles(out); }
  void Release() override { data_.reset(); }

  Status RunMapStage(Context& ctx) override {
    data_ = std::make_unique<ShuffleData>(ctx.retained_pool(), parent_->num_partitions());
    FOOTFALL_RETURN_IF_ERROR(
        ctx.RunStage(this->name_ + " (map side)", parent_->num_partitions(), [&](TaskContext& tc) {
          // The share is split between the table and the shuffle buffers.
          const uint64_t half = tc.memory_share() / 2;
          HashAggregator<K, C> table(tc, half);
          PartitionWriter w(tc, this->partitions_, data_->output(tc.partition()), half);
          auto drain = [&] { table.Drain([&](const K& k, const C& c) { w.WriteKeyed(k, c); }); };
          auto create = [this](V&& v) { return create_(std::move(v)); };
          auto merge = [this](C& acc, V&& v) { acc = merge_value_(std::move(acc), std::move(v)); };
          auto adder = MakePrefetchingAdder<K, V>(table, [&](K&& k, uint64_t hash, V&& v) {
            table.AddValue(std::move(k), hash, std::move(v), create, merge);
            if (table.full()) drain();
          });
          auto fn = [&](std::pair<K, V>&& kv) { adder.Add(std::move(kv)); };
          parent_->Compute(tc, tc.partition(), Emitter<std::pair<K, V>>(fn));
          adder.Flush();
          drain();
          w.Finish();
        }));
    return ExchangeShuffle(ctx, data_.get(), this->partitions_);
  }

  void Compute(TaskContext& tc, size_t r, Emitter<std::pair<K, C>> emit) override {
    HashAggregator<K, C> table(tc, tc.memory_share());
    auto merge = [this](C& acc, C&& c) { acc = merge_combiners_(std::move(acc), std::move(c)); };
    auto adder = MakePrefetchingAdder<K, C>(table, [&](K&& k, uint64_t hash, C&& c) {
      table.AddCombiner(std::move(k), hash, std::move(c), merge);
      if (table.full()) table.Spill();
    });
    ReadPartition<std::pair<K, C>>(this->Data(data_), r, tc,
                                   [&](std::pair<K, C>&& kc) { adder.Add(std::move(kc)); });
    adder.Flush();
    table.FinishSorted(merge,
                       [&](K&& k, C&& c) { emit(std::pair<K, C>(std::move(k), std::move(c))); });
  }

 private:
  std::shared_ptr<Node<std::pair<K, V>>> parent_;
  const Create create_;
  const MergeValue merge_value_;
  const MergeCombiners merge_combiners_;
  std::unique_ptr<ShuffleData> data_;
};

// Orders (key, value) records by key, then by `less` on values when given.
template <typename K, typename V, typename ValueLess>
struct GroupOrder {
  const ValueLess* less;  // null: arrival order within a key
  bool operator()(const std::pair<K, V>& a, const std::pair<K, V>& b) const {
    if (a.first < b.first) return true;
    if (b.first < a.first) return false;
    return less != nullptr && (*less)(a.second, b.second);
  }
};

template <typename K, typename V, typename ValueLess>
class GroupNode final : public ShuffleNode<std::pair<K, std::vector<V>>> {
 public:
  GroupNode(std::string name, size_t partitions, std::shared_ptr<Node<std::pair<K, V>>> parent,
            std::optional<ValueLess> less)
      : ShuffleNode<std::pair<K, std::vector<V>>>(std::move(name), partitions),
        parent_(std::move(parent)),
        less_(std::move(less)) {}

  void InputShuffles(std::vector<ShuffleBase*>* out) override { parent_->DirectShuffles(out); }
  void Release() override { data_.reset(); }
  Status RunMapStage(Context& ctx) override {
    return RunKeyedMapStage<K, V>(ctx, this->name_ + " (map side)", parent_.get(),
                                  this->partitions_, &data_);
  }

  void Compute(TaskContext& tc, size_t r, Emitter<std::pair<K, std::vector<V>>> emit) override {
    using Order = GroupOrder<K, V, ValueLess>;
    ExternalSorter<std::pair<K, V>, Order> sorter(tc, Order{less_ ? &*less_ : nullptr},
                                                  tc.memory_share());
    ReadPartition<std::pair<K, V>>(this->Data(data_), r, tc,
                                   [&](std::pair<K, V>&& kv) { sorter.Add(std::move(kv)); });
    auto stream = sorter.Finish();
    while (stream->Valid()) {
      std::pair<K, std::vector<V>> group;
      group.first = std::move(stream->Current().first);
      group.second.push_back(std::move(stream->Current().second));
      stream->Advance();
      while (stream->Valid() && stream->Current().first == group.first) {
        group.second.push_back(std::move(stream->Current().second));
        stream->Advance();
      }
      emit(std::move(group));
    }
  }

 private:
  std::shared_ptr<Node<std::pair<K, V>>> parent_;
  std::optional<ValueLess> less_;
  std::unique_ptr<ShuffleData> data_;
};

// Cache(): the parent's partitions, computed by the first job that needs them and kept, serialized,
// for every later job (in memory while the retained pool has room, else spilled), until the last
// handle to the node goes. No records cross ranks: each rank keeps the partitions it owns, which
// are the ones later stages ask it for.
template <typename T>
class CacheNode final : public Node<T>, public ShuffleBase {
 public:
  explicit CacheNode(std::shared_ptr<Node<T>> parent) : parent_(std::move(parent)) {}
  size_t num_partitions() const override { return parent_->num_partitions(); }
  void DirectShuffles(std::vector<ShuffleBase*>* out) override { out->push_back(this); }
  std::string name() const override { return "Cache"; }
  size_t stage_count() const override { return data_ == nullptr ? 1 : 0; }
  // Once computed, the parent's shuffles are not needed any more.
  void InputShuffles(std::vector<ShuffleBase*>* out) override {
    if (data_ == nullptr) parent_->DirectShuffles(out);
  }
  void Release() override {}

  Status RunMapStage(Context& ctx) override {
    if (data_ != nullptr) return Status::Ok();
    auto data = std::make_unique<ShuffleData>(ctx.retained_pool(), parent_->num_partitions());
    FOOTFALL_RETURN_IF_ERROR(ctx.RunStage("Cache", parent_->num_partitions(), [&](TaskContext& tc) {
      PartitionWriter w(tc, 1, data->output(tc.partition()), tc.memory_share());
      auto fn = [&](T&& t) { w.Write(0, [&](std::string* b) { Serialize(t, b); }); };
      parent_->Compute(tc, tc.partition(), Emitter<T>(fn));
      w.Finish();
    }));
    data_ = std::move(data);
    return Status::Ok();
  }

  void Compute(TaskContext& tc, size_t p, Emitter<T> emit) override {
    if (data_ == nullptr)
      throw TaskFailure(Internal("cached partition read before it was computed"));
    data_->ForEachBlockOf(p, 0, [&](std::string_view block) {
      tc.CheckCancelled();
      DecodeBlock<T>(block, [&](T&& t) { emit(std::move(t)); });
    });
  }

 private:
  std::shared_ptr<Node<T>> parent_;
  std::unique_ptr<ShuffleData> data_;
};

template <typename K, typename V>
struct FirstLess {
  bool operator()(const std::pair<K, V>& a, const std::pair<K, V>& b) const {
    return a.first < b.first;
  }
};

// Inner join (Out = pair<K, pair<V, W>>) or left outer join (pair<K, pair<V, optional<W>>>):
// both sides shuffled by key, sorted by key, and merged. The right side's values of one key are
// held in memory while that key's left values stream past.
template <typename K, typename V, typename W, bool kLeftOuter>
class JoinNode final
    : public ShuffleNode<
          std::pair<K, std::pair<V, std::conditional_t<kLeftOuter, std::optional<W>, W>>>> {
 public:
  using RightOut = std::conditional_t<kLeftOuter, std::optional<W>, W>;
  using Out = std::pair<K, std::pair<V, RightOut>>;

  JoinNode(std::string name, size_t partitions, std::shared_ptr<Node<std::pair<K, V>>> left,
           std::shared_ptr<Node<std::pair<K, W>>> right)
      : ShuffleNode<Out>(std::move(name), partitions),
        left_(std::move(left)),
        right_(std::move(right)) {}

  size_t stage_count() const override { return 2; }
  void InputShuffles(std::vector<ShuffleBase*>* out) override {
    left_->DirectShuffles(out);
    right_->DirectShuffles(out);
  }
  void Release() override {
    left_data_.reset();
    right_data_.reset();
  }
  Status RunMapStage(Context& ctx) override {
    FOOTFALL_RETURN_IF_ERROR((RunKeyedMapStage<K, V>(ctx, this->name_ + " (left side)", left_.get(),
                                                     this->partitions_, &left_data_)));
    return RunKeyedMapStage<K, W>(ctx, this->name_ + " (right side)", right_.get(),
                                  this->partitions_, &right_data_);
  }

  void Compute(TaskContext& tc, size_t r, Emitter<Out> emit) override {
    const uint64_t half = tc.memory_share() / 2;
    ExternalSorter<std::pair<K, V>, FirstLess<K, V>> ls(tc, {}, half);
    ExternalSorter<std::pair<K, W>, FirstLess<K, W>> rs(tc, {}, half);
    ReadPartition<std::pair<K, V>>(this->Data(left_data_), r, tc,
                                   [&](std::pair<K, V>&& kv) { ls.Add(std::move(kv)); });
    ReadPartition<std::pair<K, W>>(this->Data(right_data_), r, tc,
                                   [&](std::pair<K, W>&& kw) { rs.Add(std::move(kw)); });
    auto left = ls.Finish();
    auto right = rs.Finish();
    std::vector<W> matches;
    while (left->Valid()) {
      K key = left->Current().first;
      while (right->Valid() && right->Current().first < key) right->Advance();
      matches.clear();
      while (right->Valid() && right->Current().first == key) {
        matches.push_back(std::move(right->Current().second));
        right->Advance();
      }
      while (left->Valid() && left->Current().first == key) {
        V& v = left->Current().second;
        if (matches.empty()) {
          if constexpr (kLeftOuter) emit(Out(key, {std::move(v), std::nullopt}));
        } else {
          for (size_t i = 0; i + 1 < matches.size(); ++i) emit(Out(key, {v, matches[i]}));
          emit(Out(key, {std::move(v), matches.back()}));
        }
        left->Advance();
      }
    }
  }

 private:
  std::shared_ptr<Node<std::pair<K, V>>> left_;
  std::shared_ptr<Node<std::pair<K, W>>> right_;
  std::unique_ptr<ShuffleData> left_data_;
  std::unique_ptr<ShuffleData> right_data_;
};

// SortBy: a sampling stage picks range boundaries from a deterministic sample of the keys, the
// map stage sends each record to its range, and each partition is sorted (stably).
template <typename T, typename KeyFn>
class SortNode final : public ShuffleNode<T> {
 public:
  using Key = std::decay_t<std::invoke_result_t<const KeyFn&, const T&>>;

  SortNode(std::string name, size_t partitions, std::shared_ptr<Node<T>> parent, KeyFn key,
           bool ascending)
      : ShuffleNode<T>(std::move(name), partitions),
        parent_(std::move(parent)),
        key_(std::move(key)),
        ascending_(ascending) {}

  size_t stage_count() const override { return 2; }
  void InputShuffles(std::vector<ShuffleBase*>* out) override { parent_->DirectShuffles(out); }
  void Release() override {
    data_.reset();
    bounds_.clear();
  }

  Status RunMapStage(Context& ctx) override {
    const size_t inputs = parent_->num_partitions();
    const size_t per_partition = std::min<size_t>(20 * this->partitions_ + 20, 100000);
    std::vector<std::vector<Key>> samples(inputs);
    std::vector<uint64_t> counts(inputs);
    FOOTFALL_RETURN_IF_ERROR(ctx.RunStage(this->name_ + " (sample)", inputs, [&](TaskContext& tc) {
      const size_t p = tc.partition();
      SplitMix rng(0x5eed0000 + p);
      std::vector<Key>& sample = samples[p];
      uint64_t seen = 0;
      auto fn = [&](T&& t) {
        ++seen;
        if (sample.size() < per_partition) {
          sample.push_back(key_(t));
        } else {
          const uint64_t j = rng.Next() % seen;
          if (j < per_partition) sample[j] = key_(t);
        }
      };
      parent_->Compute(tc, p, Emitter<T>(fn));
      counts[p] = seen;
      tc.AddRows(seen);
    }));
    // Every rank picks the same bounds from every partition's sample.
    FOOTFALL_RETURN_IF_ERROR(GatherPartitions(ctx, &samples));
    FOOTFALL_RETURN_IF_ERROR(GatherPartitions(ctx, &counts));
    ChooseBounds(samples, counts);

    data_ = std::make_unique<ShuffleData>(ctx.retained_pool(), inputs);
    FOOTFALL_RETURN_IF_ERROR(
        ctx.RunStage(this->name_ + " (map side)", inputs, [&](TaskContext& tc) {
          PartitionWriter w(tc, this->partitions_, data_->output(tc.partition()),
                            tc.memory_share());
          auto fn = [&](T&& t) {
            const Key k = key_(t);
            const size_t r = std::upper_bound(bounds_.begin(), bounds_.end(), k, KeyOrder{this}) -
                             bounds_.begin();
            w.Write(r, [&](std::string* b) { Serialize(t, b); });
          };
          parent_->Compute(tc, tc.partition(), Emitter<T>(fn));
          w.Finish();
        }));
    return ExchangeShuffle(ctx, data_.get(), this->partitions_);
  }

  void Compute(TaskContext& tc, size_t r, Emitter<T> emit) override {
    ExternalSorter<T, RecordOrder> sorter(tc, RecordOrder{this}, tc.memory_share());
    ReadPartition<T>(this->Data(data_), r, tc, [&](T&& t) { sorter.Add(std::move(t)); });
    auto stream = sorter.Finish();
    for (; stream->Valid(); stream->Advance()) emit(std::move(stream->Current()));
  }

 private:
  struct KeyOrder {
    const SortNode* n;
    bool operator()(const Key& a, const Key& b) const { return n->ascending_ ? a < b : b < a; }
  };
  struct RecordOrder {
    const SortNode* n;
    bool operator()(const T& a, const T& b) const { return KeyOrder{n}(n->key_(a), n->key_(b)); }
  };

  // Boundaries at equal shares of the sampled weight: each sampled key stands for
  // count / sample size records of its partition.
  void ChooseBounds(std::vector<std::vector<Key>>& samples, const std::vector<uint64_t>& counts) {
    std::vector<std::pair<Key, double>> weighted;
    double total = 0;
    for (size_t p = 0; p < samples.size(); ++p) {
      if (samples[p].empty()) continue;
      const double w = static_cast<double>(counts[p]) / static_cast<double>(samples[p].size());
      for (Key& k : samples[p]) weighted.emplace_back(std::move(k), w);
      total += static_cast<double>(counts[p]);
    }
    KeyOrder order{this};
    std::stable_sort(weighted.begin(), weighted.end(),
                     [&](const auto& a, const auto& b) { return order(a.first, b.first); });
    bounds_.clear();
    double acc = 0;
    size_t next = 1;
    for (auto& [k, w] : weighted) {
      if (next >= this->partitions_) break;
      acc += w;
      if (acc >= total * static_cast<double>(next) / static_cast<double>(this->partitions_)) {
        if (bounds_.empty() || order(bounds_.back(), k)) bounds_.push_back(k);
        ++next;
      }
    }
  }

  std::shared_ptr<Node<T>> parent_;
  const KeyFn key_;
  const bool ascending_;
  std::vector<Key> bounds_;  // partition r holds keys in (bounds_[r-1], bounds_[r]]
  std::unique_ptr<ShuffleData> data_;
};

}  // namespace internal

template <typename T>
class Dataset {
 public:
  using value_type = T;

  Dataset(Context* ctx, std::shared_ptr<internal::Node<T>> node)
      : ctx_(ctx), node_(std::move(node)) {}

  Context* context() const { return ctx_; }
  size_t num_partitions() const { return node_->num_partitions(); }
  // For sources and sinks built outside this header.
  const std::shared_ptr<internal::Node<T>>& node() const { return node_; }

  // ---- Narrow transformations: fused into one pass per partition. ----

  // f(T) -> U for each record.
  template <typename F>
  auto Map(F f) const {
    using U = std::decay_t<std::invoke_result_t<const F&, T&&>>;
    return Pipe<U>([f](T&& t, const Emitter<U>& out) { out(f(std::move(t))); });
  }
  // Keeps the records for which pred(const T&) is true.
  template <typename F>
  Dataset<T> Filter(F pred) const {
    return Pipe<T>([pred](T&& t, const Emitter<T>& out) {
      if (pred(std::as_const(t))) out(std::move(t));
    });
  }
  // f(T) returns a range (a vector, an array...); each element becomes a record.
  template <typename F>
  auto FlatMap(F f) const {
    using R = std::decay_t<std::invoke_result_t<const F&, T&&>>;
    using U = std::ranges::range_value_t<R>;
    return Pipe<U>([f](T&& t, const Emitter<U>& out) {
      for (auto&& u : f(std::move(t))) out(std::move(u));
    });
  }
  // (f(record), record) pairs.
  template <typename F>
  auto KeyBy(F f) const {
    using K = std::decay_t<std::invoke_result_t<const F&, const T&>>;
    using P = std::pair<K, T>;
    return Pipe<P>([f](T&& t, const Emitter<P>& out) {
      K k = f(std::as_const(t));
      out(P(std::move(k), std::move(t)));
    });
  }
  // f(std::vector<T>) -> std::vector<U> over each whole partition (held in memory at once).
  template <typename F>
  auto MapPartitions(F f) const {
    using U = typename std::decay_t<std::invoke_result_t<const F&, std::vector<T>&&>>::value_type;
    return Dataset<U>(ctx_,
                      std::make_shared<internal::MapPartitionsNode<T, U, F>>(node_, std::move(f)));
  }
  // Each record with probability `fraction`, chosen by a generator seeded by (seed, partition).
  Dataset<T> Sample(double fraction, uint64_t seed = 0) const {
    return Dataset<T>(ctx_, std::make_shared<internal::SampleNode<T>>(node_, fraction, seed));
  }
  // The partitions of this dataset followed by those of `other` (under several ranks, with empty
  // partitions between them: see UnionNode).
  Dataset<T> Union(const Dataset<T>& other) const {
    return Dataset<T>(ctx_, std::make_shared<internal::UnionNode<T>>(
                                std::vector<std::shared_ptr<internal::Node<T>>>{node_, other.node_},
                                ctx_->executor().num_ranks()));
  }

  // The same records, computed once by the first job that needs them and kept for every later
  // job (Spark's persist): serialized, in memory within the budget's retained half, else spilled
  // to disk. Kept while a handle to the returned dataset (or a dataset built on it) lives.
  Dataset<T> Cache() const {
    return Dataset<T>(ctx_, std::make_shared<internal::CacheNode<T>>(node_));
  }

  // ---- Shuffles. `partitions` 0: as many as the input has. ----

  // Every distinct record once (T ordered, equal records serialize equally).
  Dataset<T> Distinct(size_t partitions = 0) const {
    return Map([](T&& t) { return std::pair<T, uint8_t>(std::move(t), 0); })
        .ReduceByKey([](uint8_t a, uint8_t) { return a; }, partitions)
        .Map([](std::pair<T, uint8_t>&& p) { return std::move(p.first); });
  }

  // The records ordered by key(record) (ascending or descending) across all partitions; equal
  // keys keep their input order. The input is computed twice: once to sample the keys.
  template <typename F>
  Dataset<T> SortBy(F key, bool ascending = true, size_t partitions = 0) const {
    return Dataset<T>(ctx_, std::make_shared<internal::SortNode<T, F>>(
                                "SortBy", Parts(partitions), node_, std::move(key), ascending));
  }

  // For datasets of std::pair<K, V>:

  // combine(V, V) -> V over each key's values: (K, V) per key.
  template <typename F>
  requires internal::IsPair<T>
  auto ReduceByKey(F f, size_t partitions = 0) const {
    using V = typename internal::PairTraits<T>::Value;
    return CombineByKeyNamed(
        "ReduceByKey", [](V&& v) { return std::move(v); }, f, f, partitions);
  }
  // create(V) -> C, merge_value(C, V) -> C, merge_combiners(C, C) -> C: (K, C) per key.
  template <typename Create, typename MergeValue, typename MergeCombiners>
  requires internal::IsPair<T>
  auto CombineByKey(Create create, MergeValue merge_value, MergeCombiners merge_combiners,
                    size_t partitions = 0) const {
    return CombineByKeyNamed("CombineByKey", std::move(create), std::move(merge_value),
                             std::move(merge_combiners), partitions);
  }
  // seq(U, V) -> U from `zero`, comb(U, U) -> U: (K, U) per key.
  template <typename U, typename Seq, typename Comb>
  requires internal::IsPair<T>
  auto AggregateByKey(U zero, Seq seq, Comb comb, size_t partitions = 0) const {
    using V = typename internal::PairTraits<T>::Value;
    return CombineByKeyNamed(
        "AggregateByKey", [zero, seq](V&& v) { return seq(U(zero), std::move(v)); }, seq, comb,
        partitions);
  }
  // (K, all values of K) per key, values in input order.
  auto GroupByKey(size_t partitions = 0) const requires internal::IsPair<T> {
    using V = typename internal::PairTraits<T>::Value;
    return GroupByKeyImpl<bool (*)(const V&, const V&)>(std::nullopt, partitions);
  }
  // (K, all values of K) per key, values ordered by less(const V&, const V&) (the secondary
  // sort; ties in input order): the sessionization pattern.
  template <internal::ValueOrder<T> Less>
  auto GroupByKey(Less less, size_t partitions = 0) const {
    return GroupByKeyImpl<Less>(std::move(less), partitions);
  }
  // (K, (V, W)) for every pair of values with equal keys; `other` is a Dataset<pair<K, W>>.
  template <typename Other>
  requires internal::IsPair<T>
  auto Join(const Other& other, size_t partitions = 0) const {
    return JoinImpl<false>("Join", other, partitions);
  }
  // (K, (V, optional<W>)): every left value, with each right match or with none.
  template <typename Other>
  requires internal::IsPair<T>
  auto LeftJoin(const Other& other, size_t partitions = 0) const {
    return JoinImpl<true>("LeftJoin", other, partitions);
  }

  // ---- Actions. Under an SPMD executor (executor.h) each rank computes the partitions it owns
  // and Collect, Count and Reduce gather them, so that every rank returns the same result
  // (records must then be serializable); ForEachPartition and sinks run f on the owner only.

  // Every record, partition after partition.
  Result<std::vector<T>> Collect() const { return CollectImpl(false); }

  // Collect() on rank 0; an empty vector on the other ranks, which send their partitions to
  // rank 0 alone: for results only rank 0 uses (it publishes), at 1/N of Collect's traffic.
  Result<std::vector<T>> CollectOnLeader() const { return CollectImpl(true); }

  Result<uint64_t> Count() const {
    std::vector<uint64_t> counts(num_partitions());
    FOOTFALL_RETURN_IF_ERROR((Run("Count", [&](TaskContext& tc) {
      uint64_t n = 0;
      auto fn = [&](T&&) { ++n; };
      node_->Compute(tc, tc.partition(), Emitter<T>(fn));
      counts[tc.partition()] = n;
      tc.AddRows(n);
    })));
    FOOTFALL_RETURN_IF_ERROR(internal::GatherPartitions(*ctx_, &counts));
    uint64_t total = 0;
    for (uint64_t c : counts) total += c;
    return total;
  }

  // f(T, T) -> T folded over each partition in order, then over the partitions in order;
  // nullopt for an empty dataset.
  template <typename F>
  Result<std::optional<T>> Reduce(F f) const {
    std::vector<std::optional<T>> parts(num_partitions());
    FOOTFALL_RETURN_IF_ERROR((Run("Reduce", [&](TaskContext& tc) {
      std::optional<T>& acc = parts[tc.partition()];
      auto fn = [&](T&& t) {
        if (acc) {
          acc = f(std::move(*acc), std::move(t));
        } else {
          acc = std::move(t);
        }
      };
      node_->Compute(tc, tc.partition(), Emitter<T>(fn));
    })));
    FOOTFALL_RETURN_IF_ERROR(internal::GatherPartitions(*ctx_, &parts));
    std::optional<T> acc;
    for (auto& p : parts) {
      if (!p) continue;
      acc = acc ? f(std::move(*acc), std::move(*p)) : std::move(*p);
    }
    return acc;
  }

  // f(partition index, std::vector<T> records) for each partition, on the executor's threads
  // (of the partition's owner rank); f returns void or Status (an error fails the job).
  template <typename F>
  Status ForEachPartition(F f) const {
    return Run("ForEachPartition", [&](TaskContext& tc) {
      std::vector<T> records;
      auto fn = [&](T&& t) { records.push_back(std::move(t)); };
      node_->Compute(tc, tc.partition(), Emitter<T>(fn));
      tc.AddRows(records.size());
      if constexpr (std::is_same_v<std::invoke_result_t<F&, size_t, std::vector<T>&&>, Status>) {
        ThrowIfError(f(tc.partition(), std::move(records)));
      } else {
        f(tc.partition(), std::move(records));
      }
    });
  }

  // Runs a job whose last stage calls task per partition of this dataset (for sinks).
  Status Run(const std::string& name, const std::function<void(TaskContext&)>& task) const {
    return internal::RunJob(*ctx_, node_.get(), name, task);
  }

 private:
  Result<std::vector<T>> CollectImpl(bool leader_only) const {
    std::vector<std::vector<T>> parts(num_partitions());
    FOOTFALL_RETURN_IF_ERROR((Run("Collect", [&](TaskContext& tc) {
      auto& out = parts[tc.partition()];
      auto fn = [&](T&& t) { out.push_back(std::move(t)); };
      node_->Compute(tc, tc.partition(), Emitter<T>(fn));
      tc.AddRows(out.size());
    })));
    FOOTFALL_RETURN_IF_ERROR(internal::GatherPartitions(*ctx_, &parts, leader_only));
    if (leader_only && ctx_->executor().rank() != 0) return std::vector<T>{};
    std::vector<T> all;
    size_t n = 0;
    for (const auto& p : parts) n += p.size();
    all.reserve(n);
    for (auto& p : parts) std::move(p.begin(), p.end(), std::back_inserter(all));
    return all;
  }

  template <typename U, typename Step>
  Dataset<U> Pipe(Step step) const {
    return Dataset<U>(ctx_,
                      std::make_shared<internal::PipeNode<T, U, Step>>(node_, std::move(step)));
  }
  size_t Parts(size_t partitions) const {
    return partitions != 0 ? partitions : std::max<size_t>(1, num_partitions());
  }

  template <typename Create, typename MergeValue, typename MergeCombiners>
  auto CombineByKeyNamed(std::string name, Create create, MergeValue merge_value,
                         MergeCombiners merge_combiners, size_t partitions) const {
    using K = typename internal::PairTraits<T>::Key;
    using V = typename internal::PairTraits<T>::Value;
    using C = std::decay_t<std::invoke_result_t<const Create&, V&&>>;
    using Node = internal::CombineNode<K, V, C, Create, MergeValue, MergeCombiners>;
    return Dataset<std::pair<K, C>>(
        ctx_, std::make_shared<Node>(std::move(name), Parts(partitions), node_, std::move(create),
                                     std::move(merge_value), std::move(merge_combiners)));
  }

  template <typename Less>
  auto GroupByKeyImpl(std::optional<Less> less, size_t partitions) const {
    using K = typename internal::PairTraits<T>::Key;
    using V = typename internal::PairTraits<T>::Value;
    using Node = internal::GroupNode<K, V, Less>;
    return Dataset<std::pair<K, std::vector<V>>>(
        ctx_, std::make_shared<Node>("GroupByKey", Parts(partitions), node_, std::move(less)));
  }

  template <bool kLeftOuter, typename Other>
  auto JoinImpl(std::string name, const Other& other, size_t partitions) const {
    using K = typename internal::PairTraits<T>::Key;
    using V = typename internal::PairTraits<T>::Value;
    using W = typename internal::PairTraits<typename Other::value_type>::Value;
    static_assert(std::is_same_v<typename Other::value_type, std::pair<K, W>>,
                  "Join needs a dataset of pairs with the same key type");
    using Node = internal::JoinNode<K, V, W, kLeftOuter>;
    const size_t parts = partitions != 0
                             ? partitions
                             : std::max<size_t>({1, num_partitions(), other.num_partitions()});
    return Dataset<typename Node::Out>(
        ctx_, std::make_shared<Node>(std::move(name), parts, node_, other.node()));
  }

  Context* ctx_;
  std::shared_ptr<internal::Node<T>> node_;
};

// ---- Sources ----

// `data` split into `partitions` contiguous, nearly equal ranges.
template <typename T>
Dataset<T> FromVector(Context& ctx, std::vector<T> data, size_t partitions = 1) {
  return Dataset<T>(&ctx, std::make_shared<internal::VectorNode<T>>(
                              std::make_shared<const std::vector<T>>(std::move(data)), partitions));
}

// `partitions` partitions, partition i being what fn(i, emit) emits; an error Status from fn
// fails the job.
template <typename T>
Dataset<T> FromPartitions(Context& ctx, size_t partitions,
                          std::function<Status(size_t, Emitter<T>)> fn) {
  return Dataset<T>(&ctx, std::make_shared<internal::GeneratorNode<T>>(partitions, std::move(fn)));
}

}  // namespace footfall::engine
