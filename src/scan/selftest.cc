// SelfTest: the linked Hyperscan build against naive matchers.
//
// Vectorscan 5.4.9 on AVX-512 misses single-byte literal and short regex
// matches (see stack.md A.2), so we check exactly those shapes, each pattern
// in its own database (as the bug was observed) and all of them together with
// the flags the Matcher uses, over deterministic pseudo-random buffers.
#include <hs.h>

#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "safegate/scan/matcher.h"

namespace safegate::scan {
namespace {

// splitmix64: small, deterministic, good enough for test data.
class Rng {
 public:
  explicit Rng(uint64_t seed) : s_(seed) {}
  uint64_t Next() {
    uint64_t z = (s_ += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
  }
  size_t Below(size_t n) { return static_cast<size_t>(Next() % n); }

 private:
  uint64_t s_;
};

bool IsLower(char c) {
  return c >= 'a' && c <= 'z';
}
bool IsDigit(char c) {
  return c >= '0' && c <= '9';
}
bool IsSpace(char c) {  // PCRE \s: HT, LF, VT, FF, CR, space
  return c == ' ' || (c >= '\t' && c <= '\r');
}

// Naive matchers: the set of end offsets at which each pattern matches.
using EndSet = std::vector<uint64_t>;

EndSet NaiveByte(std::string_view s, char lower, char upper) {
  EndSet out;
  for (size_t i = 0; i < s.size(); ++i)
    if (s[i] == lower || s[i] == upper) out.push_back(i + 1);
  return out;
}

EndSet NaiveDigitAt(std::string_view s) {  // [0-9]@
  EndSet out;
  for (size_t i = 1; i < s.size(); ++i)
    if (s[i] == '@' && IsDigit(s[i - 1])) out.push_back(i + 1);
  return out;
}

EndSet NaiveEmail(std::string_view s) {  // [a-z]+@[a-z]+ (case-sensitive)
  EndSet out;
  for (size_t e = 1; e <= s.size(); ++e) {
    if (!IsLower(s[e - 1])) continue;
    size_t p = e - 1;
    while (p > 0 && IsLower(s[p - 1])) --p;
    // s[p..e) is the run of letters; it must be preceded by "[a-z]@".
    if (p >= 2 && s[p - 1] == '@' && IsLower(s[p - 2])) out.push_back(e);
  }
  return out;
}

EndSet NaiveColonEq(std::string_view s) {  // :\s*=
  EndSet out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] != '=') continue;
    size_t p = i;
    while (p > 0 && IsSpace(s[p - 1])) --p;
    if (p > 0 && s[p - 1] == ':') out.push_back(i + 1);
  }
  return out;
}

struct Case {
  const char* expression;
  unsigned flags;
  bool single;  // SINGLEMATCH: compare presence only
};

constexpr std::array<Case, 5> kCases = {{
    {"@", HS_FLAG_SINGLEMATCH, true},
    {"q", HS_FLAG_SINGLEMATCH, true},
    {"[0-9]@", 0, false},
    {"[a-z]+@[a-z]+", 0, false},
    {":\\s*=", 0, false},
}};

EndSet Naive(size_t c, std::string_view s) {
  switch (c) {
    case 0: return NaiveByte(s, '@', '@');
    case 1: return NaiveByte(s, 'q', 'q');
    case 2: return NaiveDigitAt(s);
    case 3: return NaiveEmail(s);
    default: return NaiveColonEq(s);
  }
}

struct Collected {
  std::vector<EndSet> ends;
};

int Collect(unsigned int id, unsigned long long, unsigned long long to, unsigned int, void* ctx) {
  auto* c = static_cast<Collected*>(ctx);
  if (id < c->ends.size()) c->ends[id].push_back(to);
  return 0;
}

// Deterministic buffers: half from a rich alphabet, half lowercase text with
// '@' and 'q' planted in about half of them (the shapes that failed).
std::vector<std::string> MakeBuffers() {
  static constexpr std::string_view kRich = "abcdefghijklmnopqrstuvwxyz0123456789@@::== \t\n.q";
  static constexpr std::string_view kPlain = "abcdefghijklmnoprstuvwxyz     ";  // no 'q'
  Rng rng(0x5afe6a7e);
  std::vector<std::string> out;
  for (int i = 0; i < 300; ++i) {
    size_t len = 1 + rng.Below(3000);
    std::string s(len, ' ');
    if (i % 2 == 0) {
      for (char& ch : s) ch = kRich[rng.Below(kRich.size())];
    } else {
      for (char& ch : s) ch = kPlain[rng.Below(kPlain.size())];
      if (rng.Below(2)) s[rng.Below(len)] = '@';
      if (rng.Below(2)) s[rng.Below(len)] = 'q';
    }
    out.push_back(std::move(s));
  }
  return out;
}

struct Db {
  hs_database_t* db = nullptr;
  hs_scratch_t* scratch = nullptr;
  ~Db() {
    hs_free_scratch(scratch);
    hs_free_database(db);
  }
};

Status Build(const std::vector<const char*>& exprs, const std::vector<unsigned>& flags, Db* out) {
  std::vector<unsigned> ids(exprs.size());
  for (size_t i = 0; i < ids.size(); ++i) ids[i] = static_cast<unsigned>(i);
  hs_compile_error_t* error = nullptr;
  if (hs_compile_multi(exprs.data(), flags.data(), ids.data(), static_cast<unsigned>(exprs.size()),
                       HS_MODE_BLOCK, nullptr, &out->db, &error) != HS_SUCCESS) {
    std::string m = error && error->message ? error->message : "unknown error";
    hs_free_compile_error(error);
    return InternalError("cannot compile the self-test patterns: " + m);
  }
  if (hs_alloc_scratch(out->db, &out->scratch) != HS_SUCCESS) {
    return InternalError("hs_alloc_scratch failed in the self-test");
  }
  return OkStatus();
}

std::string Describe(std::string_view s) {
  std::string out;
  for (char c : s.substr(0, 40)) {
    if (c == '\n')
      out += "\\n";
    else if (c == '\t')
      out += "\\t";
    else
      out.push_back(c);
  }
  if (s.size() > 40) out += "...";
  return out;
}

Status Check(const Db& db, const std::vector<size_t>& case_of_id, bool all_single,
             const std::vector<std::string>& buffers, const char* what) {
  Collected got;
  for (size_t b = 0; b < buffers.size(); ++b) {
    const std::string& s = buffers[b];
    got.ends.assign(case_of_id.size(), {});
    if (hs_scan(db.db, s.data(), static_cast<unsigned>(s.size()), 0, db.scratch, Collect, &got) !=
        HS_SUCCESS) {
      return InternalError("hs_scan failed in the self-test");
    }
    for (size_t id = 0; id < case_of_id.size(); ++id) {
      const Case& c = kCases[case_of_id[id]];
      EndSet want = Naive(case_of_id[id], s);
      const EndSet& have = got.ends[id];
      bool ok;
      if (c.single || all_single) {
        ok = want.empty() ? have.empty() : have.size() == 1;
      } else {
        ok = have == want;
      }
      if (!ok) {
        return InternalError(std::string(what) + ": pattern '" + c.expression + "' on buffer " +
                             std::to_string(b) + " (" + std::to_string(s.size()) + " bytes, \"" +
                             Describe(s) + "\"): engine reported " + std::to_string(have.size()) +
                             " matches, expected " + std::to_string(want.size()));
      }
    }
  }
  return OkStatus();
}

}  // namespace

Status SelfTest() {
  const std::vector<std::string> buffers = MakeBuffers();
  // Each pattern alone, all end offsets.
  for (size_t c = 0; c < kCases.size(); ++c) {
    Db db;
    SAFEGATE_RETURN_IF_ERROR(Build({kCases[c].expression}, {kCases[c].flags}, &db));
    SAFEGATE_RETURN_IF_ERROR(Check(db, {c}, false, buffers, "single-pattern database"));
  }
  // All together with SINGLEMATCH: presence per pattern in one multi-pattern database.
  {
    std::vector<const char*> exprs;
    std::vector<unsigned> flags;
    std::vector<size_t> ids;
    for (size_t c = 0; c < kCases.size(); ++c) {
      exprs.push_back(kCases[c].expression);
      flags.push_back(HS_FLAG_SINGLEMATCH);
      ids.push_back(c);
    }
    Db db;
    SAFEGATE_RETURN_IF_ERROR(Build(exprs, flags, &db));
    SAFEGATE_RETURN_IF_ERROR(Check(db, ids, true, buffers, "multi-pattern database"));
  }
  return OkStatus();
}

}  // namespace safegate::scan
