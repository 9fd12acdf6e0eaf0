// Running work units on threads with results delivered in unit order.
//
// RunOrdered hands units to `threads` workers (in index order) and delivers
// each worker's result to a single consumer strictly in unit order, so that
// output files are written sequentially and identically for any thread count.
// At most about 2 * threads results wait for their turn, so memory stays
// bounded. The first error (from a worker or the consumer) stops the run and
// is returned. The consumer runs under a lock: never concurrently with itself.
#pragma once

#include <cstdint>
#include <functional>
#include <vector>

#include "safegate/base/status.h"

namespace safegate::corpusjobs {

template <typename R>
using WorkFn = std::function<Result<R>(uint32_t unit, int worker)>;
template <typename R>
using ConsumeFn = std::function<Status(uint32_t unit, R&& result)>;

// Implementation detail of RunOrdered (type-erased).
Status RunOrderedErased(const std::vector<uint32_t>& units, int threads,
                        const std::function<Status(size_t pos, int worker, void** out)>& work,
                        const std::function<Status(size_t pos, void* result)>& consume,
                        const std::function<void(void*)>& destroy);

template <typename R>
Status RunOrdered(const std::vector<uint32_t>& units, int threads, const WorkFn<R>& work,
                  const ConsumeFn<R>& consume) {
  return RunOrderedErased(
      units, threads,
      [&](size_t pos, int worker, void** out) -> Status {
        Result<R> r = work(units[pos], worker);
        if (!r.ok()) return r.status();
        *out = new R(std::move(r).value());
        return OkStatus();
      },
      [&](size_t pos, void* p) -> Status {
        return consume(units[pos], std::move(*static_cast<R*>(p)));
      },
      [](void* p) { delete static_cast<R*>(p); });
}

// Number of worker threads to use for `requested` (0 = all cores).
int ResolveThreads(int requested);

}  // namespace safegate::corpusjobs
