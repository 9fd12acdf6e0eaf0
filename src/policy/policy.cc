// The policy loader. See policy.h.
#include "safegate/policy/policy.h"

#include <yaml-cpp/yaml.h>

#include <exception>
#include <filesystem>
#include <set>

#include "safegate/base/file.h"
#include "safegate/policy/yaml_util.h"

namespace safegate::policy {
namespace {

constexpr std::string_view kPolicySchema = "safegate.policy/1";

using internal::CheckKeys;
using internal::ErrorAt;
using internal::ReadBool;
using internal::ReadString;

// `path` as written in the policy, resolved against the policy's directory.
std::string Resolve(const std::string& policy_path, const std::string& path) {
  std::filesystem::path p(path);
  if (p.is_absolute()) return path;
  return (std::filesystem::path(policy_path).parent_path() / p).lexically_normal().string();
}

Status ReadNormalize(const std::string& origin, const YAML::Node& node,
                     text::NormalizeOptions* out) {
  if (!node.IsMap()) return ErrorAt(origin, node, "normalize", "must be a mapping");
  struct Switch {
    const char* name;
    bool text::NormalizeOptions::*member;
  };
  static constexpr Switch kSwitches[] = {
      {"strip_invisible", &text::NormalizeOptions::strip_invisible},
      {"nfkc", &text::NormalizeOptions::nfkc},
      {"fullwidth", &text::NormalizeOptions::fullwidth},
      {"casefold", &text::NormalizeOptions::casefold},
      {"confusables", &text::NormalizeOptions::confusables},
      {"t2s", &text::NormalizeOptions::t2s},
      {"strip_accents", &text::NormalizeOptions::strip_accents},
      {"strip_separators", &text::NormalizeOptions::strip_separators},
      {"digit_letters", &text::NormalizeOptions::digit_letters},
      {"word_gaps", &text::NormalizeOptions::word_gaps},
  };
  for (const auto& kv : node) {
    const std::string key = kv.first.IsScalar() ? kv.first.Scalar() : std::string("?");
    const Switch* found = nullptr;
    for (const Switch& s : kSwitches) {
      if (key == s.name) found = &s;
    }
    if (found == nullptr) {
      return ErrorAt(origin, kv.first, "normalize." + key,
                     "unknown normalisation switch (known: strip_invisible, nfkc, fullwidth, "
                     "casefold, confusables, t2s, strip_accents, strip_separators, "
                     "digit_letters, word_gaps)");
    }
    SAFEGATE_ASSIGN_OR_RETURN(out->*(found->member),
                              ReadBool(origin, kv.second, "normalize." + key));
  }
  return OkStatus();
}

Result<Policy> ParsePolicyImpl(std::string_view yaml, const std::string& path) {
  SAFEGATE_ASSIGN_OR_RETURN(YAML::Node root, internal::ParseYaml(yaml, path));
  if (!root.IsMap()) return ErrorAt(path, root, "", "a policy must be a YAML mapping");
  SAFEGATE_RETURN_IF_ERROR(CheckKeys(path, root,
                                     {"schema", "id", "version", "profile", "taxonomy", "normalize",
                                      "keyword_banks", "judges", "title", "description"},
                                     "policy"));

  if (!root["schema"].IsDefined()) return ErrorAt(path, root, "schema", "missing field");
  SAFEGATE_ASSIGN_OR_RETURN(std::string schema, ReadString(path, root["schema"], "schema"));
  if (schema != kPolicySchema) {
    return ErrorAt(path, root["schema"], "schema",
                   "expected '" + std::string(kPolicySchema) + "', got '" + schema + "'");
  }
  Policy policy;
  policy.path = path;
  policy.text = std::string(yaml);
  for (const char* key : {"id", "version", "profile"}) {
    if (!root[key].IsDefined()) return ErrorAt(path, root, key, "missing field");
  }
  SAFEGATE_ASSIGN_OR_RETURN(policy.id, ReadString(path, root["id"], "id"));
  if (policy.id.empty()) return ErrorAt(path, root["id"], "id", "must not be empty");
  SAFEGATE_ASSIGN_OR_RETURN(policy.version, ReadString(path, root["version"], "version"));
  if (policy.version.empty()) return ErrorAt(path, root["version"], "version", "must not be empty");

  // Profile: a built-in name, else a path relative to the policy file.
  const YAML::Node profile_node = root["profile"];
  SAFEGATE_ASSIGN_OR_RETURN(std::string profile_name, ReadString(path, profile_node, "profile"));
  if (profile_name.empty()) return ErrorAt(path, profile_node, "profile", "must not be empty");
  const bool builtin = BuiltinProfileText(profile_name).has_value();
  Result<Profile> profile = LoadProfile(builtin ? profile_name : Resolve(path, profile_name));
  if (!profile.ok()) {
    return Status(profile.status().code(), AtLocation(path, internal::LineOf(profile_node),
                                                      "profile", profile.status().message()));
  }
  policy.profile = std::move(profile).value();

  // Taxonomy: the profile's, optionally extended or replaced.
  bool inherit = true;
  const YAML::Node tax = root["taxonomy"];
  std::vector<std::pair<Category, YAML::Node>> extra;
  if (tax.IsDefined() && !tax.IsNull()) {
    if (!tax.IsMap()) return ErrorAt(path, tax, "taxonomy", "must be a mapping");
    SAFEGATE_RETURN_IF_ERROR(CheckKeys(path, tax, {"inherit", "categories"}, "taxonomy"));
    if (tax["inherit"].IsDefined()) {
      SAFEGATE_ASSIGN_OR_RETURN(inherit, ReadBool(path, tax["inherit"], "taxonomy.inherit"));
    }
    const YAML::Node cats = tax["categories"];
    if (cats.IsDefined() && !cats.IsNull()) {
      if (!cats.IsSequence()) {
        return ErrorAt(path, cats, "taxonomy.categories", "must be a list of categories");
      }
      for (const YAML::Node& item : cats) {
        if (!item.IsMap()) return ErrorAt(path, item, "taxonomy.categories", "must be a mapping");
        SAFEGATE_ASSIGN_OR_RETURN(Category c, internal::ReadCategory(path, item));
        extra.emplace_back(std::move(c), item);
      }
    }
  }
  if (inherit) policy.taxonomy = policy.profile.taxonomy;
  for (auto& [c, item] : extra) {
    SAFEGATE_RETURN_IF_ERROR(internal::AddCategory(path, item, std::move(c), &policy.taxonomy));
  }
  if (policy.taxonomy.categories().empty()) {
    return ErrorAt(path, tax.IsDefined() ? tax : root, "taxonomy", "the taxonomy is empty");
  }

  const YAML::Node norm = root["normalize"];
  if (norm.IsDefined() && !norm.IsNull()) {
    SAFEGATE_RETURN_IF_ERROR(ReadNormalize(path, norm, &policy.normalize));
  }

  const YAML::Node banks = root["keyword_banks"];
  if (banks.IsDefined() && !banks.IsNull()) {
    if (!banks.IsSequence())
      return ErrorAt(path, banks, "keyword_banks", "must be a list of paths");
    for (const YAML::Node& b : banks) {
      SAFEGATE_ASSIGN_OR_RETURN(std::string bank, ReadString(path, b, "keyword_banks"));
      if (bank.empty()) return ErrorAt(path, b, "keyword_banks", "empty path");
      std::string resolved = Resolve(path, bank);
      std::error_code ec;
      if (!std::filesystem::is_regular_file(resolved, ec)) {
        return Status(StatusCode::kNotFound,
                      AtLocation(path, internal::LineOf(b), "keyword_banks",
                                 "bank file '" + resolved + "' does not exist"));
      }
      policy.keyword_banks.push_back(std::move(resolved));
    }
  }
  return policy;
}

}  // namespace

Result<Policy> ParsePolicy(std::string_view yaml, const std::string& path) {
  // yaml-cpp reports some misuse by exceptions; none may cross the API.
  try {
    return ParsePolicyImpl(yaml, path);
  } catch (const YAML::Exception& e) {
    const uint64_t line = e.mark.line >= 0 ? static_cast<uint64_t>(e.mark.line) + 1 : 0;
    return InvalidArgumentError(AtLocation(path, line, "", e.msg));
  } catch (const std::exception& e) {
    return InvalidArgumentError(AtLocation(path, 0, "", e.what()));
  }
}

Result<Policy> LoadPolicy(const std::string& path) {
  SAFEGATE_ASSIGN_OR_RETURN(std::string data, ReadFile(path));
  return ParsePolicy(data, path);
}

}  // namespace safegate::policy
