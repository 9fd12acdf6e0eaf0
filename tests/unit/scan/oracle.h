// The naive oracle shared by the scan differential tests: normalise the
// document with a full Normalizer, find each normalised literal with
// std::string::find, apply the whole-word and first-occurrence rules, map
// spans with ToOriginal.
#pragma once

#include <algorithm>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "safegate/scan/matcher.h"
#include "safegate/text/utf8.h"

namespace safegate::scan::testing {

inline std::string AsciiLower(std::string s) {
  for (char& c : s)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return s;
}

struct Decoded {
  std::vector<char32_t> cps;
  std::vector<size_t> starts;  // plus s.size() at the end
};

inline Decoded Decode(std::string_view s) {
  Decoded d;
  for (size_t pos = 0; pos < s.size();) {
    size_t len = 0;
    bool invalid = false;
    char32_t cp = text::DecodeAt(s, pos, &len, &invalid);
    d.cps.push_back(invalid ? text::kReplacementChar : cp);
    d.starts.push_back(pos);
    pos += std::max<size_t>(len, 1);
  }
  d.starts.push_back(s.size());
  return d;
}

inline bool OracleIgnoresWholeWord(std::string_view keyword) {
  bool any = false;
  for (char32_t cp : Decode(keyword).cps) {
    if (!text::IsWordChar(cp)) continue;
    if (!text::IsNoSpaceScript(cp)) return false;
    any = true;
  }
  return any;
}

// Full normalisation (a Normalizer without alphabet) + find.
inline std::vector<Hit> Oracle(const std::vector<Pattern>& patterns,
                               const text::NormalizeOptions& options, std::string_view doc,
                               bool* doc_identity = nullptr) {
  text::NormalizeOptions kw_opt = options, doc_opt = options;
  kw_opt.matcher_folds_ascii = false;
  doc_opt.matcher_folds_ascii = true;
  text::Normalizer kw_norm(kw_opt), doc_norm(doc_opt);
  text::NormalizedText nt;
  doc_norm.Normalize(doc, &nt);
  if (doc_identity != nullptr) *doc_identity = nt.identity();
  const std::string txt = AsciiLower(std::string(nt.text()));
  const Decoded d = Decode(txt);
  std::vector<int> cp_at(txt.size() + 1, -1);
  for (size_t i = 0; i < d.cps.size(); ++i) cp_at[d.starts[i]] = static_cast<int>(i);
  cp_at[txt.size()] = static_cast<int>(d.cps.size());

  std::vector<Hit> hits;
  for (size_t pi = 0; pi < patterns.size(); ++pi) {
    const Pattern& p = patterns[pi];
    const std::string kw = AsciiLower(kw_norm.NormalizeToString(p.text));
    const bool check = p.whole_word && !OracleIgnoresWholeWord(kw);
    for (size_t pos = txt.find(kw); pos != std::string::npos; pos = txt.find(kw, pos + 1)) {
      const size_t end = pos + kw.size();
      const int b = cp_at[pos], e = cp_at[end];
      if (b < 0 || e < 0) continue;  // not code point aligned (cannot happen)
      if (check) {
        if (b > 0 && text::IsWordChar(d.cps[b - 1])) continue;
        if (e < static_cast<int>(d.cps.size()) && text::IsWordChar(d.cps[e])) continue;
      }
      const text::Span s = nt.ToOriginal(pos, end);
      hits.push_back(Hit{static_cast<uint32_t>(pi), s.begin, s.end});
      break;
    }
  }
  std::sort(hits.begin(), hits.end(), [](const Hit& a, const Hit& b) {
    return a.begin != b.begin ? a.begin < b.begin : a.pattern < b.pattern;
  });
  return hits;
}

inline std::string Show(const std::vector<Hit>& hits, const std::vector<Pattern>& patterns) {
  std::string s;
  for (const Hit& h : hits) {
    s += "{" + patterns[h.pattern].text + (patterns[h.pattern].whole_word ? "/w" : "") + " " +
         std::to_string(h.begin) + ".." + std::to_string(h.end) + "} ";
  }
  return s;
}

}  // namespace safegate::scan::testing
