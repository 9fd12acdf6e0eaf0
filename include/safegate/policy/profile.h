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
//       text: "unallowable share in a source's sample"
//       source: "TC260-003 (2024) 5.1 a)"
//
// Built-in profiles ("tc260-2024", "baseline") are compiled into the binary;
// any other name is a path to a user profile, loaded the same way. Nothing in
// the code hard-codes a requirement value: callers ask the profile.
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

struct Requirement {
  std::string id;  // dotted key, e.g. "corpus.human_sample.min_items"
  double value = 0;
  std::string text;    // what the rule says
  std::string source;  // where the number comes from
};

class Profile {
 public:
  std::string id;
  std::string version;
  std::string title;
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
