// Taxonomy, Profile and the profile loader. See profile.h.
#include "safegate/policy/profile.h"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <exception>
#include <set>
#include <utility>

#include "safegate/base/file.h"
#include "safegate/policy/bank.h"
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

// The languages a profile may give texts in besides English (text_zh, ...).
constexpr const char* kProfileLanguages[] = {"zh", "ru"};

// Keys with a fixed name. The bank families (banks.<bank>.min_total, ...) are
// matched in KnownRequirementKind.
constexpr std::pair<std::string_view, RequirementKind> kFixedKeys[] = {
    {"corpus.source.max_unallowable_rate", RequirementKind::kRate},
    {"corpus.human_sample.min_items", RequirementKind::kCount},
    {"corpus.human_sample.min_qualified_rate", RequirementKind::kRate},
    {"corpus.machine_sample.min_fraction", RequirementKind::kRate},
    {"corpus.machine_sample.min_qualified_rate", RequirementKind::kRate},
    {"banks.should_answer.min_per_topic", RequirementKind::kCount},
    {"banks.questions.update_interval_days", RequirementKind::kDays},
    {"eval.generated.min_sampled", RequirementKind::kCount},
    {"eval.generated.min_qualified_rate", RequirementKind::kRate},
    {"eval.refusal.min_sampled", RequirementKind::kCount},
    {"eval.should_refuse.min_refusal_rate", RequirementKind::kRate},
    {"eval.should_answer.max_refusal_rate", RequirementKind::kRate},
    {"strikes.consecutive", RequirementKind::kCount},
    {"strikes.per_day", RequirementKind::kCount},
    {"moderation.review.target_minutes", RequirementKind::kMinutes},
    {"moderation.review.min_within_target", RequirementKind::kRate},
};

// Levenshtein distance, for "did you mean" (keys are short).
size_t EditDistance(std::string_view a, std::string_view b) {
  std::vector<size_t> row(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    size_t diag = row[0];
    row[0] = i;
    for (size_t j = 1; j <= b.size(); ++j) {
      const size_t up = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diag + (a[i - 1] == b[j - 1] ? 0 : 1)});
      diag = up;
    }
  }
  return row[b.size()];
}

// Every concrete key the taxonomy allows, for suggestions.
std::vector<std::string> ConcreteKeys(const Taxonomy& taxonomy) {
  std::vector<std::string> out;
  for (const auto& [key, kind] : kFixedKeys) out.emplace_back(key);
  for (BankKind k : AllBankKinds()) {
    const std::string prefix = "banks." + std::string(BankKindName(k)) + ".";
    out.push_back(prefix + "min_total");
    out.push_back(prefix + "update_interval_days");
    if (k == BankKind::kShouldAnswer) continue;
    out.push_back(prefix + "min_per_risk.other");
    for (const Category& c : taxonomy.categories()) out.push_back(prefix + "min_per_risk." + c.id);
  }
  return out;
}

std::string FormatNumber(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%g", v);
  return buf;
}

// Checks `value` against its kind's range; `node` and `field` locate errors.
Status CheckValue(const std::string& origin, const YAML::Node& node, const std::string& field,
                  RequirementKind kind, double value) {
  switch (kind) {
    case RequirementKind::kRate:
      if (value < 0 || value > 1) {
        return ErrorAt(
            origin, node, field,
            "a rate must be between 0 and 1 (write 5% as 0.05), got " + FormatNumber(value));
      }
      return OkStatus();
    case RequirementKind::kCount:
    case RequirementKind::kDays:
      if (value < 0 || value > kMaxRequirementValue || value != std::floor(value)) {
        return ErrorAt(
            origin, node, field,
            std::string(kind == RequirementKind::kCount ? "a count" : "a number of days") +
                " must be a whole number between 0 and 1e15, got " + FormatNumber(value));
      }
      return OkStatus();
    case RequirementKind::kMinutes:
      if (value < 0 || value > kMaxRequirementValue) {
        return ErrorAt(origin, node, field,
                       "minutes must be between 0 and 1e15, got " + FormatNumber(value));
      }
      return OkStatus();
  }
  return OkStatus();
}

Result<Profile> ParseProfileImpl(std::string_view yaml, const std::string& origin) {
  SAFEGATE_ASSIGN_OR_RETURN(YAML::Node root, internal::ParseYaml(yaml, origin));
  if (!root.IsMap()) return ErrorAt(origin, root, "", "a profile must be a YAML mapping");
  SAFEGATE_RETURN_IF_ERROR(CheckKeys(origin, root,
                                     {"schema", "id", "version", "title", "title_zh", "title_ru",
                                      "source", "taxonomy", "requirements"},
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
  for (const char* lang : kProfileLanguages) {
    std::string title;
    const std::string key = std::string("title_") + lang;
    SAFEGATE_RETURN_IF_ERROR(ReadOptionalString(origin, root, key.c_str(), &title));
    if (!title.empty()) profile.titles[lang] = std::move(title);
  }
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
      Result<RequirementKind> known = KnownRequirementKind(key, profile.taxonomy);
      if (!known.ok()) return ErrorAt(origin, kv.first, key, known.status().message());
      r.kind = *known;
      const bool long_form = body.IsMap();
      const YAML::Node value_node = long_form ? body["value"] : body;
      const std::string field = long_form ? key + ".value" : key;
      if (long_form) {
        SAFEGATE_RETURN_IF_ERROR(
            CheckKeys(origin, body,
                      {"value", "kind", "text", "text_zh", "text_ru", "source", "status"}, key));
        if (!value_node.IsDefined()) return ErrorAt(origin, body, field, "missing field");
        SAFEGATE_RETURN_IF_ERROR(ReadOptionalString(origin, body, "text", &r.text));
        SAFEGATE_RETURN_IF_ERROR(ReadOptionalString(origin, body, "source", &r.source));
        SAFEGATE_RETURN_IF_ERROR(ReadOptionalString(origin, body, "status", &r.status));
        for (const char* lang : kProfileLanguages) {
          std::string text;
          const std::string text_key = std::string("text_") + lang;
          SAFEGATE_RETURN_IF_ERROR(ReadOptionalString(origin, body, text_key.c_str(), &text));
          if (!text.empty()) r.texts[lang] = std::move(text);
        }
        std::string declared;
        SAFEGATE_RETURN_IF_ERROR(ReadOptionalString(origin, body, "kind", &declared));
        if (!declared.empty()) {
          std::optional<RequirementKind> k = ParseRequirementKind(declared);
          if (!k) {
            return ErrorAt(origin, body["kind"], key + ".kind",
                           "unknown kind '" + declared + "' (rate, count, days, minutes)");
          }
          if (*k != r.kind) {
            return ErrorAt(origin, body["kind"], key + ".kind",
                           "declared '" + declared + "', but " + key + " is a " +
                               std::string(RequirementKindName(r.kind)));
          }
        }
      }
      // Short form "key: 0.05".
      SAFEGATE_ASSIGN_OR_RETURN(r.value, ReadNumber(origin, value_node, field));
      // Callers turn counts into integers and compare rates with fractions:
      // a rate of 5 (meaning 5%) or a count of 1e30 is a typing error.
      SAFEGATE_RETURN_IF_ERROR(CheckValue(origin, value_node, field, r.kind, r.value));
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

std::string_view RequirementKindName(RequirementKind kind) {
  switch (kind) {
    case RequirementKind::kRate: return "rate";
    case RequirementKind::kCount: return "count";
    case RequirementKind::kDays: return "days";
    case RequirementKind::kMinutes: return "minutes";
  }
  return "count";
}

std::optional<RequirementKind> ParseRequirementKind(std::string_view name) {
  for (RequirementKind k : {RequirementKind::kRate, RequirementKind::kCount, RequirementKind::kDays,
                            RequirementKind::kMinutes}) {
    if (RequirementKindName(k) == name) return k;
  }
  return std::nullopt;
}

Result<RequirementKind> KnownRequirementKind(std::string_view key, const Taxonomy& taxonomy) {
  for (const auto& [k, kind] : kFixedKeys) {
    if (k == key) return kind;
  }
  for (BankKind b : AllBankKinds()) {
    const std::string prefix = "banks." + std::string(BankKindName(b)) + ".";
    if (!key.starts_with(prefix)) continue;
    const std::string_view rest = key.substr(prefix.size());
    if (rest == "min_total") return RequirementKind::kCount;
    if (rest == "update_interval_days") return RequirementKind::kDays;
    constexpr std::string_view kPerRisk = "min_per_risk.";
    if (rest.starts_with(kPerRisk)) {
      const std::string_view scope = rest.substr(kPerRisk.size());
      if (b == BankKind::kShouldAnswer) {
        return InvalidArgumentError(
            "the should_answer bank is counted per topic, not per risk: use "
            "banks.should_answer.min_per_topic");
      }
      if (scope == "other" || taxonomy.Contains(scope)) return RequirementKind::kCount;
      return InvalidArgumentError("'" + std::string(scope) +
                                  "' is not a category of the profile's taxonomy (nor 'other')");
    }
  }
  // Unknown: suggest the nearest known key.
  std::string best;
  size_t best_d = std::string::npos;
  for (const std::string& k : ConcreteKeys(taxonomy)) {
    const size_t d = EditDistance(key, k);
    if (d < best_d) {
      best_d = d;
      best = k;
    }
  }
  std::string message =
      "unknown requirement key (safegate cannot measure it; docs/policy.md "
      "lists the keys)";
  if (best_d <= std::max<size_t>(3, key.size() / 5)) message += "; did you mean '" + best + "'?";
  return InvalidArgumentError(message);
}

std::vector<std::string> KnownRequirementPatterns() {
  std::vector<std::string> out;
  for (const auto& [k, kind] : kFixedKeys) out.emplace_back(k);
  out.push_back("banks.<bank>.min_total");
  out.push_back("banks.<bank>.update_interval_days");
  out.push_back("banks.<bank>.min_per_risk.<category or other>");
  return out;
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
