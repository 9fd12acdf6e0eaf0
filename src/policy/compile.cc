// CompilePolicyMatcher: the only part of the policy library that needs the
// scan engine at link time (kept in its own file so that loading policies and
// banks does not pull the matcher in).
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <map>

#include "safegate/base/build_id.h"
#include "safegate/base/digest.h"
#include "safegate/base/file.h"
#include "safegate/policy/matcher_cache.h"
#include "safegate/policy/policy.h"

namespace safegate::policy {

namespace {

// Compiled policy matchers kept in the cache directory.
constexpr size_t kCachedMatchers = 64;

// The bank files of every keyword bank of the policy, read but not parsed.
using BankFiles = std::vector<std::vector<BankFile>>;

// The cache key (matcher_cache.h): a SHA-256 over
// length-prefixed fields, so that no two different inputs give the same
// byte stream.
std::string MatcherKey(const Policy& policy, const BankLoadOptions& options,
                       const BankFiles& banks) {
  std::string fields;
  auto add = [&fields](std::string_view s) {
    fields += std::to_string(s.size());
    fields.push_back(':');
    fields.append(s);
  };
  add("safegate-matcher-cache/3");
  add(scan::EngineVersion());
  add(BuildId());
  add(policy.normalize.ToString());
  add(options.lenient ? "lenient" : "strict");
  add(std::to_string(policy.taxonomy.categories().size()));
  for (const Category& c : policy.taxonomy.categories()) add(c.id);
  add(std::to_string(banks.size()));
  for (size_t b = 0; b < banks.size(); ++b) {
    add(policy.keyword_banks[b]);
    add(std::to_string(banks[b].size()));
    for (const BankFile& f : banks[b]) {
      add(f.path);
      add(std::to_string(f.data.size()));
      add(Sha256Hex(f.data));
    }
  }
  return Sha256Hex(fields);
}

// Parses the banks from the bytes that were read and compiles the matcher.
Result<std::shared_ptr<const scan::Matcher>> ParseAndCompile(const Policy& policy,
                                                             const BankLoadOptions& options,
                                                             const BankFiles& banks,
                                                             std::vector<std::string>* warnings) {
  std::vector<scan::Pattern> all;
  std::map<std::string, std::string, std::less<>> origin_of;  // id -> origin
  for (const std::vector<BankFile>& files : banks) {
    SAFEGATE_ASSIGN_OR_RETURN(std::vector<scan::Pattern> patterns,
                              ParseKeywordBank(files, policy.taxonomy, options, warnings));
    for (scan::Pattern& p : patterns) {
      auto [it, inserted] = origin_of.emplace(p.id, p.origin);
      if (!inserted) {
        std::string message =
            p.origin + ": field 'id': duplicate id '" + p.id + "' (first at " + it->second + ")";
        if (!options.lenient) return InvalidArgumentError(std::move(message));
        if (warnings != nullptr) warnings->push_back(std::move(message));
        continue;
      }
      all.push_back(std::move(p));
    }
  }
  return scan::Matcher::Compile(std::move(all), policy.normalize);
}

}  // namespace

std::string DefaultMatcherCacheDir() {
  if (const char* d = std::getenv("SAFEGATE_CACHE_DIR")) return d;
  if (const char* x = std::getenv("XDG_CACHE_HOME"); x && *x) return std::string(x) + "/safegate";
  if (const char* home = std::getenv("HOME"); home && *home)
    return std::string(home) + "/.cache/safegate";
  return "";
}

Result<std::shared_ptr<const scan::Matcher>> CompilePolicyMatcher(
    const Policy& policy, const BankLoadOptions& options, std::vector<std::string>* warnings,
    const std::string& cache_dir, MatcherCacheReport* report) {
  *report = MatcherCacheReport{};
  BankFiles banks;
  for (const std::string& bank : policy.keyword_banks) {
    SAFEGATE_ASSIGN_OR_RETURN(std::vector<BankFile> files, ReadBankFiles(bank));
    banks.push_back(std::move(files));
  }
  // Without a build identity a cached matcher could outlive the code that
  // compiled it: no cache then.
  if (cache_dir.empty() || BuildId().empty()) {
    report->parsed = true;
    return ParseAndCompile(policy, options, banks, warnings);
  }
  // The engine self-test, remembered in the cache directory.
  SAFEGATE_RETURN_IF_ERROR(scan::CheckEngine(cache_dir));
  const std::string path = cache_dir + "/matcher-" + MatcherKey(policy, options, banks) + ".sgm";
  report->path = path;
  std::error_code ec;
  if (std::filesystem::exists(path, ec)) {
    auto loaded = scan::Matcher::Load(path);
    if (loaded.ok()) {
      report->hit = true;
      return loaded;
    }
    if (loaded.status().code() == StatusCode::kInternal)
      return loaded.status();  // engine self-test
    if (warnings != nullptr) {
      warnings->push_back("cached keyword matcher not used, recompiling: " +
                          loaded.status().message());
    }
  }
  report->parsed = true;
  std::vector<std::string> parse_warnings;
  auto compiled = ParseAndCompile(policy, options, banks, &parse_warnings);
  if (warnings != nullptr)
    warnings->insert(warnings->end(), parse_warnings.begin(), parse_warnings.end());
  if (!compiled.ok()) return compiled;
  // Best effort; a new file evicts all but the 64 newest matchers (one per
  // policy and bank version in use). Banks with warnings are not cached
  // (matcher_cache.h).
  if (parse_warnings.empty() && MakeDirs(cache_dir).ok() && (*compiled)->Save(path).ok()) {
    report->saved = true;
    PruneCacheFiles(cache_dir, "matcher-", ".sgm", kCachedMatchers,
                    std::filesystem::path(path).filename().string());
  }
  return compiled;
}

Result<std::shared_ptr<const scan::Matcher>> CompilePolicyMatcher(
    const Policy& policy, const BankLoadOptions& options, std::vector<std::string>* warnings,
    const std::string& cache_dir) {
  MatcherCacheReport report;
  return CompilePolicyMatcher(policy, options, warnings, cache_dir, &report);
}

}  // namespace safegate::policy
