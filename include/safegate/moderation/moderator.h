// The moderation pipeline: runs a policy's judges on a text and merges their
// verdicts into one Assessment (per category: the highest score, flagged when
// any judge flagged it).
//
// A Moderator is immutable and thread-safe (judges are). Until the judge
// library's factory (judge/factory.h) is wired in, KeywordJudge below is the
// policy's keyword judge: the policy's compiled matcher, one hit = score 1.
#pragma once

#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "safegate/base/status.h"
#include "safegate/judge/judge.h"
#include "safegate/policy/policy.h"
#include "safegate/scan/matcher.h"

namespace safegate::moderation {

struct Assessment {
  bool flagged = false;
  // One entry per category of the taxonomy the Moderator was made with (in
  // taxonomy order), plus any label a judge reported outside it.
  std::vector<judge::CategoryScore> categories;
  std::vector<judge::Evidence> evidence;
  // Ids of the flagged categories, in taxonomy order.
  std::vector<std::string> FlaggedCategories() const;
};

class Moderator {
 public:
  // `categories`: the ids reported in every Assessment (usually the policy's
  // top-level categories and their children). Evidence of a child category
  // also flags its top-level parent when `taxonomy` is given.
  Moderator(std::vector<std::shared_ptr<const judge::Judge>> judges,
            const policy::Taxonomy& taxonomy);

  // Runs every judge. A judge error is returned (the caller fails closed or
  // open as configured); a "safe" verdict is never invented.
  Result<Assessment> Check(std::string_view text, std::string_view prompt = {}) const;

  const std::vector<std::string>& category_ids() const { return category_ids_; }
  const std::vector<std::shared_ptr<const judge::Judge>>& judges() const { return judges_; }

 private:
  std::vector<std::shared_ptr<const judge::Judge>> judges_;
  std::vector<std::string> category_ids_;
  std::vector<std::string> parents_;  // parallel to category_ids_: top-level parent or ""
};

// The keyword judge on a compiled policy matcher: every hit flags its
// pattern's category with score 1 and adds one Evidence (rule = pattern id).
class KeywordJudge final : public judge::Judge {
 public:
  explicit KeywordJudge(std::shared_ptr<const scan::Matcher> matcher, std::string version = "1");
  std::string_view name() const override { return "keyword"; }
  std::string_view version() const override { return version_; }
  Result<judge::Verdict> Run(const judge::JudgeInput& input) const override;

 private:
  std::shared_ptr<const scan::Matcher> matcher_;
  std::string version_;
  mutable std::mutex mu_;
  mutable std::vector<std::unique_ptr<scan::Scratch>> free_;  // scratch pool
};

// Loads the policy's keyword banks and returns its judges (today: the keyword
// judge). `cache_dir` as in policy::CompilePolicyMatcher.
Result<std::vector<std::shared_ptr<const judge::Judge>>> MakeKeywordJudges(
    const policy::Policy& policy, const std::string& cache_dir);

}  // namespace safegate::moderation
