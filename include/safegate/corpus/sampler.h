// Reproducible, mergeable uniform sampling: bottom-k by keyed hash.
//
// Every document gets a key: a keyed hash (SipHash-2-4) of the seed, the
// source and the document's identity (the id field when the source has one,
// else its file path and byte offset). The sample of size k is the k documents
// with the smallest keys. Because a document's key does not depend on how the
// corpus is split, the union of the bottom-k of N shards, cut again to k, is
// exactly the bottom-k of the whole corpus: shards and threads merge exactly.
// A uniform random fraction f is the set of documents with key < f * 2^64,
// which merges by union.
#pragma once

#include <algorithm>
#include <cstdint>
#include <queue>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "safegate/base/hash.h"

namespace safegate::corpus {

// The key of a document identified by (file rel_path, byte offset).
uint64_t OffsetKey(uint64_t seed, std::string_view source, std::string_view rel_path,
                   uint64_t offset);
// Same, with the per-file key precomputed: FileKey() once per file, then
// OffsetKeyFast(file_key, offset) per line.
HashKey FileKey(uint64_t seed, std::string_view source, std::string_view rel_path);
inline uint64_t OffsetKeyFast(const HashKey& file_key, uint64_t offset) {
  return SipHash24U64(file_key, offset);
}
// The key of a document with an explicit id.
uint64_t IdKey(uint64_t seed, std::string_view source, std::string_view id);

// The key threshold for a fraction f in [0, 1]: keep documents with key < it.
// Returns UINT64_MAX for f >= 1 (and then also keeps key == UINT64_MAX).
uint64_t FractionThreshold(double f);

// Keeps the k items with the smallest keys (ties broken by `tie`, a string
// that is unique per document). T is any movable payload.
template <typename T>
class BottomK {
 public:
  struct Entry {
    uint64_t key;
    std::string tie;
    T value;
  };

  explicit BottomK(size_t k) : k_(k) {}

  // True when an item with this key could enter: check before building T.
  bool WouldAccept(uint64_t key) const {
    return k_ > 0 && (heap_.size() < k_ || key <= heap_.front().key);
  }

  void Add(uint64_t key, std::string tie, T value) {
    if (k_ == 0) return;
    Entry e{key, std::move(tie), std::move(value)};
    if (heap_.size() < k_) {
      heap_.push_back(std::move(e));
      std::push_heap(heap_.begin(), heap_.end(), Less);
      return;
    }
    if (!Less(e, heap_.front())) return;
    std::pop_heap(heap_.begin(), heap_.end(), Less);
    heap_.back() = std::move(e);
    std::push_heap(heap_.begin(), heap_.end(), Less);
  }

  void Merge(BottomK&& other) {
    for (auto& e : other.heap_) Add(e.key, std::move(e.tie), std::move(e.value));
    other.heap_.clear();
  }

  size_t size() const { return heap_.size(); }
  // The largest key that could still enter: UINT64_MAX until k items are
  // held, then the k-th smallest key (an item with a larger key never enters).
  uint64_t threshold() const { return heap_.size() < k_ ? UINT64_MAX : heap_.front().key; }
  size_t k() const { return k_; }

  // The entries sorted by (key, tie); leaves the sampler empty.
  std::vector<Entry> TakeSorted() {
    std::vector<Entry> out = std::move(heap_);
    heap_.clear();
    std::sort(out.begin(), out.end(), Less);
    return out;
  }

 private:
  static bool Less(const Entry& a, const Entry& b) {
    return a.key != b.key ? a.key < b.key : a.tie < b.tie;
  }
  size_t k_;
  std::vector<Entry> heap_;  // max-heap by (key, tie)
};

}  // namespace safegate::corpus
