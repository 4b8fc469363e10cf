// An open-addressing hash table for the engine's aggregations. Entries live in blocks of fixed
// capacity, in the order they were inserted, and never move; the slot array holds, per slot, 32
// bits of the entry's hash and the entry's index, probed linearly at a load of at most one half.
// A key is hashed once per lookup by the caller and never again: growing re-places the slots from
// the stored hashes. There is no erase; Clear() frees everything. At most 2^32 - 1 entries (the
// memory budget keeps a table far below). One thread.
#pragma once

#include <cstddef>
#include <cstdint>
#include <utility>
#include <vector>

namespace footfall::engine::internal {

template <typename K, typename V>
class FlatTable {
 public:
  using Entry = std::pair<K, V>;

  // The entry of `key` (whose hash is `hash`) and true when it was missing and inserted with
  // the value `make()` returns. The reference is valid until Clear().
  template <typename Make>
  std::pair<Entry&, bool> FindOrInsert(K&& key, uint64_t hash, Make&& make) {
    if ((size() + 1) * 2 > slots_.size()) Grow();
    const uint64_t tag = hash >> 32;
    for (size_t pos = static_cast<size_t>(hash) & mask_;; pos = (pos + 1) & mask_) {
      const uint64_t slot = slots_[pos];
      if (slot == 0) {
        if (blocks_.empty() || blocks_.back().size() == kBlockEntries) {
          blocks_.emplace_back().reserve(kBlockEntries);
        }
        // The entry first: if make() throws, the table is as it was.
        Entry& e = blocks_.back().emplace_back(std::move(key), make());
        slots_[pos] = (tag << 32) | (hashes_.size() + 1);
        hashes_.push_back(hash);
        return {e, true};
      }
      if ((slot >> 32) == tag) {
        Entry& e = at((slot & 0xffffffffu) - 1);
        if (e.first == key) return {e, false};
      }
    }
  }

  // Starts loading the slot a lookup of `hash` reads first.
  void Prefetch(uint64_t hash) const {
    if (!slots_.empty()) __builtin_prefetch(&slots_[static_cast<size_t>(hash) & mask_]);
  }

  size_t size() const { return hashes_.size(); }
  bool empty() const { return hashes_.empty(); }
  // The i-th entry inserted.
  Entry& at(size_t i) { return blocks_[i / kBlockEntries][i % kBlockEntries]; }

  // fn(Entry&) on every entry, in the order they were inserted.
  template <typename F>
  void ForEach(F&& fn) {
    for (auto& block : blocks_) {
      for (Entry& e : block) fn(e);
    }
  }

  // Bytes held besides what the entries own: slots, hashes, and the last block's free room.
  size_t overhead_bytes() const {
    return slots_.capacity() * sizeof(uint64_t) + hashes_.capacity() * sizeof(uint64_t) +
           (blocks_.size() * kBlockEntries - size()) * sizeof(Entry);
  }

  void Clear() {
    std::vector<uint64_t>().swap(slots_);
    std::vector<uint64_t>().swap(hashes_);
    std::vector<std::vector<Entry>>().swap(blocks_);
    mask_ = 0;
  }

 private:
  static constexpr size_t kInitialSlots = 64;
  static constexpr size_t kBlockEntries = 1024;

  void Grow() {
    const size_t n = slots_.empty() ? kInitialSlots : slots_.size() * 2;
    std::vector<uint64_t>(n, 0).swap(slots_);
    mask_ = n - 1;
    for (size_t i = 0; i < hashes_.size(); ++i) {
      size_t pos = static_cast<size_t>(hashes_[i]) & mask_;
      while (slots_[pos] != 0) pos = (pos + 1) & mask_;
      slots_[pos] = ((hashes_[i] >> 32) << 32) | (i + 1);
    }
  }

  std::vector<uint64_t> slots_;  // (hash >> 32) << 32 | (entry index + 1); 0: empty
  std::vector<uint64_t> hashes_;
  std::vector<std::vector<Entry>> blocks_;  // each of capacity kBlockEntries: entries never move
  size_t mask_ = 0;
};

}  // namespace footfall::engine::internal
