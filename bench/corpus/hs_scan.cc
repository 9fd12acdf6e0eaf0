// Bare Hyperscan loop: the engine's limit for the corpus benchmark.
//
//   g++ -O2 -std=c++17 hs_scan.cc $(pkg-config --cflags --libs libhs) -pthread -o hs_scan
//   hs_scan KW.txt TEXT.txt [THREADS] [block|lines|every]
//
// Compiles the literals of KW.txt (one per line) with hs_compile_lit_multi
// (HS_FLAG_CASELESS | HS_FLAG_SINGLEMATCH), mmaps TEXT.txt (MAP_POPULATE) and
// counts the lines that contain at least one literal. The file is split into
// THREADS ranges at line boundaries, one scratch per thread.
//
// Modes:
//   block (default): one hs_scan over the whole range; the first match ends
//     the scan (callback returns 1), its end offset gives the line, and the
//     scan resumes at the start of the next line. Literals hold no newline,
//     so no match crosses a line and no earlier line can match.
//   lines: one hs_scan call per line (per document), as a per-document
//     scanner does; shows the per-call overhead.
//   every: the literals compiled without SINGLEMATCH, one hs_scan over the
//     whole range, every occurrence of every literal reported (the callback
//     never stops the scan). This is the engine's work for a scanner that
//     must count every hit, as `corpus scan` does; block mode reads only up
//     to a line's first match. matched_lines still counts the lines with at
//     least one match; occurrences counts the reports (0 in the other modes).
//
// Prints one line: matched lines, total lines, bytes, compile and scan time,
// MB/s (bytes / (compile + scan)) and MB/s of the scan alone.
#include <fcntl.h>
#include <hs.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

namespace {

double Now() {
  return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

struct Hit {
  unsigned long long end = 0;
  bool hit = false;
};

int OnMatch(unsigned int, unsigned long long, unsigned long long to, unsigned int, void* ctx) {
  auto* h = static_cast<Hit*>(ctx);
  h->end = to;
  h->hit = true;
  return 1;  // stop: one match decides the line
}

struct Result {
  size_t matched = 0;
  size_t lines = 0;
  size_t occurrences = 0;
};

// State of an `every` scan: the reports so far and the end of the line of
// the last counted match (matches arrive in end-offset order).
struct Every {
  const char* base = nullptr;
  const char* end = nullptr;
  const char* line_end = nullptr;  // end of the last line counted as matched
  Result* r = nullptr;
};

const char* LineEnd(const char* p, const char* end) {
  const void* nl = std::memchr(p, '\n', end - p);
  return nl ? static_cast<const char*>(nl) : end;
}

Result ScanBlock(const hs_database_t* db, hs_scratch_t* scratch, const char* begin,
                 const char* end) {
  Result r;
  for (const char* p = begin; p < end; p = LineEnd(p, end) + 1) r.lines++;
  const char* p = begin;
  while (p < end) {
    // hs_scan takes an unsigned int length; cut huge ranges at a line end.
    const char* stop = end;
    if (static_cast<size_t>(stop - p) > (1u << 30)) {
      stop = LineEnd(p + (1u << 30), end);
      if (stop < end) stop++;
    }
    Hit h;
    hs_error_t e = hs_scan(db, p, static_cast<unsigned>(stop - p), 0, scratch, OnMatch, &h);
    if (e != HS_SUCCESS && e != HS_SCAN_TERMINATED) {
      std::fprintf(stderr, "hs_scan failed: %d\n", e);
      std::exit(1);
    }
    if (!h.hit) {
      p = stop;
      continue;
    }
    r.matched++;
    const char* line_end = LineEnd(p + h.end - 1, end);
    p = line_end + 1;
  }
  return r;
}

int OnEveryMatch(unsigned int, unsigned long long, unsigned long long to, unsigned int, void* ctx) {
  auto* e = static_cast<Every*>(ctx);
  e->r->occurrences++;
  const char* at = e->base + to - 1;  // last byte of the match
  if (e->line_end == nullptr || at > e->line_end) {
    e->r->matched++;
    e->line_end = LineEnd(at, e->end);
  }
  return 0;  // go on: every occurrence is reported
}

Result ScanEvery(const hs_database_t* db, hs_scratch_t* scratch, const char* begin,
                 const char* end) {
  Result r;
  for (const char* p = begin; p < end; p = LineEnd(p, end) + 1) r.lines++;
  for (const char* p = begin; p < end;) {
    // hs_scan takes an unsigned int length; cut huge ranges at a line end.
    const char* stop = end;
    if (static_cast<size_t>(stop - p) > (1u << 30)) {
      stop = LineEnd(p + (1u << 30), end);
      if (stop < end) stop++;
    }
    Every e{p, end, nullptr, &r};
    hs_error_t err = hs_scan(db, p, static_cast<unsigned>(stop - p), 0, scratch, OnEveryMatch, &e);
    if (err != HS_SUCCESS) {
      std::fprintf(stderr, "hs_scan failed: %d\n", err);
      std::exit(1);
    }
    p = stop;
  }
  return r;
}

Result ScanLines(const hs_database_t* db, hs_scratch_t* scratch, const char* begin,
                 const char* end) {
  Result r;
  for (const char* p = begin; p < end;) {
    const char* e = LineEnd(p, end);
    Hit h;
    hs_error_t err = hs_scan(db, p, static_cast<unsigned>(e - p), 0, scratch, OnMatch, &h);
    if (err != HS_SUCCESS && err != HS_SCAN_TERMINATED) {
      std::fprintf(stderr, "hs_scan failed: %d\n", err);
      std::exit(1);
    }
    r.lines++;
    if (h.hit) r.matched++;
    p = e + 1;
  }
  return r;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 3) {
    std::fprintf(stderr, "usage: %s KW.txt TEXT.txt [THREADS] [block|lines]\n", argv[0]);
    return 2;
  }
  const int threads = argc > 3 ? std::max(1, std::atoi(argv[3])) : 1;
  const std::string mode = argc > 4 ? argv[4] : "block";
  if (mode != "block" && mode != "lines" && mode != "every") {
    std::fprintf(stderr, "mode must be block, lines or every\n");
    return 2;
  }
  const double t0 = Now();

  std::ifstream kwf(argv[1]);
  if (!kwf) {
    std::fprintf(stderr, "cannot read %s\n", argv[1]);
    return 1;
  }
  std::vector<std::string> kws;
  for (std::string line; std::getline(kwf, line);) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (!line.empty()) kws.push_back(line);
  }
  std::vector<const char*> exprs;
  std::vector<size_t> lens;
  const unsigned flag = mode == "every" ? HS_FLAG_CASELESS : HS_FLAG_CASELESS | HS_FLAG_SINGLEMATCH;
  std::vector<unsigned> flags(kws.size(), flag), ids;
  for (size_t i = 0; i < kws.size(); ++i) {
    exprs.push_back(kws[i].data());
    lens.push_back(kws[i].size());
    ids.push_back(static_cast<unsigned>(i));
  }
  hs_database_t* db = nullptr;
  hs_compile_error_t* cerr = nullptr;
  if (hs_compile_lit_multi(exprs.data(), flags.data(), ids.data(), lens.data(),
                           static_cast<unsigned>(kws.size()), HS_MODE_BLOCK, nullptr, &db,
                           &cerr) != HS_SUCCESS) {
    std::fprintf(stderr, "hs_compile_lit_multi: %s\n", cerr ? cerr->message : "?");
    return 1;
  }
  const double t_compiled = Now();

  int fd = open(argv[2], O_RDONLY);
  struct stat st {};
  if (fd < 0 || fstat(fd, &st) != 0) {
    std::fprintf(stderr, "cannot open %s\n", argv[2]);
    return 1;
  }
  const size_t size = static_cast<size_t>(st.st_size);
  const char* data = nullptr;
  if (size > 0) {
    void* m = mmap(nullptr, size, PROT_READ, MAP_PRIVATE | MAP_POPULATE, fd, 0);
    if (m == MAP_FAILED) {
      std::perror("mmap");
      return 1;
    }
    data = static_cast<const char*>(m);
  }
  const char* end = data + size;

  // Split at line boundaries.
  std::vector<const char*> cuts{data};
  for (int t = 1; t < threads; ++t) {
    const char* c = data + size * t / threads;
    if (c < cuts.back()) c = cuts.back();
    c = LineEnd(c, end);
    if (c < end) c++;
    cuts.push_back(c);
  }
  cuts.push_back(end);

  hs_scratch_t* proto = nullptr;
  if (hs_alloc_scratch(db, &proto) != HS_SUCCESS) {
    std::fprintf(stderr, "hs_alloc_scratch failed\n");
    return 1;
  }
  std::vector<hs_scratch_t*> scratch(threads, nullptr);
  scratch[0] = proto;
  for (int t = 1; t < threads; ++t) hs_clone_scratch(proto, &scratch[t]);

  const double t_scan = Now();
  std::vector<Result> res(threads);
  std::vector<std::thread> pool;
  for (int t = 0; t < threads; ++t) {
    pool.emplace_back([&, t] {
      res[t] = mode == "block"   ? ScanBlock(db, scratch[t], cuts[t], cuts[t + 1])
               : mode == "every" ? ScanEvery(db, scratch[t], cuts[t], cuts[t + 1])
                                 : ScanLines(db, scratch[t], cuts[t], cuts[t + 1]);
    });
  }
  for (auto& th : pool) th.join();
  const double t_done = Now();

  Result total;
  for (const auto& r : res) {
    total.matched += r.matched;
    total.lines += r.lines;
    total.occurrences += r.occurrences;
  }
  const double all = t_done - t0, scan = t_done - t_scan;
  std::printf(
      "hs_scan: matched_lines=%zu lines=%zu occurrences=%zu bytes=%zu patterns=%zu threads=%d "
      "mode=%s compile_s=%.3f load_s=%.3f scan_s=%.3f MB/s=%.1f scan_MB/s=%.1f\n",
      total.matched, total.lines, total.occurrences, size, kws.size(), threads, mode.c_str(),
      t_compiled - t0, t_scan - t_compiled, scan, size / 1e6 / all, size / 1e6 / scan);
  for (auto* s : scratch) hs_free_scratch(s);
  hs_free_database(db);
  if (data) munmap(const_cast<char*>(data), size);
  close(fd);
  return 0;
}
