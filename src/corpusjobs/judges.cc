#include "safegate/corpusjobs/judges.h"

#include <map>

#include "safegate/judge/factory.h"

namespace safegate::corpusjobs {

std::shared_ptr<const CorpusJudges> KeywordOnlyJudges(const policy::Policy& policy) {
  auto j = std::make_shared<CorpusJudges>();
  j->names = {"keyword"};
  j->versions = {judge::PolicyKeywordJudgeVersion(policy)};
  return j;
}

Result<std::shared_ptr<const CorpusJudges>> LoadCorpusJudges(const policy::Policy& policy) {
  judge::JudgeOptions o;
  o.skip = {"keyword", "llm", "refusal"};
  std::vector<judge::JudgeOptions::Skipped> skipped;
  o.skipped = &skipped;
  o.keyword_only_default = true;
  o.build_llm = false;
  SAFEGATE_ASSIGN_OR_RETURN(auto others, judge::MakePolicyJudges(policy, o));
  auto j = std::make_shared<CorpusJudges>();
  j->keyword = false;
  for (const auto& s : skipped) {
    if (s.name == "keyword") {
      j->keyword = true;
    } else if (s.name == "llm") {
      j->skipped.push_back(s.where +
                           " (llm): not run on a corpus (one network request per document)");
    } else {
      j->skipped.push_back(s.where + " (" + s.name +
                           "): not run on a corpus (it labels answers, not content)");
    }
  }
  if (j->keyword) {
    j->names.push_back("keyword");
    j->versions.push_back(judge::PolicyKeywordJudgeVersion(policy));
  }
  std::map<std::string, int> count, seen;
  for (const auto& judge : others) ++count[std::string(judge->name())];
  for (const auto& judge : others) {
    std::string name(judge->name());
    if (count[name] > 1) name += "#" + std::to_string(++seen[name]);
    j->names.push_back(std::move(name));
    j->versions.emplace_back(judge->version());
  }
  j->others = std::move(others);
  return std::shared_ptr<const CorpusJudges>(std::move(j));
}

Status CheckDocument(const CorpusJudges& judges, const scan::Matcher& matcher,
                     std::string_view text, scan::Scratch* scratch, DocVerdict* out) {
  out->by.assign(judges.names.size(), 0);
  out->flagged = false;
  size_t k = 0;
  if (judges.keyword) {
    SAFEGATE_RETURN_IF_ERROR(matcher.Scan(text, scratch, &out->hits));
    out->flagged = !out->hits.empty();
    out->by[k++] = out->flagged ? 1 : 0;
  } else {
    out->hits.clear();
  }
  if (judges.others.empty()) return OkStatus();
  out->verdicts.resize(judges.others.size());
  const judge::JudgeInput in{text, {}, {}};
  for (size_t i = 0; i < judges.others.size(); ++i, ++k) {
    auto v = judges.others[i]->Run(in);
    if (!v.ok()) return v.status().WithPrefix("judge '" + judges.names[k] + "'");
    out->verdicts[i] = std::move(v).value();
    if (out->verdicts[i].flagged()) {
      out->by[k] = 1;
      out->flagged = true;
    }
  }
  return OkStatus();
}

}  // namespace safegate::corpusjobs
