// ExecuteRun: replay targets are read in a loop; HTTP targets are driven by
// net::Client, whose callbacks mark items dispatched and store answers.
#include "safegate/eval/runner.h"

#include <algorithm>
#include <chrono>
#include <deque>

#include "safegate/net/client.h"

namespace safegate::eval {

std::vector<StoredLabel> JudgeAnswer(const JudgeList& judges, const EvalItem& item,
                                     std::string_view answer) {
  std::vector<StoredLabel> out;
  out.reserve(judges.size());
  for (const auto& j : judges) {
    StoredLabel l;
    l.judge = std::string(j->name());
    l.judge_version = std::string(j->version());
    auto v = j->Run({answer, item.prompt, item.lang});
    if (!v.ok()) {
      l.label = "error";
      l.error = v.status().ToString();
    } else {
      l.label = v->label;
      l.score = v->score;
      l.flagged = v->flagged();
      for (const auto& c : v->categories) {
        if (!c.flagged) continue;
        if (!l.categories.empty()) l.categories += ",";
        l.categories += c.category;
      }
    }
    out.push_back(std::move(l));
  }
  return out;
}

Result<RunSummary> ExecuteRun(RunStore& store, const std::string& run_id, const TargetSpec& target,
                              const JudgeList& judges, const ExecuteOptions& options) {
  auto t0 = std::chrono::steady_clock::now();
  SAFEGATE_ASSIGN_OR_RETURN(RunInfo info, store.GetRun(run_id));
  (void)info;
  SAFEGATE_ASSIGN_OR_RETURN(std::vector<EvalItem> items, store.Items(run_id));
  SAFEGATE_ASSIGN_OR_RETURN(auto answered, store.AnsweredKeys(run_id));
  RunSummary sum;
  sum.run_id = run_id;
  sum.total = items.size();
  sum.already_stored = answered.size();
  if (options.resume) {
    SAFEGATE_ASSIGN_OR_RETURN(int64_t inflight, store.CountDispatchedUnanswered(run_id));
    sum.resent_inflight = static_cast<uint64_t>(inflight);
    SAFEGATE_RETURN_IF_ERROR(store.RecordResume(run_id, inflight));
  }
  std::vector<const EvalItem*> pending;
  for (const EvalItem& it : items) {
    if (!answered.count({std::string(BankKindName(it.bank)), it.id})) pending.push_back(&it);
  }
  RunProgressCounts progress{sum.total, sum.already_stored, 0};
  Status store_error;
  // `mark_next`: an item whose dispatch mark goes into the answer's transaction.
  auto store_answer = [&](const EvalItem& it, StoredAnswer a, const EvalItem* mark_next = nullptr) {
    std::vector<StoredLabel> labels;
    if (a.ok) {
      labels = JudgeAnswer(judges, it, a.content);
      sum.answered++;
    } else {
      sum.errors++;
      progress.errors++;
    }
    Status s = store.StoreAnswer(&a, labels, mark_next);
    if (!s.ok() && store_error.ok()) store_error = s;
    progress.stored++;
    if (options.on_answer) options.on_answer(progress);
  };
  auto stopped = [&] { return options.stop != nullptr && options.stop->load(); };

  if (target.kind == "replay") {
    SAFEGATE_ASSIGN_OR_RETURN(Replay replay, LoadReplay(target.replay_path));
    for (const EvalItem* it : pending) {
      if (stopped() || !store_error.ok()) break;
      StoredAnswer a;
      a.run_id = run_id;
      a.bank = it->bank;
      a.item_id = it->id;
      a.attempts = 1;
      const ReplayAnswer* r = replay.Find(*it);
      if (r == nullptr) {
        a.error = "no recorded response for id '" + it->id + "' in " + target.replay_path;
      } else if (!r->error.empty()) {
        a.error = "recorded error: " + r->error;
      } else {
        a.ok = true;
        a.content = r->response;
      }
      sum.sent++;
      store_answer(*it, std::move(a));
    }
  } else {
    // Build every request up front so a missing API key fails before anything is sent.
    if (!pending.empty()) SAFEGATE_RETURN_IF_ERROR(BuildChatRequest(target, *pending[0]).status());
    net::ClientOptions co;
    co.concurrency = target.concurrency;
    co.requests_per_second = target.requests_per_second;
    co.max_attempts = target.max_attempts;
    co.backoff_initial_seconds = target.backoff_initial_seconds;
    co.backoff_max_seconds = target.backoff_max_seconds;
    co.jitter_seed = options.jitter_seed;
    net::Client client(co);
    // Dispatch marks. Every item is marked before its request goes out. To
    // save a commit per answer, the runner marks the item that will take a
    // freed slot in the transaction of the answer that freed it (done()
    // below), and marks the first requests of the session, which all go out
    // together, in one transaction. Those items wait in `marked` until the
    // client asks for them, which it does right after done() returns (or,
    // for the first ones, in the same pass). Only with a rate limit, where a
    // request can wait for its token, is each item marked on its own when
    // the client asks for it.
    const bool fold_marks = target.requests_per_second <= 0;
    std::deque<size_t> marked;
    size_t next_index = 0;
    auto fail = [&](Status s) {
      store_error = std::move(s);
      client.Stop();
      return false;
    };
    auto next = [&](uint64_t* tag, net::Request* req) -> bool {
      if (stopped() || !store_error.ok()) {
        client.Stop();
        return false;
      }
      if (marked.empty() && next_index < pending.size()) {
        if (fold_marks) {
          size_t n = std::min(pending.size() - next_index,
                              static_cast<size_t>(std::max(1, target.concurrency)));
          std::vector<const EvalItem*> batch(pending.begin() + static_cast<long>(next_index),
                                             pending.begin() + static_cast<long>(next_index + n));
          Status s = store.MarkDispatched(run_id, batch);
          if (!s.ok()) return fail(s);
          for (size_t k = 0; k < n; ++k) marked.push_back(next_index++);
        } else {
          const EvalItem& it = *pending[next_index];
          Status s = store.MarkDispatched(run_id, it.bank, it.id);
          if (!s.ok()) return fail(s);
          marked.push_back(next_index++);
        }
      }
      if (marked.empty()) return false;
      size_t index = marked.front();
      marked.pop_front();
      auto r = BuildChatRequest(target, *pending[index]);
      if (!r.ok()) return fail(r.status());
      *tag = index;
      *req = std::move(r).value();
      sum.sent++;
      return true;
    };
    auto done = [&](uint64_t tag, net::CallResult&& r) {
      const EvalItem& it = *pending[tag];
      StoredAnswer a;
      a.run_id = run_id;
      a.bank = it.bank;
      a.item_id = it.id;
      a.attempts = r.attempts;
      a.latency_ms = r.seconds * 1000;
      if (!r.response.ok()) {
        a.error = r.response.status().ToString();
      } else {
        const net::Response& resp = *r.response;
        a.http_status = resp.status;
        if (resp.status < 200 || resp.status >= 300) {
          a.error = "HTTP " + std::to_string(resp.status) + ": " + resp.body.substr(0, 200);
        } else {
          auto text = ParseChatResponse(resp.body);
          if (!text.ok()) {
            a.error = text.status().ToString();
          } else {
            a.ok = true;
            a.content = std::move(text).value();
          }
        }
      }
      // The item that takes this slot next is marked in the same transaction.
      const EvalItem* mark_next = nullptr;
      if (fold_marks && !stopped() && store_error.ok() && next_index < pending.size()) {
        mark_next = pending[next_index];
      }
      store_answer(it, std::move(a), mark_next);
      // Committed (answer and mark) unless the store failed.
      if (mark_next != nullptr && store_error.ok()) marked.push_back(next_index++);
      if (stopped() || !store_error.ok()) client.Stop();
    };
    Status s = client.Run(next, done);
    sum.attempts = client.stats().attempts;
    sum.retries = client.stats().retries;
    if (!s.ok() && s.code() != StatusCode::kFailedPrecondition) return s;
  }
  if (!store_error.ok()) return store_error;
  sum.interrupted = progress.stored < sum.total;
  if (!sum.interrupted) SAFEGATE_RETURN_IF_ERROR(store.MarkFinished(run_id));
  sum.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  return sum;
}

}  // namespace safegate::eval
