#include "safegate/base/progress.h"

#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>

namespace safegate {

Progress::Progress(std::string label, uint64_t total_bytes)
    : label_(std::move(label)), total_(total_bytes) {}

Progress::~Progress() {
  Finish();
}

bool Progress::Enabled() {
  if (std::getenv("SAFEGATE_NO_PROGRESS") != nullptr) return false;
  return isatty(STDERR_FILENO) || std::getenv("SAFEGATE_PROGRESS") != nullptr;
}

void Progress::Start() {
  if (running_ || !Enabled()) return;
  running_ = true;
  thread_ = std::thread([this] { Loop(); });
}

void Progress::Finish() {
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

std::string Progress::Line(double secs) const {
  uint64_t b = bytes_.load(std::memory_order_relaxed);
  uint64_t d = docs_.load(std::memory_order_relaxed);
  uint64_t e = errors_.load(std::memory_order_relaxed);
  double mbps = secs > 0 ? b / 1e6 / secs : 0;
  char buf[256];
  int n = std::snprintf(buf, sizeof buf, "%s: %llu docs, %.1f MB, %.1f MB/s", label_.c_str(),
                        static_cast<unsigned long long>(d), b / 1e6, mbps);
  std::string s(buf, n > 0 ? static_cast<size_t>(n) : 0);
  if (total_ > 0) {
    double pct = 100.0 * static_cast<double>(b) / static_cast<double>(total_);
    if (pct > 100) pct = 100;
    double eta = (mbps > 0 && total_ > b) ? (total_ - b) / 1e6 / mbps : 0;
    n = std::snprintf(buf, sizeof buf, ", %.0f%%, ETA %.0fs", pct, eta);
    s.append(buf, n > 0 ? static_cast<size_t>(n) : 0);
  }
  if (e > 0) s += ", " + std::to_string(e) + " bad";
  return s;
}

void Progress::Loop() {
  auto t0 = std::chrono::steady_clock::now();
  std::unique_lock<std::mutex> lock(mu_);
  while (!stop_) {
    cv_.wait_for(lock, std::chrono::milliseconds(250));
    if (stop_) break;
    double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    std::string line = Line(secs);
    std::fprintf(stderr, "\r\033[K%s", line.c_str());
    std::fflush(stderr);
  }
}

}  // namespace safegate
