// Progress on a terminal: documents, MB/s, ETA.
//
// Workers add to atomic counters; a background thread redraws one line on
// standard error about four times a second. When standard error is not a
// terminal (or SAFEGATE_NO_PROGRESS is set) nothing is printed and no thread
// is started. Thread-safe counters; Start/Finish from one thread.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <string>
#include <thread>

namespace safegate {

class Progress {
 public:
  // `label` starts the line ("scan"); `total_bytes` 0 means unknown (no ETA).
  Progress(std::string label, uint64_t total_bytes);
  ~Progress();  // calls Finish()

  void AddBytes(uint64_t n) { bytes_.fetch_add(n, std::memory_order_relaxed); }
  void AddDocs(uint64_t n) { docs_.fetch_add(n, std::memory_order_relaxed); }
  void AddErrors(uint64_t n) { errors_.fetch_add(n, std::memory_order_relaxed); }

  // Starts the redraw thread (no-op when not on a terminal).
  void Start();
  // Stops redrawing and clears the line.
  void Finish();

  // True when progress would be drawn (stderr is a terminal).
  static bool Enabled();

 private:
  void Loop();
  std::string Line(double seconds) const;

  std::string label_;
  uint64_t total_;
  std::atomic<uint64_t> bytes_{0}, docs_{0}, errors_{0};
  std::thread thread_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool stop_ = false;
  bool running_ = false;
};

}  // namespace safegate
