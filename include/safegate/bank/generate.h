// `safegate bank generate`: keyword-bank items expanded into test questions.
//
// Templates are per-language question patterns with one "{keyword}" slot,
// written by us (BuiltinTemplates: English, Chinese, Russian; universal-harm
// phrasing). A keyword uses the templates whose language equals its language's
// primary subtag ("zh-Hans" -> "zh"); keywords of other languages, regexes
// and keywords without a language are skipped (counted in a warning).
//
// For a category asked for N questions, its usable keywords are ordered by
// SipHash(seed, id) and question i takes keyword i mod K and that keyword's
// ((i div K) + offset) mod T-th template (offset seeded per keyword): keywords
// are used evenly (each floor or ceil N/K times) and each keyword walks through
// its templates before repeating none. N is capped at K*T (a warning says so).
// Item ids are "g-<keyword id>-<template id>"; each item records keyword_id and
// template_id, tags ["generated"], source "safegate bank generate".
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "safegate/base/status.h"
#include "safegate/policy/bank.h"
#include "safegate/policy/profile.h"

namespace safegate::bank {

struct Template {
  std::string id;    // e.g. "en-02"
  std::string lang;  // primary language subtag
  std::string text;  // contains "{keyword}" exactly once
};

// The built-in templates (at least six each for en, zh, ru).
const std::vector<Template>& BuiltinTemplates();

struct GenerateOptions {
  uint64_t seed = 0;
  std::map<std::string, size_t> per_category;  // category -> questions wanted
  std::string added;                           // `added` date of every item (may be empty)
};

// Generates the questions. Fails (kInvalidArgument) when `keywords` is not a
// keyword bank or a template lacks the slot. `warnings` may be null.
Result<policy::Bank> GenerateQuestions(const policy::Bank& keywords,
                                       const std::vector<Template>& templates,
                                       const GenerateOptions& options,
                                       std::vector<std::string>* warnings);

// Per-category minimums a profile sets for a bank kind (see bank/lint.h for
// the key resolution), for every leaf of `taxonomy` that has a rule; then, when
// their sum is below banks.K.min_total, the difference is spread evenly over
// those categories (in taxonomy order). Should-answer banks have no categories.
std::map<std::string, size_t> ProfileQuotas(const policy::Profile& profile,
                                            const policy::Taxonomy& taxonomy,
                                            policy::BankKind kind);

// The requirement that sets the minimum for one leaf category, or null.
const policy::Requirement* PerRiskRule(const policy::Profile& profile,
                                       const policy::Taxonomy& taxonomy, policy::BankKind kind,
                                       const std::string& leaf);

}  // namespace safegate::bank
