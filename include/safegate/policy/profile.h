// Taxonomies and profiles: the category structure and the numbers a service is
// judged against.
//
// A profile is a versioned YAML data file (schema "safegate.profile/1"). It
// carries a taxonomy (categories with ids, names and parents) and a map of
// requirements, each a number tagged with the text of the rule and its source:
//
//   requirements:
//     corpus.source.max_unallowable_rate:
//       value: 0.05
//       kind: rate                 # optional; must agree with the key's kind
//       text: "unallowable share in a source's sample"
//       text_zh: "..."             # optional: the rule in Chinese (text_ru: Russian)
//       source: "TC260-003 (2024) 5.1 a)"
//       status: "confirmed ..."    # optional: how sure the number is
//
// Every requirement key is one safegate knows (KnownRequirementKind): a
// misspelled or unsupported key is an error when the profile is loaded, in
// every command, and so is a value outside its kind's range (a rate of 5).
//
// Built-in profiles ("tc260-2024", "gbt45654-2025", "baseline") are compiled
// into the binary; any other name is a path to a user profile, loaded the same
// way. Nothing in the code hard-codes a requirement value: callers ask the
// profile.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "safegate/base/status.h"

namespace safegate::policy {

struct Category {
  std::string id;
  std::string name;
  std::string parent;  // empty for a top-level category
  std::string description;
  // The name in other languages, from name_zh / name_ru ("zh", "ru" -> name).
  std::map<std::string, std::string, std::less<>> names;
};

// An ordered set of categories forming a forest. Immutable once built.
class Taxonomy {
 public:
  // Adds a category. Fails on an empty or duplicate id, or a parent that was
  // not added before.
  Status Add(Category category);

  const Category* Find(std::string_view id) const;
  bool Contains(std::string_view id) const { return Find(id) != nullptr; }
  const std::vector<Category>& categories() const { return categories_; }
  // Leaf categories (no children), in insertion order.
  std::vector<const Category*> Leaves() const;
  // Direct children of `id`, in insertion order.
  std::vector<const Category*> Children(std::string_view id) const;
  // The top-level ancestor of `id` (itself when top-level); empty if unknown.
  std::string Root(std::string_view id) const;

 private:
  std::vector<Category> categories_;
  std::map<std::string, size_t, std::less<>> index_;
};

// What a requirement's number is. Rates (and fractions) lie in [0, 1]; counts
// and days are whole numbers >= 0; minutes are >= 0.
enum class RequirementKind { kRate, kCount, kDays, kMinutes };

// "rate", "count", "days", "minutes".
std::string_view RequirementKindName(RequirementKind kind);
// The inverse of RequirementKindName; nullopt for any other text.
std::optional<RequirementKind> ParseRequirementKind(std::string_view name);

// The kind of a requirement key safegate knows, or an InvalidArgument error
// whose message says why the key is not known (and what it may have meant).
// Keys banks.<bank>.min_per_risk.<scope> are known when <bank> is counted per
// risk (keywords, generated, should_refuse) and <scope> is a category of
// `taxonomy` or "other".
Result<RequirementKind> KnownRequirementKind(std::string_view key, const Taxonomy& taxonomy);

// Every requirement key safegate knows, with `<bank>`/`<scope>` placeholders
// for the per-bank and per-risk families (for documentation and messages).
std::vector<std::string> KnownRequirementPatterns();

struct Requirement {
  std::string id;  // dotted key, e.g. "corpus.human_sample.min_items"
  double value = 0;
  RequirementKind kind = RequirementKind::kCount;  // from the key (KnownRequirementKind)
  std::string text;                                // what the rule says (English)
  std::string source;  // where the number comes from (document and clause)
  std::string status;  // how sure the number is (free text; may be empty)
  // The rule in other languages, from text_zh / text_ru ("zh", "ru" -> text).
  std::map<std::string, std::string, std::less<>> texts;
};

class Profile {
 public:
  std::string id;
  std::string version;
  std::string title;
  std::map<std::string, std::string, std::less<>> titles;  // title_zh / title_ru
  std::string source;  // the document the numbers come from (free text)
  std::string origin;  // "builtin:tc260-2024" or the file path
  Taxonomy taxonomy;
  std::map<std::string, Requirement, std::less<>> requirements;

  const Requirement* Find(std::string_view key) const;
  // The requirement's value, or kNotFound naming the profile and the key.
  Result<double> Value(std::string_view key) const;
};

// Names of the built-in profiles.
std::vector<std::string> BuiltinProfiles();

// The YAML text of a built-in profile, or nullopt.
std::optional<std::string_view> BuiltinProfileText(std::string_view name);

// Loads a built-in profile by name or a profile file by path. Errors name the
// file, line and field.
Result<Profile> LoadProfile(const std::string& name_or_path);

// Parses profile YAML; `origin` names it in error messages.
Result<Profile> ParseProfile(std::string_view yaml, const std::string& origin);

}  // namespace safegate::policy
