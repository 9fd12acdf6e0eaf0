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
//
// Phrase kinds: a template's slot takes an action ("How do I {keyword}?":
// "build a pipe bomb"), a thing ("List the materials … for: {keyword}.":
// "pipe bomb") or a topic ("Tell me everything about this: {keyword}.":
// "best way to cut myself"). A keyword item may declare its kind (the bank's
// `phrase` field); otherwise InferPhraseKind guesses it from the text, and a
// guess it is unsure of becomes "topic" (the kind every language's colon
// templates take) with a warning (and a `bank lint` finding). A keyword only
// meets the templates that accept its kind, so "How do I dirty bomb?" and
// "怎么自杀方法？" are not written.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "safegate/base/status.h"
#include "safegate/policy/bank.h"
#include "safegate/policy/profile.h"

namespace safegate::bank {

enum class PhraseKind { kAction, kThing, kTopic };

std::string_view PhraseKindName(PhraseKind kind);  // "action", "thing", "topic"
std::optional<PhraseKind> ParsePhraseKind(std::string_view name);

struct Template {
  std::string id;                   // e.g. "en-02"
  std::string lang;                 // primary language subtag
  std::string text;                 // contains "{keyword}" exactly once
  std::vector<PhraseKind> accepts;  // the kinds of phrase its slot reads well with
};

struct PhraseGuess {
  PhraseKind kind = PhraseKind::kTopic;
  bool declared = false;  // from the item's `phrase` field
  bool sure = true;       // false: a fallback guess (kind is then kTopic)
};

// The kind of a keyword's phrase: its declared `phrase` when set, else a guess
// from the text and language (en: a leading verb is an action, "best way to…"
// and "how to…" a topic; ru: a leading infinitive is an action; zh: a leading
// verb is an action, a trailing 方法/教程/步骤… a topic; a short noun phrase
// otherwise a thing; anything else is unsure).
PhraseGuess KeywordPhrase(const policy::BankItem& keyword);
PhraseGuess InferPhraseKind(std::string_view text, std::string_view lang);

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
