// safegate judge {refusal, refusal-train, pii, run, train, classify}: label texts from a file.
#include <stdio.h>

#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <set>

#include "common.h"
#include "judge_io.h"
#include "safegate/base/csv.h"
#include "safegate/base/file.h"
#include "safegate/base/json.h"
#include "safegate/base/progress.h"
#include "safegate/base/version.h"
#include "safegate/corpus/field.h"
#include "safegate/judge/classifier.h"
#include "safegate/judge/factory.h"
#include "safegate/judge/pii.h"
#include "safegate/judge/refusal.h"
#include "safegate/text/utf8.h"

namespace safegate::cli {
namespace {

using nlohmann::json;

// The flags of every command that judges a file (JudgeFile's options).
struct IoFlags : JudgeFileOptions {
  void Add(CLI::App* cmd, bool prompt) {
    cmd->add_option("-i,--input", input, "Input file: JSONL (one object a line) or .csv")
        ->required();
    cmd->add_option("-f,--field", fields.text, "Field holding the text (dotted path)")
        ->capture_default_str();
    if (prompt) cmd->add_option("--prompt-field", fields.prompt, "Field holding the prompt");
    cmd->add_option("--id-field", fields.id, "Field copied to the output as \"id\" when present")
        ->capture_default_str();
    cmd->add_option("-o,--output", output, "Output JSONL ('-' = standard output)")
        ->capture_default_str();
    cmd->add_flag("--lenient", lenient,
                  "Report a bad line as {\"line\":N,\"error\":...} and go on (default: stop)");
  }
};

void AddRefusal(CLI::App* g, int* rc) {
  struct Opts {
    bool no_cache = false, rules_only = false;
    std::string model, convention = "answer";
  };
  auto io = std::make_shared<IoFlags>();
  auto o = std::make_shared<Opts>();
  auto* cmd =
      g->add_subcommand("refusal", "Label answers full_refusal / partial_refusal / compliance");
  io->Add(cmd, true);
  cmd->add_flag("--no-cache", o->no_cache,
                "Do not use the cache of compiled rules and the trained built-in model");
  cmd->add_option("-m,--model", o->model,
                  "Decide with this model (a file from `safegate judge refusal-train`) instead of "
                  "the built-in one (trained on data/judge/refusal_train.jsonl)");
  cmd->add_flag("--rules-only", o->rules_only, "Label with the phrase rules alone (no model)");
  cmd->add_option("--convention", o->convention,
                  "What counts as a refusal: answer (default; disputing the premise, stating a "
                  "limit or warning without answering are answers, as Do-Not-Answer labels them) "
                  "or strict (such openings without an answer are refusals, as XSTest labels them)")
      ->check(CLI::IsMember({"answer", "strict"}));
  cmd->footer(
      "Writes one JSON line per input line: {line, id, judge, version, label, score, categories, "
      "evidence}. An answer with no letter or digit (empty, white space, emoji or punctuation "
      "only) is an error: nothing to judge (eval counts it unjudged).\nExample:\n  safegate judge "
      "refusal --input answers.jsonl --field response "
      "--prompt-field question -o labels.jsonl");
  cmd->callback([io, o, rc] {
    judge::RefusalOptions ro;
    ro.cache_dir = o->no_cache ? "" : policy::DefaultMatcherCacheDir();
    ro.rules_only = o->rules_only;
    ro.convention = *judge::ParseRefusalConvention(o->convention);
    if (!o->model.empty()) {
      if (o->rules_only) {
        *rc = Fail(InvalidArgumentError("--model and --rules-only exclude each other"));
        return;
      }
      auto m = judge::RefusalModel::Load(o->model);
      if (!m.ok()) {
        *rc = Fail(m.status());
        return;
      }
      ro.model = *m;
    }
    auto j = judge::NewRefusalJudge(ro);
    if (!j.ok()) {
      *rc = Fail(o->model.empty() ? j.status() : j.status().WithPrefix(o->model));
      return;
    }
    const judge::Judge& jr = **j;
    Status s = JudgeFile(
        *io, [&](const judge::JudgeInput& in, const LineHead& head, std::string* out) -> Status {
          SAFEGATE_ASSIGN_OR_RETURN(auto v, jr.Run(in));
          AppendVerdictJson(jr.name(), jr.version(), v, in.text, &head, out);
          return OkStatus();
        });
    *rc = s.ok() ? kExitOk : Fail(s);
  });
}

// Parses "a=b,c=d" label maps.
Result<std::map<std::string, std::string>> ParseLabelMap(const std::string& spec) {
  std::map<std::string, std::string> m;
  size_t from = 0;
  while (from <= spec.size() && !spec.empty()) {
    size_t comma = spec.find(',', from);
    std::string item =
        spec.substr(from, comma == std::string::npos ? std::string::npos : comma - from);
    size_t eq = item.find('=');
    if (eq == std::string::npos || eq == 0)
      return InvalidArgumentError("--label-map: '" + item + "' is not FROM=TO");
    m[item.substr(0, eq)] = item.substr(eq + 1);
    if (comma == std::string::npos) break;
    from = comma + 1;
  }
  return m;
}

void AddRefusalTrain(CLI::App* g, int* rc) {
  struct Opts {
    std::vector<std::string> inputs;
    std::string text_field = "text", label_field = "label", prompt_field, output, label_map;
    bool with_default = false;
    judge::RefusalTrainOptions t;
  };
  auto o = std::make_shared<Opts>();
  auto* cmd = g->add_subcommand(
      "refusal-train", "Train a refusal model (rule hits + word n-grams) for `judge refusal -m`");
  cmd->add_option("-i,--input", o->inputs, "Training answers: JSONL or .csv (repeatable)")
      ->required();
  cmd->add_option("--text-field", o->text_field, "Answer field")->capture_default_str();
  cmd->add_option("--label-field", o->label_field,
                  "Label field: full_refusal, partial_refusal or compliance (after --label-map)")
      ->capture_default_str();
  cmd->add_option(
      "--prompt-field", o->prompt_field,
      "Field holding the prompt (optional; its kind and how the answer relates to it are "
      "features, never its words)");
  cmd->add_option("--label-map", o->label_map,
                  "Rename labels first, e.g. 0=full_refusal,1=compliance,full_compliance="
                  "compliance");
  cmd->add_flag("--with-default", o->with_default,
                "Also train on the built-in examples (data/judge/refusal_train.jsonl)");
  cmd->add_option("-o,--output", o->output, "Model file to write")->required();
  cmd->add_option("--epochs", o->t.epochs, "SGD epochs")->capture_default_str();
  cmd->add_option("--hash-bits", o->t.hash_bits, "log2 of the feature buckets (10-24)")
      ->capture_default_str();
  cmd->add_option("--lr", o->t.learning_rate, "Learning rate, in (0, 10]")->capture_default_str();
  cmd->add_option("--seed", o->t.seed, "Shuffle seed")->capture_default_str();
  cmd->add_option("--features", o->t.features,
                  "Feature groups (bit mask): 1 rule hits, 2 opening words, 4 all words, 8 "
                  "closing words")
      ->capture_default_str();
  cmd->add_option("--l2", o->t.l2, "L2 penalty, in [0, 1]")->capture_default_str();
  cmd->add_option("--rules-prior", o->t.rules_prior,
                  "Fixed logit for the rules' label (0 = the model learns everything)")
      ->capture_default_str();
  cmd->add_option("--folds", o->t.folds,
                  "Calibrate P(refusal) by Platt scaling on cross-fitted scores of this many "
                  "folds of the training answers (2-20; 0 = no calibration)")
      ->capture_default_str();
  cmd->add_option("--description", o->t.description, "Stored in the model header");
  cmd->footer(
      "Example (Do-Not-Answer style labels):\n  safegate judge refusal-train -i answers.jsonl "
      "--text-field response --label-field action --label-map "
      "0=full_refusal,1=compliance,2=compliance,3=compliance,4=compliance,5=compliance -o "
      "refusal.sgrm");
  cmd->callback([o, rc] {
    auto map = ParseLabelMap(o->label_map);
    if (!map.ok()) {
      *rc = Fail(map.status());
      return;
    }
    std::vector<judge::RefusalExample> ex;
    if (o->with_default) {
      auto d = judge::RefusalModel::DefaultExamples();
      if (!d.ok()) {
        *rc = Fail(d.status());
        return;
      }
      ex = std::move(*d);
    }
    for (const auto& input : o->inputs) {
      Status s = ForEachRecord(
          input,
          [&](Record& r) -> Status {
            auto t = corpus::FieldOf(r.obj, o->text_field);
            if (!t.ok())
              return InvalidArgumentError(
                  AtLocation(input, r.line, o->text_field, t.status().message()));
            auto l = corpus::FieldOf(r.obj, o->label_field);
            if (!l.ok() || l->empty())
              return InvalidArgumentError(
                  AtLocation(input, r.line, o->label_field, "missing or empty"));
            std::string label = *l;
            if (auto it = map->find(label); it != map->end()) label = it->second;
            if (label == "full_compliance") label = "compliance";
            if (label != judge::kFullRefusal && label != judge::kPartialRefusal &&
                label != judge::kCompliance)
              return InvalidArgumentError(AtLocation(
                  input, r.line, o->label_field,
                  "label '" + label +
                      "' is not full_refusal, partial_refusal or compliance (use --label-map)"));
            std::string prompt;
            if (!o->prompt_field.empty()) {
              auto p = corpus::FieldOf(r.obj, o->prompt_field, true);
              if (!p.ok())
                return InvalidArgumentError(
                    AtLocation(input, r.line, o->prompt_field, p.status().message()));
              prompt = std::move(*p);
            }
            ex.push_back({std::move(*t), std::move(label), std::move(prompt)});
            return OkStatus();
          },
          [&](uint64_t line, const std::string& why) -> Status {
            return InvalidArgumentError(AtLocation(input, line, "", why));
          },
          nullptr);
      if (!s.ok()) {
        *rc = Fail(s);
        return;
      }
    }
    if (o->t.description.empty()) {
      for (const auto& in : o->inputs)
        o->t.description +=
            (o->t.description.empty() ? "" : ", ") + std::filesystem::path(in).filename().string();
      if (o->with_default) o->t.description += " + data/judge/refusal_train.jsonl";
    }
    judge::RefusalOptions ro;
    ro.cache_dir = policy::DefaultMatcherCacheDir();
    auto m = judge::RefusalModel::Train(ex, o->t, ro);
    if (!m.ok()) {
      *rc = Fail(m.status());
      return;
    }
    Status s = (*m)->Save(o->output);
    if (!s.ok()) {
      *rc = Fail(s);
      return;
    }
    std::fprintf(stderr, "safegate: trained a refusal model on %zu answers -> %s\n", ex.size(),
                 o->output.c_str());
    *rc = kExitOk;
  });
}

void AddPii(CLI::App* g, int* rc) {
  auto io = std::make_shared<IoFlags>();
  auto dets = std::make_shared<std::vector<std::string>>();
  auto* cmd =
      g->add_subcommand("pii", "Find personal data (e-mail, phone, card, IBAN, ID numbers)");
  io->Add(cmd, false);
  cmd->add_option(
         "--detectors", *dets,
         "Detectors to run: email, phone, card, iban, cn_id, us_ssn, ru_snils, ru_inn (default: "
         "all)")
      ->delimiter(',');
  cmd->callback([io, dets, rc] {
    judge::PiiOptions po;
    po.detectors = *dets;
    auto j = judge::NewPiiJudge(po);
    if (!j.ok()) {
      *rc = Fail(j.status());
      return;
    }
    const judge::Judge& jr = **j;
    Status s = JudgeFile(
        *io, [&](const judge::JudgeInput& in, const LineHead& head, std::string* out) -> Status {
          SAFEGATE_ASSIGN_OR_RETURN(auto v, jr.Run(in));
          AppendVerdictJson(jr.name(), jr.version(), v, in.text, &head, out);
          return OkStatus();
        });
    *rc = s.ok() ? kExitOk : Fail(s);
  });
}

void AddRun(CLI::App* g, int* rc) {
  auto io = std::make_shared<IoFlags>();
  auto policy = std::make_shared<std::string>();
  auto no_cache = std::make_shared<bool>(false);
  auto* cmd = g->add_subcommand("run", "Run every judge the policy names (its judges: section)");
  io->Add(cmd, true);
  cmd->add_option("--policy", *policy, "Policy file")->required();
  cmd->add_flag("--no-cache", *no_cache, "Do not use the compiled-matcher cache");
  cmd->footer(
      "Writes {line, id, flagged, verdicts: [...]} per input line; flagged = any content judge "
      "(not the refusal detector) flagged the text. A judge that fails on a line (an LLM judge "
      "that timed out, a malformed reply) is recorded as {judge, error} in verdicts, and the "
      "line's flagged is null (unjudged) unless another judge flagged it.");
  cmd->callback([io, policy, no_cache, rc] {
    auto p = policy::LoadPolicy(*policy);
    if (!p.ok()) {
      *rc = Fail(p.status());
      return;
    }
    std::vector<std::string> warnings;
    judge::JudgeOptions jo;
    jo.warnings = &warnings;
    jo.cache_dir = *no_cache ? "" : policy::DefaultMatcherCacheDir();
    auto judges = judge::MakePolicyJudges(*p, jo);
    for (const auto& w : warnings) std::fprintf(stderr, "safegate: warning: %s\n", w.c_str());
    if (!judges.ok()) {
      *rc = Fail(judges.status());
      return;
    }
    std::string verdicts;
    Status s = JudgeFile(
        *io, [&](const judge::JudgeInput& in, const LineHead& head, std::string* out) -> Status {
          // {"flagged", "id", "line", "verdicts"}: keys in nlohmann's order, as
          // the line was written when built as a json object.
          verdicts.clear();
          bool flagged = false, failed = false;
          for (const auto& j : *judges) {
            if (!verdicts.empty()) verdicts.push_back(',');
            auto v = j->Run(in);
            if (!v.ok()) {
              failed = true;
              verdicts += "{\"error\":";
              AppendJsonString(v.status().ToString(), &verdicts);
              verdicts += ",\"judge\":";
              AppendJsonString(j->name(), &verdicts);
              verdicts.push_back('}');
              continue;
            }
            if (!j->name().starts_with("refusal")) flagged = flagged || v->flagged();
            AppendVerdictJson(j->name(), j->version(), *v, in.text, nullptr, &verdicts);
          }
          // Fail closed: a judge error leaves the line unjudged (null), never clean.
          *out +=
              flagged ? "{\"flagged\":true" : (failed ? "{\"flagged\":null" : "{\"flagged\":false");
          if (!head.id.empty()) {
            *out += ",\"id\":";
            AppendJsonString(head.id, out);
          }
          *out += ",\"line\":";
          AppendJsonNumber(head.line, out);
          *out += ",\"verdicts\":[";
          *out += verdicts;
          *out += "]}";
          return OkStatus();
        });
    *rc = s.ok() ? kExitOk : Fail(s);
  });
}

// Reads the soft target at the dotted `path` of `obj`: an object of label:
// weight, each a finite number >= 0, not all 0. Returns the reason it is
// not one, or "".
std::string ReadSoftTarget(const json& obj, const std::string& path, judge::SoftTarget* out) {
  const json* v = &obj;
  for (size_t pos = 0;;) {
    size_t dot = path.find('.', pos);
    std::string key = path.substr(pos, dot == std::string::npos ? std::string::npos : dot - pos);
    if (!v->is_object() || !v->contains(key)) return "missing";
    v = &(*v)[key];
    if (dot == std::string::npos) break;
    pos = dot + 1;
  }
  if (v->is_null()) return "missing";
  if (!v->is_object() || v->empty())
    return "must be an object of label: weight (e.g. {\"hate\": 1, \"ok\": 2})";
  double sum = 0;
  for (const auto& [label, w] : v->items()) {
    if (!w.is_number()) return "label '" + label + "': the weight must be a number";
    double x = w.get<double>();
    if (!std::isfinite(x) || x < 0)
      return "label '" + label + "': the weight must be a finite number >= 0";
    (*out)[label] = x;
    sum += x;
  }
  if (!(sum > 0)) return "every weight is 0";
  return "";
}

void AddTrain(CLI::App* g, int* rc) {
  struct Opts {
    std::string input, text_field = "text", label_field = "label", output, soft_field;
    judge::ClassifierTrainOptions t;
    bool lenient = false;
  };
  auto o = std::make_shared<Opts>();
  auto* cmd = g->add_subcommand("train", "Train a text classifier (hashed char + word n-grams)");
  cmd->add_option("-i,--input", o->input, "Training data: JSONL or .csv")->required();
  cmd->add_option("--text-field", o->text_field, "Text field")->capture_default_str();
  cmd->add_option("--label-field", o->label_field, "Label field")->capture_default_str();
  cmd->add_option("-o,--output", o->output, "Model file to write")->required();
  cmd->add_option("--solver", o->t.solver,
                  "lbfgs (held-out calibration and decision offsets) or sgd (format-1 trainer)")
      ->capture_default_str();
  cmd->add_option("--epochs", o->t.epochs,
                  "lbfgs: maximum iterations (0 = 40); sgd: passes (0 = 8)")
      ->capture_default_str();
  cmd->add_option("--hash-bits", o->t.hash_bits, "log2 of the feature buckets (10-24)")
      ->capture_default_str();
  cmd->add_option("--char-min", o->t.char_min, "Shortest character n-gram")->capture_default_str();
  cmd->add_option("--char-max", o->t.char_max, "Longest character n-gram")->capture_default_str();
  cmd->add_flag("--char-within-words", o->t.char_words,
                "Character n-grams within words and their edge spaces, never across two words "
                "(model format 4)");
  cmd->add_flag("--idf", o->t.idf,
                "tf-idf: weight each n-gram by its inverse document frequency in the training "
                "texts (model format 4)");
  cmd->add_option("--word-max", o->t.word_max, "Longest word n-gram (0 = none)")
      ->capture_default_str();
  cmd->add_option("--l2", o->t.l2, "L2 penalty (negative = lbfgs 2e-5, sgd 1e-7)")
      ->capture_default_str();
  cmd->add_option("--validation", o->t.validation,
                  "lbfgs: share held out (stratified) for calibration and offsets; 0 = none")
      ->capture_default_str();
  cmd->add_option("--folds", o->t.folds,
                  "lbfgs: cross-fitting in N folds (2-20) for calibration and offsets, then "
                  "training on all examples; 0 = the --validation share")
      ->capture_default_str();
  cmd->add_option("--tune", o->t.tune,
                  "What the decision offsets maximise: macro-f1, accuracy, none, or f1:LABEL "
                  "(that label's F1, moving only its offset)")
      ->capture_default_str();
  cmd->add_option("--soft-field", o->soft_field,
                  "JSONL field with each example's soft target, an object of label: weight "
                  "(e.g. annotators' votes {\"hate\": 1, \"ok\": 2}); lbfgs trains on the "
                  "normalised weights, the label field still decides splits and tuning");
  cmd->add_option("--soft-share", o->t.soft_share,
                  "With --soft-field: share of the target from the soft field, the rest from "
                  "the label, in [0, 1]")
      ->capture_default_str();
  cmd->add_option("--lr", o->t.learning_rate, "sgd learning rate, in (0, 10]")
      ->capture_default_str();
  cmd->add_option("--seed", o->t.seed, "Seed of the held-out split and shuffles")
      ->capture_default_str();
  cmd->add_flag("--balance", o->t.balance,
                "Weight classes by inverse frequency (--class-weight 1)");
  cmd->add_option("--class-weight", o->t.class_weight,
                  "Weight classes by (inverse frequency)^P, P in [0, 2]; 0 = equal, 0.5 = half way")
      ->capture_default_str();
  cmd->add_option("--nb-alpha", o->t.nb_alpha,
                  "lbfgs: NB scaling of each label's weights by |log-count ratio| with this "
                  "smoothing count (0 = off)")
      ->capture_default_str();
  cmd->add_option("--hidden", o->t.hidden,
                  "lbfgs: one hidden layer of N ReLU units over the same features next to the "
                  "linear model, its logits added with a weight fitted on the held-out or "
                  "cross-fitted scores (model format 5); 0 = none")
      ->capture_default_str();
  cmd->add_option("--hidden-bits", o->t.hidden_bits,
                  "With --hidden: log2 of its embedding rows (10 to --hash-bits)")
      ->capture_default_str();
  cmd->add_option("--hidden-epochs", o->t.hidden_epochs, "With --hidden: SGD passes (1-200)")
      ->capture_default_str();
  cmd->add_option("--hidden-lr", o->t.hidden_lr,
                  "With --hidden: SGD learning rate at the start, decaying linearly to 0")
      ->capture_default_str();
  cmd->add_option("--preprocess", o->t.preprocess,
                  "Text clean-up before the features: none or social (HTML entities, URLs, "
                  "@mentions, RT, elongated letters)")
      ->capture_default_str();
  cmd->add_flag("--lenient", o->lenient, "Skip bad lines (reported on stderr)");
  cmd->callback([o, rc] {
    std::vector<std::string> texts, labels;
    std::vector<judge::SoftTarget> targets;
    std::vector<uint64_t> target_lines;
    uint64_t skipped = 0;
    auto bad = [&](uint64_t line, const std::string& why) -> Status {
      std::string m = AtLocation(o->input, line, "", why);
      if (!o->lenient) return InvalidArgumentError(m);
      if (skipped++ < 5) std::fprintf(stderr, "safegate: skipped %s\n", m.c_str());
      return OkStatus();
    };
    Status s = ForEachRecord(
        o->input,
        [&](Record& r) -> Status {
          auto t = corpus::FieldOf(r.obj, o->text_field);
          if (!t.ok())
            return o->lenient
                       ? bad(r.line, "field '" + o->text_field + "': " + t.status().message())
                       : InvalidArgumentError(
                             AtLocation(o->input, r.line, o->text_field, t.status().message()));
          auto l = corpus::FieldOf(r.obj, o->label_field);
          if (!l.ok() || l->empty())
            return o->lenient ? bad(r.line, "field '" + o->label_field + "': missing or empty")
                              : InvalidArgumentError(AtLocation(o->input, r.line, o->label_field,
                                                                "missing or empty"));
          judge::SoftTarget target;
          if (!o->soft_field.empty()) {
            std::string why = ReadSoftTarget(r.obj, o->soft_field, &target);
            if (!why.empty())
              return o->lenient
                         ? bad(r.line, "field '" + o->soft_field + "': " + why)
                         : InvalidArgumentError(AtLocation(o->input, r.line, o->soft_field, why));
          }
          texts.push_back(std::move(*t));
          labels.push_back(std::move(*l));
          if (!o->soft_field.empty()) {
            targets.push_back(std::move(target));
            target_lines.push_back(r.line);
          }
          return OkStatus();
        },
        bad, nullptr);
    if (s.ok()) {
      // A soft target may name only labels that some example has.
      std::set<std::string> known(labels.begin(), labels.end());
      for (size_t i = 0; i < targets.size() && s.ok(); ++i)
        for (const auto& [label, w] : targets[i])
          if (!known.count(label)) {
            s = InvalidArgumentError(AtLocation(
                o->input, target_lines[i], o->soft_field,
                "unknown label '" + label + "' (no example has it in '" + o->label_field + "')"));
            break;
          }
    }
    if (!s.ok()) {
      *rc = Fail(s);
      return;
    }
    auto m = judge::TextClassifier::Train(texts, labels, targets, o->t);
    if (!m.ok()) {
      *rc = Fail(m.status().WithPrefix(o->input));
      return;
    }
    s = (*m)->Save(o->output);
    if (!s.ok()) {
      *rc = Fail(s);
      return;
    }
    std::fprintf(stderr, "safegate: trained on %zu examples, %zu labels -> %s\n", texts.size(),
                 (*m)->labels().size(), o->output.c_str());
    const auto& v = (*m)->validation();
    if (v.examples > 0) {
      std::string ece;
      for (size_t k = 0; k < v.ece.size(); ++k) {
        char buf[64];
        std::snprintf(buf, sizeof buf, " %.3f->%.3f", v.ece_raw[k], v.ece[k]);
        ece += " " + (*m)->labels()[k] + buf;
      }
      const int folds = (*m)->options().folds;
      std::string how = folds >= 2 ? "cross-fitted in " + std::to_string(folds) + " folds"
                                   : std::string("held out");
      std::fprintf(stderr,
                   "safegate: %s %llu (development figures): accuracy %.3f (most probable "
                   "label %.3f), macro F1 %.3f; calibration error%s\n",
                   how.c_str(), static_cast<unsigned long long>(v.examples), v.accuracy,
                   v.accuracy_raw, v.macro_f1, ece.c_str());
    }
    *rc = kExitOk;
  });
}

void AddClassify(CLI::App* g, int* rc) {
  auto io = std::make_shared<IoFlags>();
  auto model = std::make_shared<std::string>();
  auto* cmd = g->add_subcommand("classify", "Apply a model from `safegate judge train`");
  io->Add(cmd, false);
  cmd->add_option("-m,--model", *model, "Model file")->required();
  cmd->footer(
      "Writes {line, id, label, probability, probabilities{}} per line: label is the model's "
      "decision (most probable label plus the decision offsets chosen in training), the "
      "probabilities are calibrated (per label, one against the rest) when the model has a "
      "calibration (format 2 to 4, trained with --validation > 0 or --folds), else the softmax.");
  cmd->callback([io, model, rc] {
    auto m = judge::TextClassifier::Load(*model);
    if (!m.ok()) {
      *rc = Fail(m.status());
      return;
    }
    const auto& clf = **m;
    Status s = JudgeFile(
        *io, [&](const judge::JudgeInput& in, const LineHead& head, std::string* out) -> Status {
          std::vector<double> p;
          size_t best = clf.Classify(in.text, &p);
          json probs = json::object();
          for (size_t k = 0; k < p.size(); ++k) probs[clf.labels()[k]] = p[k];
          AppendResultJson(json{{"label", clf.labels()[best]},
                                {"probability", p[best]},
                                {"probabilities", probs}},
                           head, out);
          return OkStatus();
        });
    *rc = s.ok() ? kExitOk : Fail(s);
  });
}

}  // namespace

void RegisterJudge(CLI::App& app, int* rc) {
  auto* g = app.add_subcommand("judge",
                               "Label texts: refusals, personal data, classifiers, policy judges");
  g->require_subcommand(1);
  AddRefusal(g, rc);
  AddRefusalTrain(g, rc);
  AddPii(g, rc);
  AddRun(g, rc);
  AddTrain(g, rc);
  AddClassify(g, rc);
}

}  // namespace safegate::cli
