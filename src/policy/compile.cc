// CompilePolicyMatcher: the only part of the policy library that needs the
// scan engine at link time (kept in its own file so that loading policies and
// banks does not pull the matcher in).
#include <map>

#include "safegate/policy/policy.h"

namespace safegate::policy {

Result<std::shared_ptr<const scan::Matcher>> CompilePolicyMatcher(
    const Policy& policy, const BankLoadOptions& options, std::vector<std::string>* warnings) {
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
  return scan::Matcher::Compile(std::move(all), policy.normalize);
}

}  // namespace safegate::policy
