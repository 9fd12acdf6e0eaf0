#include "safegate/store/group_commit.h"

#include <atomic>
#include <utility>

namespace safegate::store {

// One caller's operation. Shared by its caller and, while its batch is
// finished, by the leader: the leader wakes the callers after releasing the
// lock (a caller woken while the lock is held would only block on it again,
// a second sleep and wake), and a caller may see `done` and return before
// that wake-up arrives, so the last of the two frees it.
struct GroupCommitter::Pending {
  Op op;
  Status result;
  bool done = false;
  std::condition_variable cv;  // done, or first in the queue with no batch running
  std::atomic<int> refs{1};
};

namespace {
template <typename P>
void Release(P* p) {
  if (p->refs.fetch_sub(1, std::memory_order_acq_rel) == 1) delete p;
}
}  // namespace

GroupCommitter::GroupCommitter(Opener open, Options options)
    : open_(std::move(open)), options_(options) {
  if (options_.max_batch == 0) options_.max_batch = 1;
  if (options_.max_queue < options_.max_batch) options_.max_queue = options_.max_batch;
}

GroupCommitter::~GroupCommitter() {
  std::lock_guard<std::mutex> lock(mu_);
  stop_ = true;
  space_cv_.notify_all();
}

Status GroupCommitter::Open() {
  std::lock_guard<std::mutex> lock(mu_);
  if (db_) return OkStatus();
  SAFEGATE_ASSIGN_OR_RETURN(db_, open_());
  return OkStatus();
}

Status GroupCommitter::Run(Op op) {
  auto* p = new Pending;
  p->op = std::move(op);
  std::unique_lock<std::mutex> lock(mu_);
  space_cv_.wait(lock, [&] { return stop_ || queue_.size() < options_.max_queue; });
  if (stop_) {
    lock.unlock();
    Release(p);
    return UnavailableError("the database writer is stopping");
  }
  queue_.push_back(p);
  while (!p->done) {
    if (leading_) {
      p->cv.wait(lock);
      continue;
    }
    // No batch is running: this caller leads one with what is queued.
    leading_ = true;
    std::deque<Pending*> batch;
    while (!queue_.empty() && batch.size() < options_.max_batch) {
      batch.push_back(queue_.front());
      queue_.pop_front();
    }
    space_cv_.notify_all();
    lock.unlock();
    RunBatch(batch);
    lock.lock();
    ++stats_.batches;
    stats_.ops += batch.size();
    for (Pending* q : batch) {
      q->done = true;
      q->refs.fetch_add(1, std::memory_order_relaxed);
    }
    leading_ = false;
    // The first caller still waiting leads the next batch.
    Pending* next = queue_.empty() ? nullptr : queue_.front();
    if (next) next->refs.fetch_add(1, std::memory_order_relaxed);
    lock.unlock();
    for (Pending* q : batch) {
      if (q != p) q->cv.notify_one();
      Release(q);
    }
    if (next) {
      next->cv.notify_one();
      Release(next);
    }
    lock.lock();
  }
  Status result = std::move(p->result);
  lock.unlock();
  Release(p);
  return result;
}

GroupCommitter::Stats GroupCommitter::stats() const {
  std::lock_guard<std::mutex> lock(mu_);
  return stats_;
}

void GroupCommitter::RunBatch(std::deque<Pending*>& batch) {
  for (int attempt = 0; attempt < 2; ++attempt) {
    Status s;
    std::unique_ptr<Database> fresh;
    {
      std::lock_guard<std::mutex> lock(mu_);
      if (!db_) {
        auto opened = open_();
        if (!opened.ok()) {
          s = opened.status();
        } else {
          db_ = std::move(*opened);
        }
      }
    }
    if (s.ok()) s = db_->Begin();
    if (s.ok()) {
      for (Pending* p : batch) {
        Status b = db_->Begin();  // a savepoint
        if (!b.ok()) {
          s = b;
          break;
        }
        p->result = p->op(*db_);
        Status end = p->result.ok() ? db_->Commit() : db_->Rollback();
        if (!end.ok()) {
          s = end;
          break;
        }
      }
      if (s.ok()) {
        s = db_->Commit();
      } else {
        (void)db_->Rollback();
      }
    }
    if (s.ok()) return;
    std::lock_guard<std::mutex> lock(mu_);
    ++stats_.failed_commits;
    // A lost connection: reopen it once and retry the whole batch.
    if (attempt == 0 && s.code() == StatusCode::kUnavailable) {
      db_.reset();
      ++stats_.reconnects;
      continue;
    }
    for (Pending* p : batch) p->result = s;
    return;
  }
}

}  // namespace safegate::store
