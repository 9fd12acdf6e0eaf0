// Helpers for the corpus tests: a temporary directory, file writers, gzip and
// zstd compressors, and a reader that collects a unit's documents.
#pragma once

#include <gtest/gtest.h>
#include <stdlib.h>
#include <zlib.h>
#include <zstd.h>

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <ostream>
#include <string>
#include <vector>

#include "../temp_dir.h"
#include "safegate/corpus/reader.h"
#include "safegate/corpus/source.h"

namespace safegate::corpus::testing {

// The unit tests' temporary directory (tests/unit/temp_dir.h).
using TempDir = safegate::test_support::TempDir;

inline std::string Gzip(const std::string& data, int level = 6) {
  z_stream zs{};
  EXPECT_EQ(deflateInit2(&zs, level, Z_DEFLATED, 16 + MAX_WBITS, 8, Z_DEFAULT_STRATEGY), Z_OK);
  std::string out(deflateBound(&zs, data.size()) + 64, '\0');
  zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
  zs.avail_in = static_cast<uInt>(data.size());
  zs.next_out = reinterpret_cast<Bytef*>(out.data());
  zs.avail_out = static_cast<uInt>(out.size());
  EXPECT_EQ(deflate(&zs, Z_FINISH), Z_STREAM_END);
  out.resize(zs.total_out);
  deflateEnd(&zs);
  return out;
}

inline std::string Zstd(const std::string& data, int level = 3) {
  std::string out(ZSTD_compressBound(data.size()), '\0');
  size_t n = ZSTD_compress(out.data(), out.size(), data.data(), data.size(), level);
  EXPECT_FALSE(ZSTD_isError(n));
  out.resize(n);
  return out;
}

// One document as seen by a caller: line numbers are file-global (LinesBefore added).
struct Rec {
  uint64_t offset = 0;
  uint64_t line = 0;
  std::string text;
  std::string id;
  std::string raw;
  bool operator==(const Rec&) const = default;
};

struct Bad {
  uint64_t line = 0;
  uint64_t offset = 0;
  std::string reason;
  bool operator==(const Bad&) const = default;
};

inline void PrintTo(const Rec& r, std::ostream* os) {
  *os << "{off " << r.offset << ", line " << r.line << ", text '" << r.text.substr(0, 40)
      << "', id '" << r.id << "'}";
}
inline void PrintTo(const Bad& b, std::ostream* os) {
  *os << "{line " << b.line << ", off " << b.offset << ", '" << b.reason << "'}";
}

struct ReadResult {
  std::vector<Rec> docs;
  std::vector<Bad> bad;
  uint64_t lines = 0;
  uint64_t disk_bytes = 0;
};

// Reads the given units (all when empty) in order, adding LinesBefore.
inline ReadResult ReadUnits(const Plan& plan, const ReaderOptions& opts = {},
                            std::vector<uint32_t> units = {}) {
  ReadResult r;
  if (units.empty()) {
    for (const Unit& u : plan.units()) units.push_back(u.index);
  }
  UnitReader reader;
  for (uint32_t ui : units) {
    const Unit& u = plan.units()[ui];
    Result<uint64_t> before = LinesBefore(plan, u);
    EXPECT_TRUE(before.ok()) << before.status().ToString();
    Status st = reader.Open(plan, u, opts);
    EXPECT_TRUE(st.ok()) << st.ToString();
    if (!st.ok()) return r;
    Document doc;
    for (;;) {
      Result<bool> more = reader.Next(&doc);
      EXPECT_TRUE(more.ok()) << more.status().ToString();
      if (!more.ok() || !*more) break;
      EXPECT_GT(doc.line, 0u);
      r.docs.push_back(Rec{doc.offset, doc.line + *before, std::string(doc.text),
                           std::string(doc.id), std::string(doc.raw)});
    }
    for (const BadRecord& b : reader.bad()) {
      EXPECT_EQ(b.file, u.file);
      r.bad.push_back(Bad{b.line + *before, b.offset, b.reason});
    }
    r.lines += reader.lines();
    r.disk_bytes += reader.disk_bytes();
  }
  return r;
}

// A one-source plan over `paths` (relative to dir).
inline Plan MakePlan(const TempDir& dir, std::vector<std::string> paths,
                     Format format = Format::kJsonl, std::string text_field = "text",
                     std::string id_field = "", uint64_t unit_bytes = 32ull << 20) {
  SourceSpec s;
  s.name = "src";
  s.paths = std::move(paths);
  s.format = format;
  s.text_field = std::move(text_field);
  s.id_field = std::move(id_field);
  PlanOptions o;
  o.unit_bytes = unit_bytes;
  Result<Plan> p = Plan::Make({s}, dir.path(), o);
  EXPECT_TRUE(p.ok()) << p.status().ToString();
  if (!p.ok()) return Plan();
  return std::move(p).value();
}

}  // namespace safegate::corpus::testing
