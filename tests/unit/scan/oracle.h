// The naive oracle shared by the scan differential tests: normalise the
// document with a full Normalizer, find each normalised literal with
// std::string::find, apply the whole-word, sentence-end, accent and
// first-occurrence rules, map spans with ToOriginal. A literal's look-alike
// renderings (LookAlikeRenderings(), with confusables on) are searched the
// same way, without endings or accents, and the keyword's earliest
// occurrence over all its forms (smallest end, then begin) is reported.
// Spaced letters (matcher.h): a literal of several words also has its joined
// form (its words run together), found only inside one joined run
// (NormalizedText::InJoinedRun), without endings or accents; with
// strip_separators off, the document is also normalised with spaced_letters
// on (always, not only when HasSpacedLetters() says so), searched the same
// way, and of the two forms' occurrences the one that ends first in the
// original document (then starts first) is reported.
#pragma once

#include <algorithm>
#include <cstdint>
#include <string>
#include <string_view>
#include <tuple>
#include <vector>

#include "safegate/scan/matcher.h"
#include "safegate/text/normalize.h"
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

// The words of a normalised, lower-cased literal as the matcher reads them
// (matcher.h: words and gaps, inflections), found naively, forwards: the
// words in order with one or more gap characters between each two, then one
// of the endings (none when `endings` is empty).
struct OracleShape {
  std::vector<std::string> words;
  std::vector<size_t> starts;  // byte offset of each word in the keyword
  std::vector<std::string> endings;
};

inline OracleShape ShapeOf(const std::string& kw, bool gaps, bool inflect) {
  OracleShape s;
  const Decoded d = Decode(kw);
  const size_t n = d.cps.size();
  bool edge = n > 0 && (IsGapChar(d.cps[0]) || IsGapChar(d.cps[n - 1]));
  std::vector<std::string> words;
  std::vector<size_t> starts;
  for (size_t i = 0; i < n; ++i) {
    if (IsGapChar(d.cps[i])) continue;
    if (i == 0 || IsGapChar(d.cps[i - 1])) {
      words.emplace_back();
      starts.push_back(d.starts[i]);
    }
    words.back() += kw.substr(d.starts[i], d.starts[i + 1] - d.starts[i]);
  }
  if (gaps && !edge && words.size() > 1) {
    s.words = words;
    s.starts = starts;
  } else {
    s.words = {kw};
    s.starts = {0};
  }
  std::string stem;
  std::vector<std::string> endings;
  if (inflect && !edge && !words.empty() && Inflect(words.back(), &stem, &endings)) {
    std::string& tail = s.words.back();
    tail = tail.substr(0, tail.size() - words.back().size()) + stem;
    s.endings = endings;
  }
  return s;
}

// A letter of a keyword written with accents: bytes [offset, offset + len)
// of the normalised keyword, and its accents.
struct OracleAccent {
  size_t offset, len;
  std::u32string marks;
};

// Every code point of the normalised keyword whose original characters have
// accents (normalize.h step 6a).
inline std::vector<OracleAccent> AccentsOf(const std::string& keyword,
                                           const text::NormalizedText& kw) {
  std::vector<OracleAccent> out;
  const std::string_view norm = kw.text();
  const Decoded d = Decode(norm);
  for (size_t i = 0; i < d.cps.size(); ++i) {
    const text::Span src = kw.ToOriginal(d.starts[i], d.starts[i + 1]);
    std::u32string marks;
    text::AccentMarks(std::string_view(keyword).substr(src.begin, src.end - src.begin), &marks);
    if (!marks.empty()) out.push_back({d.starts[i], d.starts[i + 1] - d.starts[i], marks});
  }
  return out;
}

// The words of a literal run together (its joined form), or "" when it has
// fewer than two words (as the matcher's word gaps read them).
inline std::string JoinedForm(const std::string& kw) {
  const OracleShape shape = ShapeOf(kw, /*gaps=*/true, /*inflect=*/false);
  if (shape.words.size() < 2) return "";
  std::string out;
  for (const std::string& w : shape.words) out += w;
  return out;
}

// The earliest occurrence of each pattern in one normalised form `nt` of
// `doc`, in original offsets (begin == end == SIZE_MAX: none).
inline std::vector<Hit> OracleForm(const std::vector<Pattern>& patterns,
                                   const text::NormalizeOptions& options,
                                   const text::Normalizer& kw_norm, const text::NormalizedText& nt,
                                   std::string_view doc) {
  const std::string txt = AsciiLower(std::string(nt.text()));
  const Decoded d = Decode(txt);
  std::vector<int> cp_at(txt.size() + 1, -1);
  for (size_t i = 0; i < d.cps.size(); ++i) cp_at[d.starts[i]] = static_cast<int>(i);
  cp_at[txt.size()] = static_cast<int>(d.cps.size());

  std::vector<Hit> hits;
  for (size_t pi = 0; pi < patterns.size(); ++pi) {
    const Pattern& p = patterns[pi];
    text::NormalizedText kw_text;
    kw_norm.Normalize(p.text, &kw_text);
    const std::string kw0 = AsciiLower(std::string(kw_text.text()));
    const bool check = p.whole_word && !OracleIgnoresWholeWord(kw0);
    std::vector<OracleAccent> accents0;
    if (options.strip_accents && !p.regex) accents0 = AccentsOf(p.text, kw_text);
    std::vector<std::string> forms = {kw0};
    if (options.confusables && accents0.empty() && !p.regex) {
      for (const std::string& r : LookAlikeRenderings(kw_text.text(), kw_norm)) {
        forms.push_back(AsciiLower(r));
      }
    }
    // The joined form, last: only inside a joined run.
    const std::string joined =
        options.word_gaps && accents0.empty() && !p.regex ? JoinedForm(kw0) : "";
    if (!joined.empty()) forms.push_back(joined);
    // The earliest occurrence over the forms, in normalised offsets.
    size_t best_b = 0, best_e = 0;
    bool found = false;
    for (size_t fi = 0; fi < forms.size(); ++fi) {
      const std::string& kw = forms[fi];
      const bool in_run = !joined.empty() && fi + 1 == forms.size();
      const OracleShape shape = in_run
                                    ? OracleShape{{kw}, {0}, {}}
                                    : ShapeOf(kw, options.word_gaps, fi == 0 && p.inflect && check);
      const std::vector<OracleAccent> accents = fi == 0 ? accents0 : std::vector<OracleAccent>();
      // The accent check, given where each word of `shape` starts in the text.
      auto accents_ok = [&](const std::vector<size_t>& word_at) {
        for (const OracleAccent& a : accents) {
          for (size_t w = 0; w < shape.words.size(); ++w) {
            if (a.offset < shape.starts[w] ||
                a.offset + a.len > shape.starts[w] + shape.words[w].size())
              continue;
            const size_t at = word_at[w] + (a.offset - shape.starts[w]);
            const text::Span src = nt.ToOriginal(at, at + a.len);
            std::u32string marks;
            text::AccentMarks(doc.substr(src.begin, src.end - src.begin), &marks);
            if (marks != a.marks) return false;
          }
        }
        return true;
      };
      const bool sentences = !OracleIgnoresWholeWord(kw);
      if (shape.words.size() > 1 || !shape.endings.empty()) {
        // Every (begin, end) occurrence, forwards; the first valid one is the
        // smallest end, then the smallest begin.
        auto word_char = [&](int i) {
          return i >= 0 && i < static_cast<int>(d.cps.size()) && text::IsWordChar(d.cps[i]);
        };
        for (size_t bi = 0; bi < d.cps.size(); ++bi) {
          size_t pos = d.starts[bi];
          bool ok = true;
          std::vector<size_t> word_at;
          for (size_t w = 0; ok && w < shape.words.size(); ++w) {
            if (w > 0) {
              int ci = cp_at[pos];
              const int gap_begin = ci;
              size_t gaps = 0;
              while (ci >= 0 && ci < static_cast<int>(d.cps.size()) && IsGapChar(d.cps[ci])) {
                ++gaps;
                ++ci;
              }
              if (gaps == 0) ok = false;
              // A sentence end: a sentence-ending mark with white space after it in the gap.
              for (int a = gap_begin; ok && sentences && a < ci; ++a) {
                for (int b = a + 1; ok && b < ci; ++b) {
                  if (text::IsSentenceEnd(d.cps[a]) && text::IsWhiteSpace(d.cps[b])) ok = false;
                }
              }
              pos = d.starts[ci];
            }
            word_at.push_back(pos);
            if (ok) ok = txt.compare(pos, shape.words[w].size(), shape.words[w]) == 0;
            if (ok) pos += shape.words[w].size();
          }
          if (!ok || !accents_ok(word_at)) continue;
          std::vector<std::string> ends = shape.endings;
          if (ends.empty()) ends.push_back("");
          for (const std::string& e : ends) {
            if (txt.compare(pos, e.size(), e) != 0) continue;
            const size_t end = pos + e.size();
            if (cp_at[end] < 0) continue;
            if (check && ((word_char(static_cast<int>(bi) - 1) && !nt.SoftBoundary(d.starts[bi])) ||
                          (word_char(cp_at[end]) && !nt.SoftBoundary(end)))) {
              continue;
            }
            if (!found || end < best_e || (end == best_e && d.starts[bi] < best_b)) {
              best_b = d.starts[bi];
              best_e = end;
              found = true;
            }
          }
        }
        continue;
      }
      for (size_t pos = txt.find(kw); pos != std::string::npos; pos = txt.find(kw, pos + 1)) {
        const size_t end = pos + kw.size();
        const int b = cp_at[pos], e = cp_at[end];
        if (b < 0 || e < 0) continue;  // not code point aligned (cannot happen)
        if (in_run && !nt.InJoinedRun(pos, end)) continue;
        if (check) {
          if (b > 0 && text::IsWordChar(d.cps[b - 1]) && !nt.SoftBoundary(pos)) continue;
          if (e < static_cast<int>(d.cps.size()) && text::IsWordChar(d.cps[e]) &&
              !nt.SoftBoundary(end)) {
            continue;
          }
        }
        if (!accents_ok({pos})) continue;
        if (!found || end < best_e || (end == best_e && pos < best_b)) {
          best_b = pos;
          best_e = end;
          found = true;
        }
        break;
      }
    }
    if (found) {
      const text::Span s = nt.ToOriginal(best_b, best_e);
      hits.push_back(Hit{static_cast<uint32_t>(pi), s.begin, s.end});
    } else {
      hits.push_back(Hit{static_cast<uint32_t>(pi), SIZE_MAX, SIZE_MAX});
    }
  }
  return hits;
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
  std::vector<Hit> best = OracleForm(patterns, options, kw_norm, nt, doc);
  if (!options.strip_separators) {
    text::NormalizeOptions spaced_opt = doc_opt;
    spaced_opt.spaced_letters = true;
    text::Normalizer spaced_norm(spaced_opt);
    text::NormalizedText spaced;
    spaced_norm.Normalize(doc, &spaced);
    const std::vector<Hit> second = OracleForm(patterns, options, kw_norm, spaced, doc);
    for (size_t i = 0; i < best.size(); ++i) {
      if (std::tie(second[i].end, second[i].begin) < std::tie(best[i].end, best[i].begin)) {
        best[i] = second[i];
      }
    }
  }
  std::vector<Hit> hits;
  for (const Hit& h : best) {
    if (h.begin != SIZE_MAX) hits.push_back(h);
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
