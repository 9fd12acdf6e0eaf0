#include "safegate/base/file.h"

#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <filesystem>
#include <vector>

namespace safegate {

Result<std::string> ReadFile(const std::string& path) {
  errno = 0;
  std::FILE* f = std::fopen(path.c_str(), "rb");
  if (!f) return IoError("cannot open " + path);
  std::string out;
  // A regular file is read straight into a buffer of its size (no growth
  // copies: a saved 100,000-keyword matcher is about 20 MB); anything else,
  // or a file that grows meanwhile, in 64 KiB steps.
  struct stat st;
  size_t have = 0;
  if (fstat(fileno(f), &st) == 0 && S_ISREG(st.st_mode) && st.st_size > 0) {
    out.resize(static_cast<size_t>(st.st_size));
    have = std::fread(out.data(), 1, out.size(), f);
    out.resize(have);
  }
  char buf[1 << 16];
  size_t n;
  while (!std::ferror(f) && (n = std::fread(buf, 1, sizeof buf, f)) > 0) out.append(buf, n);
  bool err = std::ferror(f);
  std::fclose(f);
  if (err) return IoError("cannot read " + path);
  return out;
}

Status WriteFileAtomic(const std::string& path, std::string_view data) {
  AtomicFile f;
  SAFEGATE_RETURN_IF_ERROR(f.Open(path));
  SAFEGATE_RETURN_IF_ERROR(f.Write(data));
  return f.Commit();
}

AtomicFile::~AtomicFile() {
  if (f_ && !stdout_) {
    std::fclose(f_);
    if (!direct_) std::remove(tmp_.c_str());
  }
}

bool IsSpecialFile(const std::string& path) {
  struct stat st;
  return stat(path.c_str(), &st) == 0 && !S_ISREG(st.st_mode) && !S_ISDIR(st.st_mode);
}

Status AtomicFile::Open(const std::string& path) {
  path_ = path;
  if (path == "-") {
    f_ = stdout;
    stdout_ = true;
    return OkStatus();
  }
  if (IsSpecialFile(path)) {  // /dev/null, a FIFO: written in place
    errno = 0;
    f_ = std::fopen(path.c_str(), "wb");
    if (!f_) return IoError("cannot open " + path);
    direct_ = true;
    return OkStatus();
  }
  // PID and a per-process counter: two writers of one path, in two processes
  // or two threads, never share a temporary file.
  static std::atomic<uint64_t> counter{0};
  tmp_ = path + ".tmp-" + std::to_string(getpid()) + "-" + std::to_string(counter++);
  errno = 0;
  f_ = std::fopen(tmp_.c_str(), "wb");
  if (!f_) return IoError("cannot create " + tmp_);
  static constexpr size_t kBuf = 1 << 20;
  std::setvbuf(f_, nullptr, _IOFBF, kBuf);
  return OkStatus();
}

Status AtomicFile::Write(std::string_view data) {
  if (!f_) return FailedPreconditionError("AtomicFile::Write before Open");
  errno = 0;
  if (!data.empty() && std::fwrite(data.data(), 1, data.size(), f_) != data.size()) {
    return IoError("cannot write " + (stdout_ ? std::string("standard output") : tmp_));
  }
  return OkStatus();
}

Status AtomicFile::Commit(bool durable) {
  if (!f_) return FailedPreconditionError("AtomicFile::Commit before Open");
  errno = 0;
  if (std::fflush(f_) != 0) return IoError("cannot write " + (stdout_ ? "stdout" : tmp_));
  if (stdout_) {
    f_ = nullptr;
    return OkStatus();
  }
  if (direct_) {
    bool err = std::fclose(f_) != 0;
    f_ = nullptr;
    return err ? IoError("cannot write " + path_) : OkStatus();
  }
  if (durable) fsync(fileno(f_));
  bool err = std::fclose(f_) != 0;
  f_ = nullptr;
  if (err) {
    std::remove(tmp_.c_str());
    return IoError("cannot close " + tmp_);
  }
  if (std::rename(tmp_.c_str(), path_.c_str()) != 0) {
    std::remove(tmp_.c_str());
    return IoError("cannot rename " + tmp_ + " to " + path_);
  }
  return OkStatus();
}

Status MakeDirs(const std::string& path) {
  std::error_code ec;
  std::filesystem::create_directories(path, ec);
  if (ec)
    return Status(StatusCode::kIoError, "cannot create directory " + path + ": " + ec.message());
  return OkStatus();
}

size_t PruneCacheFiles(const std::string& dir, std::string_view prefix, std::string_view suffix,
                       size_t keep, std::string_view except) {
  namespace fs = std::filesystem;
  std::error_code ec;
  std::vector<std::pair<fs::file_time_type, fs::path>> files;
  for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
    const std::string name = it->path().filename().string();
    if (name.size() < prefix.size() + suffix.size() ||
        name.compare(0, prefix.size(), prefix) != 0 ||
        name.compare(name.size() - suffix.size(), suffix.size(), suffix) != 0)
      continue;
    std::error_code e2;
    if (!it->is_regular_file(e2) || e2) continue;
    auto t = it->last_write_time(e2);
    if (!e2) files.emplace_back(t, it->path());
  }
  keep = std::max<size_t>(keep, 1);
  if (files.size() <= keep) return 0;
  // Newest first; `except` first of all, so it always counts among the kept.
  std::sort(files.begin(), files.end(), [&](const auto& a, const auto& b) {
    const bool ea = a.second.filename().string() == except,
               eb = b.second.filename().string() == except;
    return ea != eb ? ea : a.first > b.first;
  });
  size_t removed = 0;
  for (size_t i = keep; i < files.size(); ++i) {
    std::error_code e2;
    if (fs::remove(files[i].second, e2)) ++removed;
  }
  return removed;
}

}  // namespace safegate
