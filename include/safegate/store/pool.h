// A fixed set of connections shared by worker threads: Get() blocks until one
// is free and returns a lease that gives it back when destroyed. Open() once,
// before any Get(); Get() is thread-safe. Leases must not outlive the pool.
#pragma once

#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <vector>

#include "safegate/store/store.h"

namespace safegate::store {

class Pool {
 public:
  using Opener = std::function<Result<std::unique_ptr<Database>>()>;

  // Opens `n` connections with `open`; the first failure is returned.
  Status Open(const Opener& open, int n) {
    for (int i = 0; i < n; ++i) {
      SAFEGATE_ASSIGN_OR_RETURN(std::unique_ptr<Database> db, open());
      free_.push_back(db.get());
      all_.push_back(std::move(db));
    }
    return OkStatus();
  }

  class Lease {
   public:
    Lease(Pool* p, Database* db) : pool_(p), db_(db) {}
    Lease(const Lease&) = delete;
    ~Lease() { pool_->Put(db_); }
    Database& operator*() { return *db_; }

   private:
    Pool* pool_;
    Database* db_;
  };

  Lease Get() {
    std::unique_lock<std::mutex> lock(mu_);
    cv_.wait(lock, [&] { return !free_.empty(); });
    Database* db = free_.back();
    free_.pop_back();
    return Lease(this, db);
  }

 private:
  void Put(Database* db) {
    std::lock_guard<std::mutex> lock(mu_);
    free_.push_back(db);
    cv_.notify_one();
  }
  std::mutex mu_;
  std::condition_variable cv_;
  std::vector<std::unique_ptr<Database>> all_;
  std::vector<Database*> free_;
};

}  // namespace safegate::store
