// corpus sample against a naive reference sampler. The reference reads each
// file whole, splits it on '\n' as the reader documents it (CRLF, a BOM at
// offset 0, empty and whitespace-only lines, a last line without newline),
// keeps the lines whose JSON holds a string text field, keys each by
// OffsetKey(seed, source, file, offset) and sorts: the sample is the first n.
// RunSample must pick exactly those documents, with their lines, offsets and
// texts, for every seed, n (also above the population), unit size and
// thread count; bad lines must not disturb it. The streaming sampler (bounds
// shared between units and threads, candidates parsed on demand) can only be
// faster, never different. With one thread and one unit per file, the bad
// lines it reports are exactly the bad candidates (documents whose key could
// still enter the sample when read), as before: neither more nor fewer.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>
#include <tuple>
#include <vector>

#include "../corpus/test_util.h"
#include "safegate/base/json.h"
#include "safegate/corpus/sampler.h"
#include "safegate/corpus/source.h"
#include "safegate/corpusjobs/corpus_jobs.h"
#include "safegate/policy/policy.h"

namespace safegate::corpusjobs {
namespace {

using Json = nlohmann::json;
using corpus::testing::TempDir;

struct Picked {
  uint64_t key = 0;
  std::string file;
  uint64_t line = 0;
  uint64_t offset = 0;
  std::string text;
  bool operator==(const Picked&) const = default;
};

std::ostream& operator<<(std::ostream& os, const Picked& p) {
  return os << p.file << ":" << p.line << " @" << p.offset << " key " << p.key;
}

std::string ReadAll(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

bool Blank(std::string_view s) {
  return s.find_first_not_of(" \t\r\n\v\f") == std::string_view::npos;
}

// The documents of one JSONL file, as the reader defines them, with their keys.
// Also appends (key, valid) of every document, in file order, to *all.
std::vector<Picked> ReferenceDocs(const std::string& bytes, const std::string& source,
                                  const std::string& rel_path, uint64_t seed, uint64_t* docs,
                                  std::vector<std::pair<uint64_t, bool>>* all) {
  std::vector<Picked> out;
  uint64_t offset = 0, line = 0;
  while (offset < bytes.size()) {
    size_t nl = bytes.find('\n', offset);
    size_t end = nl == std::string::npos ? bytes.size() : nl;
    ++line;
    std::string_view s(bytes.data() + offset, end - offset);
    if (offset == 0 && s.substr(0, 3) == "\xEF\xBB\xBF") s.remove_prefix(3);
    if (!s.empty() && s.back() == '\r') s.remove_suffix(1);
    if (!s.empty() && !Blank(s)) {
      ++*docs;
      Json j = Json::parse(s, nullptr, false);  // nlohmann also rejects invalid UTF-8
      const uint64_t key = corpus::OffsetKey(seed, source, rel_path, offset);
      const bool valid = j.is_object() && j.contains("text") && j["text"].is_string();
      all->emplace_back(key, valid);
      if (valid) out.push_back({key, rel_path, line, offset, j["text"].get<std::string>()});
    }
    offset = end + 1;
  }
  return out;
}

// The bad lines one thread reports when a file is one unit: only candidates
// are parsed, i.e. documents whose key could still enter the bottom-n of the
// valid documents before them (n held and the key above the n-th: skipped).
uint64_t ReferenceBadCandidates(const std::vector<std::pair<uint64_t, bool>>& all, size_t n) {
  std::vector<uint64_t> heap;  // max-heap of the n smallest valid keys so far
  uint64_t bad = 0;
  for (const auto& [key, valid] : all) {
    if (heap.size() == n && key > heap.front()) continue;
    if (!valid) {
      ++bad;
      continue;
    }
    heap.push_back(key);
    std::push_heap(heap.begin(), heap.end());
    if (heap.size() > n) {
      std::pop_heap(heap.begin(), heap.end());
      heap.pop_back();
    }
  }
  return bad;
}

std::string Doc(int i) {
  return "{\"text\": \"document " + std::to_string(i) + " says \\\"hello\\\" and caf\u00e9\"}";
}

class SampleReference : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_.Write("bank.csv",
               "id,category,lang,type,whole_word,text\n"
               "kw-1,S9,en,literal,true,pipe bomb\n");
    dir_.Write("policy.yaml",
               "schema: safegate.policy/1\nid: test-policy\nversion: \"1\"\n"
               "profile: baseline\nkeyword_banks: [bank.csv]\n");
    auto pol = policy::LoadPolicy(dir_.path() + "/policy.yaml");
    ASSERT_TRUE(pol.ok()) << pol.status().message();
    policy_ = std::make_unique<policy::Policy>(std::move(*pol));
    std::vector<std::string> warnings;
    auto m = policy::CompilePolicyMatcher(*policy_, {}, &warnings, "");
    ASSERT_TRUE(m.ok()) << m.status().message();
    matcher_ = *m;

    // a: plain lines, a few mentioning the keyword.
    std::string a;
    for (int i = 0; i < 900; ++i)
      a += (i % 50 == 7 ? "{\"text\": \"a pipe bomb\"}" : Doc(i)) + "\n";
    files_.push_back(dir_.Write("a.jsonl", a));
    // b: BOM, CRLF, empty and whitespace-only lines, no newline at the end.
    std::string b = "\xEF\xBB\xBF";
    for (int i = 0; i < 700; ++i) {
      b += Doc(i) + (i % 3 == 0 ? "\r\n" : "\n");
      if (i % 7 == 0) b += "\n";
      if (i % 11 == 0) b += "  \t \r\n";
    }
    b += Doc(700);
    files_.push_back(dir_.Write("b.jsonl", b));
    // c: bad lines among good ones: invalid JSON, not an object, no text,
    // a text that is not a string, invalid UTF-8.
    std::string c;
    for (int i = 0; i < 800; ++i) {
      if (i % 23 == 0) {
        c += "{\"text\": \"broken\n";
      } else if (i % 29 == 0) {
        c += "[1, 2]\n";
      } else if (i % 31 == 0) {
        c += "{\"other\": \"x\"}\n";
      } else if (i % 37 == 0) {
        c += "{\"text\": 5}\n";
      } else if (i % 41 == 0) {
        c += "{\"text\": \"bad \xFF\xFE bytes\"}\n";
      } else {
        c += Doc(i) + "\n";
      }
    }
    files_.push_back(dir_.Write("c.jsonl", c));
    // d: fewer documents than most n below.
    files_.push_back(dir_.Write("d.jsonl", Doc(1) + "\n\n" + Doc(2) + "\n" + Doc(3)));
  }

  // The sample of sources a..d drawn by RunSample, per source.
  std::vector<std::vector<Picked>> Run(uint64_t seed, uint64_t n, uint64_t unit_bytes, int threads,
                                       std::vector<uint64_t>* population,
                                       std::vector<uint64_t>* bad) {
    std::vector<corpus::SourceSpec> specs;
    for (const char* s : {"a", "b", "c", "d"}) {
      specs.push_back({s, {std::string(s) + ".jsonl"}, corpus::Format::kJsonl, "text", ""});
    }
    auto plan = corpus::Plan::Make(specs, dir_.path(), corpus::PlanOptions{unit_bytes});
    EXPECT_TRUE(plan.ok()) << plan.status().message();
    JobContext ctx;
    ctx.plan = &*plan;
    ctx.policy = policy_.get();
    ctx.matcher = matcher_;
    ctx.threads = threads;
    SampleOptions o;
    o.seed = seed;
    o.n = n;
    o.out_path = dir_.path() + "/sample.jsonl";
    auto r = RunSample(ctx, o);
    EXPECT_TRUE(r.ok()) << r.status().message();
    bad->clear();
    if (r.ok()) {
      for (const auto& s : r->sources) bad->push_back(s.bad);
    }
    std::vector<std::vector<Picked>> out(specs.size());
    std::istringstream in(ReadAll(o.out_path));
    std::string line;
    std::getline(in, line);
    Json header = Json::parse(line);
    population->clear();
    for (const auto& s : header["sources"]) population->push_back(s["population"]);
    while (std::getline(in, line)) {
      Json j = Json::parse(line);
      size_t si = j["source"].get<std::string>()[0] - 'a';
      out.at(si).push_back({std::stoull(j["key"].get<std::string>(), nullptr, 16), j["file"],
                            j["line"], j["offset"], j["text"]});
    }
    return out;
  }

  TempDir dir_;
  std::vector<std::string> files_;
  std::unique_ptr<policy::Policy> policy_;
  std::shared_ptr<const scan::Matcher> matcher_;
};

TEST_F(SampleReference, PicksWhatANaiveSamplerPicks) {
  const std::vector<std::string> names = {"a", "b", "c", "d"};
  for (uint64_t seed : {1ull, 2ull, 77ull, 123456789ull}) {
    std::vector<std::vector<Picked>> want(names.size());
    std::vector<uint64_t> docs(names.size(), 0);
    std::vector<std::vector<std::pair<uint64_t, bool>>> all(names.size());
    for (size_t si = 0; si < names.size(); ++si) {
      want[si] = ReferenceDocs(ReadAll(files_[si]), names[si], names[si] + ".jsonl", seed,
                               &docs[si], &all[si]);
      std::sort(want[si].begin(), want[si].end(), [](const Picked& x, const Picked& y) {
        return std::tie(x.key, x.offset) < std::tie(y.key, y.offset);
      });
    }
    for (uint64_t n : {1ull, 3ull, 40ull, 650ull, 5000ull}) {
      for (uint64_t unit_bytes : {4096ull, 32ull << 20}) {
        for (int threads : {1, 2}) {
          SCOPED_TRACE("seed " + std::to_string(seed) + ", n " + std::to_string(n) + ", units of " +
                       std::to_string(unit_bytes) + " bytes, " + std::to_string(threads) +
                       " thread(s)");
          std::vector<uint64_t> population, bad;
          auto got = Run(seed, n, unit_bytes, threads, &population, &bad);
          EXPECT_EQ(population, docs);
          // One thread, one unit per file: the bad lines reported are those
          // among the candidates, as before any sharing of bounds.
          if (threads == 1 && unit_bytes > 4096) {
            std::vector<uint64_t> want_bad;
            for (const auto& a : all) want_bad.push_back(ReferenceBadCandidates(a, n));
            EXPECT_EQ(bad, want_bad);
            EXPECT_GT(want_bad[2], 0u);
          }
          for (size_t si = 0; si < names.size(); ++si) {
            std::vector<Picked> expect(want[si].begin(),
                                       want[si].begin() + std::min<size_t>(n, want[si].size()));
            EXPECT_EQ(got[si], expect) << "source " << names[si];
          }
        }
      }
    }
  }
}

}  // namespace
}  // namespace safegate::corpusjobs
