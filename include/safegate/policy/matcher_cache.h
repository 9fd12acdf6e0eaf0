// The compiled-matcher cache of CompilePolicyMatcher (policy.h), and reading
// banks as bytes so that a cache key can be computed without parsing them.
//
// How the cache works. With a cache directory, the compiled matcher is kept
// there as "matcher-KEY.sgm" (scan::Matcher::Save format, at most 64 files,
// the least recently written evicted). KEY is a SHA-256 of everything the
// compiled matcher, its warnings and its errors are a function of, computed
// WITHOUT parsing the banks:
//   * the bytes of every bank file, with its path (paths end up in the
//     patterns' origins and in messages), in the order the loader reads them
//     (a directory bank: the sorted list of its bank files, so adding,
//     removing or renaming a file changes the key);
//   * the policy's normalisation options and BankLoadOptions::lenient;
//   * the taxonomy's category ids (items are validated against them);
//   * the engine version (Hyperscan, scan::EngineVersion) and this build's
//     identity (BuildId(), base/build_id.h: the GNU build-id of the binary or
//     library that holds this code). The build-id changes with any change of
//     the code that parses banks, normalises keywords or writes the matcher
//     file (its format version included), so an upgraded or rebuilt
//     safegate never uses a matcher compiled by other code; without a build
//     identity nothing is cached.
// Why a hit is correct: the compiled matcher is a deterministic function of
// exactly these inputs (bank parsing reads only the files' bytes and paths,
// the taxonomy and `lenient`; compiling reads only the patterns, the options
// and the engine), so a hit is the matcher a miss would compile now. A hit
// reads and hashes the banks but neither parses nor
// compiles them; modification times play no part (touching a bank keeps the
// hit, changing one byte misses; SHA-256 runs at about 1.4 GB/s here, so the
// 2.7 MB of a 100,000-keyword bank cost 2 ms of the 0.2 s start-up). A hit
// loads the matcher without making an object per keyword
// (scan::Matcher::Load). The engine self-test is remembered in the same
// directory (scan::CheckEngine). On a miss the banks are parsed from the
// very bytes that were hashed, so a bank edited meanwhile is never cached
// under the old key. A bank that loads with warnings (BankLoadOptions::
// lenient) is not cached: its warnings are shown on every run, and such a
// bank is usually being fixed.
// Safety: writes go to a temporary file renamed over the final name, so a
// concurrent reader or writer (process or thread) never sees a half-written
// file, and two writers of one key write the same content. A cache file that
// fails to load (truncated, corrupted: checksum or bounds, not a matcher) is
// reported as a warning naming the file and the reason; the matcher is
// recompiled and the file replaced. A cache that cannot be written is
// ignored (the compiled matcher is still returned).
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "safegate/base/status.h"
#include "safegate/policy/bank.h"
#include "safegate/policy/policy.h"

namespace safegate::policy {

// A bank file's path and its bytes (ReadBankFiles, ParseBank).
struct BankFile {
  std::string path;
  std::string data;
};

// Reads the files of a bank path as LoadBank does (the file itself, or every
// bank file below a directory in sorted path order), without parsing them.
// Errors: an unreadable file or directory, a file with an unknown extension.
Result<std::vector<BankFile>> ReadBankFiles(const std::string& path_or_dir);

// Parses files already read (ReadBankFiles) as one bank: LoadBank is
// ReadBankFiles + ParseBank, with the same items, errors and warnings.
Result<Bank> ParseBank(const std::vector<BankFile>& files, BankKind kind, const Taxonomy& taxonomy,
                       const BankLoadOptions& options, std::vector<std::string>* warnings);

// LoadKeywordBank from files already read.
Result<std::vector<scan::Pattern>> ParseKeywordBank(const std::vector<BankFile>& files,
                                                    const Taxonomy& taxonomy,
                                                    const BankLoadOptions& options,
                                                    std::vector<std::string>* warnings);

// What CompilePolicyMatcher did with its cache (for tests and diagnostics).
struct MatcherCacheReport {
  std::string path;     // the cache file; empty when nothing is cached
  bool hit = false;     // loaded from `path`: no bank was parsed, nothing compiled
  bool parsed = false;  // the banks were parsed and the matcher compiled
  bool saved = false;   // the compiled matcher was written to `path`
};

// CompilePolicyMatcher (policy.h) that also says what it did with the cache.
Result<std::shared_ptr<const scan::Matcher>> CompilePolicyMatcher(
    const Policy& policy, const BankLoadOptions& options, std::vector<std::string>* warnings,
    const std::string& cache_dir, MatcherCacheReport* report);

}  // namespace safegate::policy
