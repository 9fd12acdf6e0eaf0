// CompilePolicyMatcher: the only part of the policy library that needs the
// scan engine at link time (kept in its own file so that loading policies and
// banks does not pull the matcher in).
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <map>

#include "safegate/base/file.h"
#include "safegate/base/hash.h"
#include "safegate/policy/policy.h"

namespace safegate::policy {

namespace {

// Compiled policy matchers kept in the cache directory.
constexpr size_t kCachedMatchers = 64;

// A hash of everything the compiled matcher depends on.
std::string MatcherKey(const std::vector<scan::Pattern>& patterns,
                       const text::NormalizeOptions& options) {
  uint64_t h = Fnv1a64("safegate-matcher/2");
  auto mix = [&h](std::string_view s) {
    h = Fnv1a64(s, h);
    h = Fnv1a64(std::string_view("\0", 1), h);
  };
  mix(scan::EngineVersion());
  mix(options.ToString());
  for (const auto& p : patterns) {
    mix(p.id);
    mix(p.category);
    mix(p.language);
    mix(p.text);
    mix(p.origin);
    mix(p.regex ? "r" : "l");
    mix(p.whole_word ? "w" : "s");
    mix(p.inflect ? "i" : "-");
  }
  char buf[17];
  std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(h));
  return buf;
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
    const std::string& cache_dir) {
  std::vector<scan::Pattern> all;
  std::map<std::string, std::string, std::less<>> origin_of;  // id -> origin
  for (const std::string& bank : policy.keyword_banks) {
    SAFEGATE_ASSIGN_OR_RETURN(std::vector<scan::Pattern> patterns,
                              LoadKeywordBank(bank, policy.taxonomy, options, warnings));
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
  if (cache_dir.empty()) return scan::Matcher::Compile(std::move(all), policy.normalize);
  const std::string path = cache_dir + "/matcher-" + MatcherKey(all, policy.normalize) + ".sgm";
  if (std::filesystem::exists(path)) {
    auto loaded = scan::Matcher::Load(path);
    if (loaded.ok()) return loaded;
    if (loaded.status().code() == StatusCode::kInternal)
      return loaded.status();  // engine self-test
  }
  auto compiled = scan::Matcher::Compile(std::move(all), policy.normalize);
  if (!compiled.ok()) return compiled;
  // Best effort; a new file evicts all but the 64 newest matchers (one per
  // policy and bank version in use).
  if (MakeDirs(cache_dir).ok() && (*compiled)->Save(path).ok())
    PruneCacheFiles(cache_dir, "matcher-", ".sgm", kCachedMatchers,
                    std::filesystem::path(path).filename().string());
  return compiled;
}

}  // namespace safegate::policy
