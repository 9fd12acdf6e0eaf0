// Normalisation of text for matching, with a map back to the original bytes.
//
// Keywords and documents go through the same Normalizer, so that a keyword
// matches every spelling that normalises to the same string. The steps, each
// switchable (NormalizeOptions, set from the policy file), in this order:
//
//   1. UTF-8 repair (always): each maximal invalid subpart (stray continuation
//      byte, overlong, surrogate, > U+10FFFF, truncated sequence) becomes one
//      U+FFFD and is counted in invalid_sequences(). Never a crash.
//   2. strip_invisible: removes the default-ignorable code points U+00AD,
//      U+034F, U+061C, U+115F-1160, U+17B4-17B5, U+180B-180F, U+200B-200F,
//      U+202A-202E, U+2060-206F, U+3164, U+FE00-FE0F, U+FEFF, U+FFA0,
//      U+FFF0-FFF8, U+1BCA0-1BCA3, U+1D173-1D17A, U+E0000-E0FFF (zero-width,
//      bidi controls, soft hyphen, variation selectors, tags, CGJ, ...).
//      Done before NFKC, so "e<ZWSP><U+0301>" becomes "é".
//   2a. (with strip_invisible) right-to-left overrides are read in the order
//      they are shown: the text after each U+202E (RLO) up to the next
//      U+202C (PDF), another bidi control (U+202A-202E, U+2066-2069; nested
//      levels are not modelled), a paragraph break (\n \r U+001C-001E
//      U+0085 U+2029), an invalid byte or the end of the text is reversed
//      by clusters (a code point with the marks, ZWJ and variation
//      selectors after it) before the other steps: "\u202Ebmob\u202C" ->
//      "bomb", "\u202E弹炸" -> "炸弹", and "\u202Ebomb\u202C" (shown as
//      "bmob") -> "bmob". Isolates (U+2066-2069) and embeddings do not
//      reorder letters of one direction and are only removed.
//   3. nfkc: Unicode NFKC (utf8proc; compatibility forms: ligatures, circled
//      digits, full-width forms, Hangul jamo composition, ...), and the Latin
//      small capitals NFKC leaves alone become the ASCII letter they are
//      written as (U+1D18 ᴘ -> p, U+026A ɪ -> i, U+0299 ʙ -> b, ...:
//      "ᴘɪᴘᴇ ʙᴏᴍʙ" -> "pipe bomb"), and so do the regional indicator
//      symbols U+1F1E6..1F1FF (the letters A-Z that flag emoji are made
//      of: "🇵🇮🇵🇪 🇧🇴🇲🇧" -> "pipe bomb", "🇺🇸" -> "us"), and so do the
//      enclosed Latin letters without a one-letter NFKC form: parenthesized
//      U+249C..24B5 and U+1F110..1F129 (NFKC "(b)"), negative circled
//      U+1F150..1F169 and negative squared U+1F170..1F189 (no
//      decomposition): "⒝⒪⒨⒝", "🅱🅾🅼🅱", "🅱omb" -> "bomb"; and so do the
//      Cherokee and Lisu letters drawn as a Latin letter (the table of
//      step 8b, lower case), in every word: "ᏴᎾᎷᏴ", "ꓐꓳꓟꓐ" -> "bomb".
//   4. fullwidth: U+FF01..FF5E and U+3000 to ASCII even when nfkc is off.
//   5. casefold: full Unicode case folding ("Straße" -> "strasse"); with nfkc
//      on, NFKC and case folding are applied together (NFKC_Casefold-like).
//   6. t2s: Traditional to Simplified Chinese, one character to one character
//      (single-character mappings of ICU's Traditional-Simplified transform,
//      generated at build time): 漢語 -> 汉语, 炸彈 -> 炸弹. Characters whose
//      simplified form depends on the word are always left alone: 乾 (乾坤;
//      ICU gives 乾燥 -> 干燥), 著 (著名; 看著 -> 看着), 藉 (狼藉; 藉口 -> 借口),
//      瞭 (瞭望; 瞭解 -> 了解); so the keyword 幹 (-> 干) does not match 乾坤.
//   6a. strip_accents: each Latin, Cyrillic or Greek letter (IsLatinLetter /
//      Cyrillic U+0400-052F ... ranges of the confusables step) loses its
//      accents: a letter whose canonical decomposition is one letter plus
//      non-spacing marks (Mn) becomes that letter ("é" -> "e", "ё" -> "е",
//      "ά" -> "α"), and a non-spacing mark directly after such a letter (or
//      after another mark that follows one) is removed ("o" + U+0301 -> "o";
//      with nfkc off only precomposed letters change). Й/й keep their
//      breve (a letter of its own in Russian). A Latin letter without a
//      canonical decomposition that is an ASCII letter with a stroke, bar
//      or missing dot, or another drawing of one, becomes that letter
//      (StrokedLetter: ø Ø ł Ł đ Đ ħ Ħ ŧ Ŧ ƀ Ƀ ɨ Ɨ ı ȷ ƶ Ƶ ǥ Ǥ ɍ Ɍ ɏ Ɏ, and ƅ
//      -> b, ɑ Ɑ -> a, ɡ -> g, ɩ -> i: "bømb", "kiłł", "kıll" -> "bomb",
//      "kill"); these have no AccentMarks(), so a keyword written with one
//      matches the plain letter too. A non-spacing mark directly after a
//      Han ideograph (or after another mark that follows one) is removed:
//      Han takes no marks, and "炸\u0336弹\u0336" shows 炸弹 struck through.
//      Marks after letters of other scripts (Devanagari, Thai, ...) are
//      never touched. Enclosing marks
//      (Me: U+20DD combining enclosing circle, the keycap U+20E3, ...) are
//      removed wherever they are ("p\u20DDi\u20DDp\u20DDe\u20DD" -> "pipe").
//      Keywords written with accents keep them (applied by the keyword
//      matcher, scan::Matcher, as a check on each match; Normalize() strips
//      keywords and documents alike): a letter of a keyword's normalised
//      text that has accents (AccentMarks() of the keyword characters it
//      came from is not empty) matches only a letter of the document with
//      the same accents (AccentMarks() of the document characters it came
//      from, by the offset map, is the same sequence). The keyword's
//      letters without accents match with or without them: the keyword
//      "bomb" matches "bómb", the keyword "péter" matches "péter", "PÉTER"
//      and "pe\u0301ter" but not "peter" or "pèter", and "ёж" matches "ёж"
//      but not "еж".
//   7. strip_separators (off by default), two rules applied to the text after
//      steps 1-6; separators are ' ', '.', '-', '_', '*', '/', '+', '=',
//      '|', '\\', U+00B7 ·, U+2010 ‐, U+2013 –, U+2014 —, U+2022 •, U+2027 ‧,
//      U+2212 −, U+2219 ∙, U+22C5 ⋅, U+2800 (braille blank), U+3000, U+3001
//      、 and U+30FB ・ (not ',', ':' or '~': their full-width forms, which
//      NFKC maps to them, fill Chinese text, and the alphabet-aware
//      Normalizer below may keep a code point only when neither it nor its
//      replacement is a separator). Rules a and c (not b) are also
//      applied, alone, with the internal option spaced_letters: the keyword
//      matcher uses them in both modes (below, and scan/matcher.h: spaced
//      letters):
//      a. Spaced letters: a run of >= 3 single-letter tokens, consecutive
//         tokens separated by exactly one separator, the same separator
//         throughout the run, loses its separators ("b.o.m.b", "b o m b",
//         "b-o-m-b", "b*o*m*b" -> "bomb"). A single-letter token is one
//         letter (any script except the no-space scripts, see
//         IsNoSpaceScript) plus its combining marks, with no letter, digit or
//         mark directly before or after it. "a cat", "U.S. army", "i.e.",
//         "1.2.3", "b . o . m" are left alone; "a b.o.m.b" -> "a bomb".
//         A joined run keeps two soft word boundaries
//         (NormalizedText::SoftBoundary): after its first token and before
//         its last one. The matcher's whole-word check accepts a soft
//         boundary as a word boundary, so a one-letter word next to the
//         run does not hide a keyword: "a b o m b" -> "abomb" still matches
//         whole-word "bomb", and so does "b o m b i" -> "bombi".
//         The span of each joined run in the normalised text is kept
//         (NormalizedText::InJoinedRun): inside one run the matcher also
//         accepts a keyword of several words with its words run together
//         ("p i p e b o m b" -> "pipebomb" matches "pipe bomb"; "pipebomb"
//         written as one word does not, nor "therapist" "the rapist").
//         With strip_separators off, Normalize() leaves the runs alone, and
//         the matcher scans a second form of each document that has one
//         (NormalizedText::has_spaced_letters), normalised with
//         spaced_letters on: so
//         "p.i.p.e b.o.m.b", "p-i-p-e b-o-m-b", "p i p e  b o m b" and
//         "p i p e b o m b" match "pipe bomb" in both modes, and "J. R. R.
//         Tolkien" (two separators between the letters), "a cat" and
//         Chinese text are never joined by this rule (rule c below removes
//         spaces between Han characters).
//      b. Han: any run of separators or gap characters (step 9: whitespace,
//         line breaks, punctuation, symbols, '_') between two Han characters
//         is removed ("炸 弹", "炸.弹", "炸 · 弹", "炸，弹", "炸\n弹" -> "炸弹").
//      c. Han spaces (spaced_letters without strip_separators; rule b
//         covers it otherwise): a run of ' ' and U+3000 between two Han
//         characters is removed ("炸 弹", "海 洛 因" -> "炸弹", "海洛因");
//         punctuation and line breaks stay ("炸，弹"). Chinese prose has no
//         spaces between ideographs (75 of 3,104 Chinese Wikipedia
//         paragraphs have such a space; no hit of the test banks changed).
//         It makes no soft boundary and no joined run.
//   8a. digit_letters: in a unit (a maximal run of word characters,
//      IsWordChar, and of '@' and '$' each with a word character on both
//      sides) that has at least one letter, only Latin, Cyrillic and Greek
//      letters (and look-alikes of other scripts, step 8b, when it has a
//      Latin or a Cyrillic letter) and no
//      two digits in a row, digits and symbols become the letters they
//      stand for: 0 o, 1 i, 3 e, 4 a, 5 s, 7 t, @ a, $ s ("b0mb", "k1ll",
//      "h3r0in", "p0i$0n" -> "bomb", "kill", "heroin", "poison"); when the
//      run is written in Cyrillic (the rule of step 8b; without Latin
//      letters, when it has a Cyrillic letter): 0 о, 3 з, 4 ч, 6 б, @ а ("б0мба" -> "бомба"; in
//      "б0мб@" the
//      '@' ends the run). Runs with two digits in a row ("1990s", "50th",
//      "B52"), runs without letters and runs with letters of other scripts
//      ("3月") are left alone, and so is a run with '@' that is followed by
//      '.' and a letter (an e-mail address: "bob1@example.com"); "1" for
//      "l" is not undone. A digit followed by
//      a combining mark is not replaced. Only units where a digit or
//      symbol is next to an ASCII letter, '_' or a character of
//      U+0080-07FF, U+1000-2FFF, U+A000-AFFF or U+F000-FFFF change (a byte
//      test that keeps Chinese text such as "2016年" off the slow path).
//   8b. confusables: in a unit (as in step 8a; called a word below) that
//      contains both a Latin letter and a Cyrillic or Greek letter, the
//      look-alikes of one script become letters of the other. The word is
//      written in Cyrillic when it has more Cyrillic letters without an
//      ASCII look-alike (neither the letter nor its upper-case form has a
//      one-letter ASCII skeleton) than Latin letters without a Cyrillic
//      look-alike (letters not in the table below), or, as many, more
//      Cyrillic letters than Latin ones; otherwise it is written in Latin
//      ("раураl" with one Latin l -> "paypal"). A word of Cyrillic letters
//      and Greek letters or look-alikes of other scripts (below) without
//      Latin ones is written in Cyrillic ("бοмба" with a Greek ο, "бօмба"
//      with an Armenian օ; so is a Greek word with one Cyrillic letter in
//      it), and a
//      word of Latin letters and letters of Armenian, Cherokee, Coptic or
//      Lisu without Cyrillic or Greek ones is written in Latin when it has
//      more Latin letters than others ("bօmb" with an Armenian օ; with
//      nfkc on, Cherokee and Lisu look-alikes are Latin already, step 3). (So the
//      step's own changes, which only add letters of the winning script,
//      never reverse its decision: it is idempotent.)
//      - Latin: each Cyrillic or Greek letter whose UTS #39 skeleton (ICU
//        uspoof_getSkeleton, generated at build time) is a single ASCII
//        letter becomes that letter ("pаypal" with a Cyrillic а ->
//        "paypal"), and so does a lower-case letter whose upper-case form
//        has such a skeleton (в from a folded capital В -> "b", as in
//        "ВOMB" -> "bomb"), and so does a letter of Armenian, Cherokee,
//        Coptic or Lisu drawn as an ASCII letter (hand-picked from the UTS
//        #39 confusables: Armenian օ Օ ս Ս հ ո ց զ, Cherokee capitals such
//        as Ᏼ Ꮇ Ꮎ and their small forms, Coptic ⲟ ⲣ ⲥ ⲭ and capitals,
//        Lisu ꓐ ꓑ ꓓ ...: OtherScriptLookalike in normalize.cc);
//      - Cyrillic: each ASCII letter of A a B C c E e H K k M m O o P p T X x
//        Y y becomes the Cyrillic letter it looks like (а в с е н к м о р т
//        х у), lower case when casefold is on, else in the case of the
//        ASCII letter ("caмoдeльнaя" with Latin c a o e a -> "самодельная",
//        "гepoин" -> "героин": и has no look-alike), and so does each
//        Greek letter whose ASCII skeleton (or its capital's) is such an
//        ASCII letter ("бοмбα" -> "бомба", "гερоин" -> "героин"), and each
//        look-alike of another script (below) by its ASCII letter, in the
//        case of the letter replaced when casefold is off.
//      ASCII output is lower-cased when casefold is on and matcher_folds_ascii
//      is off. A word entirely in one script is left alone, so Russian text
//      stays Russian ("МОРЕ" -> "море"), and so does a keyword written
//      entirely in look-alikes ("МЕТН" -> "метн"): the keyword matcher finds
//      those by also looking for each keyword's look-alike renderings
//      (scan/matcher.h: look-alike renderings, LookAlikeRenderings()), not
//      here. A letter followed by a combining mark is not replaced.
//   9. word_gaps (on by default; applied by the keyword matcher, scan::Matcher,
//      not by Normalize(), which ignores the switch): a gap character is '_'
//      or any code point that is not IsWordChar (whitespace, line breaks,
//      punctuation, symbols; invisible characters too when strip_invisible
//      is off). A literal keyword whose normalised text has gap characters,
//      none of them first or last, is split at each run of them into words,
//      and matches wherever those words occur in order with a run of one or
//      more gap characters between each two ("pipe bomb" matches
//      "pipe  bomb", "pipe-bomb", "pipe_bomb", "pipe\nbomb", "pipe, bomb").
//      A gap does not cross a sentence end: unless every word character of
//      the keyword is in a script without spaces (IsNoSpaceScript), a gap
//      that holds a sentence-ending mark (IsSentenceEnd: . ! ? … 。 ！ ？ ...)
//      with a white-space character (IsWhiteSpace, line breaks included)
//      anywhere after it in the same gap does not join two words: "pipe.
//      Bomb", "pipe! bomb", "pipe.) bomb", "kill.\nsomeone" do not match
//      "pipe bomb" / "kill someone"; "pipe.bomb", "pipe...bomb", "pipe .bomb",
//      "pipe - bomb", "pipe  bomb", "pipe_bomb", "kill\nsomeone" still do.
//
// The result is idempotent: Normalize(Normalize(x)) == Normalize(x) (tested on
// random input; known exceptions: a run of more than 32 combining marks is
// composed in pieces, and with strip_separators (or spaced_letters) and
// digit_letters on, a digit
// that step 8a makes a letter can complete a run of spaced letters that only
// a second pass joins: "й_Q_①" -> "й_Q_i" -> "йQi").
//
// The offset map: each byte of the normalised text knows the byte range of the
// original character(s) it came from, so a match [b, e) in normalised text
// maps to the original span [orig_begin(b), orig_end(e - 1)). Bytes copied
// unchanged map byte for byte; each byte of a changed character maps to the
// whole original character (a composed cluster such as "e" + U+0301 maps to
// both); bytes removed by strip_separators simply disappear, so "bomb" in
// "b.o.m.b" maps to all of "b.o.m.b"; each byte that came from a text
// reversed by rule 2a maps to the whole reversed text (and whatever else it
// came from), so "bomb" in "\u202Ebmob\u202C" maps to "bmob" and the map
// stays monotone. The map is monotone. When nothing
// changes (the common case for ASCII and for already-normal text), no copy is
// made and the map is the identity: that is the fast path.
//
// Thread-safety: a Normalizer is immutable after construction and may be used
// from any number of threads; each thread passes its own NormalizedText.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace safegate::text {

struct NormalizeOptions {
  bool strip_invisible = true;
  bool nfkc = true;
  bool fullwidth = true;
  bool casefold = true;
  bool confusables = true;
  bool t2s = true;
  bool strip_accents = true;
  bool strip_separators = false;
  bool digit_letters = true;
  // Applied by the keyword matcher, not by Normalize() (see step 9 above and
  // safegate/scan/matcher.h): the words of a multi-word literal keyword match
  // across any run of gap characters.
  bool word_gaps = true;
  // Internal (not a policy switch): when true, ASCII letters are left in their
  // case because the matcher compares ASCII case-insensitively itself. The
  // scanner sets it; keywords are always normalised with it false.
  bool matcher_folds_ascii = false;
  // Internal (not a policy switch, not saved): apply rules 7a (spaced
  // letters) and 7c (Han spaces), without strip_separators' rule b. The
  // matcher sets it for the second form of a document that has spaced
  // letters (step 7).
  bool spaced_letters = false;
  // Internal (not a policy switch, not saved): record in the result whether
  // the text has a run of spaced letters that rule 7a would join, or spaces
  // that rule 7c would remove
  // (NormalizedText::has_spaced_letters), whether or not it is joined. The
  // matcher sets it with strip_separators off.
  bool find_spaced_letters = false;

  bool operator==(const NormalizeOptions&) const = default;
  // Stable text form used in saved matchers and configuration hashes: the
  // names of the switches that are on, in declaration order, joined by ','
  // (defaults:
  // "strip_invisible,nfkc,fullwidth,casefold,confusables,t2s,strip_accents,digit_letters,
  // word_gaps"), or
  // "none".
  std::string ToString() const;
};

// A span of bytes [begin, end) in some text.
struct Span {
  size_t begin = 0;
  size_t end = 0;
  bool operator==(const Span&) const = default;
};

namespace internal {
// One run of the offset map of a NormalizedText (an implementation detail).
// Runs are sorted by `out`: run i covers the output bytes [runs[i].out,
// runs[i + 1].out), the last one up to the end of the text. With unit > 0, output byte out + k maps
// to the `unit` source bytes that start at src + (k / unit) * unit (unit 1: bytes copied unchanged;
// unit u: a sequence of changed characters of u bytes each, replaced by u bytes each). With unit ==
// 0, every byte of the run maps to [src, src_end) (one changed character or cluster).
struct MapRun {
  uint32_t out, src, src_end, unit;
};
}  // namespace internal

// The result of Normalizer::Normalize: normalised text plus the offset map.
// Reused across documents by one thread to avoid reallocations.
class NormalizedText {
 public:
  // The normalised text. When identity() it views the caller's input, which
  // must outlive this object's use.
  std::string_view text() const { return view_; }
  // True when text() is the input unchanged (the offset map is the identity).
  bool identity() const { return identity_; }
  // Invalid UTF-8 sequences replaced by U+FFFD in this document.
  size_t invalid_sequences() const { return invalid_; }
  // Maps [begin, end) of text() (begin < end <= text().size()) to the span of
  // the original bytes that produced it: result.begin <= result.end <= the
  // input size, and the map is monotone in begin and in end. Out-of-range arguments are clamped; an
  // empty range maps to an empty span.
  Span ToOriginal(size_t begin, size_t end) const;
  // True when `pos` of text() is a soft word boundary (step 7a): the start
  // of the second or of the last token of a joined run of spaced letters.
  // Never true when identity().
  bool SoftBoundary(size_t pos) const;
  // True when [begin, end) of text() (begin < end) lies inside one run of
  // spaced letters that rule 7a joined (strip_separators or spaced_letters):
  // from its first letter to the end of its last one. Never true when
  // identity().
  bool InJoinedRun(size_t begin, size_t end) const;
  // With NormalizeOptions::find_spaced_letters: true when the text, as rule
  // 7a reads it (after steps 1-6), has a run that the rule joins or spaces
  // that rule 7c removes (HasSpacedLetters() of that text). Else false.
  bool has_spaced_letters() const { return spaced_; }

 private:
  friend class Normalizer;
  std::string_view view_;
  bool identity_ = true;
  size_t invalid_ = 0;
  bool spaced_ = false;
  // The source range of output byte i (not identity).
  uint32_t SrcBegin(size_t i) const;
  uint32_t SrcEnd(size_t i) const;

  std::string buf_;
  std::vector<internal::MapRun> runs_;          // the offset map (not identity)
  std::vector<internal::MapRun> runs_scratch_;  // post-passes
  size_t original_size_ = 0;                    // size of the input of the last Normalize
  std::vector<uint32_t> soft_;                  // SoftBoundary positions, sorted
  std::vector<uint32_t> joined_;                // InJoinedRun: begin, end of each run, sorted
};

// The code points that literal keywords are made of (after normalisation),
// for the alphabet-aware Normalizer below. ASCII letters are added in both
// cases (the matcher compares ASCII case-insensitively).
class MatchAlphabet {
 public:
  MatchAlphabet();
  ~MatchAlphabet();
  MatchAlphabet(const MatchAlphabet&);
  MatchAlphabet& operator=(const MatchAlphabet&);

  void Add(char32_t cp);
  // Adds every code point of `utf8` (invalid bytes count as U+FFFD).
  void AddText(std::string_view utf8);
  bool Contains(char32_t cp) const;

 private:
  std::vector<uint64_t> bits_;  // one bit per code point up to U+10FFFF
};

// The accents of `chars` (steps 6a and the keyword matcher's accent check):
// the non-spacing marks (Mn) of the compatibility decomposition (NFKD,
// canonical order) of `chars` that follow a Latin, Cyrillic or Greek letter
// (IsLatinLetter / Cyrillic / Greek ranges of step 8b), directly or after
// other such marks, in order; the invisible characters of step 2 are
// skipped, and so is one U+0306 (breve) after и or И (the breve of й), and
// one U+0308 (diaeresis) after Cyrillic е or Е (the dots of ё, which Russian
// print mostly leaves out, so a keyword written with ё matches е too).
// "é", "e\u0301" and "É" give {U+0301}; "ǖ" gives {U+0308, U+0304}; "e",
// "й", "ё", "ø", "क\u093F" give {}. Invalid bytes are skipped. Cleared first.
void AccentMarks(std::string_view chars, std::u32string* marks);

// True when `text` (normalised) has a run of spaced letters that rule 7a
// would join (three single-letter tokens with the same separator between
// each two) or spaces between two Han characters that rule 7c would
// remove. Exact on the text the rule reads (after steps 1-6: it is the
// rule's test, not a guess; NormalizeOptions::find_spaced_letters applies it
// there) and cheap: one pass 16 bytes at a time that looks closer only at an
// ASCII separator with the same byte two later or a non-ASCII byte after it,
// and at the lead bytes of the non-ASCII separators.
bool HasSpacedLetters(std::string_view text);

// The Cyrillic letter that the ASCII letter `c` looks like (the table of
// step 8b: A a B C c E e H K k M m O o P p T X x Y y -> А а В С с Е е Н К к
// М м О о Р р Т Х х У у), or 0. Also used by the keyword matcher's
// look-alike renderings (scan/matcher.h).
char32_t CyrillicLookalike(char32_t c);

class Normalizer {
 public:
  explicit Normalizer(const NormalizeOptions& options = {});
  // Alphabet-aware document normaliser ("skip changes that cannot affect
  // matching"). For use by a matcher that has ONLY literal patterns whose
  // normalised texts use code points of `alphabet`. Normalize() then leaves a
  // BMP code point x unchanged (identity offsets) where the rules above would
  // replace it by exactly one other code point y, when all of these hold:
  //   * x's change is a one-to-one table replacement (not deleted, not
  //     expanding, not composed with neighbours, not a surrogate), and
  //     neither x nor y brings a Latin or confusable letter;
  //   * neither x nor y is in `alphabet`;
  //   * x and y both have no letter category (punctuation, symbols, spaces,
  //     digits), or both are Han ideographs (so T2S of characters that no
  //     keyword uses is skipped);
  //   * x and y agree on every property the rest of the pipeline and the
  //     matcher look at: IsWordChar, IsNoSpaceScript, Han, letter / digit /
  //     mark category, combining ("context") behaviour, Latin / Cyrillic /
  //     Greek letter, confusable skeleton, IsWhiteSpace, IsSentenceEnd (the
  //     matcher's sentence ends in word gaps);
  //   * neither is a separator of step 7 (in both modes: the matcher looks
  //     for spaced letters in this normaliser's text, HasSpacedLetters()).
  // Why matching is unchanged: every literal match lies entirely on code
  // points of the alphabet (matches of valid UTF-8 literals in valid UTF-8
  // text are code point aligned; ASCII case folding stays within ASCII), so
  // no match can cover x in this text or y in the fully normalised text;
  // outside x the two texts are equal (rule 2a reorders the input first,
  // from its bytes alone, the same in both, and both map back through the
  // same widening; the strip_separators and confusables passes decide from
  // the same properties, on which x and y agree: rule 7c from IsHan and the
  // separators, step 8b also from the look-alikes of other scripts, which
  // are letters and so never kept; a combining mark after x is normalised
  // with the original x in both);
  // whole-word checks see neighbours whose IsWordChar is unchanged, word gaps
  // see the same gap, white-space and sentence-end properties, and the
  // keyword accent check reads the original bytes of alphabet letters,
  // which are the same in both texts. So the
  // set of (pattern, original span) hits is the same, and spans are still
  // original offsets since x keeps its original bytes. Regexes can match
  // anything: a matcher with regexes must not use this constructor.
  // NormalizeToString() ignores the alphabet (it always applies every rule).
  Normalizer(const NormalizeOptions& options, const MatchAlphabet& alphabet);
  ~Normalizer();
  Normalizer(Normalizer&&) noexcept;
  Normalizer& operator=(Normalizer&&) noexcept;

  const NormalizeOptions& options() const;

  // Normalises `in` (any bytes) into `out`. Never fails. Documents of 4 GiB
  // or more are returned unchanged (identity; the caller caps document size).
  // Fast paths: ASCII input with matcher_folds_ascii (or casefold off) and
  // strip_separators off costs one IsAscii check; input that is already
  // normal is detected in one pass and returned as identity, without a copy.
  void Normalize(std::string_view in, NormalizedText* out) const;

  // Convenience: the normalised string (used for keywords, tests, tools).
  // Always the full normalisation, also for an alphabet-aware Normalizer.
  std::string NormalizeToString(std::string_view in) const;

  // True when this Normalizer was built with an alphabet that makes it keep
  // at least one code point that the full rules change.
  bool uses_alphabet() const;

 private:
  void NormalizeImpl(std::string_view in, NormalizedText* out, bool alpha) const;
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace safegate::text
