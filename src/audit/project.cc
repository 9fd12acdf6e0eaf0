#include "safegate/audit/project.h"

#include <yaml-cpp/yaml.h>

#include <filesystem>
#include <set>

#include "safegate/base/file.h"

namespace safegate::audit {
namespace {

namespace fs = std::filesystem;

Status Err(const std::string& file, const YAML::Node& n, const std::string& key,
           const std::string& msg) {
  return InvalidArgumentError(AtLocation(file, n.Mark().line + 1, key, msg));
}

Result<std::string> ScalarString(const std::string& file, const YAML::Node& n,
                                 const std::string& key) {
  if (!n.IsScalar()) return Err(file, n, key, "expected a string");
  return n.as<std::string>();
}

Status ParseSources(const std::string& file, const YAML::Node& list,
                    std::vector<corpus::SourceSpec>* out) {
  if (!list.IsSequence()) return Err(file, list, "corpus.sources", "expected a list of sources");
  std::set<std::string> names;
  for (const auto& item : list) {
    if (!item.IsMap()) return Err(file, item, "corpus.sources", "expected a map");
    corpus::SourceSpec spec;
    for (const auto& kv : item) {
      std::string key = kv.first.as<std::string>();
      const YAML::Node& v = kv.second;
      if (key == "name") {
        SAFEGATE_ASSIGN_OR_RETURN(spec.name, ScalarString(file, v, key));
      } else if (key == "paths" || key == "path") {
        if (v.IsScalar()) {
          spec.paths.push_back(v.as<std::string>());
        } else if (v.IsSequence()) {
          for (const auto& p : v) {
            std::string s;
            SAFEGATE_ASSIGN_OR_RETURN(s, ScalarString(file, p, key));
            spec.paths.push_back(s);
          }
        } else {
          return Err(file, v, key, "expected a path or a list of paths");
        }
      } else if (key == "format") {
        std::string f;
        SAFEGATE_ASSIGN_OR_RETURN(f, ScalarString(file, v, key));
        auto fmt = corpus::ParseFormat(f);
        if (!fmt.ok()) return Err(file, v, key, fmt.status().message());
        spec.format = *fmt;
      } else if (key == "text_field") {
        SAFEGATE_ASSIGN_OR_RETURN(spec.text_field, ScalarString(file, v, key));
      } else if (key == "id_field") {
        SAFEGATE_ASSIGN_OR_RETURN(spec.id_field, ScalarString(file, v, key));
      } else {
        return Err(file, kv.first, key, "unknown key in a source");
      }
    }
    if (spec.name.empty()) return Err(file, item, "name", "a source needs a name");
    if (spec.paths.empty())
      return Err(file, item, "paths", "source '" + spec.name + "' has no paths");
    if (!names.insert(spec.name).second) {
      return Err(file, item, "name", "duplicate source name '" + spec.name + "'");
    }
    out->push_back(std::move(spec));
  }
  return OkStatus();
}

// A path or a list of paths, resolved against the project directory.
Status ReadPaths(const std::string& file, const YAML::Node& v, const std::string& key,
                 const std::string& base_dir, std::vector<std::string>* out) {
  std::vector<std::string> raw;
  if (v.IsScalar()) {
    raw.push_back(v.as<std::string>());
  } else if (v.IsSequence()) {
    for (const auto& e : v) {
      std::string s;
      SAFEGATE_ASSIGN_OR_RETURN(s, ScalarString(file, e, key));
      raw.push_back(s);
    }
  } else {
    return Err(file, v, key, "expected a path or a list of paths");
  }
  for (const std::string& r : raw) {
    if (r.empty()) return Err(file, v, key, "empty path");
    out->push_back((fs::path(base_dir) / r).lexically_normal().string());
  }
  return OkStatus();
}

Status ParseCorpusSample(const std::string& file, const YAML::Node& map, Project* p) {
  if (!map.IsMap()) return Err(file, map, "corpus.sample", "expected a map");
  for (const auto& kv : map) {
    const std::string key = "corpus.sample." + kv.first.as<std::string>();
    const YAML::Node& v = kv.second;
    try {
      if (key == "corpus.sample.per_source") {
        long long n = v.as<long long>();
        if (n <= 0) return Err(file, v, key, "must be a positive integer");
        p->sample_per_source = static_cast<uint64_t>(n);
      } else if (key == "corpus.sample.fraction") {
        double f = v.as<double>();
        if (!(f > 0 && f <= 1)) return Err(file, v, key, "must be in (0, 1]");
        p->sample_fraction = f;
      } else if (key == "corpus.sample.seed") {
        long long s = v.as<long long>();
        if (s < 0) return Err(file, v, key, "must be a non-negative integer");
        p->sample_seed = static_cast<uint64_t>(s);
        p->has_sample_seed = true;
      } else {
        return Err(file, kv.first, key, "unknown key (per_source, fraction, seed)");
      }
    } catch (const YAML::Exception&) {
      return Err(file, v, key, "expected a number");
    }
  }
  if (p->sample_per_source > 0 && p->sample_fraction > 0) {
    return Err(file, map, "corpus.sample", "give per_source or fraction, not both");
  }
  return OkStatus();
}

Status ParseBanks(const std::string& file, const YAML::Node& map, Project* p) {
  if (!map.IsMap()) return Err(file, map, "banks", "expected a map");
  for (const auto& kv : map) {
    const std::string key = kv.first.as<std::string>();
    if (key == "keywords" || key == "generated" || key == "should_refuse" ||
        key == "should_answer") {
      SAFEGATE_RETURN_IF_ERROR(
          ReadPaths(file, kv.second, "banks." + key, p->base_dir, &p->banks[key]));
    } else if (key == "topics") {
      if (!kv.second.IsSequence()) return Err(file, kv.second, "banks.topics", "expected a list");
      for (const auto& e : kv.second) {
        std::string s;
        SAFEGATE_ASSIGN_OR_RETURN(s, ScalarString(file, e, "banks.topics"));
        p->topics.push_back(s);
      }
    } else {
      return Err(file, kv.first, "banks." + key,
                 "unknown key (keywords, generated, should_refuse, should_answer, topics)");
    }
  }
  return OkStatus();
}

}  // namespace

Result<Project> LoadProject(const std::string& path) {
  std::string text;
  SAFEGATE_ASSIGN_OR_RETURN(text, ReadFile(path));
  Project p;
  p.path = path;
  p.base_dir = fs::path(path).parent_path().string();
  YAML::Node root;
  try {
    root = YAML::Load(text);
  } catch (const YAML::Exception& e) {
    return InvalidArgumentError(AtLocation(path, e.mark.line + 1, "", e.msg));
  }
  if (!root.IsMap()) return InvalidArgumentError(AtLocation(path, 0, "", "expected a YAML map"));
  try {
    for (const auto& kv : root) {
      std::string key = kv.first.as<std::string>();
      if (key == "schema") {
        if (kv.second.as<std::string>() != "safegate.project/1") {
          return Err(path, kv.second, key, "unsupported schema (expected safegate.project/1)");
        }
      } else if (key == "policy") {
        std::string pol;
        SAFEGATE_ASSIGN_OR_RETURN(pol, ScalarString(path, kv.second, key));
        p.policy_path = (fs::path(p.base_dir) / pol).lexically_normal().string();
      } else if (key == "corpus") {
        if (!kv.second.IsMap()) return Err(path, kv.second, key, "expected a map");
        for (const auto& ckv : kv.second) {
          std::string ck = ckv.first.as<std::string>();
          if (ck == "sources") {
            SAFEGATE_RETURN_IF_ERROR(ParseSources(path, ckv.second, &p.sources));
          } else if (ck == "labels") {
            std::vector<std::string> paths;
            SAFEGATE_RETURN_IF_ERROR(
                ReadPaths(path, ckv.second, "corpus.labels", p.base_dir, &paths));
            if (paths.size() != 1)
              return Err(path, ckv.second, "corpus.labels", "expected one path");
            p.corpus_labels = paths[0];
          } else if (ck == "sample") {
            SAFEGATE_RETURN_IF_ERROR(ParseCorpusSample(path, ckv.second, &p));
          } else {
            return Err(path, ckv.first, "corpus." + ck, "unknown key");
          }
        }
      } else if (key == "banks") {
        SAFEGATE_RETURN_IF_ERROR(ParseBanks(path, kv.second, &p));
      } else {
        // Keys of later sections (eval, serve) are accepted and ignored here.
      }
    }
  } catch (const YAML::Exception& e) {
    return InvalidArgumentError(AtLocation(path, e.mark.line + 1, "", e.msg));
  }
  if (p.policy_path.empty()) {
    return InvalidArgumentError(AtLocation(path, 0, "policy", "the project names no policy"));
  }
  return p;
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

}  // namespace safegate::audit
