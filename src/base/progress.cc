#include "safegate/base/progress.h"

#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>

namespace safegate {

Progress::Progress(uint64_t total_bytes, Callback on_change) : on_change_(std::move(on_change)) {
  counts_.total_bytes = total_bytes;
  if (on_change_) on_change_(counts_);
}

void Progress::Add(uint64_t ProgressCounts::*field, uint64_t n) {
  std::lock_guard<std::mutex> lock(mu_);
  counts_.*field += n;
  if (on_change_) on_change_(counts_);
}

ProgressCounts Progress::Counts() const {
  std::lock_guard<std::mutex> lock(mu_);
  return counts_;
}

ProgressLine::ProgressLine(std::function<std::string(double)> line) : line_(std::move(line)) {}

ProgressLine::ProgressLine(const std::string& label)
    : line_([this, label](double secs) { return CountsLine(label, Last(), secs); }) {}

ProgressLine::~ProgressLine() {
  Finish();
}

void ProgressLine::Update(const ProgressCounts& counts) {
  std::lock_guard<std::mutex> lock(counts_mu_);
  counts_ = counts;
}

ProgressCounts ProgressLine::Last() const {
  std::lock_guard<std::mutex> lock(counts_mu_);
  return counts_;
}

bool ProgressLine::Enabled() {
  if (std::getenv("SAFEGATE_NO_PROGRESS") != nullptr) return false;
  return isatty(STDERR_FILENO) || std::getenv("SAFEGATE_PROGRESS") != nullptr;
}

void ProgressLine::Start() {
  if (running_ || !Enabled()) return;
  running_ = true;
  stop_ = false;
  thread_ = std::thread([this] { Loop(); });
}

void ProgressLine::Finish() {
  if (!running_) return;
  {
    std::lock_guard<std::mutex> lock(mu_);
    stop_ = true;
  }
  cv_.notify_all();
  thread_.join();
  running_ = false;
  std::fprintf(stderr, "\r\033[K");
  std::fflush(stderr);
}

std::string CountsLine(const std::string& label, const ProgressCounts& c, double secs) {
  uint64_t b = c.bytes;
  double mbps = secs > 0 ? b / 1e6 / secs : 0;
  char buf[256];
  int n = std::snprintf(buf, sizeof buf, "%s: %llu docs, %.1f MB, %.1f MB/s", label.c_str(),
                        static_cast<unsigned long long>(c.docs), b / 1e6, mbps);
  std::string s(buf, n > 0 ? static_cast<size_t>(n) : 0);
  if (c.total_bytes > 0) {
    double pct = 100.0 * static_cast<double>(b) / static_cast<double>(c.total_bytes);
    if (pct > 100) pct = 100;
    double eta = (mbps > 0 && c.total_bytes > b) ? (c.total_bytes - b) / 1e6 / mbps : 0;
    n = std::snprintf(buf, sizeof buf, ", %.0f%%, ETA %.0fs", pct, eta);
    s.append(buf, n > 0 ? static_cast<size_t>(n) : 0);
  }
  if (c.errors > 0) s += ", " + std::to_string(c.errors) + " bad";
  return s;
}

void ProgressLine::Loop() {
  auto t0 = std::chrono::steady_clock::now();
  std::unique_lock<std::mutex> lock(mu_);
  while (!stop_) {
    cv_.wait_for(lock, std::chrono::milliseconds(250));
    if (stop_) break;
    double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    std::string line = line_(secs);
    std::fprintf(stderr, "\r\033[K%s", line.c_str());
    std::fflush(stderr);
  }
}

}  // namespace safegate
