// The project file: one YAML parse, one typed struct (project/project.h).
#include "safegate/project/project.h"

#include <yaml-cpp/yaml.h>

#include <ctime>
#include <filesystem>
#include <set>

#include "safegate/base/file.h"
#include "safegate/net/client.h"
#include "safegate/policy/yaml_util.h"

namespace safegate::project {
namespace {

namespace fs = std::filesystem;

// Reads one project file; every error names `file_`, a line and a key.
class Parser {
 public:
  explicit Parser(Project* p) : p_(p), file_(p->path) {}

  Status Parse(const YAML::Node& root);

 private:
  Status Err(const YAML::Node& n, const std::string& key, const std::string& msg) const {
    return InvalidArgumentError(AtLocation(file_, n.Mark().line + 1, key, msg));
  }
  void Mark(const std::string& key, const YAML::Node& n) {
    p_->lines.emplace(key, n.Mark().line + 1);
  }
  // Against the project directory; absolute paths stay as they are.
  std::string Resolve(const std::string& rel) const {
    return (fs::path(p_->base_dir) / rel).lexically_normal().string();
  }
  // The eval section's rule: relative paths are joined to a non-empty
  // project directory; absolute paths, and all paths of a project in the
  // current directory, stay as written.
  std::string ResolveEval(const std::string& rel) const {
    if (rel.empty() || p_->base_dir.empty() || fs::path(rel).is_absolute()) return rel;
    return Resolve(rel);
  }
  Result<std::string> ScalarString(const YAML::Node& n, const std::string& key) const {
    if (!n.IsScalar()) return Err(n, key, "expected a string");
    return n.as<std::string>();
  }

  Status ParseSources(const YAML::Node& list);
  Status ReadPaths(const YAML::Node& v, const std::string& key, std::vector<std::string>* out);
  Status ParseCorpus(const YAML::Node& map);
  Status ParseCorpusSample(const YAML::Node& map);
  Status ParseBanks(const YAML::Node& map);
  Status ParseTopLevelProfileAndSeed(const YAML::Node& root);
  Status ParseEval(const YAML::Node* ev);
  Status ParseTarget(const YAML::Node& v);
  Status ParseTargetKey(const YAML::Node& key, const YAML::Node& tv, const std::string& f,
                        eval::TargetSpec* t);
  Status ParseModeration(const YAML::Node& m);
  Status ParseAssess(const YAML::Node& a);

  Project* p_;
  const std::string& file_;
};

Status Parser::ParseSources(const YAML::Node& list) {
  if (!list.IsSequence()) return Err(list, "corpus.sources", "expected a list of sources");
  std::set<std::string> names;
  for (const auto& item : list) {
    if (!item.IsMap()) return Err(item, "corpus.sources", "expected a map");
    corpus::SourceSpec spec;
    for (const auto& kv : item) {
      std::string key = kv.first.as<std::string>();
      const YAML::Node& v = kv.second;
      if (key == "name") {
        SAFEGATE_ASSIGN_OR_RETURN(spec.name, ScalarString(v, key));
      } else if (key == "paths" || key == "path") {
        if (v.IsScalar()) {
          spec.paths.push_back(v.as<std::string>());
        } else if (v.IsSequence()) {
          for (const auto& p : v) {
            std::string s;
            SAFEGATE_ASSIGN_OR_RETURN(s, ScalarString(p, key));
            spec.paths.push_back(s);
          }
        } else {
          return Err(v, key, "expected a path or a list of paths");
        }
      } else if (key == "format") {
        std::string f;
        SAFEGATE_ASSIGN_OR_RETURN(f, ScalarString(v, key));
        auto fmt = corpus::ParseFormat(f);
        if (!fmt.ok()) return Err(v, key, fmt.status().message());
        spec.format = *fmt;
      } else if (key == "text_field") {
        SAFEGATE_ASSIGN_OR_RETURN(spec.text_field, ScalarString(v, key));
      } else if (key == "id_field") {
        SAFEGATE_ASSIGN_OR_RETURN(spec.id_field, ScalarString(v, key));
      } else {
        return Err(kv.first, key, "unknown key in a source");
      }
    }
    if (spec.name.empty()) return Err(item, "name", "a source needs a name");
    if (spec.paths.empty()) return Err(item, "paths", "source '" + spec.name + "' has no paths");
    if (!names.insert(spec.name).second) {
      return Err(item, "name", "duplicate source name '" + spec.name + "'");
    }
    p_->sources.push_back(std::move(spec));
  }
  return OkStatus();
}

// A path or a list of paths, resolved against the project directory.
Status Parser::ReadPaths(const YAML::Node& v, const std::string& key,
                         std::vector<std::string>* out) {
  std::vector<std::string> raw;
  if (v.IsScalar()) {
    raw.push_back(v.as<std::string>());
  } else if (v.IsSequence()) {
    for (const auto& e : v) {
      std::string s;
      SAFEGATE_ASSIGN_OR_RETURN(s, ScalarString(e, key));
      raw.push_back(s);
    }
  } else {
    return Err(v, key, "expected a path or a list of paths");
  }
  for (const std::string& r : raw) {
    if (r.empty()) return Err(v, key, "empty path");
    out->push_back(Resolve(r));
  }
  return OkStatus();
}

Status Parser::ParseCorpus(const YAML::Node& map) {
  if (!map.IsMap()) return Err(map, "corpus", "expected a map");
  for (const auto& ckv : map) {
    std::string ck = ckv.first.as<std::string>();
    Mark("corpus." + ck, ckv.second);
    if (ck == "sources") {
      SAFEGATE_RETURN_IF_ERROR(ParseSources(ckv.second));
    } else if (ck == "labels") {
      std::vector<std::string> paths;
      SAFEGATE_RETURN_IF_ERROR(ReadPaths(ckv.second, "corpus.labels", &paths));
      if (paths.size() != 1) return Err(ckv.second, "corpus.labels", "expected one path");
      p_->corpus_labels = paths[0];
    } else if (ck == "sample") {
      SAFEGATE_RETURN_IF_ERROR(ParseCorpusSample(ckv.second));
    } else if (ck == "max_ratio") {
      // As --max-ratio: a whole number of times, 0 = no limit.
      const YAML::Node& v = ckv.second;
      long long r = -1;
      try {
        if (v.IsScalar()) r = v.as<long long>();
      } catch (const YAML::Exception&) {
      }
      if (r < 0) {
        return Err(ckv.first, "corpus.max_ratio",  // the key's line: a null value has none
                   "must be a whole number >= 0 (times the compressed size a .gz/.zst file may "
                   "decompress to; 0 = no limit)");
      }
      p_->max_ratio = static_cast<uint64_t>(r);
      p_->has_max_ratio = true;
    } else {
      return Err(ckv.first, "corpus." + ck, "unknown key (sources, sample, labels, max_ratio)");
    }
  }
  return OkStatus();
}

Status Parser::ParseCorpusSample(const YAML::Node& map) {
  if (!map.IsMap()) return Err(map, "corpus.sample", "expected a map");
  for (const auto& kv : map) {
    const std::string key = "corpus.sample." + kv.first.as<std::string>();
    const YAML::Node& v = kv.second;
    try {
      if (key == "corpus.sample.per_source") {
        long long n = v.as<long long>();
        if (n <= 0) return Err(v, key, "must be a positive integer");
        p_->sample_per_source = static_cast<uint64_t>(n);
      } else if (key == "corpus.sample.fraction") {
        double f = v.as<double>();
        if (!(f > 0 && f <= 1)) return Err(v, key, "must be in (0, 1]");
        p_->sample_fraction = f;
      } else if (key == "corpus.sample.seed") {
        long long s = v.as<long long>();
        if (s < 0) return Err(v, key, "must be a non-negative integer");
        p_->sample_seed = static_cast<uint64_t>(s);
        p_->has_sample_seed = true;
      } else {
        return Err(kv.first, key, "unknown key (per_source, fraction, seed)");
      }
    } catch (const YAML::Exception&) {
      return Err(v, key, "expected a number");
    }
  }
  if (p_->sample_per_source > 0 && p_->sample_fraction > 0) {
    return Err(map, "corpus.sample", "give per_source or fraction, not both");
  }
  return OkStatus();
}

Status Parser::ParseBanks(const YAML::Node& map) {
  if (!map.IsMap()) return Err(map, "banks", "expected a map");
  for (const auto& kv : map) {
    const std::string key = kv.first.as<std::string>();
    Mark("banks." + key, kv.second);
    if (key == "keywords" || key == "generated" || key == "should_refuse" ||
        key == "should_answer") {
      SAFEGATE_RETURN_IF_ERROR(ReadPaths(kv.second, "banks." + key, &p_->banks[key]));
    } else if (key == "topics") {
      if (!kv.second.IsSequence()) return Err(kv.second, "banks.topics", "expected a list");
      for (const auto& e : kv.second) {
        std::string s;
        SAFEGATE_ASSIGN_OR_RETURN(s, ScalarString(e, "banks.topics"));
        p_->topics.push_back(s);
      }
    } else {
      return Err(kv.first, "banks." + key,
                 "unknown key (keywords, generated, should_refuse, should_answer, topics)");
    }
  }
  return OkStatus();
}

// The top-level profile and seed, which are also the defaults of eval.profile
// and eval.seed.
Status Parser::ParseTopLevelProfileAndSeed(const YAML::Node& root) {
  if (const YAML::Node n = root["profile"]) {
    if (!n.IsScalar()) return Err(n, "profile", "expected a built-in name or a file");
    p_->profile = n.as<std::string>();
  }
  if (const YAML::Node n = root["seed"]) {
    try {
      if (!n.IsScalar()) throw YAML::Exception(n.Mark(), "not a scalar");
      p_->seed = n.as<uint64_t>();
      p_->has_seed = true;
    } catch (const YAML::Exception&) {
      return Err(n, "seed", "expected a non-negative integer");
    }
  }
  return OkStatus();
}

// One key of eval.target into `t`; a value of the wrong type throws
// (ParseTarget reports it).
Status Parser::ParseTargetKey(const YAML::Node& key, const YAML::Node& tv, const std::string& f,
                              eval::TargetSpec* tp) {
  eval::TargetSpec& t = *tp;
  const std::string tk = key.as<std::string>();
  if (tk == "name")
    t.name = tv.as<std::string>();
  else if (tk == "kind")
    t.kind = tv.as<std::string>();
  else if (tk == "base_url")
    t.base_url = tv.as<std::string>();
  else if (tk == "api")
    t.api = tv.as<std::string>();
  else if (tk == "model")
    t.model = tv.as<std::string>();
  else if (tk == "api_key_env")
    t.api_key_env = tv.as<std::string>();
  else if (tk == "system_prompt")
    t.system_prompt = tv.as<std::string>();
  else if (tk == "temperature")
    t.temperature = tv.as<double>();
  else if (tk == "max_tokens")
    t.max_tokens = tv.as<int>();
  else if (tk == "seed")
    t.seed = tv.as<int64_t>();
  else if (tk == "stream")
    t.stream = tv.as<bool>();
  else if (tk == "concurrency")
    t.concurrency = tv.as<int>();
  else if (tk == "requests_per_second")
    t.requests_per_second = tv.as<double>();
  else if (tk == "timeout_seconds")
    t.timeout_seconds = tv.as<double>();
  else if (tk == "max_attempts")
    t.max_attempts = tv.as<int>();
  else if (tk == "item_deadline_seconds")
    t.item_deadline_seconds = tv.as<double>();  // its range: below
  else if (tk == "backoff_initial_seconds")
    t.backoff_initial_seconds = tv.as<double>();
  else if (tk == "backoff_max_seconds")
    t.backoff_max_seconds = tv.as<double>();
  else if (tk == "http_client")
    t.http_client = tv.as<std::string>();
  else if (tk == "path")
    t.replay_path = ResolveEval(tv.as<std::string>());
  else if (tk == "headers") {
    if (!tv.IsMap()) return Err(tv, f, "not a mapping");
    for (auto h : tv) t.headers.push_back({h.first.as<std::string>(), h.second.as<std::string>()});
  } else {
    return Err(key, f, "unknown key");
  }
  return OkStatus();
}

Status Parser::ParseTarget(const YAML::Node& v) {
  if (!v.IsMap()) return Err(v, "eval.target", "not a mapping");
  eval::EvalConfig& cfg = p_->eval;
  cfg.has_target = true;
  eval::TargetSpec& t = cfg.target;
  for (auto tkv : v) {
    std::string tk = tkv.first.as<std::string>();
    const YAML::Node& tv = tkv.second;
    std::string f = "eval.target." + tk;
    Mark(f, tv);
    try {
      SAFEGATE_RETURN_IF_ERROR(ParseTargetKey(tkv.first, tv, f, &t));
    } catch (const YAML::Exception&) {
      // A value of the wrong type: the error names the field and its line
      // (not "eval: bad conversion" at the section's).
      const bool integer =
          tk == "max_tokens" || tk == "seed" || tk == "concurrency" || tk == "max_attempts";
      const bool number = tk == "temperature" || tk == "requests_per_second" ||
                          tk == "timeout_seconds" || tk == "item_deadline_seconds" ||
                          tk.starts_with("backoff_");
      std::string got = tv.IsScalar() ? ", got '" + tv.Scalar() + "'" : "";
      return Err(tv, f,
                 std::string(integer          ? "expected an integer"
                             : number         ? "expected a number"
                             : tk == "stream" ? "expected true or false"
                                              : "expected a string") +
                     got);
    }
  }
  if (t.kind != "openai" && t.kind != "replay")
    return Err(v, "eval.target.kind", "expected openai or replay, got '" + t.kind + "'");
  if (t.api != "chat" && t.api != "ollama")
    return Err(v, "eval.target.api", "expected chat or ollama, got '" + t.api + "'");
  if (t.kind == "openai" && t.base_url.empty()) return Err(v, "eval.target.base_url", "missing");
  if (t.kind == "replay" && t.replay_path.empty()) return Err(v, "eval.target.path", "missing");
  if (t.concurrency < 1 || t.concurrency > 4096)
    return Err(v, "eval.target.concurrency", "must be in 1..4096");
  if (t.requests_per_second < 0)
    return Err(v, "eval.target.requests_per_second", "must not be negative");
  if (t.max_attempts < 1 || t.max_attempts > 100)  // as --max-attempts
    return Err(v, "eval.target.max_attempts", "must be in 1..100");
  if (const YAML::Node d = v["item_deadline_seconds"];  // as --item-deadline
      d && !(t.item_deadline_seconds > 0 &&
             t.item_deadline_seconds <= eval::TargetSpec::kMaxItemDeadlineSeconds)) {
    return Err(
        d, "eval.target.item_deadline_seconds",
        "must be a number of seconds above 0 and at most 86400 (a day), got '" + d.Scalar() + "'");
  }
  if (!net::ParseHttpEngine(t.http_client).ok())
    return Err(v, "eval.target.http_client",
               "expected auto, builtin or curl, got '" + t.http_client + "'");
  return OkStatus();
}

Status Parser::ParseEval(const YAML::Node* evp) {
  eval::EvalConfig& cfg = p_->eval;
  // A profile that names a file is resolved against the project directory.
  auto set_profile = [&](const std::string& name) {
    cfg.profile = name;
    if (name.find('/') != std::string::npos || name.ends_with(".yaml") || name.ends_with(".yml")) {
      cfg.profile = ResolveEval(name);
    }
  };
  if (!p_->profile.empty()) set_profile(p_->profile);
  cfg.seed = p_->seed;
  cfg.has_seed = p_->has_seed;
  if (evp == nullptr) return OkStatus();
  const YAML::Node& ev = *evp;
  if (!ev.IsMap()) return Err(ev, "eval", "not a mapping");
  try {
    for (auto kv : ev) {
      std::string k = kv.first.as<std::string>();
      const YAML::Node& v = kv.second;
      Mark("eval." + k, v);
      if (k == "seed") {
        cfg.seed = v.as<uint64_t>();
        cfg.has_seed = true;
      } else if (k == "store") {
        cfg.store = ResolveEval(v.as<std::string>());
      } else if (k == "profile") {
        set_profile(v.as<std::string>());
      } else if (k == "reviews") {
        if (!v.IsSequence()) return Err(v, "eval.reviews", "not a list of files");
        for (auto f : v) {
          std::string path = ResolveEval(f.as<std::string>());
          if (!fs::exists(path)) return Err(f, "eval.reviews", "no such file: " + path);
          cfg.reviews.push_back(path);
        }
      } else if (k == "verdict_basis") {
        cfg.verdict_basis = v.as<std::string>();
        if (cfg.verdict_basis != "auto" && cfg.verdict_basis != "machine" &&
            cfg.verdict_basis != "corrected" && cfg.verdict_basis != "human") {
          return Err(v, "eval.verdict_basis",
                     "expected auto, machine, corrected or human, got '" + cfg.verdict_basis + "'");
        }
      } else if (k == "banks") {
        if (!v.IsMap()) return Err(v, "eval.banks", "not a mapping");
        for (auto b : v) {
          std::string kind = b.first.as<std::string>();
          auto bk = eval::ParseBankKind(kind);
          if (!bk.ok()) return Err(b.first, "eval.banks", bk.status().message());
          cfg.banks[std::string(eval::BankKindName(*bk))] = ResolveEval(b.second.as<std::string>());
        }
      } else if (k == "target") {
        SAFEGATE_RETURN_IF_ERROR(ParseTarget(v));
      } else {
        return Err(kv.first, "eval." + k, "unknown key");
      }
    }
  } catch (const YAML::Exception& e) {
    return InvalidArgumentError(AtLocation(file_, e.mark.line + 1, "eval", e.msg));
  }
  return OkStatus();
}

std::string Rel(const std::string& dir, const std::string& path) {
  if (path.empty()) return path;
  std::error_code ec;
  fs::path r = fs::relative(path, dir.empty() ? "." : dir, ec);
  return ec ? path : r.string();
}

Status Parser::ParseModeration(const YAML::Node& m) {
  if (!m.IsMap()) return Err(m, "moderation", "expected a map");
  p_->has_moderation = true;
  ModerationSpec& ms = p_->moderation;
  for (const auto& kv : m) {
    std::string key = "moderation." + kv.first.as<std::string>();
    const YAML::Node& v = kv.second;
    Mark(key, v);
    if (key == "moderation.db") {
      if (!v.IsScalar()) return Err(v, key, "expected sqlite:PATH or postgresql://...");
      std::string db = v.as<std::string>();
      if (db.rfind("postgres", 0) == 0) {
        ms.db = db;
      } else {
        std::string path = db.rfind("sqlite:", 0) == 0 ? db.substr(7) : db;
        ms.db_path = Resolve(path);
        ms.db = "sqlite:" + Rel(p_->base_dir.empty() ? "." : p_->base_dir, ms.db_path);
      }
    } else if (key == "moderation.config") {
      if (!v.IsScalar()) return Err(v, key, "expected a path");
      ms.config = Resolve(v.as<std::string>());
    } else if (key == "moderation.days" || key == "moderation.reviewers") {
      int x = 0;
      try {
        x = v.as<int>();
      } catch (const YAML::Exception&) {
        return Err(v, key, "expected an integer");
      }
      if (key == "moderation.days") {
        if (x < 1 || x > 90) return Err(v, key, "must be 1..90");
        ms.days = x;
      } else {
        if (x < 0) return Err(v, key, "must be >= 0");
        ms.reviewers = x;
      }
    } else {
      return Err(kv.first, key, "unknown key (db, config, days, reviewers)");
    }
  }
  if (ms.db.empty() && ms.config.empty()) {
    return Err(m, "moderation", "give db (sqlite:PATH or postgresql://...) or config");
  }
  return OkStatus();
}

Status Parser::ParseAssess(const YAML::Node& a) {
  if (!a.IsMap()) return Err(a, "assess", "expected a map");
  AssessSpec& as = p_->assess;
  for (const auto& kv : a) {
    std::string key = "assess." + kv.first.as<std::string>();
    const YAML::Node& v = kv.second;
    Mark(key, v);
    if (!v.IsScalar()) return Err(v, key, "expected a string");
    if (key == "assess.out") {
      as.out_dir = v.as<std::string>();
      if (as.out_dir.empty()) return Err(v, key, "empty path");
    } else if (key == "assess.today") {
      as.today = v.as<std::string>();
      struct tm tm {};
      if (as.today.size() != 10 || strptime(as.today.c_str(), "%Y-%m-%d", &tm) == nullptr)
        return Err(v, key, "expected a date YYYY-MM-DD");
    } else if (key == "assess.lang") {
      std::optional<i18n::Lang> lang = i18n::ParseLang(v.as<std::string>());
      if (!lang) return Err(v, key, "expected en, zh or ru");
      as.lang = *lang;
    } else {
      return Err(kv.first, key, "unknown key (out, today, lang)");
    }
  }
  return OkStatus();
}

Status Parser::Parse(const YAML::Node& root) {
  SAFEGATE_RETURN_IF_ERROR(ParseTopLevelProfileAndSeed(root));
  YAML::Node ev;
  bool has_eval = false;
  for (const auto& kv : root) {
    std::string key = kv.first.as<std::string>();
    Mark(key, kv.second);
    if (key == "schema") {
      if (kv.second.as<std::string>() != "safegate.project/1") {
        return Err(kv.second, key, "unsupported schema (expected safegate.project/1)");
      }
    } else if (key == "policy") {
      std::string pol;
      SAFEGATE_ASSIGN_OR_RETURN(pol, ScalarString(kv.second, key));
      p_->policy_path = Resolve(pol);
    } else if (key == "corpus") {
      SAFEGATE_RETURN_IF_ERROR(ParseCorpus(kv.second));
    } else if (key == "banks") {
      SAFEGATE_RETURN_IF_ERROR(ParseBanks(kv.second));
    } else if (key == "eval") {
      ev.reset(kv.second);
      has_eval = true;
    } else if (key == "moderation") {
      SAFEGATE_RETURN_IF_ERROR(ParseModeration(kv.second));
    } else if (key == "assess") {
      SAFEGATE_RETURN_IF_ERROR(ParseAssess(kv.second));
    } else {
      // profile and seed are read above; other keys are ignored (room for
      // later sections).
    }
  }
  // After the loop: eval's defaults are the top-level profile and seed.
  SAFEGATE_RETURN_IF_ERROR(ParseEval(has_eval ? &ev : nullptr));
  if (p_->policy_path.empty()) {
    return InvalidArgumentError(AtLocation(file_, 0, "policy", "the project names no policy"));
  }
  return OkStatus();
}

}  // namespace

uint64_t Project::LineOf(std::string_view key) const {
  auto it = lines.find(key);
  return it == lines.end() ? 0 : it->second;
}

Status Project::ErrorAt(std::string_view key, std::string_view message) const {
  return InvalidArgumentError(AtLocation(path, LineOf(key), key, message));
}

Result<Project> ParseProject(std::string_view yaml, const std::string& path) {
  Project p;
  p.path = path;
  p.base_dir = fs::path(path).parent_path().string();
  SAFEGATE_ASSIGN_OR_RETURN(YAML::Node root, policy::internal::ParseYaml(yaml, path));
  if (!root.IsMap()) return InvalidArgumentError(AtLocation(path, 0, "", "expected a YAML map"));
  try {
    SAFEGATE_RETURN_IF_ERROR(Parser(&p).Parse(root));
  } catch (const YAML::Exception& e) {
    return InvalidArgumentError(AtLocation(path, e.mark.line + 1, "", e.msg));
  }
  return p;
}

Result<Project> LoadProject(const std::string& path) {
  SAFEGATE_ASSIGN_OR_RETURN(std::string text, ReadFile(path));
  return ParseProject(text, path);
}

std::string ProjectPath(const std::string& flag) {
  if (!flag.empty()) return flag;
  if (fs::exists("safegate.yaml")) return "safegate.yaml";
  return "";
}

Result<std::optional<Project>> LoadProjectIfAny(const std::string& flag) {
  std::string path = ProjectPath(flag);
  if (path.empty()) return std::optional<Project>();
  SAFEGATE_ASSIGN_OR_RETURN(Project p, LoadProject(path));
  return std::optional<Project>(std::move(p));
}

Result<corpus::SourceSpec> ParseSourceFlag(const std::string& flag, corpus::Format format,
                                           const std::string& text_field,
                                           const std::string& id_field) {
  auto eq = flag.find('=');
  if (eq == std::string::npos || eq == 0 || eq + 1 == flag.size()) {
    return InvalidArgumentError("--source '" + flag + "': expected NAME=PATH[,PATH...]");
  }
  corpus::SourceSpec spec;
  spec.name = flag.substr(0, eq);
  std::string rest = flag.substr(eq + 1);
  size_t start = 0;
  while (start <= rest.size()) {
    size_t comma = rest.find(',', start);
    if (comma == std::string::npos) comma = rest.size();
    if (comma > start) spec.paths.push_back(rest.substr(start, comma - start));
    start = comma + 1;
  }
  spec.format = format;
  spec.text_field = text_field;
  spec.id_field = id_field;
  return spec;
}

}  // namespace safegate::project
