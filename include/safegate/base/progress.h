// Progress: libraries count, apps draw.
//
// A library that runs long reports its progress through a callback it is
// given (corpusjobs::JobContext::on_progress, eval::ExecuteOptions::on_answer) and
// never prints. Its workers add to a `Progress` (thread-safe counters), which
// passes every change on to that callback, serialised. An app (the CLI, the
// Python module) turns the callback into a `ProgressLine` on standard error.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <string>
#include <thread>

namespace safegate {

// A byte-sized task's progress so far.
struct ProgressCounts {
  uint64_t bytes = 0;        // done
  uint64_t total_bytes = 0;  // the task's size; 0 = unknown
  uint64_t docs = 0;         // documents (or records) done
  uint64_t errors = 0;       // bad lines
};

// Counters that workers add to from any thread. Each addition calls
// `on_change` (when not null) with the counts so far, never concurrently;
// the constructor calls it once with nothing done.
class Progress {
 public:
  using Callback = std::function<void(const ProgressCounts&)>;
  Progress(uint64_t total_bytes, Callback on_change);

  void AddBytes(uint64_t n) { Add(&ProgressCounts::bytes, n); }
  void AddDocs(uint64_t n) { Add(&ProgressCounts::docs, n); }
  void AddErrors(uint64_t n) { Add(&ProgressCounts::errors, n); }
  ProgressCounts Counts() const;

 private:
  void Add(uint64_t ProgressCounts::*field, uint64_t n);

  mutable std::mutex mu_;
  ProgressCounts counts_;
  Callback on_change_;
};

// One line on standard error, redrawn by a background thread about four times
// a second from `line(seconds since Start)`, and cleared by Finish. When
// standard error is not a terminal (or SAFEGATE_NO_PROGRESS is set; or
// SAFEGATE_PROGRESS forces it on) nothing is drawn and no thread is started.
// `line` runs on that thread: what it reads must be synchronised (Update).
class ProgressLine {
 public:
  explicit ProgressLine(std::function<std::string(double seconds)> line);
  // The line of a byte-sized task: CountsLine(label, the last Update).
  explicit ProgressLine(const std::string& label);
  ~ProgressLine();  // calls Finish()

  // The counts CountsLine draws (the callback of a Progress); thread-safe.
  void Update(const ProgressCounts& counts);
  ProgressCounts Last() const;

  void Start();   // no-op when not on a terminal
  void Finish();  // stops redrawing and clears the line

  // True when a line would be drawn.
  static bool Enabled();

 private:
  void Loop();

  std::function<std::string(double)> line_;
  mutable std::mutex counts_mu_;
  ProgressCounts counts_;
  std::thread thread_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool stop_ = false;
  bool running_ = false;
};

// Runs job(ctx) while a ProgressLine draws "LABEL: 1234 docs, ..." from what
// the job reports through ctx.on_progress (a ProgressCounts callback, as
// corpusjobs::JobContext has), when `draw` and standard error is a terminal.
// Returns what job returns; ctx.on_progress is null again afterwards.
template <typename Context, typename Job>
auto RunWithProgressLine(const std::string& label, bool draw, Context& ctx, Job&& job) {
  ProgressLine line(label);
  if (draw && ProgressLine::Enabled()) {
    ctx.on_progress = [&line](const ProgressCounts& c) { line.Update(c); };
    line.Start();
  }
  auto r = job(static_cast<const Context&>(ctx));
  line.Finish();
  ctx.on_progress = nullptr;
  return r;
}

// "scan: 1234 docs, 5.6 MB, 2.8 MB/s, 40%, ETA 3s, 2 bad" (the percentage and
// ETA when the total is known, the bad lines when there are any).
std::string CountsLine(const std::string& label, const ProgressCounts& c, double seconds);

}  // namespace safegate
