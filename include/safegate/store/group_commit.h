// Group commit: the writes of many callers run in one transaction, so that
// many requests share one durable commit (one fdatasync on SQLite) instead
// of each paying its own and queueing on SQLite's single write lock.
//
//   GroupCommitter w(opener);            // opens its own connection
//   Status s = w.Run([&](Database& db) { return AppendMessages(db, ...); });
//   // s is OK only once the batch holding this write has committed.
//
// Each operation runs inside the batch's transaction in a savepoint of its
// own: an operation that fails is rolled back alone and gets its error; the
// others commit. When the commit itself fails every operation of the batch
// gets that error (nothing of the batch is stored). A batch holds at most
// `max_batch` operations; at most `max_queue` wait, and Run() blocks while
// the queue is full (back-pressure). Operations run one at a time, in arrival
// order, so they may read what earlier ones wrote.
//
// There is no writer thread: a caller that finds no batch running leads the
// next one on its own thread, with what is queued by then (its own operation
// first, when it is alone), while later callers queue and wait; when its batch
// has committed, the first caller still queued leads the next. So an
// uncontended write costs no hand-off between threads (two context switches
// less per write than a dedicated writer), and under load batches form as
// before. The one connection is used by one leader at a time.
//
// A connection error (kUnavailable, e.g. PostgreSQL restarted) reopens the
// connection once and retries the batch; a second failure is returned.
//
// Thread-safe. Destroy it only when no Run() is in progress.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>

#include "safegate/store/store.h"

namespace safegate::store {

class GroupCommitter {
 public:
  using Opener = std::function<Result<std::unique_ptr<Database>>()>;
  using Op = std::function<Status(Database&)>;

  struct Options {
    size_t max_batch = 256;
    size_t max_queue = 4096;
  };
  struct Stats {
    uint64_t batches = 0;
    uint64_t ops = 0;
    uint64_t failed_commits = 0;
    uint64_t reconnects = 0;
  };

  // The connection is opened by the first batch (Open() checks it at once).
  explicit GroupCommitter(Opener open) : GroupCommitter(std::move(open), Options()) {}
  GroupCommitter(Opener open, Options options);
  ~GroupCommitter();
  GroupCommitter(const GroupCommitter&) = delete;
  GroupCommitter& operator=(const GroupCommitter&) = delete;

  // Opens the connection now; an error when it cannot be opened.
  Status Open();

  // Runs `op` in the next batch and waits until that batch has committed.
  Status Run(Op op);

  Stats stats() const;

 private:
  struct Pending;
  void RunBatch(std::deque<Pending*>& batch);

  Opener open_;
  Options options_;
  std::unique_ptr<Database> db_;  // used by the leader of the running batch only
  mutable std::mutex mu_;
  std::condition_variable space_cv_;  // callers wait for room in the queue
  std::deque<Pending*> queue_;
  bool leading_ = false;  // a batch is running
  bool stop_ = false;
  Stats stats_;
};

}  // namespace safegate::store
