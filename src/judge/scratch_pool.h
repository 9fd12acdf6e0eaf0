// A pool of scan::Scratch objects for one Matcher, so a Judge that scans can be
// called from many threads: each call borrows a Scratch and returns it.
#pragma once

#include <memory>
#include <mutex>
#include <vector>

#include "safegate/scan/matcher.h"

namespace safegate::judge::internal {

class ScratchPool {
 public:
  explicit ScratchPool(const scan::Matcher* matcher) : matcher_(matcher) {}

  class Lease {
   public:
    Lease(ScratchPool* pool, std::unique_ptr<scan::Scratch> s) : pool_(pool), s_(std::move(s)) {}
    ~Lease() { pool_->Return(std::move(s_)); }
    Lease(const Lease&) = delete;
    Lease& operator=(const Lease&) = delete;
    scan::Scratch* get() { return s_.get(); }

   private:
    ScratchPool* pool_;
    std::unique_ptr<scan::Scratch> s_;
  };

  Lease Borrow() const {
    auto* self = const_cast<ScratchPool*>(this);
    {
      std::lock_guard<std::mutex> lock(self->mu_);
      if (!self->free_.empty()) {
        auto s = std::move(self->free_.back());
        self->free_.pop_back();
        return Lease(self, std::move(s));
      }
    }
    return Lease(self, std::make_unique<scan::Scratch>(*matcher_));
  }

 private:
  void Return(std::unique_ptr<scan::Scratch> s) {
    std::lock_guard<std::mutex> lock(mu_);
    free_.push_back(std::move(s));
  }
  const scan::Matcher* matcher_;
  std::mutex mu_;
  std::vector<std::unique_ptr<scan::Scratch>> free_;
};

}  // namespace safegate::judge::internal
