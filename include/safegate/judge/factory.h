// The judges a policy names, built from the optional `judges:` section of the
// policy file.
//
//   judges:
//     - name: keyword                   # the policy's keyword banks
//     - name: pii                       # personal-data detectors (pii.h)
//       detectors: [email, phone, card, iban, cn_id, us_ssn, ru_snils, ru_inn]   # default: all
//       category: S7                    # policy category to report; default "pii"
//     - name: classifier                # a model from `safegate judge train`
//       model: models/toxic.sgc         # path relative to the policy file
//       threshold: 0.5
//       category: S10                   # default: the predicted label
//     - name: llm                       # an LLM judge over HTTP (llm.h)
//       url: http://127.0.0.1:8000      # base URL of the server
//       format: llama-guard-3           # or openai-moderation
//       model: meta-llama/Llama-Guard-3-8B
//       api: completions                # llama-guard-3 only: completions or chat
//       api_key_env: GUARD_API_KEY      # the key is read from this variable
//       timeout: 30                     # seconds
//       category_map: {S1: S1, S10: S10}  # judge category -> policy category
//     - name: refusal                   # the refusal detector (refusal.h)
//       convention: strict              # default: JudgeOptions::refusal_convention
//       escalate: {to: guard, below: 0.8}   # a cascade (cascade.h): unsure answers go to
//     - name: llm                       # the llm entry with this id (or name), which
//       id: guard                       # then runs only through the cascade
//       format: refusal                 # refusal or wildguard (llm.h)
//       url: http://127.0.0.1:8001
//
// When the section is absent the judges are keyword + pii + refusal
// (JudgeOptions::keyword_only_default: keyword alone). Every
// mapped category must exist in the policy's taxonomy. Errors name the policy
// file, the line and the field ("policy.yaml:12: field 'judges[1].format':
// unknown format 'guard'; expected llama-guard-3 or openai-moderation").
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "safegate/base/status.h"
#include "safegate/judge/judge.h"
#include "safegate/judge/refusal.h"
#include "safegate/policy/policy.h"
#include "safegate/scan/matcher.h"

namespace safegate::judge {

struct JudgeOptions {
  // Passed to policy::CompilePolicyMatcher for the keyword judge.
  policy::BankLoadOptions bank_options;
  std::string cache_dir;                         // matcher cache; "" = none
  std::vector<std::string>* warnings = nullptr;  // bank warnings; may be null
  // When false, `llm` entries are checked but not built (no network judges),
  // e.g. for a dry run or a lint.
  bool build_llm = true;
  // The refusal judge's convention when its entry names none (and for the
  // default judges). `eval run` and `eval relabel` pass kStrict: their refusal
  // banks ask "did it decline what was asked" (docs/judges.md).
  RefusalConvention refusal_convention = RefusalConvention::kAnswer;
  // When set, the keyword judge uses this matcher (the caller's, compiled from
  // the same policy) instead of compiling or loading it again.
  std::shared_ptr<const scan::Matcher> matcher;
  // Judge names ("keyword", "pii", "classifier", "llm", "refusal") whose
  // entries are checked like the others but not built: the corpus jobs run
  // the keyword matcher themselves and judge no answers. Each entry left out
  // is reported in *skipped (when not null), in policy order.
  std::vector<std::string> skip;
  struct Skipped {
    std::string name;   // "llm", "refusal", "keyword", ...
    std::string where;  // "judges[3]", or "default" for a default judge
  };
  std::vector<Skipped>* skipped = nullptr;
  // Without a `judges:` section: the keyword judge alone (true) instead of
  // keyword + pii + refusal.
  bool keyword_only_default = false;
};

// Builds the judges in the order the policy lists them, from the `judges:`
// node of the bytes the policy was parsed from (policy.text; errors name
// policy.path and the line). A Policy built in code has no text: its file is
// read when it has a path, else it gets the default judges.
Result<std::vector<std::shared_ptr<const Judge>>> MakePolicyJudges(const policy::Policy& policy,
                                                                   const JudgeOptions& options);

// The version of the keyword judge MakePolicyJudges builds for `policy`
// (judge::KeywordJudgeVersion of "ID@VERSION"), for callers that record
// keyword labels without building it.
std::string PolicyKeywordJudgeVersion(const policy::Policy& policy);

// The same, from the YAML text of the policy file (for tests; `origin` names
// it in errors; relative paths resolve against its directory).
Result<std::vector<std::shared_ptr<const Judge>>> MakePolicyJudgesFromYaml(
    const policy::Policy& policy, std::string_view yaml, const std::string& origin,
    const JudgeOptions& options);

}  // namespace safegate::judge
