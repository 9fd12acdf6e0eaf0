// ExecuteRun: replay targets are read in a loop; HTTP targets are driven by
// net::Client, whose callbacks mark items dispatched and store answers.
#include "safegate/eval/runner.h"

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <mutex>
#include <optional>
#include <set>
#include <thread>
#include <tuple>

#include "safegate/net/client.h"
#include "safegate/openai/chat.h"

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
      // A cascade (judge/cascade.h) names the judge that decided; the report
      // counts the answers each one decided.
      if (!v->decided_by.empty()) l.judge_version += std::string(kDecidedByMark) + v->decided_by;
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

Result<RelabelSummary> RelabelRun(RunStore& store, const std::string& run_id,
                                  const JudgeList& judges, const std::string& judges_json,
                                  const RelabelOptions& options) {
  RelabelSummary sum;
  // The labels the reports read now, to count what changes.
  SAFEGATE_ASSIGN_OR_RETURN(std::vector<AnswerRecord> before, store.Records(run_id));
  SAFEGATE_ASSIGN_OR_RETURN(sum.label_set, store.BeginLabelSet(run_id, judges_json, &sum.resumed));
  SAFEGATE_ASSIGN_OR_RETURN(auto done, store.RelabelledKeys(run_id, sum.label_set));
  // The outcome as a comparable key: judge, label and flag of each label.
  auto key = [](const std::vector<StoredLabel>& labels) {
    std::vector<std::tuple<std::string, std::string, bool>> k;
    for (const auto& l : labels) k.emplace_back(l.judge, l.label, l.flagged);
    std::sort(k.begin(), k.end());
    return k;
  };
  std::vector<const AnswerRecord*> todo;
  for (const AnswerRecord& r : before) {
    if (!r.answered || !r.answer.ok) continue;
    sum.answers++;
    if (!done.count({std::string(BankKindName(r.item.bank)), r.item.id})) todo.push_back(&r);
  }
  uint64_t progress = sum.answers - todo.size();
  constexpr size_t kBatch = 256;
  std::vector<Relabel> batch;
  for (size_t i = 0; i < todo.size(); i += kBatch) {
    if (options.stop != nullptr && options.stop->load()) {
      sum.interrupted = true;
      return sum;
    }
    batch.clear();
    for (size_t j = i; j < std::min(todo.size(), i + kBatch); ++j) {
      const AnswerRecord& r = *todo[j];
      Relabel rl{r.item.bank, r.item.id, JudgeAnswer(judges, r.item, r.answer.content)};
      for (const auto& l : rl.labels) {
        if (l.label == "error") {
          sum.judge_errors++;
          break;
        }
      }
      if (key(rl.labels) != key(r.labels)) sum.changed++;
      batch.push_back(std::move(rl));
    }
    SAFEGATE_RETURN_IF_ERROR(store.StoreRelabels(run_id, sum.label_set, batch));
    sum.relabelled += batch.size();
    progress += batch.size();
    if (options.on_progress) options.on_progress(progress, sum.answers);
  }
  SAFEGATE_RETURN_IF_ERROR(store.FinishLabelSet(run_id, sum.label_set));
  return sum;
}

Result<RunSummary> ExecuteRun(RunStore& store, const std::string& run_id, const TargetSpec& target,
                              const JudgeList& judges, const ExecuteOptions& options) {
  auto t0 = std::chrono::steady_clock::now();
  SAFEGATE_ASSIGN_OR_RETURN(RunInfo info, store.GetRun(run_id));
  (void)info;
  SAFEGATE_ASSIGN_OR_RETURN(std::vector<EvalItem> items, store.Items(run_id));
  SAFEGATE_ASSIGN_OR_RETURN(auto answered, store.AnsweredKeys(run_id));
  std::set<std::pair<std::string, std::string>> errors;
  if (options.retry_errors) {
    SAFEGATE_ASSIGN_OR_RETURN(errors, store.ErrorKeys(run_id));
  }
  RunSummary sum;
  sum.run_id = run_id;
  sum.total = items.size();
  sum.already_stored = answered.size() - errors.size();
  if (options.resume) {
    SAFEGATE_ASSIGN_OR_RETURN(int64_t inflight, store.CountDispatchedUnanswered(run_id));
    sum.resent_inflight = static_cast<uint64_t>(inflight);
    SAFEGATE_RETURN_IF_ERROR(store.RecordResume(run_id, inflight));
  }
  // The items to send, in seq order: those without an answer, and with
  // retry_errors those whose answer is an error (`retry[i]`: its answer
  // replaces that error, which moves to the run's answer history).
  std::vector<const EvalItem*> pending;
  std::vector<char> retry;
  for (const EvalItem& it : items) {
    std::pair<std::string, std::string> key{std::string(BankKindName(it.bank)), it.id};
    const bool again = errors.count(key) > 0;
    if (answered.count(key) && !again) continue;
    pending.push_back(&it);
    retry.push_back(again);
  }
  RunProgressCounts progress{sum.total, sum.already_stored, 0};
  Status store_error;
  // The answer of pending[index], judged, stored on its own.
  auto store_answer = [&](size_t index, StoredAnswer a) {
    const EvalItem& it = *pending[index];
    std::vector<StoredLabel> labels;
    if (a.ok) {
      labels = JudgeAnswer(judges, it, a.content);
      sum.answered++;
    } else {
      sum.errors++;
      progress.errors++;
    }
    AnswerWrite w{&a, &labels, nullptr, retry[index] != 0};
    Status s = store.StoreAnswers({&w, 1});
    if (!s.ok() && store_error.ok()) store_error = s;
    progress.stored++;
    if (options.on_answer) options.on_answer(progress);
  };
  auto stopped = [&] { return options.stop != nullptr && options.stop->load(); };

  if (target.kind == "replay") {
    SAFEGATE_ASSIGN_OR_RETURN(Replay replay, LoadReplay(target.replay_path));
    for (size_t index = 0; index < pending.size(); ++index) {
      const EvalItem* it = pending[index];
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
      if (retry[index]) sum.retried++;
      store_answer(index, std::move(a));
    }
  } else {
    // A missing API key fails here, before anything is sent (not when
    // nothing is left to send).
    std::optional<ChatRequestBuilder> builder;
    if (!pending.empty()) {
      SAFEGATE_ASSIGN_OR_RETURN(builder, ChatRequestBuilder::Make(target));
    }
    net::ClientOptions co;
    co.concurrency = target.concurrency;
    co.requests_per_second = target.requests_per_second;
    co.max_attempts = target.max_attempts;
    co.call_deadline_seconds = target.item_deadline_seconds;
    co.backoff_initial_seconds = target.backoff_initial_seconds;
    co.backoff_max_seconds = target.backoff_max_seconds;
    co.jitter_seed = options.jitter_seed;
    co.stop_flag = options.stop;  // SIGTERM ends retries in flight too
    SAFEGATE_ASSIGN_OR_RETURN(co.engine, net::ParseHttpEngine(target.http_client));
    net::Client client(co);
    // The answer record of a finished call (on the network thread).
    auto to_answer = [&](uint64_t tag, net::CallResult&& r) {
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
          // The generated bank is judged by content judges: every text the
          // model sent (reasoning, tool calls) is read. The refusal banks ask
          // "did it decline": the reply alone, so a refusal put in a
          // reasoning field cannot make a harmful content a refusal.
          auto text = openai::AnswerText(resp.body, it.bank == BankKind::kGenerated
                                                        ? openai::AnswerFields::kAll
                                                        : openai::AnswerFields::kReply);
          if (!text.ok()) {
            a.error = text.status().ToString();
          } else {
            a.ok = true;
            a.content = std::move(text).value();
          }
        }
      }
      return a;
    };
    size_t next_index = 0;
    Status s;
    if (target.requests_per_second > 0) {
      // With a rate limit a request can wait for its token: each item is
      // marked on its own when the client takes it, and answers are judged
      // and stored on this thread (the rate, not the CPU, is the bound).
      auto next = [&](uint64_t* tag, net::Request* req) -> bool {
        if (stopped() || !store_error.ok() || next_index >= pending.size()) {
          if (stopped() || !store_error.ok()) client.Stop();
          return false;
        }
        const EvalItem& it = *pending[next_index];
        store_error = store.MarkDispatched(run_id, {&it});
        if (!store_error.ok()) {
          client.Stop();
          return false;
        }
        *tag = next_index++;
        *req = builder->Build(it);
        sum.sent++;
        if (retry[*tag]) sum.retried++;
        return true;
      };
      auto done = [&](uint64_t tag, net::CallResult&& r) {
        store_answer(tag, to_answer(tag, std::move(r)));
        if (stopped() || !store_error.ok()) client.Stop();
      };
      s = client.Run(next, done);
    } else {
      // Pipeline: this thread drives the HTTP calls; a second thread judges
      // the answers and stores them (group commit: the answers queued while
      // the last transaction ran share the next one). Dispatch marks: the
      // first 2 x concurrency items are marked in one transaction here, so
      // `concurrency` marked items stand ready when the first requests go
      // out; after that, every stored answer marks one more item in its own
      // transaction, and an item becomes sendable (enters `marked`) only once
      // that transaction has committed. So every request follows its
      // committed mark, a freed slot rarely waits for a commit, and a resumed
      // run counts at most `concurrency` items more than were in flight.
      std::mutex mu;
      std::condition_variable cv;
      struct Job {
        size_t index;
        StoredAnswer answer;
        std::vector<StoredLabel> labels;  // judged on the storer thread
        size_t mark_index;                // SIZE_MAX: none
      };
      std::deque<Job> jobs;       // guarded by mu
      std::deque<size_t> marked;  // items whose mark has committed; guarded by mu
      size_t marks_pending = 0;   // jobs carrying a mark; guarded by mu
      bool closing = false;       // guarded by mu
      Status pipe_error;          // guarded by mu
      // The first marks cover twice the concurrency: the requests that go
      // out at once and as many ready to take a freed slot without waiting
      // for a commit.
      size_t first = std::min(pending.size(), 2 * static_cast<size_t>(std::max(1, co.concurrency)));
      {
        std::vector<const EvalItem*> batch(pending.begin(),
                                           pending.begin() + static_cast<long>(first));
        SAFEGATE_RETURN_IF_ERROR(store.MarkDispatched(run_id, batch));
        for (; next_index < first; ++next_index) marked.push_back(next_index);
      }
      // Group commit: the storer takes every job queued so far (up to
      // kMaxBatch) and stores them in one transaction; under a light load
      // that is one answer per transaction, under a heavy one the commit
      // cost is shared by the answers that arrived while the last one ran.
      constexpr size_t kMaxBatch = 256;
      std::thread storer([&] {
        std::vector<Job> batch;
        std::vector<AnswerWrite> writes;
        std::unique_lock<std::mutex> lock(mu);
        while (true) {
          cv.wait(lock, [&] { return !jobs.empty() || closing; });
          if (jobs.empty()) break;
          batch.clear();
          while (!jobs.empty() && batch.size() < kMaxBatch) {
            batch.push_back(std::move(jobs.front()));
            jobs.pop_front();
          }
          bool failed = !pipe_error.ok();
          lock.unlock();
          Status err;
          if (!failed) {
            writes.clear();
            for (Job& job : batch) {
              if (job.answer.ok) {
                job.labels = JudgeAnswer(judges, *pending[job.index], job.answer.content);
                sum.answered++;
              } else {
                sum.errors++;
                progress.errors++;
              }
              const EvalItem* mark = job.mark_index == SIZE_MAX ? nullptr : pending[job.mark_index];
              writes.push_back({&job.answer, &job.labels, mark, retry[job.index] != 0});
            }
            err = store.StoreAnswers(writes);
            if (err.ok()) {
              for (size_t i = 0; i < batch.size(); ++i) {
                progress.stored++;
                if (options.on_answer) options.on_answer(progress);
              }
            } else {
              store_error = err;
            }
          }
          lock.lock();
          for (const Job& job : batch) {
            if (job.mark_index == SIZE_MAX) continue;
            marks_pending--;
            if (!failed && err.ok()) marked.push_back(job.mark_index);
          }
          if (!err.ok() && pipe_error.ok()) pipe_error = err;
          lock.unlock();
          if (!err.ok()) {
            client.Stop();
          } else {
            client.Wake();
          }
          lock.lock();
        }
      });
      auto next = [&](uint64_t* tag, net::Request* req) -> net::Client::Next {
        size_t index;
        {
          std::lock_guard<std::mutex> lock(mu);
          if (stopped() || !pipe_error.ok()) {
            client.Stop();
            return net::Client::Next::kDone;
          }
          if (marked.empty()) {
            return marks_pending > 0 ? net::Client::Next::kWait : net::Client::Next::kDone;
          }
          index = marked.front();
          marked.pop_front();
        }
        *tag = index;
        *req = builder->Build(*pending[index]);
        sum.sent++;
        if (retry[index]) sum.retried++;
        return net::Client::Next::kCall;
      };
      auto done = [&](uint64_t tag, net::CallResult&& r) {
        StoredAnswer a = to_answer(tag, std::move(r));
        size_t mark = SIZE_MAX;
        if (!stopped() && next_index < pending.size()) mark = next_index++;
        {
          std::lock_guard<std::mutex> lock(mu);
          if (mark != SIZE_MAX) marks_pending++;
          jobs.push_back({static_cast<size_t>(tag), std::move(a), {}, mark});
        }
        cv.notify_one();
        if (stopped()) client.Stop();
      };
      s = client.Run(net::Client::PollNextFn(next), done);
      {
        std::lock_guard<std::mutex> lock(mu);
        closing = true;  // answers already received are still stored
      }
      cv.notify_one();
      storer.join();
      if (!pipe_error.ok() && store_error.ok()) store_error = pipe_error;
    }
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
