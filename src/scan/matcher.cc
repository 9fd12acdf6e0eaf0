// Matcher: one Hyperscan block-mode database for every literal and regex.
//
// Compile-time layout (pattern i of patterns() has Hyperscan id i):
//   * literal: normalised with the keyword normaliser (matcher_folds_ascii =
//     false), every non-alphanumeric byte escaped as \xHH, compiled in byte
//     mode (no HS_FLAG_UTF8: in UTF-8 mode \xHH would mean a code point) with
//     CASELESS, plus SINGLEMATCH when no whole-word check is needed. Its start
//     is end - normalised length.
//   * literal with words or endings (Shape, matcher.h: words and gaps,
//     inflections): one word (the anchor, ChooseAnchor()) as above, without SINGLEMATCH,
//     with a gap byte on the sides where another word is, and, for a
//     whole-word anchor of one byte, a word-boundary byte or the text's edge
//     on the others (ShapeExpressions(): up to four expressions; those that
//     end at the text's end have ids from the pattern count up); each
//     occurrence is verified around it (Verify()), after ShapeMayMatch() has
//     rejected, from the text and PatternInfo alone (no cache miss on the
//     Shape), those whose neighbouring ASCII bytes rule a match out.
//   * anchor groups: Shape expressions that are the same (expression, flags,
//     end-of-text variant) are compiled once, with an id from twice the
//     entry count up, and each report is handed to the group's members
//     whose neighbouring-word bytes can match (AnchorGroups, OnGroup()):
//     those whose next word starts with the text's next byte (a bucket of
//     the group's members), then the first bytes and the lengths of the
//     words one and two away (WordsMayMatch()), before Verify().
//     Phrase lists repeat anchors ("help" in hundreds of refusal phrases):
//     one report per occurrence instead of one per phrase.
//   * regex: compiled as written with CASELESS | SOM_LEFTMOST, plus UTF8 when
//     the pattern is valid UTF-8. Hyperscan refuses SOM with SINGLEMATCH, so
//     regexes are deduplicated in the callback.
//
// Scan-time: the document is normalised into the scratch's NormalizedText
// (matcher_folds_ascii = true: ASCII case stays, CASELESS handles it), scanned
// once, and each pattern keeps its earliest valid occurrence (smallest end,
// then smallest begin) in a per-scratch slot table that is reset through the
// list of hits, so the cost per document is O(hits), not O(patterns).
#include "safegate/scan/matcher.h"

#include <fcntl.h>
#include <hs.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <limits>
#include <mutex>
#include <optional>
#include <span>
#include <tuple>
#include <type_traits>
#include <unordered_map>
#include <utility>

#if defined(__x86_64__) || defined(__i386__)
#include <cpuid.h>
#endif

#include "safegate/base/build_id.h"
#include "safegate/base/digest.h"
#include "safegate/base/file.h"
#include "safegate/base/hash.h"
#include "safegate/text/utf8.h"

namespace safegate::scan {
namespace {

// A keyword or regex as an error message quotes it: at most 80 bytes, cut at a
// character boundary, with its size when cut (a 10 MB keyword is not echoed).
std::string Shown(std::string_view text) {
  constexpr size_t kMax = 80;
  if (text.size() <= kMax) return std::string(text);
  size_t n = kMax;
  while (n > 0 && (static_cast<unsigned char>(text[n]) & 0xC0) == 0x80) --n;
  return std::string(text.substr(0, n)) + "... (" + std::to_string(text.size()) + " bytes)";
}

constexpr uint32_t kNoSlot = std::numeric_limits<uint32_t>::max();

// Bytes of each neighbouring word of a Shape's anchor that ShapeMayMatch()
// compares.
constexpr size_t kNeighbourBytes = 4;

// Per-pattern compiled facts needed at scan time and saved with the matcher.
struct PatternInfo {
  uint32_t norm_len = 0;  // literal: length of the normalised text; regex: 0
  uint32_t shape = 0;     // literal with words or endings: 1 + index into shapes; else 0
  // Shapes: facts read without touching the Shape (ShapeMayMatch; the Shape
  // and its words are cold in the cache when their anchor occurs).
  uint32_t anchor_len = 0;  // bytes of the anchor word
  // Bit i: some non-empty ending (Shape::endings) starts with 'a' + i.
  uint32_t ending_letters = 0;
  uint32_t accents = 0;  // keyword with accents: 1 + index into Impl::accents; else 0
  // The last (up to 4) bytes of the word before the anchor and the first (up
  // to 4) of the word after it, ASCII-lower; *_len 0: no such word.
  std::array<uint8_t, kNeighbourBytes> prev_tail{}, next_head{};
  uint8_t prev_len = 0, next_len = 0;
  bool check_word : 1 = false;    // whole-word check applies at scan time
  bool single_match : 1 = false;  // compiled with HS_FLAG_SINGLEMATCH
  // Shapes: the expression (id < pattern count, ShapeExpressions()) ends one
  // byte after the anchor word.
  bool trail : 1 = false;
  // A joined form (JoinedWords()): valid only inside one joined run of
  // spaced letters (NormalizedText::InJoinedRun).
  bool in_run : 1 = false;
};
// Read for every engine report (OnMatch): two to a cache line.
static_assert(sizeof(PatternInfo) == 32);

// A letter of a keyword written with accents (normalize.h, step 6a): the
// letter at byte `offset` of word `word` of the match (the whole literal is
// word 0 unless it is a Shape), `len` bytes long, must have these accents.
struct AccentLetter {
  uint32_t word = 0;
  uint32_t offset = 0;
  uint32_t len = 0;
  std::u32string marks;
};
// The accented letters of one keyword, as saved: byte offsets into its
// normalised text, turned into (word, offset) by PlaceAccents().
struct AccentSpec {
  uint32_t norm_offset = 0;
  uint32_t len = 0;
  std::u32string marks;
};

// A literal matched word by word (word_gaps) and/or with endings (inflect).
// Hyperscan reports each occurrence of one word, the anchor (ChooseAnchor());
// Verify() walks back and forth from it over the other words, the gaps and
// the endings. (A single expression with the gaps as [^0-9A-Za-z]+ made
// Hyperscan 2.5 times slower on English text with 10,000 keywords.)
struct Shape {
  // Normalised; the last one is the stem with endings. Views into the
  // matcher's normalised literals (Impl::norms), kept in one flat table
  // (Impl::shape_words, from index `first`): no allocation per shape.
  std::span<const std::string_view> words;
  uint32_t first = 0;
  // After the last word; null: none. One of a handful of lists shared by
  // every shape (EndingList), not a copy per keyword.
  const std::vector<std::string>* endings = nullptr;
  size_t anchor = 0;  // index into words
  // A gap must not cross a sentence end (normalize.h step 9): false when the
  // keyword is written in a script without spaces.
  bool sentence_gaps = true;
};

struct HsDatabaseDeleter {
  // > 0: the database lives in an anonymous mapping of this many bytes
  // (Load()); else it came from the engine's allocator.
  size_t mapped = 0;
  void operator()(hs_database_t* db) const {
    if (mapped > 0) {
      munmap(db, mapped);
    } else {
      hs_free_database(db);
    }
  }
};
struct HsScratchDeleter {
  void operator()(hs_scratch_t* s) const { hs_free_scratch(s); }
};
using HsDatabasePtr = std::unique_ptr<hs_database_t, HsDatabaseDeleter>;
using HsScratchPtr = std::unique_ptr<hs_scratch_t, HsScratchDeleter>;

// SelfTest() once per process (unless CheckEngine() found a marker of an
// earlier pass); later calls get the result.
struct EngineState {
  std::mutex mu;
  bool done = false;
  Status status;
};
EngineState& Engine() {
  static EngineState* state = new EngineState;
  return *state;
}

Status EngineSelfTestOnce() {
  EngineState& e = Engine();
  std::lock_guard<std::mutex> lock(e.mu);
  if (!e.done) {
    Status s = SelfTest();
    if (!s.ok()) {
      e.status =
          InternalError("regex engine self-test failed for " + EngineVersion() +
                        " (use Hyperscan 5.4.0, not Vectorscan 5.4.9 on AVX-512): " + s.message());
    }
    e.done = true;
  }
  return e.status;
}

// What the processor is, as far as the engine's code paths go: the vendor,
// family/model/stepping and feature bits (CPUID leaves 0, 1 and 7). Empty
// when unknown (not x86): then no marker is trusted.
std::string ProcessorIdentity() {
#if defined(__x86_64__) || defined(__i386__)
  unsigned a = 0, b = 0, c = 0, d = 0;
  std::string out = "x86";
  if (__get_cpuid(0, &a, &b, &c, &d) == 0) return "";
  const unsigned max_leaf = a;
  for (unsigned v : {b, d, c}) out += " " + std::to_string(v);
  if (__get_cpuid(1, &a, &b, &c, &d) == 0) return "";
  for (unsigned v : {a, c, d}) out += " " + std::to_string(v);
  if (max_leaf >= 7) {
    __cpuid_count(7, 0, a, b, c, d);
    for (unsigned v : {b, c, d}) out += " " + std::to_string(v);
  }
  return out;
#else
  return "";
#endif
}

inline bool IsAsciiAlnum(unsigned char c) {
  // 'A'-'Z' | 0x20 = 'a'-'z'; no other byte lands there.
  return static_cast<unsigned>((c | 0x20) - 'a') < 26 || static_cast<unsigned>(c - '0') < 10;
}

// Hyperscan expression for a literal: alphanumerics as-is, other bytes \xHH.
std::string EscapeLiteral(std::string_view s) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  out.reserve(s.size() * 2);
  for (unsigned char c : s) {
    if (IsAsciiAlnum(c)) {
      out.push_back(static_cast<char>(c));
    } else {
      out += "\\x";
      out.push_back(kHex[c >> 4]);
      out.push_back(kHex[c & 15]);
    }
  }
  return out;
}

// True when every word character of `s` is in a no-space script (and there is
// at least one): such keywords match as substrings whatever whole_word says.
bool IsNoSpaceKeyword(std::string_view s) {
  bool any = false;
  for (size_t pos = 0; pos < s.size();) {
    size_t len = 0;
    bool invalid = false;
    char32_t cp = text::DecodeAt(s, pos, &len, &invalid);
    pos += len > 0 ? len : 1;
    if (invalid || !text::IsWordChar(cp)) continue;
    if (!text::IsNoSpaceScript(cp)) return false;
    any = true;
  }
  return any;
}

// True when the code point ending just before `pos` is a word character.
bool WordCharBefore(std::string_view s, size_t pos) {
  if (pos == 0) return false;
  size_t start = pos - 1;
  // Step back over at most 3 continuation bytes to the lead byte.
  for (int i = 0; i < 3 && start > 0 && (static_cast<unsigned char>(s[start]) & 0xC0) == 0x80;
       ++i) {
    --start;
  }
  size_t len = 0;
  bool invalid = false;
  char32_t cp = text::DecodeAt(s, start, &len, &invalid);
  if (start + len != pos) {
    // `pos - 1` is not the end of the sequence at `start`: decode the last byte alone.
    cp = text::DecodeAt(s, pos - 1, &len, &invalid);
  }
  return !invalid && text::IsWordChar(cp);
}

// True when the code point starting at `pos` is a word character.
bool WordCharAt(std::string_view s, size_t pos) {
  if (pos >= s.size()) return false;
  size_t len = 0;
  bool invalid = false;
  char32_t cp = text::DecodeAt(s, pos, &len, &invalid);
  return !invalid && text::IsWordChar(cp);
}

bool IsValidUtf8(std::string_view s) {
  return text::CountInvalid(s) == 0;
}

char AsciiLower(char c) {
  return c >= 'A' && c <= 'Z' ? static_cast<char>(c + 32) : c;
}

// True when s[pos - w.size(), pos) equals w, ASCII case-insensitively.
bool EndsWithAt(std::string_view s, size_t pos, std::string_view w) {
  if (w.size() > pos) return false;
  const char* p = s.data() + pos - w.size();
  for (size_t i = 0; i < w.size(); ++i) {
    if (AsciiLower(p[i]) != AsciiLower(w[i])) return false;
  }
  return true;
}

// The code point ending just before `pos` and its start, or false when the
// bytes there do not end a valid sequence.
bool CodePointBefore(std::string_view s, size_t pos, char32_t* cp, size_t* start) {
  if (pos == 0) return false;
  size_t b = pos - 1;
  if (static_cast<unsigned char>(s[b]) < 0x80) {  // ASCII: the byte itself
    *cp = static_cast<unsigned char>(s[b]);
    *start = b;
    return true;
  }
  for (int i = 0; i < 3 && b > 0 && (static_cast<unsigned char>(s[b]) & 0xC0) == 0x80; ++i) --b;
  size_t len = 0;
  bool invalid = false;
  *cp = text::DecodeAt(s, b, &len, &invalid);
  if (invalid || b + len != pos) return false;
  *start = b;
  return true;
}

// True for an ASCII byte that is not a letter or digit: every such byte is a
// gap character (IsGapChar) on its own.
bool IsAsciiGapByte(unsigned char c) {
  return c < 0x80 && !IsAsciiAlnum(c);
}

// The joined form of a normalised literal (matcher.h: spaced letters): its
// words (runs of code points that are not IsGapChar) run together, when it
// has two words or more and no gap character first or last; else "".
std::string JoinedWords(std::string_view norm) {
  std::string out;
  size_t words = 0;
  bool in_word = false;
  for (size_t pos = 0; pos < norm.size();) {
    size_t len = 0;
    bool invalid = false;
    const char32_t cp = text::DecodeAt(norm, pos, &len, &invalid);
    if (len == 0) len = 1;
    const bool gap = !invalid && IsGapChar(cp);
    if ((pos == 0 || pos + len == norm.size()) && gap) return "";
    if (!gap) {
      if (!in_word) ++words;
      out.append(norm.substr(pos, len));
    }
    in_word = !gap;
    pos += len;
  }
  return words > 1 ? out : "";
}

// The inflections of `word` (a normalised last word, any ASCII case) as
// Inflect() gives them for its ASCII-lower form: the byte length of the stem
// (a prefix of `word`) and the endings, or null when there are none. The
// lists are built once per process and shared. Defined with Inflect().
const std::vector<std::string>* InflectedStem(std::string_view word, size_t* stem_len);

// True for one of the most frequent words of running English or Russian
// text (function words and a few very common verbs and adverbs), compared
// ASCII case-insensitively. Only the choice of a Shape's anchor uses it.
bool IsCommonWord(std::string_view w) {
  // Lower case; Russian as normalised keywords are (lower case).
  static const std::vector<std::string_view>* const common = [] {
    static constexpr std::string_view kWords =
        "a about after against all also although among an and another any are "
        "around as at be became because been before being between both but by "
        "can could did do does during each first for from had has have he her "
        "his how however i if in including into is it its known later many may "
        "more most new no not now of on one only or other our out over said "
        "several she since so some such than that the their them then there "
        "these they this those three through to two under until up used very "
        "was we well were what when where which while who will with within "
        "would you your а в и к на не о по с что ";
    auto* v = new std::vector<std::string_view>();
    for (size_t pos = 0; pos < kWords.size();) {
      const size_t sp = kWords.find(' ', pos);
      v->push_back(kWords.substr(pos, sp - pos));
      pos = sp + 1;
    }
    std::sort(v->begin(), v->end());
    return v;
  }();
  constexpr size_t kLongest = 9;  // bytes ("including")
  if (w.empty() || w.size() > kLongest) return false;
  char lower[kLongest];
  for (size_t i = 0; i < w.size(); ++i) lower[i] = AsciiLower(w[i]);
  return std::binary_search(common->begin(), common->end(), std::string_view(lower, w.size()));
}

// The word of a Shape that Hyperscan looks for (the anchor): Hyperscan
// reports each of its occurrences and Verify() checks the rest, so the
// rarest word is cheapest. Without word counts: a word of more than one byte
// before a one-byte word (a single ASCII letter or digit occurs in most
// words: "t" of "can't be" was 2.9 million literal hits in the 40 MB
// English bench), then a word that is not a common word (IsCommonWord), then
// the longest; of equals, a middle word (its expression, ShapeExpression(),
// has a gap byte on both sides), else the last (a gap byte before it: words
// share endings more often than beginnings, "s" ends every plural), else the
// first. ("the" as the anchor of a handful of keywords made more reports
// than the text has words; "s" of "s&m" a third of the rest.) Any anchor
// finds the same occurrences: Verify() walks to the same word starts from
// every word of an occurrence.
size_t ChooseAnchor(std::span<const std::string_view> words) {
  size_t best = 0;
  auto rank = [&](size_t i) {
    const int place = i == 0 ? 0 : i + 1 == words.size() ? 1 : 2;
    return std::tuple(words[i].size() > 1, !IsCommonWord(words[i]), words[i].size(), place);
  };
  for (size_t i = 1; i < words.size(); ++i) {
    if (rank(i) > rank(best)) best = i;
  }
  return best;
}

// Splits a normalised literal into a Shape, or returns false when it is
// matched as a plain literal (see matcher.h: words and gaps, inflections).
// The words are views into `norm`, appended to `flat` (shape->first is the
// index of the first one; shape->words points at them until `flat` grows:
// Impl::PointShapes() repoints every shape once the table is complete). On
// false nothing is left in `flat`. `starts` (optional) receives the byte
// offset of each word in `norm`.
bool MakeShape(std::string_view norm, bool gaps, bool inflect, Shape* shape,
               std::vector<std::string_view>* flat, std::vector<uint32_t>* starts = nullptr) {
  shape->endings = nullptr;
  shape->anchor = 0;
  shape->first = static_cast<uint32_t>(flat->size());
  thread_local std::vector<std::pair<size_t, size_t>> words;  // byte ranges
  words.clear();
  bool in_word = false, gap_edge = false;
  for (size_t pos = 0; pos < norm.size();) {
    size_t len = 1;
    bool gap = false;
    const unsigned char c = static_cast<unsigned char>(norm[pos]);
    if (c < 0x80) {
      gap = IsAsciiGapByte(c) || c == '_';
    } else {
      bool invalid = false;
      const char32_t cp = text::DecodeAt(norm, pos, &len, &invalid);
      if (len == 0) len = 1;
      gap = !invalid && IsGapChar(cp);
    }
    if (gap) {
      if (pos == 0 || pos + len == norm.size()) gap_edge = true;
      in_word = false;
    } else if (in_word) {
      words.back().second = pos + len;
    } else {
      words.push_back({pos, pos + len});
      in_word = true;
    }
    pos += len;
  }
  if (starts != nullptr) starts->clear();
  if (gaps && !gap_edge && words.size() > 1) {
    for (const auto& [b, e] : words) {
      flat->push_back(norm.substr(b, e - b));
      if (starts != nullptr) starts->push_back(static_cast<uint32_t>(b));
    }
    // An ASCII letter or digit first: a spaced script (the common case, no decoding).
    shape->sentence_gaps =
        IsAsciiAlnum(static_cast<unsigned char>(norm[0])) || !IsNoSpaceKeyword(norm);
  } else {
    flat->push_back(norm);
    if (starts != nullptr) starts->push_back(0);
  }
  if (inflect && !gap_edge && !words.empty()) {
    // The last word ends the last element of the shape's words in both
    // cases. The engine and Verify() compare ASCII case-insensitively, so
    // the stem is the same bytes of the word in their own case.
    const auto& last = words.back();
    const std::string_view lw = norm.substr(last.first, last.second - last.first);
    size_t stem_len = 0;
    if (const std::vector<std::string>* endings = InflectedStem(lw, &stem_len)) {
      std::string_view& tail = flat->back();
      tail = tail.substr(0, tail.size() - (lw.size() - stem_len));
      shape->endings = endings;
    }
  }
  const size_t count = flat->size() - shape->first;
  if (count == 1 && shape->endings == nullptr) {
    flat->pop_back();
    shape->words = {};
    return false;
  }
  shape->words = std::span<const std::string_view>(flat->data() + shape->first, count);
  shape->anchor = ChooseAnchor(shape->words);
  return true;
}

// Whether a Shape's expressions carry the whole-word check at the outer
// edges of its anchor (ShapeExpressions()): with the whole-word check and no
// soft word boundaries (NormalizedText::SoftBoundary: only strip_separators
// makes them), an anchor that is the first word must not follow an ASCII
// letter or digit, and one that is the last word, without endings, must not
// be followed by one: ShapeMayMatch() rejects exactly those, so the engine
// need not report them. Only for an anchor of one byte (ChooseAnchor():
// every word is one byte, as in "s&m"; no endings then: Inflect() gives none
// to words of fewer than 3 letters): the engine looks for that byte and
// checks the bytes around it, 0.86 million times on the 40 MB English bench
// for "m" of "s&m" with the gap byte before it alone (15% of the scan's CPU
// time without it); checking both sides makes it cost nothing measurable.
// For longer anchors the extra expressions cost about what they save (tried
// on the English bench).
bool EdgeChecks(const Shape& shape, const PatternInfo& info,
                const text::NormalizeOptions& options) {
  return info.check_word && !options.strip_separators && shape.endings == nullptr &&
         shape.words[shape.anchor].size() == 1;
}

// One Hyperscan expression of a Shape (ShapeExpressions()): `trail` when it
// ends one byte after the anchor word (else at its end).
struct ShapeExpr {
  std::string expression;
  bool trail = false;
};

// The Hyperscan expressions of a Shape: its anchor word, with the first
// byte of the gap before and after it when there is another word there
// (any byte that is not an ASCII letter or digit: the first byte of every
// gap character), which keeps Hyperscan from reporting the anchor inside
// longer words. With `edges` (EdgeChecks()), a first-word anchor is preceded
// by such a byte or the text's start, and a last-word anchor followed by
// such a byte or the text's end: up to four expressions. Of these, only the
// one at the text's end has no trailing byte (PatternInfo::trail false) when
// the others have one.
std::vector<ShapeExpr> ShapeExpressions(const Shape& shape, bool edges) {
  static constexpr std::string_view kGap = "[^0-9A-Za-z]";
  std::vector<std::string_view> before;
  if (shape.anchor > 0) {
    before = {kGap};
  } else if (edges) {
    before = {"^", kGap};
  } else {
    before = {""};
  }
  std::vector<std::pair<std::string, bool>> after;  // expression, trailing byte
  if (shape.anchor + 1 < shape.words.size()) {
    after.emplace_back(std::string(kGap), true);
  } else if (edges) {
    after.emplace_back(std::string(kGap), true);
    after.emplace_back("\\z", false);
  } else {
    after.emplace_back("", false);
  }
  const std::string word = EscapeLiteral(shape.words[shape.anchor]);
  std::vector<ShapeExpr> out;
  for (std::string_view b : before) {
    for (const auto& [a, trail] : after) {
      out.push_back(ShapeExpr{std::string(b) + word + a, trail});
    }
  }
  return out;
}

// Sets the PatternInfo facts of a shape (see PatternInfo); `edges`:
// EdgeChecks().
void SetShapeFacts(const Shape& shape, bool edges, PatternInfo* info) {
  const size_t k = shape.anchor;
  info->anchor_len = static_cast<uint32_t>(shape.words[k].size());
  info->prev_len = info->next_len = 0;
  if (k > 0) {
    const std::string_view w = shape.words[k - 1];
    info->prev_len = static_cast<uint8_t>(std::min(w.size(), kNeighbourBytes));
    for (size_t i = 0; i < info->prev_len; ++i) {
      info->prev_tail[i] = static_cast<uint8_t>(AsciiLower(w[w.size() - info->prev_len + i]));
    }
  }
  if (k + 1 < shape.words.size()) {
    const std::string_view w = shape.words[k + 1];
    info->next_len = static_cast<uint8_t>(std::min(w.size(), kNeighbourBytes));
    for (size_t i = 0; i < info->next_len; ++i) {
      info->next_head[i] = static_cast<uint8_t>(AsciiLower(w[i]));
    }
  }
  info->ending_letters = 0;
  if (shape.endings != nullptr) {
    for (const std::string& e : *shape.endings) {
      const char c = e.empty() ? 0 : AsciiLower(e[0]);
      if (c >= 'a' && c <= 'z') info->ending_letters |= uint32_t{1} << (c - 'a');
    }
  }
  info->trail = k + 1 < shape.words.size() || edges;
}

// A necessary condition for Verify(), from the text and `info` alone: walking
// from the anchor over ASCII gap bytes, where the walk meets an ASCII letter
// or digit, the bytes from there must be the neighbouring word's last (before)
// or first (after) bytes (up to kNeighbourBytes, all of them when the text
// ends first), ASCII case aside, since Verify() walks over those same gap
// characters, stops at that byte (not a gap character) and then compares that
// word byte by byte in the same way (EndsWithAt / StartsWithAt). With the
// whole-word check, an anchor that is the first word must not follow an
// ASCII letter or digit, and one that is the last word must not be followed
// by an ASCII digit or by a letter that starts none of its endings, unless
// that position is a soft boundary (WordBoundaries would fail there for every
// ending). A non-ASCII byte or the text's edge after the gap decides nothing
// (Verify() does). `end` is the end of the anchor word in the text.
bool ShapeMayMatch(const PatternInfo& info, const text::NormalizedText& nt, size_t end) {
  const std::string_view text = nt.text();
  const auto byte = [&text](size_t i) { return static_cast<unsigned char>(text[i]); };
  const auto lower = [&text](size_t i) { return static_cast<uint8_t>(AsciiLower(text[i])); };
  if (info.next_len != 0) {
    size_t p = end;
    while (p < text.size() && IsAsciiGapByte(byte(p))) ++p;
    if (p < text.size() && IsAsciiAlnum(byte(p))) {
      if (text.size() - p < info.next_len) return false;  // StartsWithAt fails
      for (size_t i = 0; i < info.next_len; ++i) {
        if (lower(p + i) != info.next_head[i]) return false;
      }
    }
  }
  if (info.next_len == 0 && info.check_word && end < text.size()) {
    const unsigned char c = byte(end);
    if (IsAsciiAlnum(c)) {
      const char l = AsciiLower(static_cast<char>(c));
      const bool may_start_ending = l >= 'a' && l <= 'z' && (info.ending_letters >> (l - 'a')) & 1;
      if (!may_start_ending && !nt.SoftBoundary(end)) return false;
    }
  }
  if (info.prev_len == 0 && info.check_word) {
    const size_t b = end - info.anchor_len;
    if (b > 0 && IsAsciiAlnum(byte(b - 1)) && !nt.SoftBoundary(b)) return false;
  }
  if (info.prev_len != 0) {
    size_t p = end - info.anchor_len;
    while (p > 0 && IsAsciiGapByte(byte(p - 1))) --p;
    if (p > 0 && IsAsciiAlnum(byte(p - 1))) {
      if (p < info.prev_len) return false;  // EndsWithAt fails
      const size_t from = p - info.prev_len;
      for (size_t i = 0; i < info.prev_len; ++i) {
        if (lower(from + i) != info.prev_tail[i]) return false;
      }
    }
  }
  return true;
}

// The whole-word check: no word character directly before `begin` or at
// `end`, unless that position is a soft boundary of the normaliser.
bool WordBoundaries(const text::NormalizedText& nt, size_t begin, size_t end) {
  const std::string_view text = nt.text();
  return (!WordCharBefore(text, begin) || nt.SoftBoundary(begin)) &&
         (!WordCharAt(text, end) || nt.SoftBoundary(end));
}

// True when s[pos, pos + w.size()) equals w, ASCII case-insensitively.
bool StartsWithAt(std::string_view s, size_t pos, std::string_view w) {
  return pos <= s.size() && w.size() <= s.size() - pos && EndsWithAt(s, pos + w.size(), w);
}

// The occurrence of `shape` whose anchor word ends at `to` of the
// normalised text: *begin and the smallest *end over its endings, or false
// when there is none; with `check_word`, only occurrences with no word
// character (or a soft boundary) on either side count. The start is unique:
// words begin and end with non-gap characters, so each gap is the maximal
// run of gap characters next to a word. With shape.sentence_gaps, a gap with
// a sentence-ending mark followed (in the gap) by white space fails. When
// `starts` is not null, it receives the start of each word.
bool Verify(const Shape& shape, const text::NormalizedText& nt, size_t to, bool check_word,
            uint64_t* begin, uint64_t* end, std::vector<size_t>* starts) {
  const std::string_view text = nt.text();
  const size_t k = shape.anchor;
  if (starts != nullptr) starts->resize(shape.words.size());
  size_t pos = to - shape.words[k].size();
  if (starts != nullptr) (*starts)[k] = pos;
  const bool sentences = shape.sentence_gaps;
  for (size_t i = k; i-- > 0;) {
    size_t gaps = 0;
    char32_t cp = 0;
    size_t start = 0;
    bool space = false;  // white space after the current position in this gap
    while (CodePointBefore(text, pos, &cp, &start) &&
           (cp < 0x80 ? IsAsciiGapByte(static_cast<unsigned char>(cp)) : IsGapChar(cp))) {
      if (sentences) {
        if (space && text::IsSentenceEnd(cp)) return false;
        space = space || text::IsWhiteSpace(cp);
      }
      pos = start;
      ++gaps;
    }
    if (gaps == 0 || !EndsWithAt(text, pos, shape.words[i])) return false;
    pos -= shape.words[i].size();
    if (starts != nullptr) (*starts)[i] = pos;
  }
  const size_t b = pos;
  pos = to;
  for (size_t i = k + 1; i < shape.words.size(); ++i) {
    size_t gaps = 0;
    bool mark = false;  // a sentence-ending mark before the current position in this gap
    while (pos < text.size()) {
      size_t len = 1;
      bool invalid = false;
      const unsigned char c = static_cast<unsigned char>(text[pos]);
      // ASCII: a gap byte exactly when it is not a letter or digit
      // (IsAsciiGapByte), without decoding.
      const char32_t cp = c < 0x80 ? c : text::DecodeAt(text, pos, &len, &invalid);
      if (invalid || (c < 0x80 ? !IsAsciiGapByte(c) : !IsGapChar(cp))) break;
      if (sentences) {
        if (mark && text::IsWhiteSpace(cp)) return false;
        mark = mark || text::IsSentenceEnd(cp);
      }
      pos += len;
      ++gaps;
    }
    if (gaps == 0 || !StartsWithAt(text, pos, shape.words[i])) return false;
    if (starts != nullptr) (*starts)[i] = pos;
    pos += shape.words[i].size();
  }
  bool found = false;
  auto consider = [&](std::string_view ending) {
    if (!StartsWithAt(text, pos, ending)) return;
    const size_t e = pos + ending.size();
    if (check_word && !WordBoundaries(nt, b, e)) return;
    if (!found || e < *end) *end = e;
    found = true;
  };
  if (shape.endings == nullptr) {
    consider("");
  } else {
    for (const std::string& ending : *shape.endings) consider(ending);
  }
  *begin = b;
  return found;
}

// The accent check (normalize.h, step 6a): each accented letter of the
// keyword, at `word_starts[letter.word] + letter.offset` of the normalised
// text, came from document characters with the same accents.
bool AccentsMatch(const std::vector<AccentLetter>& letters, const text::NormalizedText& nt,
                  std::string_view document, const size_t* word_starts, std::u32string* marks) {
  for (const AccentLetter& l : letters) {
    const size_t at = word_starts[l.word] + l.offset;
    const text::Span src = nt.ToOriginal(at, at + l.len);
    text::AccentMarks(document.substr(src.begin, src.end - src.begin), marks);
    if (*marks != l.marks) return false;
  }
  return true;
}

// The accented letters of a keyword (AccentSpec) from its original text
// `keyword` and its normalisation `nt` (not identity-mapped to anything but
// `keyword`); empty when it has none.
std::vector<AccentSpec> KeywordAccents(std::string_view keyword, const text::NormalizedText& nt) {
  std::vector<AccentSpec> out;
  if (text::IsAscii(keyword)) return out;
  const std::string_view norm = nt.text();
  std::u32string marks;
  for (size_t pos = 0; pos < norm.size();) {
    size_t len = 0;
    bool invalid = false;
    text::DecodeAt(norm, pos, &len, &invalid);
    if (len == 0) len = 1;
    const text::Span src = nt.ToOriginal(pos, pos + len);
    text::AccentMarks(keyword.substr(src.begin, src.end - src.begin), &marks);
    if (!marks.empty()) {
      out.push_back(AccentSpec{static_cast<uint32_t>(pos), static_cast<uint32_t>(len), marks});
    }
    pos += len;
  }
  return out;
}

// Places the accented letters of a keyword on its words: `shape` (null for
// a plain literal). A letter outside every word (an inflected keyword's last
// letters that an ending replaces) is not checked.
// `starts`: MakeShape()'s word offsets.
std::vector<AccentLetter> PlaceAccents(const std::vector<AccentSpec>& specs, const Shape* shape,
                                       const std::vector<uint32_t>& starts) {
  std::vector<AccentLetter> out;
  for (const AccentSpec& a : specs) {
    if (shape == nullptr) {
      out.push_back(AccentLetter{0, a.norm_offset, a.len, a.marks});
      continue;
    }
    for (size_t w = 0; w < shape->words.size(); ++w) {
      const uint32_t b = starts[w];
      if (a.norm_offset >= b && a.norm_offset + a.len <= b + shape->words[w].size()) {
        out.push_back(AccentLetter{static_cast<uint32_t>(w), a.norm_offset - b, a.len, a.marks});
        break;
      }
    }
  }
  return out;
}

// --- Little-endian serialisation helpers for Save/Load. ---

void PutU8(std::string* out, uint8_t v) {
  out->push_back(static_cast<char>(v));
}
void PutU32(std::string* out, uint32_t v) {
  for (int i = 0; i < 4; ++i) out->push_back(static_cast<char>((v >> (8 * i)) & 0xFF));
}
void PutU64(std::string* out, uint64_t v) {
  for (int i = 0; i < 8; ++i) out->push_back(static_cast<char>((v >> (8 * i)) & 0xFF));
}
void PutStr(std::string* out, std::string_view s) {
  PutU32(out, static_cast<uint32_t>(s.size()));
  out->append(s);
}

// Bounds-checked reader over a byte buffer; every getter fails instead of
// reading past the end.
class Reader {
 public:
  explicit Reader(std::string_view data) : data_(data) {}
  bool U8(uint8_t* v) {
    if (data_.size() - pos_ < 1) return false;
    *v = static_cast<uint8_t>(data_[pos_++]);
    return true;
  }
  bool U32(uint32_t* v) {
    if (data_.size() - pos_ < 4) return false;
    uint32_t r = 0;
    for (int i = 0; i < 4; ++i) r |= uint32_t{static_cast<uint8_t>(data_[pos_ + i])} << (8 * i);
    pos_ += 4;
    *v = r;
    return true;
  }
  bool U64(uint64_t* v) {
    if (data_.size() - pos_ < 8) return false;
    uint64_t r = 0;
    for (int i = 0; i < 8; ++i) r |= uint64_t{static_cast<uint8_t>(data_[pos_ + i])} << (8 * i);
    pos_ += 8;
    *v = r;
    return true;
  }
  bool Bytes(size_t n, std::string_view* v) {
    if (data_.size() - pos_ < n) return false;
    *v = data_.substr(pos_, n);
    pos_ += n;
    return true;
  }
  bool Str(std::string* v) {
    uint32_t n = 0;
    std::string_view b;
    if (!U32(&n) || !Bytes(n, &b)) return false;
    v->assign(b);
    return true;
  }
  size_t remaining() const { return data_.size() - pos_; }

 private:
  std::string_view data_;
  size_t pos_ = 0;
};

constexpr char kMagic[8] = {'S', 'G', 'M', 'A', 'T', 'C', 'H', '1'};
// 2: word_gaps, strip_accents, digit_letters; inflect. 3: the normalised
// texts of the literals stored (Load() normalises nothing), WordChecksum64
// (base/hash.h; the engine database is host-specific anyway).
// 4: the accented letters of each literal (AccentSpec) after its text.
// 5: same bytes, but a Shape's anchor (compiled into the database, recomputed
// by Load()) is chosen by ChooseAnchor(), not as the longest word.
// 6: same bytes, but a whole-word Shape with a one-byte anchor has several
// expressions with the word-boundary bytes at its outer edges
// (ShapeExpressions(); ids from the pattern count up: at the text's end).
// 7: after the pattern records, the look-alike renderings (count; per
// rendering its pattern and normalised text), compiled as entries after the
// patterns.
// 8: each rendering entry ends with a kind byte: 0 a look-alike rendering,
// 1 a joined form (JoinedWords(); PatternInfo::in_run).
// 9: after the renderings, the anchor groups (AnchorGroups: count; per group
// its member count and members), compiled with ids from 2 x entries up.
// 10: same bytes, but the literals' normalised texts follow match rules
// revision 3 (kMatchRulesRevision): a file of format 9 holds texts
// normalised by the earlier rules and is refused.
constexpr uint32_t kFormatVersion = 10;
constexpr uint32_t kOptionFields = 11;
constexpr uint8_t kFlagRegex = 1, kFlagWholeWord = 2, kFlagCheckWord = 4, kFlagSingle = 8,
                  kFlagInflect = 16;

void PutOptions(std::string* out, const text::NormalizeOptions& o) {
  PutU32(out, kOptionFields);
  for (bool b :
       {o.strip_invisible, o.nfkc, o.fullwidth, o.casefold, o.confusables, o.t2s,
        o.strip_separators, o.matcher_folds_ascii, o.word_gaps, o.strip_accents, o.digit_letters}) {
    PutU8(out, b ? 1 : 0);
  }
}

bool GetOptions(Reader* r, text::NormalizeOptions* o) {
  uint32_t n = 0;
  if (!r->U32(&n) || n != kOptionFields) return false;
  bool* fields[] = {
      &o->strip_invisible, &o->nfkc,          &o->fullwidth,        &o->casefold,
      &o->confusables,     &o->t2s,           &o->strip_separators, &o->matcher_folds_ascii,
      &o->word_gaps,       &o->strip_accents, &o->digit_letters};
  for (bool* f : fields) {
    uint8_t v = 0;
    if (!r->U8(&v) || v > 1) return false;
    *f = v == 1;
  }
  return true;
}

// The document normaliser of a matcher. Without regexes it is alphabet-aware
// (text::Normalizer(options, alphabet)): code point changes that cannot
// affect any literal match (the alphabet being the code points of the
// normalised literals) are skipped, which keeps e.g. Chinese text with
// full-width punctuation on the identity fast path. Any regex disables this
// (a regex can match any code point). `norms` are the normalised texts of the
// literals, "" for a regex (no literal is empty).
text::Normalizer DocumentNormalizer(const std::vector<std::string_view>& norms,
                                    text::NormalizeOptions doc_options) {
  // Without strip_separators, whether the document needs its second form.
  doc_options.find_spaced_letters = !doc_options.strip_separators;
  text::MatchAlphabet alphabet;
  for (std::string_view norm : norms) {
    if (norm.empty()) return text::Normalizer(doc_options);
    alphabet.AddText(norm);
  }
  return text::Normalizer(doc_options, alphabet);
}

// A read-only mapping of a whole file (empty files map to an empty view).
class MappedFile {
 public:
  MappedFile() = default;
  ~MappedFile() {
    if (data_ != nullptr) munmap(data_, size_);
  }
  MappedFile(const MappedFile&) = delete;
  MappedFile& operator=(const MappedFile&) = delete;

  Status Open(const std::string& path) {
    const int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) return IoError("cannot open " + path + ": " + std::strerror(errno));
    struct stat st;
    if (fstat(fd, &st) != 0) {
      const int e = errno;
      close(fd);
      return IoError("cannot read " + path + ": " + std::strerror(e));
    }
    size_ = static_cast<size_t>(st.st_size);
    if (size_ > 0) {
      // Populated up front: the whole file is read, one fault per page costs more.
      void* p = mmap(nullptr, size_, PROT_READ, MAP_PRIVATE | MAP_POPULATE, fd, 0);
      if (p == MAP_FAILED) {
        const int e = errno;
        close(fd);
        size_ = 0;
        return IoError("cannot read " + path + ": " + std::strerror(e));
      }
      data_ = p;
    }
    close(fd);
    return OkStatus();
  }
  std::string_view view() const { return {static_cast<const char*>(data_), size_}; }

 private:
  void* data_ = nullptr;
  size_t size_ = 0;
};

// Reads one pattern record of the saved format (Save()) at the reader's
// position: its five strings as views into the reader's buffer, then its
// flags and normalised length.
bool ReadPatternRecord(Reader* r, PatternView* p, uint8_t* flags, uint32_t* norm_len) {
  std::string_view* fields[] = {&p->id, &p->category, &p->language, &p->text, &p->origin};
  for (std::string_view* f : fields) {
    uint32_t n = 0;
    if (!r->U32(&n) || !r->Bytes(n, f)) return false;
  }
  return r->U8(flags) && r->U32(norm_len);
}

}  // namespace

// Shape expressions compiled once for several entries (file comment: anchor
// groups). Group g has engine id 2 x entries + g and the members
// members[start[g], start[g + 1]): engine ids as an expression of their own
// would have (the entry, or the entry plus the entry count for the variant
// at the text's end), each with its NeighbourKey() in keys. Members of a
// group share the anchor word, its length and where it ends relative to the
// report (PatternInfo::trail; the same expression), so OnGroup() reads the
// neighbouring bytes once. Members that are twins (FindTwins(): the same
// words, endings and checks, as "but if you" and "but, if you", whose gaps
// are not part of the Shape) get the same answer from Verify(), so OnGroup()
// verifies the first of them only.
struct AnchorGroups {
  std::vector<uint32_t> start;  // empty when there are no groups, else groups + 1
  std::vector<uint32_t> members;
  std::vector<uint32_t> keys;  // NeighbourKey() per member
  // Derived on compiling and loading (IndexGroups()), not saved: per
  // member, the index (into members) of its first twin in the group, or its
  // own index, and its WordsKey(); per group, kNextBuckets + 1 offsets into
  // members where each NextBucket() starts (the last: the group's end).
  std::vector<uint32_t> twin;
  std::vector<uint32_t> words;
  std::vector<uint32_t> next_start;
};

// The bytes ShapeMayMatch() compares first on each side, as a key: the last
// byte of the word before the anchor (high 16 bits) and the first of the word
// after it (low 16), or kAnyNeighbour where the shape has no word there.
constexpr uint32_t kAnyNeighbour = 0x100;
uint32_t NeighbourKey(const PatternInfo& info) {
  const uint32_t prev = info.prev_len != 0 ? info.prev_tail[info.prev_len - 1] : kAnyNeighbour;
  const uint32_t next = info.next_len != 0 ? info.next_head[0] : kAnyNeighbour;
  return prev << 16 | next;
}

// What Verify() needs of the words one and two away from the anchor, as a
// key (0: nothing checked), on each side where the word next to the anchor
// is ASCII letters and digits (1 to 255 bytes) and the word after it (next)
// or before it (previous) begins (ends) with an ASCII letter or digit: the
// next word's length (bits 8-15) and the first byte of the word after it,
// lower-case (bits 0-7); the previous word's length (bits 24-31) and the
// last byte of the word before it (bits 16-23). OnGroup() compares them with
// WordsAround().
uint32_t WordsKey(const Shape& shape) {
  const auto ascii_word = [](std::string_view w) {
    return !w.empty() && w.size() <= 0xFF && std::all_of(w.begin(), w.end(), [](char c) {
      return IsAsciiAlnum(static_cast<unsigned char>(c));
    });
  };
  const auto key_byte = [](std::string_view w, bool last) -> uint32_t {
    if (w.empty()) return 0;
    const char c = last ? w.back() : w.front();
    return IsAsciiAlnum(static_cast<unsigned char>(c)) ? static_cast<uint8_t>(AsciiLower(c)) : 0;
  };
  const auto& w = shape.words;
  const size_t k = shape.anchor;
  uint32_t key = 0;
  if (k + 2 < w.size() && ascii_word(w[k + 1])) {
    if (const uint32_t b = key_byte(w[k + 2], false))
      key |= static_cast<uint32_t>(w[k + 1].size()) << 8 | b;
  }
  if (k >= 2 && ascii_word(w[k - 1])) {
    if (const uint32_t b = key_byte(w[k - 2], true))
      key |= static_cast<uint32_t>(w[k - 1].size()) << 24 | b << 16;
  }
  return key;
}

// The entry of an engine id below 2 x entries (an expression of its own).
size_t EntryOf(size_t id, size_t entries) {
  return id >= entries ? id - entries : id;
}

// Groups the Shape expressions among (expressions, flags, ids) that are the
// same, in place: a group's members leave the arrays and one expression with
// the group's id takes the first one's place. `pattern_of` follows. Only
// entries with a Shape are grouped (their reports go through Verify(); a
// plain literal's report is its match).
void GroupAnchors(const std::vector<PatternInfo>& info, std::vector<std::string>* expressions,
                  std::vector<unsigned>* flags, std::vector<unsigned>* ids,
                  std::vector<size_t>* pattern_of, AnchorGroups* groups) {
  const size_t entries = info.size();
  std::unordered_map<std::string, std::vector<size_t>> same;  // key -> expression indexes
  std::vector<std::string> key_of(expressions->size());
  for (size_t x = 0; x < expressions->size(); ++x) {
    const unsigned id = (*ids)[x];
    if (id >= 2 * entries || info[EntryOf(id, entries)].shape == 0) continue;
    std::string& key = key_of[x];
    key = (*expressions)[x];
    key.push_back('\0');
    key.append(std::to_string((*flags)[x])).push_back(id >= entries ? 'e' : 'm');
    same[key].push_back(x);
  }
  std::vector<std::string> out_expr;
  std::vector<unsigned> out_flags, out_ids;
  std::vector<size_t> out_pattern;
  groups->start.clear();
  groups->members.clear();
  for (size_t x = 0; x < expressions->size(); ++x) {
    const std::vector<size_t>* members = nullptr;
    if (!key_of[x].empty()) {
      auto it = same.find(key_of[x]);
      if (it->second.size() > 1) {
        if (it->second.front() != x) continue;  // placed with the first
        members = &it->second;
      }
    }
    out_expr.push_back(std::move((*expressions)[x]));
    out_flags.push_back((*flags)[x]);
    out_pattern.push_back((*pattern_of)[x]);
    if (members == nullptr) {
      out_ids.push_back((*ids)[x]);
      continue;
    }
    groups->start.push_back(static_cast<uint32_t>(groups->members.size()));
    out_ids.push_back(static_cast<unsigned>(2 * entries + groups->start.size() - 1));
    for (size_t y : *members) groups->members.push_back((*ids)[y]);
  }
  if (!groups->start.empty())
    groups->start.push_back(static_cast<uint32_t>(groups->members.size()));
  *expressions = std::move(out_expr);
  *flags = std::move(out_flags);
  *ids = std::move(out_ids);
  *pattern_of = std::move(out_pattern);
}

// The bucket of a member's next-word key byte (NeighbourKey(), low 16
// bits): 0-9 and a-z in order, then kNextAny for kAnyNeighbour.
constexpr uint32_t kNextAny = 36, kNextBuckets = 37;
uint32_t NextBucket(uint32_t byte) {
  if (byte >= '0' && byte <= '9') return byte - '0';
  if (byte >= 'a' && byte <= 'z') return 10 + byte - 'a';
  return kNextAny;
}

// Derives what a group's reports use from its members and their shapes
// (AnchorGroups; nothing of it is saved, so a saved file cannot make it
// disagree with the shapes): orders each group's members by NextBucket()
// (stably; the order decides nothing else: each member is its own entry
// with its own slot) and fills next_start, keys, words and twin. Twins:
// Shape entries with the same words (bytes), anchor, endings list and
// sentence rule, the same whole-word check, no accents, and both joined
// forms or neither; then ShapeMayMatch() and Verify() read nothing that
// differs between them. Twins share their key, so a member's first twin is
// in its bucket, before it.
void IndexGroups(const std::vector<PatternInfo>& info, const std::vector<Shape>& shapes,
                 AnchorGroups* groups) {
  const size_t entries = info.size();
  const size_t n = groups->members.size();
  const size_t n_groups = groups->start.empty() ? 0 : groups->start.size() - 1;
  const auto next_bucket = [&](uint32_t id) {
    return NextBucket(NeighbourKey(info[EntryOf(id, entries)]) & 0xFFFF);
  };
  groups->next_start.assign(n_groups * (kNextBuckets + 1), 0);
  for (size_t g = 0; g < n_groups; ++g) {
    const auto b = groups->members.begin() + groups->start[g];
    const auto e = groups->members.begin() + groups->start[g + 1];
    std::stable_sort(b, e, [&](uint32_t x, uint32_t y) { return next_bucket(x) < next_bucket(y); });
    uint32_t* starts = &groups->next_start[g * (kNextBuckets + 1)];
    uint32_t k = groups->start[g];
    for (uint32_t bucket = 0; bucket <= kNextBuckets; ++bucket) {
      while (k < groups->start[g + 1] && next_bucket(groups->members[k]) < bucket) ++k;
      starts[bucket] = k;
    }
  }
  groups->keys.resize(n);
  groups->words.resize(n);
  groups->twin.resize(n);
  for (size_t k = 0; k < n; ++k) {
    const PatternInfo& in = info[EntryOf(groups->members[k], entries)];
    groups->keys[k] = NeighbourKey(in);
    groups->words[k] = in.shape != 0 ? WordsKey(shapes[in.shape - 1]) : 0;
  }
  std::unordered_map<std::string, uint32_t> first;
  std::string key;
  for (size_t g = 0; g < n_groups; ++g) {
    first.clear();
    for (uint32_t k = groups->start[g]; k < groups->start[g + 1]; ++k) {
      groups->twin[k] = k;
      const PatternInfo& in = info[EntryOf(groups->members[k], entries)];
      if (in.accents != 0 || in.shape == 0) continue;
      const Shape& shape = shapes[in.shape - 1];
      key.clear();
      key.push_back(in.check_word ? 'w' : '-');
      key.push_back(in.in_run ? 'r' : '-');
      key.push_back(shape.sentence_gaps ? 's' : '-');
      key.append(std::to_string(shape.anchor)).push_back(':');
      key.append(std::to_string(reinterpret_cast<uintptr_t>(shape.endings)));
      for (std::string_view w : shape.words) {
        key.push_back('\0');
        key.append(w);
      }
      groups->twin[k] = first.try_emplace(key, k).first->second;
    }
  }
}

struct Matcher::Impl {
  size_t count = 0;  // patterns
  // Entries (Hyperscan ids, info, norms, slots) from `count` up: the
  // look-alike renderings (LookAlikeRenderings()) and joined forms
  // (JoinedWords()) of literals, each reported as the pattern
  // owner[entry - count]. Saved after the pattern records.
  std::vector<uint32_t> owner;
  // Compile(): the patterns. Load(): empty until patterns() is first called,
  // then built from the file (pattern(i) reads a record without it).
  mutable std::vector<Pattern> patterns;
  mutable std::once_flag patterns_built;
  // Load(): the pattern records of the saved file (a copy of that part of
  // the payload: the views below point into it; the file itself is unmapped
  // after loading, so nothing that later happens to it can reach a loaded
  // matcher) and the offset of each pattern's record in it.
  bool loaded = false;
  std::string records_blob;
  std::vector<uint64_t> records;
  std::vector<PatternInfo> info;
  // Normalised literals ("" for regexes), saved; views into norm_storage
  // (Compile()) or the mapped file (Load()).
  std::vector<std::string> norm_storage;
  std::vector<std::string> rendering_storage;  // Compile(): texts of the renderings
  std::vector<std::string_view> norms;
  std::vector<Shape> shapes;                  // PatternInfo::shape - 1
  std::vector<std::string_view> shape_words;  // Shape::words of every shape
  // PatternInfo::accents - 1: the accented letters placed on the words,
  // and as saved.
  std::vector<std::vector<AccentLetter>> accents;
  std::vector<std::vector<AccentSpec>> accent_specs;
  text::NormalizeOptions options;  // document options (matcher_folds_ascii = true)
  // For documents; set once the literals are known (DocumentNormalizer):
  // building a Normalizer costs milliseconds, so none is built before.
  std::optional<text::Normalizer> normalizer;
  // Without strip_separators: the normaliser of a document's second form,
  // with spaced letters joined (options + spaced_letters; no alphabet), used
  // when the first form has a run (NormalizedText::has_spaced_letters, asked
  // for by DocumentNormalizer(); matcher.h: spaced letters).
  std::optional<text::Normalizer> spaced_normalizer;
  AnchorGroups groups;     // engine ids from 2 x entries up
  HsDatabasePtr db;        // null when there are no patterns
  HsScratchPtr prototype;  // cloned by each Scratch

  Impl(std::vector<Pattern> p, const text::NormalizeOptions& o)
      : count(p.size()), patterns(std::move(p)), options(o) {}

  // Points every shape's words at shape_words once it stops growing.
  void PointShapes() {
    for (Shape& shape : shapes) {
      shape.words =
          std::span<const std::string_view>(shape_words.data() + shape.first, shape.words.size());
    }
  }

  PatternView View(size_t i) const {
    PatternView v;
    if (!loaded) {
      const Pattern& p = patterns[i];
      v = PatternView{p.id,     p.category, p.language,   p.text,
                      p.origin, p.regex,    p.whole_word, p.inflect};
      return v;
    }
    Reader r(std::string_view(records_blob).substr(records[i]));
    uint8_t f = 0;
    uint32_t norm_len = 0;
    ReadPatternRecord(&r, &v, &f, &norm_len);  // checked by Load()
    v.regex = f & kFlagRegex;
    v.whole_word = f & kFlagWholeWord;
    v.inflect = f & kFlagInflect;
    return v;
  }

  // Records the accented letters of a keyword (`shape`: null for a plain
  // literal) and points info->accents at them.
  void AddAccents(std::vector<AccentSpec> specs, const Shape* shape,
                  const std::vector<uint32_t>& starts, PatternInfo* info) {
    accents.push_back(PlaceAccents(specs, shape, starts));
    accent_specs.push_back(std::move(specs));
    info->accents = static_cast<uint32_t>(accents.size());
  }

  void MakeSpacedNormalizer() {
    if (options.strip_separators) return;
    text::NormalizeOptions o = options;
    o.spaced_letters = true;
    spaced_normalizer.emplace(o);
  }

  // Allocates the prototype scratch once the database exists.
  Status MakePrototype() {
    if (!db) return OkStatus();
    hs_scratch_t* s = nullptr;
    hs_error_t err = hs_alloc_scratch(db.get(), &s);
    if (err != HS_SUCCESS) {
      return InternalError("hs_alloc_scratch failed with code " + std::to_string(err));
    }
    prototype.reset(s);
    return OkStatus();
  }
};

// What the check of one group member at one report found (OnGroup()):
// not checked (its early exit was taken), no occurrence, or one.
struct Verified {
  enum State : uint8_t { kUnknown, kNone, kFound } state = kUnknown;
  uint64_t begin = 0, end = 0;
};

struct Scratch::Impl {
  const Matcher::Impl* owner = nullptr;
  HsScratchPtr hs;
  Status status;  // error from cloning the prototype, reported by Scan()
  text::NormalizedText normalized;
  text::NormalizedText spaced;     // the second form (Impl::spaced_normalizer)
  std::vector<uint32_t> slot;      // pattern -> index into `found`, kNoSlot when none
  std::vector<Hit> found;          // in normalised offsets while scanning
  std::vector<size_t> starts;      // word starts of a verified Shape (accent check)
  std::u32string marks;            // AccentMarks() of a document letter
  std::vector<Verified> verified;  // OnGroup(): per member of the group at hand
};

Scratch::Scratch(const Matcher& matcher) : impl_(new Impl) {
  const Matcher::Impl& m = *matcher.impl_;
  impl_->owner = &m;
  impl_->slot.assign(m.info.size(), kNoSlot);
  if (m.prototype) {
    hs_scratch_t* s = nullptr;
    hs_error_t err = hs_clone_scratch(m.prototype.get(), &s);
    if (err != HS_SUCCESS) {
      impl_->status = InternalError("hs_clone_scratch failed with code " + std::to_string(err));
    } else {
      impl_->hs.reset(s);
    }
  }
}

Scratch::~Scratch() = default;

Matcher::Matcher(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Matcher::~Matcher() = default;

const std::vector<Pattern>& Matcher::patterns() const {
  const Impl& m = *impl_;
  if (m.loaded) {
    std::call_once(m.patterns_built, [&m] {
      m.patterns.resize(m.count);
      for (size_t i = 0; i < m.count; ++i) {
        const PatternView v = m.View(i);
        Pattern& p = m.patterns[i];
        p.id = v.id;
        p.category = v.category;
        p.language = v.language;
        p.text = v.text;
        p.origin = v.origin;
        p.regex = v.regex;
        p.whole_word = v.whole_word;
        p.inflect = v.inflect;
      }
    });
  }
  return m.patterns;
}
size_t Matcher::pattern_count() const {
  return impl_->count;
}
PatternView Matcher::pattern(size_t i) const {
  return impl_->View(i);
}
const text::NormalizeOptions& Matcher::options() const {
  return impl_->options;
}
const text::Normalizer& Matcher::normalizer() const {
  return *impl_->normalizer;
}

Result<std::shared_ptr<const Matcher>> Matcher::Compile(std::vector<Pattern> patterns,
                                                        const text::NormalizeOptions& options,
                                                        const CompileOptions& compile) {
  SAFEGATE_RETURN_IF_ERROR(EngineSelfTestOnce());
  if (patterns.size() > std::numeric_limits<uint32_t>::max() / 2) {
    return InvalidArgumentError("too many patterns: " + std::to_string(patterns.size()));
  }
  text::NormalizeOptions doc_options = options;
  doc_options.matcher_folds_ascii = true;
  text::NormalizeOptions kw_options = options;
  kw_options.matcher_folds_ascii = false;
  text::Normalizer kw_normalizer(kw_options);
  text::NormalizedText kw_text;

  auto impl = std::make_unique<Impl>(std::move(patterns), doc_options);
  const size_t n = impl->patterns.size();
  impl->info.resize(n);
  impl->norm_storage.resize(n);  // never grows: the views below stay valid
  impl->norms.resize(n);
  // One expression per pattern, except Shapes (ShapeExpressions()); the
  // pattern of each expression, its flags and its engine id (an entry; for
  // an expression at the text's end, `at_end`: the id is the entry plus the
  // entry count, known once the renderings are).
  std::vector<std::string> expressions;
  std::vector<size_t> pattern_of;
  std::vector<unsigned> flags;
  std::vector<unsigned> ids;
  std::vector<bool> at_end;
  expressions.reserve(n);
  // Look-alike renderings and joined forms: the owner, the normalised text
  // and whether it is a joined form (PatternInfo::in_run) of each.
  struct Extra {
    uint32_t owner;
    std::string text;
    bool in_run;
  };
  std::vector<Extra> renderings;
  // Compiles entry `e` (a literal or a rendering) from its normalised text;
  // info.check_word is set.
  auto add_literal = [&](size_t e, size_t pattern, std::string_view norm, bool inflect,
                         std::vector<AccentSpec> accents) {
    PatternInfo& info = impl->info[e];
    info.norm_len = static_cast<uint32_t>(norm.size());
    Shape shape;
    std::vector<uint32_t> starts;
    const bool is_shape = MakeShape(norm, options.word_gaps, inflect && info.check_word, &shape,
                                    &impl->shape_words, accents.empty() ? nullptr : &starts);
    if (!accents.empty()) {
      impl->AddAccents(std::move(accents), is_shape ? &shape : nullptr, starts, &info);
    }
    if (is_shape) {
      // Hyperscan finds the anchor word; Verify() the rest.
      const bool edges = EdgeChecks(shape, info, options);
      SetShapeFacts(shape, edges, &info);
      for (ShapeExpr& x : ShapeExpressions(shape, edges)) {
        expressions.push_back(std::move(x.expression));
        pattern_of.push_back(pattern);
        ids.push_back(static_cast<unsigned>(e));
        at_end.push_back(!(x.trail || !info.trail));
        flags.push_back(HS_FLAG_CASELESS);
      }
      impl->shapes.push_back(std::move(shape));
      info.shape = static_cast<uint32_t>(impl->shapes.size());
    } else {
      expressions.push_back(EscapeLiteral(norm));
      pattern_of.push_back(pattern);
      ids.push_back(static_cast<unsigned>(e));
      at_end.push_back(false);
      // The first occurrence may fail the whole-word or accent check.
      info.single_match = !info.check_word && info.accents == 0 && !info.in_run;
      flags.push_back(HS_FLAG_CASELESS | (info.single_match ? HS_FLAG_SINGLEMATCH : 0));
    }
    impl->norms[e] = norm;
  };
  for (size_t i = 0; i < n; ++i) {
    const Pattern& p = impl->patterns[i];
    PatternInfo& info = impl->info[i];
    const std::string where = p.origin.empty() ? std::string() : p.origin + ": ";
    if (p.regex) {
      if (p.text.empty()) {
        return InvalidArgumentError(where + "field 'text': empty regex (id " + p.id + ")");
      }
      if (p.text.find('\0') != std::string::npos) {
        return InvalidArgumentError(where + "field 'text': regex contains a NUL byte (id " + p.id +
                                    ")");
      }
      expressions.push_back(p.text);
      pattern_of.push_back(i);
      ids.push_back(static_cast<unsigned>(i));
      at_end.push_back(false);
      flags.push_back(HS_FLAG_CASELESS | HS_FLAG_SOM_LEFTMOST |
                      (IsValidUtf8(p.text) ? HS_FLAG_UTF8 : 0));
      info.check_word = p.whole_word;
    } else {
      if (p.text.size() > kMaxKeywordBytes) {
        return InvalidArgumentError(where + "field 'text': keyword '" + Shown(p.text) + "' (id " +
                                    p.id + ") is longer than " + std::to_string(kMaxKeywordBytes) +
                                    " bytes");
      }
      kw_normalizer.Normalize(p.text, &kw_text);
      std::string& norm = impl->norm_storage[i];
      norm = kw_text.text();
      std::vector<AccentSpec> accents;
      if (options.strip_accents) accents = KeywordAccents(p.text, kw_text);
      if (norm.empty()) {
        return InvalidArgumentError(where + "field 'text': keyword '" + Shown(p.text) + "' (id " +
                                    p.id + ") is empty after normalisation");
      }
      if (norm.size() > std::numeric_limits<uint32_t>::max()) {
        return InvalidArgumentError(where + "field 'text': keyword too long (id " + p.id + ")");
      }
      info.check_word = p.whole_word && !IsNoSpaceKeyword(norm);
      if (compile.lookalike_renderings && options.confusables && accents.empty()) {
        for (std::string& r : LookAlikeRenderings(norm, kw_normalizer)) {
          renderings.push_back(Extra{static_cast<uint32_t>(i), std::move(r), false});
        }
      }
      if (options.word_gaps && accents.empty()) {
        std::string joined = JoinedWords(norm);
        if (!joined.empty()) {
          renderings.push_back(Extra{static_cast<uint32_t>(i), std::move(joined), true});
        }
      }
      add_literal(i, i, norm, p.inflect, std::move(accents));
    }
  }
  // The renderings and joined forms: same whole-word check, no endings, no
  // accents.
  const size_t entries = n + renderings.size();
  // Engine ids go up to 2 x entries + groups (AnchorGroups).
  if (entries > std::numeric_limits<uint32_t>::max() / 3) {
    return InvalidArgumentError("too many patterns with look-alike renderings: " +
                                std::to_string(entries));
  }
  impl->info.resize(entries);
  impl->norms.resize(entries);
  impl->rendering_storage.reserve(renderings.size());  // never grows past this
  for (auto& [owner, text, in_run] : renderings) {
    const size_t e = n + impl->owner.size();
    impl->owner.push_back(owner);
    impl->rendering_storage.push_back(std::move(text));
    impl->info[e].check_word = impl->info[owner].check_word;
    impl->info[e].in_run = in_run;
    add_literal(e, owner, impl->rendering_storage.back(), false, {});
  }
  for (size_t x = 0; x < ids.size(); ++x) {
    if (at_end[x]) ids[x] += static_cast<unsigned>(entries);
  }
  GroupAnchors(impl->info, &expressions, &flags, &ids, &pattern_of, &impl->groups);
  impl->PointShapes();
  IndexGroups(impl->info, impl->shapes, &impl->groups);
  impl->normalizer.emplace(DocumentNormalizer(impl->norms, doc_options));
  impl->MakeSpacedNormalizer();

  if (n > 0) {
    const size_t m = expressions.size();
    std::vector<const char*> exprs(m);
    for (size_t i = 0; i < m; ++i) exprs[i] = expressions[i].c_str();
    hs_database_t* db = nullptr;
    hs_compile_error_t* error = nullptr;
    hs_error_t err =
        hs_compile_multi(exprs.data(), flags.data(), ids.data(), static_cast<unsigned>(m),
                         HS_MODE_BLOCK, nullptr, &db, &error);
    if (err != HS_SUCCESS) {
      std::string message = error && error->message ? error->message : "unknown error";
      int index = error ? error->expression : -1;
      hs_free_compile_error(error);
      if (index < 0 || static_cast<size_t>(index) >= m) {
        return InternalError("hs_compile_multi failed (" + EngineVersion() + "): " + message);
      }
      const Pattern& p = impl->patterns[pattern_of[index]];
      const std::string where = p.origin.empty() ? std::string() : p.origin + ": ";
      if (p.regex) {
        // Tell SOM limits apart from syntax errors: retry alone without SOM.
        hs_database_t* alone = nullptr;
        hs_compile_error_t* alone_error = nullptr;
        if (hs_compile(exprs[index], flags[index] & ~HS_FLAG_SOM_LEFTMOST, HS_MODE_BLOCK, nullptr,
                       &alone, &alone_error) == HS_SUCCESS) {
          message +=
              " (it compiles without start-of-match tracking, which the matcher needs;"
              " simplify the regex)";
        }
        hs_free_database(alone);
        hs_free_compile_error(alone_error);
        return InvalidArgumentError(where + "field 'text': regex '" + Shown(p.text) + "' (id " +
                                    p.id + ") does not compile: " + message);
      }
      return InvalidArgumentError(where + "field 'text': keyword '" + Shown(p.text) + "' (id " +
                                  p.id + ") does not compile: " + message);
    }
    impl->db.reset(db);
  }
  SAFEGATE_RETURN_IF_ERROR(impl->MakePrototype());
  return std::shared_ptr<const Matcher>(new Matcher(std::move(impl)));
}

namespace {

struct ScanContext {
  const std::vector<PatternInfo>* info;
  const AnchorGroups* groups;
  const std::vector<Shape>* shapes;
  const std::vector<std::vector<AccentLetter>>* accents;
  const text::NormalizedText* normalized;
  std::string_view document;
  std::vector<uint32_t>* slot;
  std::vector<Hit>* found;
  std::vector<size_t>* starts;
  std::u32string* marks;
  std::vector<Verified>* verified;
};

void Keep(unsigned int id, const PatternInfo& info, uint64_t begin, uint64_t end, ScanContext* ctx);

// A report for the expression of engine id `id` (below 2 x entries).
// `verified` (OnGroup()): receives what the Shape check found, when it ran.
void OnEntry(unsigned int id, unsigned long long from, unsigned long long to, ScanContext* ctx,
             Verified* verified = nullptr) {
  // Ids from the entry count up: a Shape's expression at the text's end
  // (ShapeExpressions()), reported for entry id - count.
  const bool at_text_end = id >= ctx->info->size();
  if (at_text_end) id -= static_cast<unsigned int>(ctx->info->size());
  if (id >= ctx->info->size()) return;  // cannot happen with our database
  const PatternInfo& info = (*ctx->info)[id];
  uint64_t begin = info.norm_len > 0 ? to - info.norm_len : from;
  uint64_t end = to;
  if (info.shape != 0) {
    // Where the anchor word ends: the expression's last byte starts the gap
    // after it (PatternInfo::trail), except for the variant at the text's
    // end (ShapeExpressions()).
    const size_t anchor_end = to - (!at_text_end && info.trail ? 1 : 0);
    // A match around this anchor ends at or after `anchor_end`: nothing to
    // do once an occurrence that ends earlier was found.
    const uint32_t found_slot = (*ctx->slot)[id];
    if (found_slot != kNoSlot && (*ctx->found)[found_slot].end < anchor_end) return;
    // Verify also applies the whole-word check (it decides which start).
    const bool found =
        ShapeMayMatch(info, *ctx->normalized, anchor_end) &&
        Verify((*ctx->shapes)[info.shape - 1], *ctx->normalized, anchor_end, info.check_word,
               &begin, &end, info.accents != 0 ? ctx->starts : nullptr);
    if (verified != nullptr) *verified = {found ? Verified::kFound : Verified::kNone, begin, end};
    if (!found) return;
  }
  Keep(id, info, begin, end, ctx);
}

// An occurrence [begin, end) of entry `id` that passed the Shape check (or
// a literal's report): the joined-run, whole-word and accent checks, then
// kept when it is the entry's earliest.
void Keep(unsigned int id, const PatternInfo& info, uint64_t begin, uint64_t end,
          ScanContext* ctx) {
  if (info.in_run && !ctx->normalized->InJoinedRun(begin, end)) return;
  uint32_t& slot = (*ctx->slot)[id];
  if (slot != kNoSlot) {
    // Keep the earliest occurrence; Hyperscan reports in end order, so later
    // reports rarely win.
    const Hit& h = (*ctx->found)[slot];
    if (end > h.end || (end == h.end && begin >= h.begin)) return;
  }
  if (info.check_word && info.shape == 0 && !WordBoundaries(*ctx->normalized, begin, end)) {
    return;
  }
  if (info.accents != 0) {
    const size_t literal_start = begin;
    const size_t* starts = info.shape != 0 ? ctx->starts->data() : &literal_start;
    if (!AccentsMatch((*ctx->accents)[info.accents - 1], *ctx->normalized, ctx->document, starts,
                      ctx->marks)) {
      return;
    }
  }
  if (slot == kNoSlot) {
    slot = static_cast<uint32_t>(ctx->found->size());
    ctx->found->push_back(Hit{id, begin, end});
  } else {
    (*ctx->found)[slot].begin = begin;
    (*ctx->found)[slot].end = end;
  }
}

// The key byte of the word next to an anchor on one side (NeighbourKey()):
// walking from `p` over ASCII gap bytes (forward, or backward with `before`),
// the ASCII letter or digit met there, lower-case; kUndecided at a non-ASCII
// byte or the text's edge, where ShapeMayMatch() decides nothing.
constexpr uint32_t kUndecided = 0x200;
uint32_t NeighbourByte(std::string_view text, size_t p, bool before) {
  if (before) {
    while (p > 0 && IsAsciiGapByte(static_cast<unsigned char>(text[p - 1]))) --p;
    if (p == 0 || !IsAsciiAlnum(static_cast<unsigned char>(text[p - 1]))) return kUndecided;
    return static_cast<uint8_t>(AsciiLower(text[p - 1]));
  }
  while (p < text.size() && IsAsciiGapByte(static_cast<unsigned char>(text[p]))) ++p;
  if (p == text.size() || !IsAsciiAlnum(static_cast<unsigned char>(text[p]))) return kUndecided;
  return static_cast<uint8_t>(AsciiLower(text[p]));
}

// The words around an anchor [begin, end) of the text, as Verify() meets
// them: on each side, the word next to it (`len`: a run of ASCII letters and
// digits after ASCII gap bytes, ended by an ASCII byte or the text's edge;
// at most 0x100, which no member's word length equals) and the key byte of
// the word after (before) that one (NeighbourByte() from its end);
// kUndecided where a non-ASCII byte or the text's edge comes first.
struct Around {
  uint32_t prev = kUndecided, prev_len = kUndecided, prev2 = kUndecided;
  uint32_t next = kUndecided, next_len = kUndecided, next2 = kUndecided;
};
Around WordsAround(std::string_view text, size_t begin, size_t end) {
  const auto alnum = [&text](size_t i) {
    return IsAsciiAlnum(static_cast<unsigned char>(text[i]));
  };
  const auto ascii = [&text](size_t i) { return static_cast<unsigned char>(text[i]) < 0x80; };
  Around a;
  size_t p = end;
  while (p < text.size() && IsAsciiGapByte(static_cast<unsigned char>(text[p]))) ++p;
  if (p < text.size() && alnum(p)) {
    a.next = static_cast<uint8_t>(AsciiLower(text[p]));
    size_t q = p;
    while (q < text.size() && alnum(q)) ++q;
    if (q == text.size() || ascii(q)) {
      a.next_len = static_cast<uint32_t>(std::min<size_t>(q - p, 0x100));
      a.next2 = NeighbourByte(text, q, false);
    }
  }
  p = begin;
  while (p > 0 && IsAsciiGapByte(static_cast<unsigned char>(text[p - 1]))) --p;
  if (p > 0 && alnum(p - 1)) {
    a.prev = static_cast<uint8_t>(AsciiLower(text[p - 1]));
    size_t q = p;
    while (q > 0 && alnum(q - 1)) --q;
    if (q == 0 || ascii(q - 1)) {
      a.prev_len = static_cast<uint32_t>(std::min<size_t>(p - q, 0x100));
      a.prev2 = NeighbourByte(text, q, true);
    }
  }
  return a;
}

// False when the words around the anchor (WordsAround()) rule out a member
// with WordsKey() `key`, as Verify() would: after the gap it reaches the next
// word (ASCII letters and digits) and requires the member's word there; a
// shorter member word leaves a letter or digit where the next gap must start,
// a longer one meets the ASCII gap byte or the edge that ends the text's
// word; with equal lengths it walks the same ASCII gap bytes to the word
// after, whose first byte must be the member's (StartsWithAt). The same
// backwards, with last bytes (EndsWithAt).
bool WordsMayMatch(uint32_t key, const Around& a) {
  if (key == 0) return true;
  const uint32_t next_len = key >> 8 & 0xFF, prev_len = key >> 24;
  if (next_len != 0 && a.next_len != kUndecided &&
      (a.next_len != next_len || (a.next2 != kUndecided && a.next2 != (key & 0xFF))))
    return false;
  if (prev_len != 0 && a.prev_len != kUndecided &&
      (a.prev_len != prev_len || (a.prev2 != kUndecided && a.prev2 != (key >> 16 & 0xFF))))
    return false;
  return true;
}

// A report for anchor group `g` (AnchorGroups): each member whose
// NeighbourKey() agrees with the text's neighbouring bytes and whose
// WordsKey() the words around allow goes through OnEntry(); the others
// ShapeMayMatch() or Verify() would reject: ShapeMayMatch() compares the same
// byte first (the last of prev_tail, the first of next_head) after the same
// walk, and WordsMayMatch() says why Verify() fails.
void OnGroup(size_t g, unsigned long long from, unsigned long long to, ScanContext* ctx) {
  const AnchorGroups& groups = *ctx->groups;
  if (g + 1 >= groups.start.size()) return;  // cannot happen with our database
  const uint32_t first = groups.start[g], last = groups.start[g + 1];
  // Shared by the members: where the anchor word ends and its length.
  const size_t entries = ctx->info->size();
  const uint32_t id = groups.members[first];
  const bool at_text_end = id >= entries;
  const PatternInfo& info = (*ctx->info)[EntryOf(id, entries)];
  const size_t anchor_end = to - (!at_text_end && info.trail ? 1 : 0);
  const std::string_view text = ctx->normalized->text();
  const size_t anchor_begin = anchor_end >= info.anchor_len ? anchor_end - info.anchor_len : 0;
  const Around around = WordsAround(text, anchor_begin, anchor_end);
  const uint32_t prev = around.prev, next = around.next;
  std::vector<Verified>& verified = *ctx->verified;
  if (verified.size() < last - first) verified.resize(last - first);
  // The members whose next-word key byte is the text's (or any): two runs
  // of the bucket order (IndexGroups()); all of them when it is undecided.
  const uint32_t* bucket = &groups.next_start[g * (kNextBuckets + 1)];
  uint32_t runs[2][2] = {{first, last}, {last, last}};
  if (next != kUndecided) {
    const uint32_t b = NextBucket(next);
    runs[0][0] = bucket[b], runs[0][1] = bucket[b + 1];
    runs[1][0] = bucket[kNextAny], runs[1][1] = bucket[kNextAny + 1];
  }
  for (const auto& run : runs)
    for (uint32_t k = run[0]; k < run[1]; ++k) {
      const uint32_t key = groups.keys[k];
      const uint32_t p = key >> 16, n = key & 0xFFFF;
      Verified& v = verified[k - first];
      v.state = Verified::kUnknown;
      if ((p != kAnyNeighbour && prev != kUndecided && p != prev) ||
          (n != kAnyNeighbour && next != kUndecided && n != next) ||
          !WordsMayMatch(groups.words[k], around)) {
        continue;
      }
      const uint32_t twin = groups.twin[k];
      const Verified& t = verified[twin - first];
      if (twin != k && t.state != Verified::kUnknown) {
        // Its first twin was checked at this report: the same answer. Keep()
        // then decides as OnEntry() would (its early exit only skips
        // occurrences that Keep() would not keep).
        v = t;
        if (t.state == Verified::kFound) {
          const size_t entry = EntryOf(groups.members[k], entries);
          Keep(static_cast<unsigned>(entry), (*ctx->info)[entry], t.begin, t.end, ctx);
        }
        continue;
      }
      OnEntry(groups.members[k], from, to, ctx, &v);
    }
}

int OnMatch(unsigned int id, unsigned long long from, unsigned long long to, unsigned int,
            void* ctx_ptr) {
  auto* ctx = static_cast<ScanContext*>(ctx_ptr);
  const size_t entries = ctx->info->size();
  if (id >= 2 * entries) {
    OnGroup(id - 2 * entries, from, to, ctx);
  } else {
    OnEntry(id, from, to, ctx);
  }
  return 0;
}

}  // namespace

size_t Matcher::anchor_group_count() const {
  return impl_->groups.start.empty() ? 0 : impl_->groups.start.size() - 1;
}

Status Matcher::Scan(std::string_view document, Scratch* scratch, std::vector<Hit>* hits) const {
  hits->clear();
  if (scratch == nullptr || scratch->impl_->owner != impl_.get()) {
    return FailedPreconditionError("Matcher::Scan: scratch was made for another matcher");
  }
  Scratch::Impl& s = *scratch->impl_;
  SAFEGATE_RETURN_IF_ERROR(s.status);
  if (!impl_->db || document.empty()) return OkStatus();
  if (document.size() > std::numeric_limits<unsigned int>::max()) {
    return InvalidArgumentError("Matcher::Scan: document larger than 4 GiB");
  }
  impl_->normalizer->Normalize(document, &s.normalized);
  SAFEGATE_RETURN_IF_ERROR(ScanForm(s.normalized, document, scratch, hits));
  if (impl_->spaced_normalizer && s.normalized.has_spaced_letters()) {
    // The second form, with spaced letters joined: of a keyword's
    // occurrences in both forms, the one that ends first in the document,
    // then starts first.
    impl_->spaced_normalizer->Normalize(document, &s.spaced);
    SAFEGATE_RETURN_IF_ERROR(ScanForm(s.spaced, document, scratch, hits));
    std::sort(hits->begin(), hits->end(), [](const Hit& a, const Hit& b) {
      return std::tie(a.pattern, a.end, a.begin) < std::tie(b.pattern, b.end, b.begin);
    });
    hits->erase(std::unique(hits->begin(), hits->end(),
                            [](const Hit& a, const Hit& b) { return a.pattern == b.pattern; }),
                hits->end());
  }
  std::sort(hits->begin(), hits->end(), [](const Hit& a, const Hit& b) {
    return a.begin != b.begin ? a.begin < b.begin : a.pattern < b.pattern;
  });
  return OkStatus();
}

Status Matcher::ScanForm(const text::NormalizedText& normalized, std::string_view document,
                         Scratch* scratch, std::vector<Hit>* hits) const {
  Scratch::Impl& s = *scratch->impl_;
  std::string_view text = normalized.text();
  if (text.size() > std::numeric_limits<unsigned int>::max()) {
    return InvalidArgumentError("Matcher::Scan: normalised document larger than 4 GiB");
  }
  s.found.clear();
  ScanContext ctx{&impl_->info, &impl_->groups, &impl_->shapes, &impl_->accents,
                  &normalized,  document,       &s.slot,        &s.found,
                  &s.starts,    &s.marks,       &s.verified};
  hs_error_t err = hs_scan(impl_->db.get(), text.data(), static_cast<unsigned int>(text.size()), 0,
                           s.hs.get(), OnMatch, &ctx);
  for (const Hit& h : s.found) s.slot[h.pattern] = kNoSlot;
  if (err != HS_SUCCESS && err != HS_SCAN_TERMINATED) {
    s.found.clear();
    hits->clear();
    return InternalError("hs_scan failed with code " + std::to_string(err));
  }
  const size_t count = impl_->count;
  if (!impl_->owner.empty()) {
    // Renderings and joined forms report their keyword; of a keyword's
    // occurrences, the one that ends first, then starts first (all in
    // normalised offsets).
    bool any = false;
    for (Hit& h : s.found) {
      if (h.pattern >= count) {
        h.pattern = impl_->owner[h.pattern - count];
        any = true;
      }
    }
    if (any) {
      std::sort(s.found.begin(), s.found.end(), [](const Hit& a, const Hit& b) {
        return std::tie(a.pattern, a.end, a.begin) < std::tie(b.pattern, b.end, b.begin);
      });
      s.found.erase(std::unique(s.found.begin(), s.found.end(),
                                [](const Hit& a, const Hit& b) { return a.pattern == b.pattern; }),
                    s.found.end());
    }
  }
  hits->reserve(hits->size() + s.found.size());
  const bool identity = normalized.identity();
  for (const Hit& h : s.found) {
    Hit out = h;
    if (!identity && h.begin < h.end) {
      text::Span span = normalized.ToOriginal(h.begin, h.end);
      out.begin = span.begin;
      out.end = span.end;
    }
    hits->push_back(out);
  }
  return OkStatus();
}

Status Matcher::Save(const std::string& path) const {
  std::string payload;
  PutStr(&payload, hs_version());
  PutOptions(&payload, impl_->options);
  PutU32(&payload, static_cast<uint32_t>(impl_->count));
  for (size_t i = 0; i < impl_->count; ++i) {
    const PatternView p = impl_->View(i);
    const PatternInfo& info = impl_->info[i];
    PutStr(&payload, p.id);
    PutStr(&payload, p.category);
    PutStr(&payload, p.language);
    PutStr(&payload, p.text);
    PutStr(&payload, p.origin);
    uint8_t f = (p.regex ? kFlagRegex : 0) | (p.whole_word ? kFlagWholeWord : 0) |
                (info.check_word ? kFlagCheckWord : 0) | (info.single_match ? kFlagSingle : 0) |
                (p.inflect ? kFlagInflect : 0);
    PutU8(&payload, f);
    PutU32(&payload, info.norm_len);
    if (!p.regex) {
      payload.append(impl_->norms[i]);  // norm_len bytes
      if (info.accents == 0) {
        PutU32(&payload, 0);
      } else {
        const std::vector<AccentSpec>& specs = impl_->accent_specs[info.accents - 1];
        PutU32(&payload, static_cast<uint32_t>(specs.size()));
        for (const AccentSpec& a : specs) {
          PutU32(&payload, a.norm_offset);
          PutU32(&payload, a.len);
          std::string marks;
          for (char32_t c : a.marks) text::AppendUtf8(c, &marks);
          PutStr(&payload, marks);
        }
      }
    }
  }
  PutU32(&payload, static_cast<uint32_t>(impl_->owner.size()));
  for (size_t k = 0; k < impl_->owner.size(); ++k) {
    PutU32(&payload, impl_->owner[k]);
    PutStr(&payload, impl_->norms[impl_->count + k]);
    PutU8(&payload, impl_->info[impl_->count + k].in_run ? 1 : 0);
  }
  // Anchor groups: their count, then each one's member count and members
  // (the keys are recomputed on loading).
  const AnchorGroups& groups = impl_->groups;
  const size_t n_groups = groups.start.empty() ? 0 : groups.start.size() - 1;
  PutU32(&payload, static_cast<uint32_t>(n_groups));
  for (size_t g = 0; g < n_groups; ++g) {
    PutU32(&payload, groups.start[g + 1] - groups.start[g]);
    for (uint32_t k = groups.start[g]; k < groups.start[g + 1]; ++k) {
      PutU32(&payload, groups.members[k]);
    }
  }
  if (impl_->db) {
    char* bytes = nullptr;
    size_t length = 0;
    hs_error_t err = hs_serialize_database(impl_->db.get(), &bytes, &length);
    if (err != HS_SUCCESS) {
      return InternalError("hs_serialize_database failed with code " + std::to_string(err));
    }
    PutU64(&payload, length);
    payload.append(bytes, length);
    std::free(bytes);
  } else {
    PutU64(&payload, 0);
  }
  std::string file(kMagic, sizeof kMagic);
  PutU32(&file, kFormatVersion);
  PutU64(&file, payload.size());
  PutU64(&file, WordChecksum64(payload));
  file += payload;
  return WriteFileAtomic(path, file);
}

namespace {}  // namespace

Result<std::shared_ptr<const Matcher>> Matcher::Load(const std::string& path) {
  SAFEGATE_RETURN_IF_ERROR(EngineSelfTestOnce());
  // The pattern records are copied in one piece and read in place (no
  // allocation per pattern); Pattern objects are made only when patterns()
  // is called.
  auto impl = std::make_unique<Impl>(std::vector<Pattern>(), text::NormalizeOptions());
  impl->loaded = true;
  MappedFile mapped;
  SAFEGATE_RETURN_IF_ERROR(mapped.Open(path));
  const std::string_view file = mapped.view();
  auto corrupt = [&path](std::string_view what) {
    return DataLossError(path + ": corrupt saved matcher: " + std::string(what));
  };
  Reader header(file);
  std::string_view magic;
  if (!header.Bytes(sizeof kMagic, &magic) || std::memcmp(magic.data(), kMagic, sizeof kMagic)) {
    return InvalidArgumentError(path + ": not a saved matcher (bad magic)");
  }
  uint32_t version = 0;
  uint64_t payload_size = 0, checksum = 0;
  if (!header.U32(&version)) return corrupt("truncated header");
  if (version != kFormatVersion) {
    return InvalidArgumentError(path + ": saved matcher format version " + std::to_string(version) +
                                ", this build reads version " + std::to_string(kFormatVersion));
  }
  if (!header.U64(&payload_size) || !header.U64(&checksum)) return corrupt("truncated header");
  if (payload_size != header.remaining()) {
    return corrupt("payload is " + std::to_string(header.remaining()) + " bytes, header says " +
                   std::to_string(payload_size));
  }
  std::string_view payload;
  if (!header.Bytes(payload_size, &payload)) return corrupt("truncated payload");
  if (WordChecksum64(payload) != checksum) return corrupt("checksum mismatch");

  Reader r(payload);
  std::string engine;
  if (!r.Str(&engine)) return corrupt("truncated engine version");
  if (engine != hs_version()) {
    return InvalidArgumentError(path + ": saved by engine '" + engine + "', this build has '" +
                                hs_version() + "'; recompile the matcher");
  }
  text::NormalizeOptions& options = impl->options;
  if (!GetOptions(&r, &options)) return corrupt("bad normalisation options");
  uint32_t n = 0;
  if (!r.U32(&n)) return corrupt("truncated pattern count");
  // Each pattern takes at least 25 bytes: reject absurd counts before allocating.
  if (n > r.remaining() / 25) return corrupt("pattern count too large");
  impl->count = n;
  impl->records.resize(n);
  std::vector<PatternInfo>& info = impl->info;
  info.resize(n);
  std::vector<std::string_view>& norms = impl->norms;
  norms.resize(n);
  std::vector<uint8_t> inflect(n);
  // Keywords with accents are rare: only theirs are kept.
  std::vector<std::pair<uint32_t, std::vector<AccentSpec>>> accent_specs;
  for (uint32_t i = 0; i < n; ++i) {
    PatternView p;
    uint8_t f = 0;
    impl->records[i] = payload.size() - r.remaining();  // rebased below
    if (!ReadPatternRecord(&r, &p, &f, &info[i].norm_len)) {
      return corrupt("truncated pattern " + std::to_string(i));
    }
    p.regex = f & kFlagRegex;
    info[i].check_word = f & kFlagCheckWord;
    info[i].single_match = f & kFlagSingle;
    inflect[i] = (f & kFlagInflect) != 0;
    if ((f & ~(kFlagRegex | kFlagWholeWord | kFlagCheckWord | kFlagSingle | kFlagInflect)) != 0 ||
        (p.regex && info[i].norm_len != 0) || (!p.regex && info[i].norm_len == 0)) {
      return corrupt("bad flags in pattern " + std::to_string(i));
    }
    if (p.regex) continue;
    std::string_view norm;
    uint32_t n_accents = 0;
    if (!r.Bytes(info[i].norm_len, &norm) || !r.U32(&n_accents)) {
      return corrupt("truncated pattern " + std::to_string(i));
    }
    norms[i] = norm;
    if (n_accents == 0) continue;
    // Each accented letter takes at least 13 bytes.
    if (n_accents > r.remaining() / 13 || n_accents > info[i].norm_len) {
      return corrupt("bad accents in pattern " + std::to_string(i));
    }
    std::vector<AccentSpec> specs(n_accents);
    for (AccentSpec& a : specs) {
      std::string marks;
      if (!r.U32(&a.norm_offset) || !r.U32(&a.len) || !r.Str(&marks)) {
        return corrupt("truncated pattern " + std::to_string(i));
      }
      for (size_t pos = 0; pos < marks.size();) {
        size_t len = 0;
        bool invalid = false;
        const char32_t c = text::DecodeAt(marks, pos, &len, &invalid);
        if (invalid) return corrupt("bad accents in pattern " + std::to_string(i));
        a.marks.push_back(c);
        pos += len;
      }
      if (a.len == 0 || a.marks.empty() || a.norm_offset > info[i].norm_len ||
          a.len > info[i].norm_len - a.norm_offset) {
        return corrupt("bad accents in pattern " + std::to_string(i));
      }
    }
    if (info[i].single_match) return corrupt("bad flags in pattern " + std::to_string(i));
    accent_specs.emplace_back(i, std::move(specs));
  }
  uint32_t n_renderings = 0;
  if (!r.U32(&n_renderings) || n_renderings > r.remaining() / 9) {
    return corrupt("truncated look-alike renderings");
  }
  const size_t entries = size_t{n} + n_renderings;
  if (entries > std::numeric_limits<uint32_t>::max() / 3) return corrupt("too many renderings");
  info.resize(entries);
  norms.resize(entries);
  impl->owner.resize(n_renderings);
  for (uint32_t k = 0; k < n_renderings; ++k) {
    uint32_t owner = 0, len = 0;
    uint8_t kind = 0;
    std::string_view norm;
    if (!r.U32(&owner) || !r.U32(&len) || !r.Bytes(len, &norm) || !r.U8(&kind)) {
      return corrupt("truncated look-alike renderings");
    }
    const bool owner_has_accents = std::binary_search(
        accent_specs.begin(), accent_specs.end(), owner, [](const auto& a, const auto& b) {
          if constexpr (std::is_same_v<std::decay_t<decltype(a)>, uint32_t>) {
            return a < b.first;
          } else {
            return a.first < b;
          }
        });
    if (owner >= n || norms[owner].empty() || norm.empty() || owner_has_accents || kind > 1) {
      return corrupt("bad look-alike rendering " + std::to_string(k));
    }
    impl->owner[k] = owner;
    norms[n + k] = norm;
    PatternInfo& e = info[n + k];
    e.norm_len = len;
    e.check_word = info[owner].check_word;
    e.in_run = kind == 1;
  }
  const size_t records_end = payload.size() - r.remaining();
  // Anchor groups: checked once the shapes are known (below).
  AnchorGroups& groups = impl->groups;
  uint32_t n_groups = 0;
  if (!r.U32(&n_groups) || n_groups > r.remaining() / 12) return corrupt("truncated anchor groups");
  if (n_groups > 0) groups.start.push_back(0);
  for (uint32_t g = 0; g < n_groups; ++g) {
    uint32_t size = 0;
    if (!r.U32(&size) || size < 2 || size > r.remaining() / 4) {
      return corrupt("bad anchor group " + std::to_string(g));
    }
    for (uint32_t k = 0; k < size; ++k) {
      uint32_t id = 0;
      r.U32(&id);  // within remaining(), checked above
      if (id >= 2 * entries) return corrupt("bad anchor group " + std::to_string(g));
      groups.members.push_back(id);
    }
    groups.start.push_back(static_cast<uint32_t>(groups.members.size()));
  }
  uint64_t db_size = 0;
  std::string_view db_bytes;
  if (!r.U64(&db_size) || db_size != r.remaining() || !r.Bytes(db_size, &db_bytes)) {
    return corrupt("truncated database");
  }
  if ((n == 0) != (db_size == 0)) return corrupt("database does not match the pattern count");
  // Keep the pattern records, from the first one to the anchor groups.
  const size_t records_begin = n > 0 ? impl->records[0] : 0;
  impl->records_blob.assign(payload.substr(records_begin, records_end - records_begin));
  for (uint64_t& at : impl->records) at -= records_begin;
  const char* const blob = impl->records_blob.data();
  for (std::string_view& norm : norms) {
    if (!norm.empty())
      norm = std::string_view(blob + (norm.data() - payload.data() - records_begin), norm.size());
  }

  // Shapes and the document normaliser's alphabet are not saved: they are
  // recomputed from the saved normalised texts exactly as Compile() does
  // (views into the mapped file; no allocation per shape).
  std::vector<Shape>& shapes = impl->shapes;
  shapes.reserve(entries);
  impl->shape_words.reserve(n + n / 2);
  std::vector<uint32_t> starts;
  size_t next_accents = 0;
  for (size_t i = 0; i < entries; ++i) {
    if (norms[i].empty()) continue;  // regex
    const bool has_accents =
        next_accents < accent_specs.size() && accent_specs[next_accents].first == i;
    const bool inflected = i < n && inflect[i];  // renderings have no endings
    Shape shape;
    const bool is_shape = MakeShape(norms[i], options.word_gaps, inflected && info[i].check_word,
                                    &shape, &impl->shape_words, has_accents ? &starts : nullptr);
    if (i >= n) info[i].single_match = !is_shape && !info[i].check_word && !info[i].in_run;
    if (has_accents) {
      impl->AddAccents(std::move(accent_specs[next_accents++].second), is_shape ? &shape : nullptr,
                       starts, &info[i]);
    }
    if (is_shape) {
      if (info[i].single_match) return corrupt("bad flags in pattern " + std::to_string(i));
      SetShapeFacts(shape, EdgeChecks(shape, info[i], options), &info[i]);
      shapes.push_back(shape);
      info[i].shape = static_cast<uint32_t>(shapes.size());
    }
  }
  impl->PointShapes();
  // OnGroup() reads where the anchor ends and its neighbours once, from the
  // first member: every member must have words and the same anchor as it
  // (the word, where it ends relative to the report, the same kind of id),
  // and be listed once, as GroupAnchors() makes them.
  for (size_t g = 0; g + 1 < groups.start.size(); ++g) {
    const uint32_t first = groups.start[g], last = groups.start[g + 1];
    const uint32_t lead_id = groups.members[first];
    const PatternInfo& lead = info[EntryOf(lead_id, entries)];
    const std::string bad = "bad anchor group " + std::to_string(g) + ": ";
    for (uint32_t k = first; k < last; ++k) {
      const uint32_t id = groups.members[k];
      const PatternInfo& member = info[EntryOf(id, entries)];
      if (member.shape == 0) return corrupt("anchor group member without words");
      if (lead.shape == 0) return corrupt("anchor group member without words");
      const Shape& a = shapes[lead.shape - 1];
      const Shape& b = shapes[member.shape - 1];
      if ((id >= entries) != (lead_id >= entries) || member.anchor_len != lead.anchor_len ||
          member.trail != lead.trail || a.words[a.anchor] != b.words[b.anchor]) {
        return corrupt(bad + "member " + std::to_string(id) + " has another anchor than member " +
                       std::to_string(lead_id));
      }
    }
    std::vector<uint32_t> ids(groups.members.begin() + first, groups.members.begin() + last);
    std::sort(ids.begin(), ids.end());
    if (auto twice = std::adjacent_find(ids.begin(), ids.end()); twice != ids.end()) {
      return corrupt(bad + "member " + std::to_string(*twice) + " is listed twice");
    }
  }
  IndexGroups(info, shapes, &groups);
  impl->normalizer.emplace(DocumentNormalizer(norms, options));
  impl->MakeSpacedNormalizer();
  if (db_size > 0) {
    // Deserialised into a populated anonymous mapping: one system call
    // instead of a page fault per 4 KiB of a database that is written whole.
    size_t size = 0;
    hs_error_t err = hs_serialized_database_size(db_bytes.data(), db_bytes.size(), &size);
    if (err != HS_SUCCESS || size == 0) {
      return DataLossError(path + ": cannot load the engine database (hs error " +
                           std::to_string(err) + ")");
    }
    void* at = mmap(nullptr, size, PROT_READ | PROT_WRITE,
                    MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);
    if (at == MAP_FAILED) {
      return Status(
          StatusCode::kResourceExhausted,
          path + ": cannot allocate " + std::to_string(size) + " bytes for the engine database");
    }
    HsDatabasePtr db(static_cast<hs_database_t*>(at), HsDatabaseDeleter{size});
    err = hs_deserialize_database_at(db_bytes.data(), db_bytes.size(), db.get());
    if (err != HS_SUCCESS) {
      return DataLossError(path + ": cannot load the engine database (hs error " +
                           std::to_string(err) + ")");
    }
    impl->db = std::move(db);
  }
  SAFEGATE_RETURN_IF_ERROR(impl->MakePrototype());
  return std::shared_ptr<const Matcher>(new Matcher(std::move(impl)));
}

bool IsGapChar(char32_t cp) {
  return cp == '_' || !text::IsWordChar(cp);
}

namespace {

// The capital look-alike in Cyrillic (script 0: step 8b's table,
// text::CyrillicLookalike) or Greek (script 1) of an ASCII letter (either
// case), or 0 (matcher.h: look-alike renderings).
char32_t CapitalLookAlike(char32_t c, int script) {
  if (c >= 'a' && c <= 'z') c -= 32;
  if (script == 0) return text::CyrillicLookalike(c);
  // Greek capitals; the normaliser maps Greek to Latin by skeleton only.
  static constexpr std::u32string_view kLatin = U"ABEHKMOPTXYZIN";
  static constexpr std::u32string_view kGreek = U"ΑΒΕΗΚΜΟΡΤΧΥΖΙΝ";
  const size_t at = kLatin.find(c);
  return at == std::u32string_view::npos ? 0 : kGreek[at];
}

// The ASCII capital look-alike of a Cyrillic letter (either case), or 0: the
// capital that step 8b's table maps to it.
char32_t AsciiLookAlike(char32_t c) {
  if (c >= 0x430 && c <= 0x44F) c -= 0x20;  // а-я -> А-Я
  if (c < 0x410 || c > 0x42F) return 0;
  for (char32_t a = 'A'; a <= 'Z'; ++a) {
    if (text::CyrillicLookalike(a) == c) return a;
  }
  return 0;
}

// Most look-alike combinations of one keyword (matcher.h): beyond, only the
// renderings with every such word in the same script.
constexpr size_t kMaxCombinations = 16;

// Shorter words are not rendered: "to", "a", "ok" written in Cyrillic or
// Greek are ordinary words there, and in the 10,000-keyword bench bank they
// doubled the renderings.
constexpr size_t kMinRenderedLetters = 3;

}  // namespace

std::vector<std::string> LookAlikeRenderings(std::string_view norm,
                                             const text::Normalizer& keyword_normalizer) {
  // The words (runs of non-gap code points) and the gaps between them; for
  // each word, its forms: as written, then its renderings.
  struct Piece {
    std::string gap_before;
    std::vector<std::string> forms;
  };
  std::vector<Piece> pieces;
  std::string trailing;
  bool in_word = false;
  for (size_t pos = 0; pos < norm.size();) {
    size_t len = 0;
    bool invalid = false;
    const char32_t cp = text::DecodeAt(norm, pos, &len, &invalid);
    if (len == 0) len = 1;
    const std::string_view bytes = norm.substr(pos, len);
    pos += len;
    if (invalid || IsGapChar(cp)) {
      trailing.append(bytes);
      in_word = false;
      continue;
    }
    if (!in_word) {
      pieces.push_back(Piece{std::move(trailing), {std::string()}});
      trailing.clear();
      in_word = true;
    }
    pieces.back().forms[0].append(bytes);
  }
  size_t combinations = 1;
  bool any = false;
  std::vector<std::string> uniform(3);  // every rendered word in script 0, 1, 2
  std::vector<bool> uniform_ok(3, false);
  for (Piece& piece : pieces) {
    const std::string word = piece.forms[0];  // a copy: forms grows below
    std::string as[3];                        // Cyrillic, Greek, Latin renderings
    bool ok[3] = {true, true, true};
    size_t letters = 0;
    for (size_t pos = 0; pos < word.size();) {
      size_t len = 0;
      bool invalid = false;
      const char32_t cp = text::DecodeAt(word, pos, &len, &invalid);
      pos += len > 0 ? len : 1;
      const bool ascii_letter = (cp >= 'a' && cp <= 'z') || (cp >= 'A' && cp <= 'Z');
      for (int script = 0; script < 2; ++script) {
        const char32_t l = ascii_letter ? CapitalLookAlike(cp, script) : 0;
        ok[script] = ok[script] && l != 0;
        if (ok[script]) text::AppendUtf8(l, &as[script]);
      }
      const char32_t a = invalid ? 0 : AsciiLookAlike(cp);
      ok[2] = ok[2] && a != 0;
      if (ok[2]) text::AppendUtf8(a, &as[2]);
      ++letters;
    }
    if (letters < kMinRenderedLetters) ok[0] = ok[1] = ok[2] = false;
    for (int script = 0; script < 3; ++script) {
      if (ok[script]) piece.forms.push_back(as[script]);
      uniform[script] += piece.gap_before + (ok[script] ? as[script] : word);
      uniform_ok[script] = uniform_ok[script] || ok[script];
    }
    any = any || piece.forms.size() > 1;
    combinations *= piece.forms.size();
  }
  if (!any) return {};
  std::vector<std::string> rendered;
  if (combinations <= kMaxCombinations) {
    // Every combination of forms but the one as written (index 0).
    for (size_t c = 1; c < combinations; ++c) {
      std::string s;
      size_t rest = c;
      for (const Piece& piece : pieces) {
        s += piece.gap_before + piece.forms[rest % piece.forms.size()];
        rest /= piece.forms.size();
      }
      rendered.push_back(s + trailing);
    }
  } else {
    for (int script = 0; script < 3; ++script) {
      if (uniform_ok[script]) rendered.push_back(uniform[script] + trailing);
    }
  }
  std::vector<std::string> out;
  text::NormalizedText nt;
  for (const std::string& s : rendered) {
    keyword_normalizer.Normalize(s, &nt);
    std::string r(nt.text());
    if (r.empty() || r == norm || std::find(out.begin(), out.end(), r) != out.end()) continue;
    out.push_back(std::move(r));
  }
  return out;
}

namespace {

bool IsCyrillicLower(char32_t c) {
  return (c >= 0x430 && c <= 0x44F) || c == 0x451;
}

std::vector<std::string> Split(std::string_view list) {
  std::vector<std::string> out;
  size_t b = 0;
  while (b <= list.size()) {
    size_t e = list.find(' ', b);
    if (e == std::string_view::npos) e = list.size();
    std::string w(list.substr(b, e - b));
    out.push_back(w == "-" ? std::string() : w);
    b = e + 1;
  }
  return out;
}

}  // namespace

namespace {

// The endings lists of Inflect(); "-" stands for the empty ending.
constexpr std::string_view kEndingLists[] = {
    "y y's y’s ies ies' ies’",            // English, consonant + y
    "- s 's ’s s' s’ es es' es’",         // English, after s x z ch sh
    "- s 's ’s s' s’",                    // English
    "- а у ом е ы и ов ам ами ах ой ою",  // Russian: а
    "я и е ю ей ею ь й ям ями ях",        // я
    "о - а у ом е ам ами ах",             // о
    "ь и ю ью ей я е ем ям ями ях",       // ь
    "й я ю ем е и ев ям ями ях",          // й
    "- а у ом е ы и ов ам ами ах",        // consonant
};

// Inflect()'s rules without allocating: the index of the endings list in
// kEndingLists, or -1 for no inflection; *stem_len: the stem's bytes (a
// prefix of `word`). With `fold_ascii`, ASCII letters count as lower case.
int InflectionOf(std::string_view word, bool fold_ascii, size_t* stem_len) {
  if (word.empty()) return -1;
  bool ascii = true, cyrillic = true;
  size_t cps = 0, last_start = 0;
  char32_t last = 0;
  for (size_t pos = 0; pos < word.size();) {
    size_t len = 0;
    bool invalid = false;
    char32_t c = text::DecodeAt(word, pos, &len, &invalid);
    if (invalid) return -1;
    if (fold_ascii && c >= 'A' && c <= 'Z') c += 32;
    ascii = ascii && c >= 'a' && c <= 'z';
    cyrillic = cyrillic && IsCyrillicLower(c);
    last = c;
    last_start = pos;
    ++cps;
    pos += len;
  }
  if (ascii) {
    const char lastc = AsciiLower(word.back());
    const char before = word.size() > 1 ? AsciiLower(word[word.size() - 2]) : 0;
    const bool vowel_before = std::string_view("aeiou").find(before) != std::string_view::npos;
    if (lastc == 'y' && !vowel_before) {
      if (word.size() - 1 < 3) return -1;
      *stem_len = word.size() - 1;
      return 0;
    }
    if (word.size() < 3) return -1;
    *stem_len = word.size();
    const bool sibilant = lastc == 's' || lastc == 'x' || lastc == 'z' ||
                          ((lastc == 'h') && (before == 'c' || before == 's'));
    return sibilant ? 1 : 2;
  }
  if (!cyrillic) return -1;
  int list = 0;
  size_t cut = 1;
  switch (last) {
    case U'а': list = 3; break;
    case U'я': list = 4; break;
    case U'о': list = 5; break;
    case U'ь': list = 6; break;
    case U'й': list = 7; break;
    default:
      if (std::u32string_view(U"аеёиоуыэюяьъ").find(last) != std::u32string_view::npos) {
        return -1;
      }
      list = 8;
      cut = 0;
  }
  if (cps - cut < 3) return -1;
  *stem_len = cut == 1 ? last_start : word.size();
  return list;
}

const std::vector<std::string>* InflectedStem(std::string_view word, size_t* stem_len) {
  static const std::vector<std::vector<std::string>>* lists = [] {
    auto* l = new std::vector<std::vector<std::string>>;
    for (std::string_view list : kEndingLists) l->push_back(Split(list));
    return l;
  }();
  const int list = InflectionOf(word, /*fold_ascii=*/true, stem_len);
  return list < 0 ? nullptr : &(*lists)[list];
}

}  // namespace

bool Inflect(std::string_view word, std::string* stem, std::vector<std::string>* endings) {
  stem->clear();
  endings->clear();
  size_t stem_len = 0;
  const int list = InflectionOf(word, /*fold_ascii=*/false, &stem_len);
  if (list < 0) return false;
  stem->assign(word.substr(0, stem_len));
  *endings = Split(kEndingLists[list]);
  return true;
}

Status CheckEngine(const std::string& cache_dir, EngineCheckReport* report) {
  EngineCheckReport r;
  const std::string cpu = ProcessorIdentity();
  Status status;
  if (cache_dir.empty() || cpu.empty() || BuildId().empty()) {
    status = EngineSelfTestOnce();
  } else {
    const std::string identity = "safegate-engine-selftest/1\n" + EngineVersion() + "\n" +
                                 std::string(BuildId()) + "\n" + cpu + "\n";
    r.marker = cache_dir + "/engine-" + Sha256Hex(identity).substr(0, 32) + ".ok";
    Result<std::string> marker = ReadFile(r.marker);
    if (marker.ok() && *marker == identity) {
      r.trusted = true;
      EngineState& e = Engine();
      std::lock_guard<std::mutex> lock(e.mu);
      e.done = true;  // keeps a failure found earlier in this process
      status = e.status;
    } else {
      status = EngineSelfTestOnce();
      r.written =
          status.ok() && MakeDirs(cache_dir).ok() && WriteFileAtomic(r.marker, identity).ok();
    }
  }
  if (report != nullptr) *report = r;
  return status;
}

std::string EngineVersion() {
  return std::string("hyperscan ") + hs_version();
}

}  // namespace safegate::scan
