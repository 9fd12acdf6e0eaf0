#include "safegate/corpusjobs/runner.h"

#include <algorithm>
#include <condition_variable>
#include <map>
#include <mutex>
#include <thread>

namespace safegate::corpusjobs {

int ResolveThreads(int requested) {
  if (requested > 0) return requested;
  unsigned n = std::thread::hardware_concurrency();
  return n == 0 ? 1 : static_cast<int>(n);
}

Status RunOrderedErased(const std::vector<uint32_t>& units, int threads,
                        const std::function<Status(size_t pos, int worker, void** out)>& work,
                        const std::function<Status(size_t pos, void* result)>& consume,
                        const std::function<void(void*)>& destroy) {
  threads =
      std::max(1, std::min<int>(threads, static_cast<int>(std::max<size_t>(units.size(), 1))));
  std::mutex mu;
  std::condition_variable cv;
  size_t next_take = 0;     // next position to hand out
  size_t next_deliver = 0;  // next position the consumer expects
  std::map<size_t, void*> ready;
  Status first_error;
  bool failed = false;
  const size_t max_ahead = static_cast<size_t>(threads) * 2;

  auto worker_fn = [&](int worker) {
    for (;;) {
      size_t pos;
      {
        std::unique_lock<std::mutex> lock(mu);
        cv.wait(lock, [&] {
          return failed || next_take >= units.size() || next_take < next_deliver + max_ahead;
        });
        if (failed || next_take >= units.size()) return;
        pos = next_take++;
      }
      void* out = nullptr;
      Status s = work(pos, worker, &out);
      std::unique_lock<std::mutex> lock(mu);
      if (!s.ok()) {
        if (!failed) first_error = s;
        failed = true;
        cv.notify_all();
        return;
      }
      ready[pos] = out;
      // Deliver the contiguous prefix. Consumption happens under the lock so
      // results are consumed in order and never concurrently.
      while (!failed && !ready.empty() && ready.begin()->first == next_deliver) {
        void* r = ready.begin()->second;
        ready.erase(ready.begin());
        Status cs = consume(next_deliver, r);
        destroy(r);
        ++next_deliver;
        if (!cs.ok()) {
          first_error = cs;
          failed = true;
        }
      }
      cv.notify_all();
    }
  };

  std::vector<std::thread> pool;
  for (int i = 1; i < threads; ++i) pool.emplace_back(worker_fn, i);
  worker_fn(0);
  for (auto& t : pool) t.join();
  for (auto& [pos, r] : ready) destroy(r);
  if (failed) return first_error;
  return OkStatus();
}

}  // namespace safegate::corpusjobs
