// Bank lint: profile rules and quality findings. See bank/lint.h.
#include "safegate/bank/lint.h"

#include <algorithm>
#include <cstdio>
#include <nlohmann/json.hpp>
#include <set>
#include <string_view>
#include <unordered_map>

#include "safegate/bank/generate.h"
#include "safegate/bank/near_dup.h"
#include "safegate/base/json.h"
#include "safegate/text/utf8.h"

namespace safegate::bank {
namespace {

using policy::BankItem;
using policy::BankKind;

std::string Noun(BankKind kind) {
  return kind == BankKind::kKeywords ? "keywords" : "questions";
}

std::string Num(double v) {
  char buf[64];
  if (v == static_cast<double>(static_cast<long long>(v))) {
    std::snprintf(buf, sizeof buf, "%lld", static_cast<long long>(v));
  } else {
    std::snprintf(buf, sizeof buf, "%g", v);
  }
  return buf;
}

// Normalised text with whitespace runs collapsed and trimmed.
std::string Key(const text::Normalizer& norm, std::string_view s) {
  const std::string n = norm.NormalizeToString(s);
  std::string out;
  bool space = false;
  for (char c : n) {
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v') {
      space = !out.empty();
      continue;
    }
    if (space) out += ' ';
    space = false;
    out += c;
  }
  return out;
}

void AddRule(LintReport* r, std::string key, std::string scope, double required, double actual,
             std::string message) {
  RuleResult rule;
  rule.key = std::move(key);
  rule.scope = std::move(scope);
  rule.required = required;
  rule.actual = actual;
  rule.passed = actual >= required;
  rule.message = std::move(message);
  r->rules.push_back(std::move(rule));
}

}  // namespace

long long DaysFromCivil(const std::string& date) {
  long long y = std::stoll(date.substr(0, 4));
  const unsigned m = static_cast<unsigned>(std::stoi(date.substr(5, 2)));
  const unsigned d = static_cast<unsigned>(std::stoi(date.substr(8, 2)));
  y -= m <= 2;
  const long long era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<long long>(doe) - 719468;
}

bool LintReport::passed() const {
  return failed_rules() == 0;
}

size_t LintReport::failed_rules() const {
  size_t n = 0;
  for (const RuleResult& r : rules) n += r.passed ? 0 : 1;
  return n;
}

Result<LintReport> LintBank(const policy::Bank& bank, const policy::Profile& profile,
                            const policy::Taxonomy& taxonomy, const LintOptions& options) {
  if (!options.today.empty() && !policy::IsValidDate(options.today)) {
    return InvalidArgumentError("--today: expected YYYY-MM-DD, got '" + options.today + "'");
  }
  LintReport r;
  r.kind = bank.kind;
  r.files = bank.files;
  r.items = bank.items.size();
  const std::string kind_name(policy::BankKindName(bank.kind));
  const std::string prefix = "banks." + kind_name + ".";
  const std::string noun = Noun(bank.kind);

  // Exact duplicates.
  text::NormalizeOptions nopt = options.normalize;
  nopt.matcher_folds_ascii = false;
  const text::Normalizer norm(nopt);
  std::vector<std::string> keys(bank.items.size());
  std::unordered_map<std::string_view, size_t> first;  // key -> group index
  std::vector<std::vector<size_t>> groups;
  std::vector<size_t> distinct;  // item indexes counted
  for (size_t i = 0; i < bank.items.size(); ++i) keys[i] = Key(norm, bank.items[i].text);
  for (size_t i = 0; i < bank.items.size(); ++i) {
    auto [it, inserted] = first.emplace(keys[i], groups.size());
    if (inserted) {
      groups.push_back({i});
      distinct.push_back(i);
    } else {
      groups[it->second].push_back(i);
    }
  }
  for (const auto& g : groups) {
    if (g.size() < 2) continue;
    r.duplicate_items += g.size() - 1;
    bool differs = false;
    if (bank.kind == BankKind::kKeywords) {
      for (size_t i : g) {
        differs |= bank.items[i].whole_word != bank.items[g[0]].whole_word ||
                   bank.items[i].regex != bank.items[g[0]].regex;
      }
    }
    r.matching_conflicts += differs ? 1 : 0;
    // Groups whose copies match differently are listed first: they are findings.
    if (r.duplicates.size() < options.max_listed || differs) {
      DuplicateGroup d;
      for (size_t i : g) d.ids.push_back(bank.items[i].id);
      d.text = bank.items[g[0]].text;
      d.matching_differs = differs;
      r.duplicates.push_back(std::move(d));
    }
  }
  std::stable_sort(r.duplicates.begin(), r.duplicates.end(),
                   [](const DuplicateGroup& a, const DuplicateGroup& b) {
                     return a.matching_differs > b.matching_differs;
                   });
  if (r.duplicates.size() > options.max_listed) r.duplicates.resize(options.max_listed);
  r.counted = distinct.size();
  for (size_t i : distinct) {
    const BankItem& item = bank.items[i];
    ++r.per_category[item.category];
    ++r.languages[item.category][item.lang.empty() ? "und" : item.lang];
  }

  // Rules: total.
  if (const policy::Requirement* req = profile.Find(prefix + "min_total")) {
    AddRule(
        &r, req->id, "total", req->value, static_cast<double>(r.counted),
        "total: " + Num(static_cast<double>(r.counted)) + " of " + Num(req->value) + " " + noun);
  }
  // Rules: per category or topic.
  auto count_of = [&](const std::string& c) -> size_t {
    auto it = r.per_category.find(c);
    return it == r.per_category.end() ? 0 : it->second;
  };
  if (bank.kind == BankKind::kShouldAnswer) {
    if (const policy::Requirement* req = profile.Find(prefix + "min_per_topic")) {
      std::set<std::string> topics(options.topics.begin(), options.topics.end());
      for (const auto& [c, n] : r.per_category) topics.insert(c);
      for (const std::string& t : topics) {
        const double n = static_cast<double>(count_of(t));
        AddRule(&r, req->id, t, req->value, n,
                t + ": " + Num(n) + " of " + Num(req->value) + " " + noun);
      }
    }
  } else {
    for (const policy::Category* leaf : taxonomy.Leaves()) {
      const policy::Requirement* req = PerRiskRule(profile, taxonomy, bank.kind, leaf->id);
      if (req == nullptr) continue;
      const double n = static_cast<double>(count_of(leaf->id));
      AddRule(&r, req->id, leaf->id, req->value, n,
              leaf->id + ": " + Num(n) + " of " + Num(req->value) + " " + noun);
    }
  }
  // Staleness.
  for (const BankItem& item : bank.items) {
    if (!item.added.empty() && item.added > r.newest_added) r.newest_added = item.added;
  }
  const policy::Requirement* interval = profile.Find(prefix + "update_interval_days");
  if (interval == nullptr && bank.kind != BankKind::kKeywords) {
    interval = profile.Find("banks.questions.update_interval_days");
  }
  if (!r.newest_added.empty() && !options.today.empty()) {
    r.age_days = DaysFromCivil(options.today) - DaysFromCivil(r.newest_added);
  }
  if (interval != nullptr && !options.today.empty()) {
    RuleResult rule;
    rule.key = interval->id;
    rule.scope = "updated";
    rule.required = interval->value;
    if (r.newest_added.empty()) {
      rule.passed = false;
      rule.actual = -1;
      rule.message =
          "updated: no item carries an 'added' date (required: an update at least every " +
          Num(interval->value) + " days)";
    } else {
      rule.actual = static_cast<double>(r.age_days);
      rule.passed = static_cast<double>(r.age_days) <= interval->value;
      rule.message = "updated: newest item added " + r.newest_added + ", " +
                     std::to_string(r.age_days) + " days before " + options.today + " (at most " +
                     Num(interval->value) + ")";
    }
    r.rules.push_back(std::move(rule));
  }

  // Near-duplicates among distinct texts.
  {
    std::vector<std::string_view> texts;
    texts.reserve(distinct.size());
    for (size_t i : distinct) texts.push_back(keys[i]);
    NearDupOptions nd;
    nd.threshold = options.near_threshold;
    nd.threads = options.threads;
    std::vector<NearPair> pairs = FindNearDuplicates(texts, nd, &r.near_pairs);
    std::stable_sort(pairs.begin(), pairs.end(), [](const NearPair& x, const NearPair& y) {
      return x.similarity > y.similarity;
    });
    for (size_t k = 0; k < pairs.size() && k < options.max_listed; ++k) {
      const BankItem& a = bank.items[distinct[pairs[k].a]];
      const BankItem& b = bank.items[distinct[pairs[k].b]];
      r.near_duplicates.push_back({a.id, b.id, a.text, b.text, pairs[k].similarity});
    }
  }

  // Phrase kinds `bank generate` would have to guess without being sure.
  if (bank.kind == BankKind::kKeywords) {
    for (const BankItem& item : bank.items) {
      if (item.regex || item.lang.empty()) continue;
      if (KeywordPhrase(item).sure) continue;
      ++r.phrase_unsure_count;
      if (r.phrase_unsure.size() < options.max_listed)
        r.phrase_unsure.emplace_back(item.id, item.text);
    }
  }

  // Keywords that hit ordinary text of their language.
  if (bank.kind == BankKind::kKeywords && options.ordinary_min_share >= 0) {
    auto hits = OrdinaryTextHits(bank, options.normalize, options.ordinary_min_share);
    if (!hits.ok()) {
      r.ordinary_error = hits.status().message();
    } else {
      r.ordinary_count = hits->size();
      for (OrdinaryHit& h : *hits) {
        if (r.ordinary_hits.size() >= options.max_listed) break;
        r.ordinary_hits.push_back(std::move(h));
      }
    }
  }

  // Keywords inside common words: literal keywords that are not whole-word.
  // Every item, as the matcher uses it: an exact duplicate is not dropped from
  // the matcher, so a non-whole-word copy of a whole-word keyword matches
  // inside words ("ass" in "assist") and must be checked too.
  if (bank.kind == BankKind::kKeywords && !options.wordlist.empty()) {
    std::unordered_map<std::string, std::vector<size_t>> kw;  // key -> item indexes
    size_t max_len = 0;
    for (size_t i = 0; i < bank.items.size(); ++i) {
      const BankItem& item = bank.items[i];
      if (item.regex || item.whole_word || keys[i].empty()) continue;
      kw[keys[i]].push_back(i);
      max_len = std::max(max_len, keys[i].size());
    }
    std::unordered_map<std::string, std::vector<std::string>> inside;  // key -> words
    std::unordered_map<std::string, size_t> counts;
    for (const std::string& word : options.wordlist) {
      const std::string w = Key(norm, word);
      std::set<std::string_view> hit;
      for (size_t b = 0; b < w.size(); ++b) {
        if ((static_cast<unsigned char>(w[b]) & 0xC0) == 0x80) continue;
        for (size_t len = 1; b + len <= w.size() && len <= max_len; ++len) {
          if (b + len < w.size() && (static_cast<unsigned char>(w[b + len]) & 0xC0) == 0x80) {
            continue;
          }
          if (b == 0 && len == w.size()) continue;  // the word itself is not "inside"
          std::string_view sub(w.data() + b, len);
          if (hit.count(sub)) continue;
          auto it = kw.find(std::string(sub));
          if (it == kw.end()) continue;
          hit.insert(sub);
          ++counts[it->first];
          auto& ex = inside[it->first];
          if (ex.size() < 5) ex.push_back(word);
        }
      }
    }
    std::vector<std::pair<size_t, std::string>> flagged;
    for (const auto& [k, n] : counts) {
      if (n >= options.fp_min_words) flagged.emplace_back(n, k);
    }
    std::sort(flagged.begin(), flagged.end(), [](const auto& x, const auto& y) {
      return x.first != y.first ? x.first > y.first : x.second < y.second;
    });
    for (const auto& [n, k] : flagged) {
      for (size_t i : kw[k]) {
        ++r.false_positive_count;
        if (r.false_positives.size() >= options.max_listed) continue;
        r.false_positives.push_back({bank.items[i].id, bank.items[i].text, n, inside[k]});
      }
    }
  }
  return r;
}

std::string LintJson(const std::vector<LintReport>& reports, const policy::Profile& profile,
                     const std::string& today) {
  using nlohmann::json;
  json doc;
  doc["schema"] = "safegate.bank-lint/1";
  doc["profile"] = {{"id", profile.id}, {"version", profile.version}, {"origin", profile.origin}};
  doc["today"] = today;
  bool passed = true;
  json banks = json::array();
  for (const LintReport& r : reports) {
    passed &= r.passed();
    json b;
    b["kind"] = std::string(policy::BankKindName(r.kind));
    b["files"] = r.files;
    b["items"] = r.items;
    b["counted"] = r.counted;
    b["passed"] = r.passed();
    b["per_category"] = r.per_category;
    json rules = json::array();
    json shortfalls = json::array();
    for (const RuleResult& rule : r.rules) {
      rules.push_back({{"key", rule.key},
                       {"scope", rule.scope},
                       {"required", rule.required},
                       {"actual", rule.actual},
                       {"passed", rule.passed},
                       {"message", rule.message}});
      if (!rule.passed) shortfalls.push_back(rule.message);
    }
    b["rules"] = rules;
    b["shortfalls"] = shortfalls;
    json dups = json::array();
    for (const DuplicateGroup& d : r.duplicates) {
      dups.push_back({{"ids", d.ids}, {"text", d.text}, {"matching_differs", d.matching_differs}});
    }
    b["duplicates"] = {
        {"items", r.duplicate_items}, {"matching_differs", r.matching_conflicts}, {"groups", dups}};
    json near = json::array();
    for (const NearDuplicate& n : r.near_duplicates) {
      near.push_back({{"a", n.id_a},
                      {"b", n.id_b},
                      {"similarity", n.similarity},
                      {"text_a", n.text_a},
                      {"text_b", n.text_b}});
    }
    b["near_duplicates"] = {{"pairs", r.near_pairs}, {"listed", near}};
    b["languages"] = r.languages;
    b["staleness"] = {{"newest_added", r.newest_added.empty() ? json() : json(r.newest_added)},
                      {"age_days", r.age_days < 0 ? json() : json(r.age_days)}};
    json fps = json::array();
    for (const LikelyFalsePositive& f : r.false_positives) {
      fps.push_back({{"id", f.id}, {"text", f.text}, {"words", f.words}, {"examples", f.examples}});
    }
    b["likely_false_positives"] = {{"count", r.false_positive_count}, {"listed", fps}};
    if (r.kind == BankKind::kKeywords) {
      json unsure = json::array();
      for (const auto& [id, text] : r.phrase_unsure)
        unsure.push_back({{"id", id}, {"text", text}, {"used_as", "topic"}});
      b["phrase_unsure"] = {{"count", r.phrase_unsure_count}, {"listed", unsure}};
      json ordinary = json::array();
      for (const OrdinaryHit& h : r.ordinary_hits) {
        ordinary.push_back({{"id", h.id},
                            {"text", h.text},
                            {"lang", h.lang},
                            {"paragraphs", h.paragraphs},
                            {"hit", h.hit},
                            {"share", h.share},
                            {"example", h.example}});
      }
      b["ordinary_text"] = {{"count", r.ordinary_count},
                            {"listed", ordinary},
                            {"error", r.ordinary_error.empty() ? json() : json(r.ordinary_error)}};
    }
    banks.push_back(std::move(b));
  }
  doc["passed"] = passed;
  doc["banks"] = std::move(banks);
  return DumpJson(doc, 2) + "\n";
}

std::string LintTable(const LintReport& r) {
  std::string out;
  const std::string kind(policy::BankKindName(r.kind));
  out += "== " + kind + " bank: " + std::to_string(r.items) + " items, " +
         std::to_string(r.counted) + " distinct, " + std::to_string(r.files.size()) +
         " file(s): " + (r.passed() ? "PASS" : "FAIL") + "\n";
  size_t ok = 0;
  for (const RuleResult& rule : r.rules) {
    if (rule.passed) {
      ++ok;
      continue;
    }
    out += "  FAIL  " + rule.message + "   [" + rule.key + "]\n";
  }
  out += "  rules: " + std::to_string(ok) + " of " + std::to_string(r.rules.size()) + " met\n";
  // Category x language.
  std::set<std::string> langs;
  for (const auto& [c, m] : r.languages) {
    for (const auto& [l, n] : m) langs.insert(l);
  }
  if (!r.languages.empty()) {
    char buf[256];
    std::snprintf(buf, sizeof buf, "  %-14s %7s",
                  r.kind == BankKind::kShouldAnswer ? "topic" : "category", "items");
    out += buf;
    for (const std::string& l : langs) {
      std::snprintf(buf, sizeof buf, " %7s", l.substr(0, 7).c_str());
      out += buf;
    }
    out += "\n";
    for (const auto& [c, m] : r.languages) {
      size_t total = 0;
      for (const auto& [l, n] : m) total += n;
      std::snprintf(buf, sizeof buf, "  %-14s %7zu", c.substr(0, 14).c_str(), total);
      out += buf;
      for (const std::string& l : langs) {
        auto it = m.find(l);
        std::snprintf(buf, sizeof buf, " %7zu", it == m.end() ? size_t{0} : it->second);
        out += buf;
      }
      out += "\n";
    }
  }
  if (!r.newest_added.empty()) {
    out += "  newest item added " + r.newest_added;
    if (r.age_days >= 0) out += " (" + std::to_string(r.age_days) + " days ago)";
    out += "\n";
  }
  out += "  exact duplicates: " + std::to_string(r.duplicate_items) + " item(s) not counted\n";
  if (r.matching_conflicts > 0) {
    out +=
        "  duplicates that match differently (whole_word or regex differ; the matcher uses "
        "every copy): " +
        std::to_string(r.matching_conflicts) + "\n";
  }
  for (const DuplicateGroup& d : r.duplicates) {
    std::string ids;
    for (const std::string& id : d.ids) ids += (ids.empty() ? "" : ", ") + id;
    out += "    " + ids + ": \"" + d.text + "\"" +
           (d.matching_differs ? "  [matching differs: whole_word/regex]" : "") + "\n";
  }
  out += "  near-duplicates: " + std::to_string(r.near_pairs) + " pair(s)\n";
  for (const NearDuplicate& n : r.near_duplicates) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.2f", n.similarity);
    out += "    " + std::string(buf) + "  " + n.id_a + " ~ " + n.id_b + ": \"" + n.text_a +
           "\" ~ \"" + n.text_b + "\"\n";
  }
  if (r.kind == BankKind::kKeywords) {
    out += "  likely false positives (inside common words): " +
           std::to_string(r.false_positive_count) + "\n";
    for (const LikelyFalsePositive& f : r.false_positives) {
      std::string ex;
      for (const std::string& e : f.examples) ex += (ex.empty() ? "" : ", ") + e;
      out += "    " + f.id + " \"" + f.text + "\": inside " + std::to_string(f.words) + " words (" +
             ex + ")\n";
    }
    if (!r.ordinary_error.empty()) {
      out += "  ordinary-text check not run: " + r.ordinary_error + "\n";
    } else {
      out += "  keywords that hit ordinary text of their language: " +
             std::to_string(r.ordinary_count) + "\n";
    }
    for (const OrdinaryHit& h : r.ordinary_hits) {
      char buf[64];
      std::snprintf(buf, sizeof buf, "%.0f%% (%zu of %zu %s paragraphs)", 100 * h.share, h.hit,
                    h.paragraphs, h.lang.c_str());
      out += "    " + h.id + " \"" + h.text + "\": " + buf + ", e.g. \"" + h.example + "\"\n";
    }
    if (r.phrase_unsure_count > 0) {
      out +=
          "  warning: phrase kind unsure, used as a topic by bank generate (set `phrase`: "
          "action, thing or topic): " +
          std::to_string(r.phrase_unsure_count) + "\n";
      for (const auto& [id, text] : r.phrase_unsure) out += "    " + id + " \"" + text + "\"\n";
    }
  }
  return out;
}

}  // namespace safegate::bank
