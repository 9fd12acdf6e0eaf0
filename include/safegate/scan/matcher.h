// The keyword matcher: many literals and regular expressions, one pass.
//
// Life cycle (as RE2::Set): collect Patterns, Compile() once into an immutable
// Matcher, then Scan() documents from any number of threads, each thread with
// its own Scratch. A Matcher can be saved to a file and loaded back (magic
// number and format version checked on load).
//
// Matching semantics:
//   * Documents are normalised with the Matcher's NormalizeOptions (see
//     safegate/text/normalize.h); literals are normalised with the same
//     options at compile time, so "BOMB", "ｂｏｍｂ" and "b\u200bomb" all match
//     the keyword "bomb". ASCII case is compared case-insensitively by the
//     engine itself (the document's ASCII is not copied for folding).
//   * Regular expressions (Hyperscan/PCRE syntax) are matched against the
//     normalised text as written; they are not normalised.
//   * whole_word: the match must not be preceded or followed by a word
//     character (letters, digits, marks of any script, '_'). Keywords written
//     in scripts without spaces (Han, Kana, Hangul, Thai...) ignore the flag
//     and match as substrings.
//     A keyword is "written in a script without spaces" when every word
//     character of its normalised text is such a character (text::
//     IsNoSpaceScript). For regexes the flag is always honoured.
//   * Words and gaps (NormalizeOptions::word_gaps, on by default; rule in
//     normalize.h step 9): a literal whose normalised text has gap
//     characters (IsGapChar) between its words matches its words separated
//     by any run of one or more gap characters: "pipe bomb" matches
//     "pipe  bomb", "pipe-bomb", "pipe_bomb" and "pipe\nbomb". A literal with
//     a gap character first or last is matched as written. Unless the
//     keyword is written in a script without spaces, a gap that holds a
//     sentence-ending mark (text::IsSentenceEnd) with white space
//     (text::IsWhiteSpace) anywhere after it joins no words: "pipe. Bomb"
//     and "kill.\nsomeone" do not match, "pipe.bomb" and "pipe - bomb" do.
//   * Keywords written with accents keep them (NormalizeOptions::
//     strip_accents on; rule in normalize.h step 6a): each letter of the
//     keyword's normalised text whose original characters have accents
//     (text::AccentMarks) must come, by the offset map, from document
//     characters with the same accents; checked on each occurrence (like
//     the whole-word check) and only for such keywords. "péter" does not
//     match "Peter"; "bomb" still matches "bómb". On an inflected keyword,
//     accents on letters that an ending replaces are not checked.
//   * Inflections (Pattern::inflect; the bank field `inflect`, on by default
//     for whole-word literals): the last word of a whole-word literal also
//     matches with the endings of Inflect() below (English plural and
//     possessive; Russian case endings). Derivations are not endings:
//     "bomber", "bombastic", "бомбардировщик" do not match "bomb"/"бомба".
//     Ignored for keywords that are not whole-word or are written in a
//     script without spaces.
//   * Look-alike renderings (NormalizeOptions::confusables on; issue 21): a
//     word written entirely in look-alikes of another script is left in that
//     script by the normaliser (normalize.h step 8b: "МЕТН" stays "метн", so
//     Russian capitals such as "МОРЕ" stay Russian). The matcher therefore
//     also looks for each literal's renderings (LookAlikeRenderings() below:
//     its Latin words in Cyrillic or Greek capitals, its Cyrillic words in
//     Latin capitals, where every letter of a word of 3 letters or more has
//     a look-alike; normalised as keywords are): "МЕТН" matches "meth";
//     "ВОМВ", "ВоМВ" and "ΒΟΜΒ" match "bomb". A hit on a rendering reports
//     the keyword (same pattern; span in the original document; of all its
//     forms, the occurrence that ends first). In a keyword of several words
//     each qualifying word may be rendered or not, independently ("pipe
//     ВОМВ", "ΡΙΡΕ bomb"; up to 16 combinations, else every qualifying word
//     rendered in one script). Renderings keep the keyword's whole-word
//     check and gaps but take no endings (Inflect(): "ВОМВЫ" does not match
//     "bomb"), and keywords written with accents have none. Each rendering
//     is one more literal in the engine: in the 10,000-keyword bench bank
//     about one keyword in ten gains renderings (the saved matcher grows by
//     4%). A rendering can be an ordinary word of the other script (a
//     Russian keyword "тор" would match "top"), so such a keyword gains
//     hits there.
//   * Spaced letters (normalize.h steps 7a and 7c; in both modes): a run of
//     three or more single letters with the same separator between each two
//     ("p i p e", "b.o.m.b", "b-o-m-b") is read with its separators
//     removed, and so are spaces between two Han characters ("炸 弹"). With
//     strip_separators on, the normalised document has the runs joined;
//     with it off (the default), a document that has a run (text::
//     NormalizedText::has_spaced_letters) is also scanned in a second form,
//     normalised with the runs joined (NormalizeOptions::spaced_letters),
//     and of a keyword's occurrences in both forms the one that ends first
//     in the original document (then starts first) is reported; documents
//     without a run pay one vectorised pass over their bytes (about 10-20%
//     of the scan's throughput on English and Chinese Wikipedia text with
//     the test bank, measured on a loaded machine). Inside one
//     joined run (text::NormalizedText::InJoinedRun) a literal of several
//     words (word_gaps) also matches with its words run together (its
//     joined form: "pipe bomb" -> "pipebomb"), with the keyword's whole-word
//     check (soft boundaries at the run's second and last letter count),
//     no endings, and not for keywords written with accents or for
//     look-alike renderings: "p i p e b o m b", "p.i.p.e b.o.m.b" and
//     "p i p e  b o m b" match "pipe bomb"; "pipebomb" written as a word
//     does not, nor does "therapist" match "the rapist" (but the spaced
//     "t h e r a p i s t" does: the letters alone cannot tell). Regexes
//     see both forms too.
//   * Each pattern is reported at most once per document, at its first valid
//     occurrence (the one that ends first; for a regex, a literal with gaps
//     or an inflected literal, with the leftmost start for that end); hits
//     come back sorted by (begin, pattern).
//   * Regexes need start-of-match tracking (Hyperscan SOM_LEFTMOST), which
//     rejects some patterns with large bounded repeats after an unbounded
//     part ("Pattern is too large"); Compile() says so in its error.
//   * Spans are byte offsets into the ORIGINAL document, not the normalised
//     text.
//   * A matcher without regexes normalises documents with an alphabet-aware
//     Normalizer (text::Normalizer(options, alphabet), alphabet = code points
//     of the normalised literals): one-to-one changes of code points that no
//     literal can match (e.g. full-width punctuation in Chinese text when no
//     keyword has the ASCII form) are skipped. The hits are exactly those of
//     the full normalisation (argument in normalize.h); normalizer() is that
//     alphabet-aware Normalizer. Save() does not store the alphabet: Load()
//     recomputes it from the saved normalised texts. Gaps do not break that:
//     a gap is matched by a property (IsGapChar) on which a kept code point
//     and its full replacement agree, and spans are mapped from the words'
//     first and last bytes, which are alphabet code points.
//
// Engine: Hyperscan 5.4 (libhs). SelfTest() checks the linked engine on
// single-byte literals and short regexes against a naive matcher; Compile()
// and Load() run it once per process and fail when the engine is wrong
// (Vectorscan 5.4.9 on AVX-512 processors misses such matches).
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "safegate/base/status.h"
#include "safegate/text/normalize.h"

namespace safegate::scan {

struct Pattern {
  std::string id;        // unique within a matcher (bank item id)
  std::string category;  // taxonomy category id
  std::string language;  // BCP-47 tag or empty
  std::string text;      // the literal, or the regex when `regex`
  bool regex = false;
  bool whole_word = false;
  // Literal, whole-word: the last word also matches with the endings of
  // Inflect(). The bank loader sets it to whole_word unless told otherwise.
  bool inflect = false;
  std::string origin;  // "FILE:LINE" for error messages; may be empty
};

// A pattern's fields as views (Matcher::pattern): valid as long as the
// Matcher. A loaded matcher reads them from its file without building
// Pattern objects.
struct PatternView {
  std::string_view id;
  std::string_view category;
  std::string_view language;
  std::string_view text;
  std::string_view origin;
  bool regex = false;
  bool whole_word = false;
  bool inflect = false;
};

struct Hit {
  uint32_t pattern = 0;  // index into Matcher::patterns()
  uint64_t begin = 0;    // byte span in the original document
  uint64_t end = 0;
  bool operator==(const Hit&) const = default;
};

class Matcher;

// Per-thread mutable state for Matcher::Scan. Create one per thread and reuse
// it for every document. Not thread-safe; bound to the Matcher it was made for.
class Scratch {
 public:
  explicit Scratch(const Matcher& matcher);
  ~Scratch();
  Scratch(const Scratch&) = delete;
  Scratch& operator=(const Scratch&) = delete;

 private:
  friend class Matcher;
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// The revision of the matching rules above: raised when a change makes
// keywords match text they did not match before, or stop matching it (not
// for speed or file-format changes). The keyword judge puts it in its
// version, so labels stored under earlier rules are told apart.
//   1: until 2026-12-07; 2: spaced letters in both modes (step 7a), regional
//   indicators as letters; 3: right-to-left overrides read as shown (step
//   2a), enclosed letters without a one-letter NFKC form, stroked letters,
//   marks on Han, look-alikes of other scripts and Greek look-alikes in
//   Cyrillic words, more separators of spaced letters (red team, session 20).
inline constexpr int kMatchRulesRevision = 3;

// The longest literal keyword Compile() accepts, in bytes (as written).
inline constexpr size_t kMaxKeywordBytes = 4096;

// What Compile() builds besides the patterns' own forms.
struct CompileOptions {
  // The look-alike renderings above (they also need options.confusables).
  // On for keyword banks, which strangers write around. The refusal judge's
  // phrase rules turn them off: a model's refusal is not written to get past
  // a filter, and on its phrases the renderings made every answer cost 48%
  // more instructions (1.21 M against 0.81 M under callgrind; labels of the
  // 1,839 development answers unchanged).
  bool lookalike_renderings = true;
};

class Matcher {
 public:
  // Compiles the patterns. Errors name the pattern's origin (file:line), id and
  // the engine's message, e.g. "bank.csv:12: field 'text': regex 'a(b' does
  // not compile: Missing close parenthesis for group...". An empty pattern
  // list is allowed (every scan finds nothing). A literal longer than
  // kMaxKeywordBytes is refused before anything is done with it (a 10 MB
  // keyword cost 2.9 s and 390 MB before the engine refused it).
  static Result<std::shared_ptr<const Matcher>> Compile(std::vector<Pattern> patterns,
                                                        const text::NormalizeOptions& options,
                                                        const CompileOptions& compile = {});

  // Saves/loads the compiled form (temp file + rename; Load() maps the file and
  // rejects a wrong magic, format, engine or checksum: kDataLoss/kInvalidArgument).
  Status Save(const std::string& path) const;
  static Result<std::shared_ptr<const Matcher>> Load(const std::string& path);

  ~Matcher();

  // All patterns. A loaded matcher builds them on the first call (one
  // allocation or more per pattern: about 20 ms per 100,000); code that
  // reads a few patterns per hit uses pattern() and pattern_count().
  const std::vector<Pattern>& patterns() const;
  size_t pattern_count() const;
  PatternView pattern(size_t i) const;  // i < pattern_count()
  const text::NormalizeOptions& options() const;
  const text::Normalizer& normalizer() const;
  // How many anchor words the engine looks for once for several keywords
  // (keywords of several words that share their anchor word, matcher.cc:
  // anchor groups); for tests and benches.
  size_t anchor_group_count() const;

  // Scans one document (any bytes). Clears and fills *hits. `scratch` must
  // have been made for this Matcher. Fails only on engine errors.
  Status Scan(std::string_view document, Scratch* scratch, std::vector<Hit>* hits) const;

 private:
  friend class Scratch;
  struct Impl;
  explicit Matcher(std::unique_ptr<Impl> impl);
  // Scans one normalised form of `document`, appending its hits (original
  // offsets; each pattern at most once).
  Status ScanForm(const text::NormalizedText& normalized, std::string_view document,
                  Scratch* scratch, std::vector<Hit>* hits) const;
  std::unique_ptr<Impl> impl_;
};

// A gap character between the words of a keyword (normalize.h step 9): '_'
// or any code point that is not text::IsWordChar.
bool IsGapChar(char32_t cp);

// The inflections of a keyword's last word `word` (normalised, lower case):
// *stem and the endings that may follow it ("" when the stem alone matches).
// Returns false (no inflection) unless `word` is all ASCII letters or all
// Cyrillic letters (U+0430-U+044F, U+0451) and the stem has >= 3 letters.
// English (ASCII letters): the word itself plus s 's ’s s' s’; "es es' es’"
//   as well after s, x, z, ch, sh; a word ending in a consonant + "y" has the
//   stem without the "y" and the endings y y's y’s ies ies' ies’.
// Russian (Cyrillic), by the last letter of the word:
//   consonant: stem = word; endings "" а у ом е ы и ов ам ами ах
//   а: stem = word without а; the endings above and а ой ою (so a keyword
//      in the genitive, "киллера", also matches "киллеров")
//   я: stem without я; endings я и е ю ей ею ь й ям ями ях
//   о: stem without о; endings о "" а у ом е ам ами ах
//   ь: stem without ь; endings ь и ю ью ей я е ем ям ями ях
//   й: stem without й; endings й я ю ем е и ев ям ями ях
//   anything else (е, и, ы, у, ю, ё ...: adjectives, forms already
//   inflected): no inflection.
bool Inflect(std::string_view word, std::string* stem, std::vector<std::string>* endings);

// The look-alike renderings of a normalised literal `norm` (matcher.h:
// look-alike renderings), normalised by `keyword_normalizer` (the keyword
// normaliser: matcher_folds_ascii off); none equals `norm`, no duplicates,
// empty when no word qualifies. Each word (a run of code points that are
// not IsGapChar) is taken as written or, where it qualifies (3 letters or
// more), as one of its renderings: a word of ASCII letters whose every letter has a capital
// Cyrillic look-alike (A B C E H K M O P T X Y -> А В С Е Н К М О Р Т Х У,
// either case) in Cyrillic capitals, one whose every letter has a capital
// Greek look-alike (A B E H I K M N O P T X Y Z -> Α Β Ε Η Ι Κ Μ Ν Ο Ρ Τ Χ Υ
// Ζ) in Greek capitals, a word of Cyrillic letters whose every letter is one
// of а в с е н к м о р т х у (either case) in the ASCII capitals A B C E H K
// M O P T X Y; gaps are kept. Every combination but the one as written,
// when there are at most 16 (up to four words with one rendering each);
// beyond, only the ones with every qualifying word rendered in one script.
// "bomb" -> {"вомв", "βομβ"}; "meth" -> {"метн", "μετη"}; "pipe bomb" ->
// {"ριρε bomb", "pipe вомв", "ριρε вомв", "pipe βομβ", "ριρε βομβ"}.
std::vector<std::string> LookAlikeRenderings(std::string_view norm,
                                             const text::Normalizer& keyword_normalizer);

// Checks the linked regex engine against a naive matcher on single-byte
// literals, short regexes and random buffers. Deterministic. Returns
// kInternal with a description of the first mismatch.
Status SelfTest();

// What CheckEngine() did.
struct EngineCheckReport {
  std::string marker;    // the marker file; empty when none is used
  bool trusted = false;  // a marker of an earlier pass was found: SelfTest() not run
  bool written = false;  // SelfTest() passed and the marker was written
};

// The engine check of Compile() and Load() (SelfTest(), once per process),
// remembered across processes: with a `cache_dir`, a pass is recorded there
// as a marker file named after a SHA-256 of the engine version, this build's
// identity (base/build_id.h) and the processor (vendor, model and feature
// bits from CPUID), holding exactly those; a later process that finds the
// marker with that content skips SelfTest() (about 20 ms). Anything else in
// the file (edited, truncated, another engine, build or processor) is not
// trusted: the self-test runs and the marker is rewritten. Without a cache
// dir, a build identity or on a processor other than x86, it is
// SelfTest() once per process. Returns what the self-test returns (kInternal
// on failure; a failure is never written).
Status CheckEngine(const std::string& cache_dir, EngineCheckReport* report = nullptr);

// "hyperscan 5.4.0 ..." as reported by the engine.
std::string EngineVersion();

}  // namespace safegate::scan
