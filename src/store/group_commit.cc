#include "safegate/store/group_commit.h"

#include <utility>

namespace safegate::store {

struct GroupCommitter::Pending {
  Op op;
  Status result;
  bool done = false;
  std::condition_variable cv;  // done, or first in the queue with no batch running
};

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
  Pending p;
  p.op = std::move(op);
  std::unique_lock<std::mutex> lock(mu_);
  space_cv_.wait(lock, [&] { return stop_ || queue_.size() < options_.max_queue; });
  if (stop_) return UnavailableError("the database writer is stopping");
  queue_.push_back(&p);
  while (!p.done) {
    if (leading_) {
      p.cv.wait(lock);
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
      if (q != &p) q->cv.notify_one();
    }
    leading_ = false;
    // The first caller still waiting leads the next batch.
    if (!queue_.empty()) queue_.front()->cv.notify_one();
  }
  return p.result;
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
