// Taxonomy, Profile and the profile loader. See profile.h.
#include "safegate/policy/profile.h"

#include <yaml-cpp/yaml.h>

#include <exception>
#include <set>
#include <utility>

#include "safegate/base/file.h"
#include "safegate/policy/yaml_util.h"

namespace safegate::policy {
namespace internal {
// Defined in the generated builtin_profiles.cc (cmake/EmbedProfiles.cmake).
extern const std::pair<std::string_view, std::string_view> kBuiltinProfiles[];
extern const int kBuiltinProfileCount;
}  // namespace internal

namespace {

constexpr std::string_view kProfileSchema = "safegate.profile/1";
constexpr double kMaxRequirementValue = 1e15;

using internal::CheckKeys;
using internal::ErrorAt;
using internal::LineOf;
using internal::ReadNumber;
using internal::ReadOptionalString;
using internal::ReadString;

// Reads an optional string field of `map`; absent or null leaves *out alone.
Result<Profile> ParseProfileImpl(std::string_view yaml, const std::string& origin) {
  SAFEGATE_ASSIGN_OR_RETURN(YAML::Node root, internal::ParseYaml(yaml, origin));
  if (!root.IsMap()) return ErrorAt(origin, root, "", "a profile must be a YAML mapping");
  SAFEGATE_RETURN_IF_ERROR(CheckKeys(
      origin, root, {"schema", "id", "version", "title", "source", "taxonomy", "requirements"},
      "profile"));

  const YAML::Node schema = root["schema"];
  if (!schema.IsDefined()) return ErrorAt(origin, root, "schema", "missing field");
  SAFEGATE_ASSIGN_OR_RETURN(std::string schema_text, ReadString(origin, schema, "schema"));
  if (schema_text != kProfileSchema) {
    return ErrorAt(origin, schema, "schema",
                   "expected '" + std::string(kProfileSchema) + "', got '" + schema_text + "'");
  }

  Profile profile;
  profile.origin = origin;
  for (const char* key : {"id", "version"}) {
    const YAML::Node node = root[key];
    if (!node.IsDefined()) return ErrorAt(origin, root, key, "missing field");
    SAFEGATE_ASSIGN_OR_RETURN(std::string value, ReadString(origin, node, key));
    if (value.empty()) return ErrorAt(origin, node, key, "must not be empty");
    (std::string_view(key) == "id" ? profile.id : profile.version) = std::move(value);
  }
  SAFEGATE_RETURN_IF_ERROR(ReadOptionalString(origin, root, "title", &profile.title));
  SAFEGATE_RETURN_IF_ERROR(ReadOptionalString(origin, root, "source", &profile.source));

  const YAML::Node taxonomy = root["taxonomy"];
  if (!taxonomy.IsDefined() || taxonomy.IsNull()) {
    return ErrorAt(origin, root, "taxonomy", "missing field");
  }
  if (!taxonomy.IsSequence()) {
    return ErrorAt(origin, taxonomy, "taxonomy", "must be a list of categories");
  }
  for (const YAML::Node& item : taxonomy) {
    if (!item.IsMap()) return ErrorAt(origin, item, "taxonomy", "each category must be a mapping");
    SAFEGATE_ASSIGN_OR_RETURN(Category c, internal::ReadCategory(origin, item));
    SAFEGATE_RETURN_IF_ERROR(internal::AddCategory(origin, item, std::move(c), &profile.taxonomy));
  }

  const YAML::Node reqs = root["requirements"];
  if (reqs.IsDefined() && !reqs.IsNull()) {
    if (!reqs.IsMap()) return ErrorAt(origin, reqs, "requirements", "must be a mapping");
    for (const auto& kv : reqs) {
      SAFEGATE_ASSIGN_OR_RETURN(std::string key, ReadString(origin, kv.first, "requirements"));
      if (key.empty()) return ErrorAt(origin, kv.first, "requirements", "empty requirement key");
      if (profile.requirements.count(key)) {
        return ErrorAt(origin, kv.first, key, "duplicate requirement");
      }
      const YAML::Node& body = kv.second;
      Requirement r;
      r.id = key;
      const bool long_form = body.IsMap();
      const YAML::Node value_node = long_form ? body["value"] : body;
      const std::string field = long_form ? key + ".value" : key;
      if (long_form) {
        SAFEGATE_RETURN_IF_ERROR(CheckKeys(origin, body, {"value", "text", "source"}, key));
        if (!value_node.IsDefined()) return ErrorAt(origin, body, field, "missing field");
        SAFEGATE_RETURN_IF_ERROR(ReadOptionalString(origin, body, "text", &r.text));
        SAFEGATE_RETURN_IF_ERROR(ReadOptionalString(origin, body, "source", &r.source));
      }
      // Short form "key: 0.05".
      SAFEGATE_ASSIGN_OR_RETURN(r.value, ReadNumber(origin, value_node, field));
      // Every requirement is a count, a rate or a duration, and callers turn
      // counts into integers: a negative or astronomically large value is a
      // typing error, not a rule.
      if (!(r.value >= 0 && r.value <= kMaxRequirementValue)) {
        return ErrorAt(origin, value_node, field, "must be between 0 and 1e15");
      }
      profile.requirements.emplace(key, std::move(r));
    }
  }
  return profile;
}

}  // namespace

Status Taxonomy::Add(Category category) {
  if (category.id.empty()) return InvalidArgumentError("empty category id");
  if (index_.count(category.id)) {
    return InvalidArgumentError("duplicate category id '" + category.id + "'");
  }
  if (!category.parent.empty() && !index_.count(category.parent)) {
    return InvalidArgumentError("category '" + category.id + "': parent '" + category.parent +
                                "' is not defined before it");
  }
  index_.emplace(category.id, categories_.size());
  categories_.push_back(std::move(category));
  return OkStatus();
}

const Category* Taxonomy::Find(std::string_view id) const {
  auto it = index_.find(id);
  return it == index_.end() ? nullptr : &categories_[it->second];
}

std::vector<const Category*> Taxonomy::Leaves() const {
  std::set<std::string_view> parents;
  for (const Category& c : categories_) {
    if (!c.parent.empty()) parents.insert(c.parent);
  }
  std::vector<const Category*> out;
  for (const Category& c : categories_) {
    if (!parents.count(c.id)) out.push_back(&c);
  }
  return out;
}

std::vector<const Category*> Taxonomy::Children(std::string_view id) const {
  std::vector<const Category*> out;
  for (const Category& c : categories_) {
    if (c.parent == id) out.push_back(&c);
  }
  return out;
}

std::string Taxonomy::Root(std::string_view id) const {
  const Category* c = Find(id);
  if (c == nullptr) return "";
  // Parents are always added before children, so this terminates.
  while (!c->parent.empty()) c = Find(c->parent);
  return c->id;
}

const Requirement* Profile::Find(std::string_view key) const {
  auto it = requirements.find(key);
  return it == requirements.end() ? nullptr : &it->second;
}

Result<double> Profile::Value(std::string_view key) const {
  const Requirement* r = Find(key);
  if (r == nullptr) {
    return NotFoundError("profile '" + id + "' (" + origin + ") has no requirement '" +
                         std::string(key) + "'");
  }
  return r->value;
}

std::vector<std::string> BuiltinProfiles() {
  std::vector<std::string> out;
  for (int i = 0; i < internal::kBuiltinProfileCount; ++i) {
    out.emplace_back(internal::kBuiltinProfiles[i].first);
  }
  return out;
}

std::optional<std::string_view> BuiltinProfileText(std::string_view name) {
  for (int i = 0; i < internal::kBuiltinProfileCount; ++i) {
    if (internal::kBuiltinProfiles[i].first == name) return internal::kBuiltinProfiles[i].second;
  }
  return std::nullopt;
}

Result<Profile> LoadProfile(const std::string& name_or_path) {
  if (std::optional<std::string_view> text = BuiltinProfileText(name_or_path)) {
    return ParseProfile(*text, "builtin:" + name_or_path);
  }
  Result<std::string> data = ReadFile(name_or_path);
  if (!data.ok()) {
    std::string names;
    for (const std::string& n : BuiltinProfiles()) names += (names.empty() ? "" : ", ") + n;
    return NotFoundError("profile '" + name_or_path + "' is neither a built-in profile (" + names +
                         ") nor a readable file: " + data.status().message());
  }
  return ParseProfile(*data, name_or_path);
}

Result<Profile> ParseProfile(std::string_view yaml, const std::string& origin) {
  // yaml-cpp reports some misuse by exceptions; none may cross the API.
  try {
    return ParseProfileImpl(yaml, origin);
  } catch (const YAML::Exception& e) {
    const uint64_t line = e.mark.line >= 0 ? static_cast<uint64_t>(e.mark.line) + 1 : 0;
    return InvalidArgumentError(AtLocation(origin, line, "", e.msg));
  } catch (const std::exception& e) {
    return InvalidArgumentError(AtLocation(origin, 0, "", e.what()));
  }
}

}  // namespace safegate::policy
