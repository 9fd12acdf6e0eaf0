#include "safegate/judge/keyword.h"

#include <utility>

#include "scratch_pool.h"

namespace safegate::judge {
namespace {

class KeywordJudge final : public Judge {
 public:
  KeywordJudge(std::shared_ptr<const scan::Matcher> matcher, std::string_view banks)
      : matcher_(std::move(matcher)), pool_(matcher_.get()), version_(KeywordJudgeVersion(banks)) {}

  std::string_view name() const override { return "keyword"; }
  std::string_view version() const override { return version_; }

  Result<Verdict> Run(const JudgeInput& input) const override {
    std::vector<scan::Hit> hits;
    {
      auto lease = pool_.Borrow();
      SAFEGATE_RETURN_IF_ERROR(matcher_->Scan(input.text, lease.get(), &hits));
    }
    Verdict v;
    const auto& patterns = matcher_->patterns();
    for (const auto& h : hits) {
      const scan::Pattern& p = patterns[h.pattern];
      v.evidence.push_back(
          {static_cast<size_t>(h.begin), static_cast<size_t>(h.end), p.category, p.id});
      bool seen = false;
      for (const auto& c : v.categories) seen = seen || c.category == p.category;
      if (!seen) v.categories.push_back({p.category, 1.0, true});
    }
    v.label = hits.empty() ? "clean" : "flagged";
    v.score = hits.empty() ? 0.0 : 1.0;
    return v;
  }

 private:
  std::shared_ptr<const scan::Matcher> matcher_;
  internal::ScratchPool pool_;
  std::string version_;
};

}  // namespace

std::unique_ptr<Judge> NewKeywordJudge(std::shared_ptr<const scan::Matcher> matcher,
                                       std::string_view banks) {
  return std::make_unique<KeywordJudge>(std::move(matcher), banks);
}

std::string KeywordJudgeVersion(std::string_view banks) {
  return "keyword/" + std::string(banks) + "+match" + std::to_string(scan::kMatchRulesRevision);
}

}  // namespace safegate::judge
