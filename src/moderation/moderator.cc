#include "safegate/moderation/moderator.h"

#include <algorithm>

#include "safegate/judge/factory.h"

namespace safegate::moderation {

std::vector<std::string> Assessment::FlaggedCategories() const {
  std::vector<std::string> out;
  for (const auto& c : categories)
    if (c.flagged) out.push_back(c.category);
  return out;
}

Moderator::Moderator(std::vector<std::shared_ptr<const judge::Judge>> judges,
                     const policy::Taxonomy& taxonomy)
    : judges_(std::move(judges)) {
  for (const auto& c : taxonomy.categories()) {
    category_ids_.push_back(c.id);
    std::string root = taxonomy.Root(c.id);
    parents_.push_back(root == c.id ? "" : root);
  }
}

Result<Assessment> Moderator::Check(std::string_view text, std::string_view prompt) const {
  Assessment a;
  a.categories.reserve(category_ids_.size());
  for (const auto& id : category_ids_) a.categories.push_back({id, 0.0, false});
  auto slot = [&](const std::string& id) -> judge::CategoryScore& {
    auto it = std::find(category_ids_.begin(), category_ids_.end(), id);
    if (it != category_ids_.end()) return a.categories[it - category_ids_.begin()];
    for (size_t i = category_ids_.size(); i < a.categories.size(); ++i)
      if (a.categories[i].category == id) return a.categories[i];
    a.categories.push_back({id, 0.0, false});
    return a.categories.back();
  };
  judge::JudgeInput in{text, prompt, {}};
  for (const auto& j : judges_) {
    SAFEGATE_ASSIGN_OR_RETURN(judge::Verdict v, j->Run(in));
    for (const auto& c : v.categories) {
      auto apply = [&](const std::string& id) {
        judge::CategoryScore& s = slot(id);
        s.score = std::max(s.score, c.score);
        s.flagged = s.flagged || c.flagged;
      };
      apply(c.category);
      auto it = std::find(category_ids_.begin(), category_ids_.end(), c.category);
      if (it != category_ids_.end() && !parents_[it - category_ids_.begin()].empty()) {
        apply(parents_[it - category_ids_.begin()]);
      }
    }
    for (auto& e : v.evidence) a.evidence.push_back(std::move(e));
  }
  for (const auto& c : a.categories) a.flagged = a.flagged || c.flagged;
  return a;
}

Result<std::vector<std::shared_ptr<const judge::Judge>>> MakeModerationJudges(
    const policy::Policy& policy, const std::string& cache_dir) {
  judge::JudgeOptions options;
  options.cache_dir = cache_dir;
  SAFEGATE_ASSIGN_OR_RETURN(auto all, judge::MakePolicyJudges(policy, options));
  std::vector<std::shared_ptr<const judge::Judge>> out;
  for (auto& j : all) {
    if (!j->name().starts_with("refusal")) out.push_back(std::move(j));  // also refusal-llm
  }
  return out;
}

}  // namespace safegate::moderation
