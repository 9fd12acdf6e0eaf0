// `safegate judge`'s input and output (apps/cli/judge_io.h): the fast record
// reader agrees with the general path (nlohmann's parser and corpus::FieldOf)
// on every line it takes, and takes most plain ones; the verdict writer writes
// byte for byte what the nlohmann objects of the earlier code dumped; and a
// whole judged file is the same with the fast paths as with the general ones.
#include "judge_io.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <fstream>
#include <limits>
#include <sstream>
#include <string>
#include <vector>

#include "safegate/base/json.h"
#include "unit/temp_dir.h"

namespace safegate::cli {
namespace {

using nlohmann::json;

// A seeded generator (the same cases on every run).
class Rng {
 public:
  explicit Rng(uint64_t seed) : x_(seed) {}
  uint64_t Next() {
    x_ = x_ * 6364136223846793005ull + 1442695040888963407ull;
    return x_ >> 33;
  }
  size_t Below(size_t n) { return n == 0 ? 0 : Next() % n; }
  bool OneIn(size_t n) { return Below(n) == 0; }

 private:
  uint64_t x_;
};

// What a line reads as on the general path: the three texts, or the error.
struct Outcome {
  bool ok = false;
  std::string text, prompt, id, error;
};

Outcome General(std::string_view line, const JudgeFields& fields) {
  Outcome o;
  json obj;
  if (std::string why = ParseRecordLine(line, &obj); !why.empty()) {
    o.error = why;
    return o;
  }
  RecordTexts t;
  const std::string* bad = nullptr;
  Status st = ReadRecordTexts(obj, fields, &t, &bad);
  if (!st.ok()) {
    o.error = *bad + ": " + std::string(st.message());
    return o;
  }
  o.ok = true;
  o.text = t.text;
  o.prompt = t.prompt;
  o.id = t.id;
  return o;
}

// Checks one line; returns whether the fast path took it.
bool Agree(FastRecordReader* fast, std::string_view line, const JudgeFields& fields) {
  std::string_view text, prompt, id;
  if (!fast->Read(line, &text, &prompt, &id)) return false;
  Outcome g = General(line, fields);
  EXPECT_TRUE(g.ok) << "the fast path took a line the general path refuses (" << g.error
                    << "): " << testing::PrintToString(std::string(line));
  EXPECT_EQ(text, g.text) << testing::PrintToString(std::string(line));
  EXPECT_EQ(prompt, g.prompt) << testing::PrintToString(std::string(line));
  EXPECT_EQ(id, g.id) << testing::PrintToString(std::string(line));
  return true;
}

// Hand-picked lines: what the fast path must take, and what it must leave to
// the general path (where the two parsers or the field rules could differ).
TEST(FastRecordReader, HandPickedLines) {
  JudgeFields f;
  f.prompt = "prompt";
  FastRecordReader fast(f);
  struct Case {
    std::string line;
    bool fast;
  };
  const std::vector<Case> cases = {
      {R"({"text":"an answer","prompt":"a question","id":"q1"})", true},
      {R"({"prompt":"p","text":"t"})", true},
      {R"(  {"text" : "t" , "other": [1, {"x": null}], "n": -0.5e3}  )", true},
      {R"({"text":"esc \" \\ \/ \b\f\n\r\t \u0000 \u00e9 \ud83d\ude00 \uDBFF\uDFFF"})", true},
      {"{\"text\":\"caf\xc3\xa9 \xe7\x82\xb8\xe5\xbc\xb9 \xf0\x9f\x92\xa3 \x7f\"}", true},
      {R"({"te\u0078t":"escaped key","pr\u006fmpt":"p"})", true},
      {R"({"text":"","prompt":"","id":""})", true},
      {R"({"text":"t","text2":"u","id2":"x","ID":"y"})", true},
      {R"({"text":"a","meta":{"text":"nested, not read"}})", true},
      {R"({"text":"a","x":18446744073709551615,"y":1e-400,"z":-9223372036854775808})", true},
      {"{\"text\":\"cr\"}\r", true},  // a stray CR is whitespace for both
      // Left to the general path: errors and values it reads in its own way.
      {R"({"text":"a","text":"b"})", false},  // nlohmann keeps the last
      {R"({"text":"a","id":"x","id":"y"})", false},
      {R"({"text":"a","prompt":"p","prompt":"q"})", false},
      {R"({"text":1})", false},
      {R"({"text":-0})", false},
      {R"({"text":1.0})", false},
      {R"({"text":true})", false},
      {R"({"text":null})", false},
      {R"({"text":["a"]})", false},
      {R"({"text":{"a":1}})", false},
      {R"({"text":"a","id":7})", false},
      {R"({"text":"a","id":null})", false},
      {R"({"text":"a","prompt":3})", false},
      {R"({"text":"a","prompt":null})", false},
      {R"({"prompt":"p"})", false},  // no text
      {R"({})", false},
      {R"([{"text":"a"}])", false},
      {R"("text")", false},
      {R"(3)", false},
      {R"(null)", false},
      {R"({"text":"a"} {"text":"b"})", false},
      {R"({"text":"a"} x)", false},
      {R"({"text":"a",})", false},
      {R"({"text":"a")", false},
      {R"({"text":"\ud800"})", false},
      {R"({"text":"\udc00"})", false},
      {R"({"text":"\ud800\u0041"})", false},
      {R"({"text":"\u12G4"})", false},
      {R"({"text":"\x"})", false},
      {R"({"text":"a","n":1e400})", false},
      {R"({"text":"a","n":123456789012345678901234567890})", false},
      {R"({"text":"a","n":01})", false},
      {R"({"text":"a","n":tru})", false},
      {"{\"text\":\"a\nb\"}", false},                      // raw control character
      {"{\"text\":\"a\tb\"}", false},                      // raw tab
      {"{\"text\":\"\xff\"}", false},                      // invalid UTF-8
      {"{\"text\":\"\xc0\xaf\"}", false},                  // overlong
      {"{\"text\":\"\xed\xa0\x80\"}", false},              // encoded surrogate
      {"{\"text\":\"\xf4\x90\x80\x80\"}", false},          // past U+10FFFF
      {"{\"text\":\"a\xe2\x82\"}", false},                 // cut sequence
      {"\xef\xbb\xbf{\"text\":\"a\"}", false},             // BOM: nlohmann skips it
      {std::string("{\"text\":\"a\"}\0junk", 17), false},  // nlohmann stops at NUL
      {std::string("{\"text\":\"a\0b\"}", 14), false},
      {"{\"text\":\"a\"}\x0b", false},
      {"// comment\n{\"text\":\"a\"}", false},
      {std::string(300, '[') + std::string(300, ']'), false},
      {"{\"text\":\"a\",\"d\":" + std::string(300, '[') + std::string(300, ']') + "}", false},
      {"{\"text\":\"a\",\"d\":" + std::string(600, '[') + std::string(600, ']') + "}", false},
      {"{\"text\":\"" + std::string((1 << 20) + 1, 'a') + "\"}", false},  // over 1 MiB
      {"", false},
  };
  for (const Case& c : cases) {
    const bool took = Agree(&fast, c.line, f);
    EXPECT_EQ(took, c.fast) << testing::PrintToString(c.line);
  }
  // A long plain answer is taken.
  EXPECT_TRUE(Agree(&fast, "{\"text\":\"" + std::string(500000, 'x') + "\"}", f));
}

TEST(FastRecordReader, DottedFieldsAreLeftToTheGeneralPath) {
  JudgeFields f;
  f.text = "answer.text";
  FastRecordReader fast(f);
  EXPECT_FALSE(Agree(&fast, R"({"answer":{"text":"a"}})", f));
  EXPECT_FALSE(Agree(&fast, R"({"answer.text":"a"})", f));
  JudgeFields g;
  g.id = "meta.id";
  FastRecordReader fast2(g);
  EXPECT_FALSE(Agree(&fast2, R"({"text":"a","meta":{"id":"x"}})", g));
}

TEST(FastRecordReader, FieldsWithTheSameNameOrNoName) {
  for (const auto& [text, prompt, id] :
       std::vector<std::tuple<std::string, std::string, std::string>>{
           {"text", "text", "text"}, {"a", "", "a"}, {"", "p", "id"}, {"x y", "\xc3\xa9", "\""}}) {
    JudgeFields f{text, prompt, id};
    FastRecordReader fast(f);
    json o = {{text, "T"}, {"other", 1}};
    if (!prompt.empty()) o[prompt] = "P";
    o[id] = "I";
    EXPECT_TRUE(Agree(&fast, DumpJson(o), f)) << DumpJson(o);
    EXPECT_FALSE(Agree(&fast, "{" + DumpJson(json(text)) + ":1}", f));
  }
}

// One random JSON value: strings with escapes, raw UTF-8 and broken bytes,
// numbers of every form, literals, nested objects and arrays.
std::string RandomString(Rng* r) {
  static const char* const kPieces[] = {
      // Plain: no escapes (raw UTF-8, DEL, brackets inside a string).
      "a", "Hello", " ", "I'm sorry", "\xc3\xa9", "\xe2\x80\x99", "\xf0\x9f\x92\xa3", "\x7f", "'",
      "{", "}", "[", "]", ",", ":",
      // Escapes both parsers read.
      "\\n", "\\r\\n", "\\t", "\\\"", "\\\\", "\\/", "\\b", "\\f", "\\u0000", "\\u001f", "\\u00e9",
      "\\u2028", "\\ud83d\\ude00", "\\uDBFF\\uDFFF",
      // Hostile: bad escapes, lone surrogates, broken UTF-8, raw controls, a BOM.
      "\\ud800", "\\udc00", "\\u12", "\\x", "\xff", "\xc0\xaf", "\xed\xa0\x80", "\xe2\x82", "\x01",
      "\t", "\xef\xbb\xbf"};
  std::string s = "\"";
  const size_t n = r->OneIn(20) ? 2000 + r->Below(3000) : r->Below(12);
  // Half the strings plain (the first 15 pieces), the others with escapes
  // too (the first 29); one in eight with one piece of any kind.
  const size_t kinds = r->OneIn(2) ? 15 : 29;
  const bool hostile = r->OneIn(8);
  const size_t at = r->Below(n + 1);
  for (size_t k = 0; k <= n; ++k) {
    if (hostile && k == at) s += kPieces[r->Below(sizeof kPieces / sizeof kPieces[0])];
    if (k < n) s += kPieces[r->Below(kinds)];
  }
  return s + "\"";
}

std::string RandomValue(Rng* r, int depth);

// Mostly keys no field names; one time in eight a field's key again (a
// duplicate or the text by another spelling) or a random string.
std::string RandomKey(Rng* r) {
  static const char* const kKeys[] = {"\"meta\"", "\"x\"",         "\"ID\"",   "\"text \"",
                                      "\"\"",     "\"a.b\"",       "\"text\"", "\"prompt\"",
                                      "\"id\"",   "\"te\\u0078t\""};
  if (r->OneIn(8)) return r->OneIn(2) ? RandomString(r) : kKeys[6 + r->Below(4)];
  return kKeys[r->Below(6)];
}

std::string RandomValue(Rng* r, int depth) {
  static const char* const kAtoms[] = {// Both parsers read these alike.
                                       "0", "-0", "1", "-1", "1.0", "0.5", "-2.5e-3", "1E5",
                                       "1e-400", "18446744073709551615", "true", "false", "null",
                                       // One reads them and the other not, or neither.
                                       "1e400", "18446744073709551616", "-9223372036854775809",
                                       "123456789012345678901234567890", "01", "1.", ".5", "+1",
                                       "tru", "nul", "NaN"};
  const size_t k = r->Below(depth > 3 ? 2 : 4);
  if (k == 0) return RandomString(r);
  if (k == 1) return kAtoms[r->Below(r->OneIn(8) ? sizeof kAtoms / sizeof kAtoms[0] : 13)];
  std::string s = k == 2 ? "[" : "{";
  const size_t n = r->Below(4);
  for (size_t i = 0; i < n; ++i) {
    if (i) s += ",";
    if (k == 3) s += RandomKey(r) + ":";
    s += RandomValue(r, depth + 1);
  }
  return s + (k == 2 ? "]" : "}");
}

// A JSONL record: mostly the plain shape (text, prompt, id as strings), with
// other members, duplicates, other types and damage mixed in.
std::string RandomLine(Rng* r) {
  std::vector<std::string> members;
  if (!r->OneIn(10))
    members.push_back("\"text\":" + (r->OneIn(8) ? RandomValue(r, 0) : RandomString(r)));
  if (r->OneIn(2))
    members.push_back("\"prompt\":" + (r->OneIn(8) ? RandomValue(r, 0) : RandomString(r)));
  if (r->OneIn(2))
    members.push_back("\"id\":" + (r->OneIn(4) ? RandomValue(r, 0) : RandomString(r)));
  for (size_t n = r->Below(3); n > 0; --n)
    members.push_back(RandomKey(r) + ":" + RandomValue(r, 1));
  if (r->OneIn(15) && !members.empty()) members.push_back(members[r->Below(members.size())]);
  for (size_t i = members.size(); i > 1; --i) std::swap(members[i - 1], members[r->Below(i)]);
  static const char* const kSpace[] = {"", "", "", " ", "\t", "\r", " \n "};
  auto ws = [&] { return std::string(kSpace[r->Below(sizeof kSpace / sizeof kSpace[0])]); };
  std::string line = ws() + "{";
  for (size_t i = 0; i < members.size(); ++i) line += (i ? "," : "") + ws() + members[i] + ws();
  line += "}" + ws();
  switch (r->Below(40)) {  // damage
    case 0: line = "\xef\xbb\xbf" + line; break;
    case 1: line += "x"; break;
    case 2: line += std::string("\0", 1); break;
    case 3: line.resize(r->Below(line.size())); break;
    case 4: line = "[" + line + "]"; break;
    case 5: line += line; break;
    case 6:
      if (!line.empty()) line[r->Below(line.size())] = static_cast<char>(r->Next());
      break;
    default: break;
  }
  return line;
}

TEST(FastRecordReader, AgreesWithTheGeneralPathOnGeneratedLines) {
  const std::vector<JudgeFields> configs = {
      JudgeFields{"text", "prompt", "id"}, JudgeFields{"text", "", "id"},
      JudgeFields{"prompt", "text", "x"}, JudgeFields{"text", "prompt", "a.b"}};
  size_t lines = 0, taken = 0, taken_plain = 0;
  Rng r(20261208);
  for (const JudgeFields& f : configs) {
    FastRecordReader fast(f);
    for (int i = 0; i < 12000; ++i) {
      const std::string line = RandomLine(&r);
      ++lines;
      if (Agree(&fast, line, f)) {
        ++taken;
        if (line.find('\\') == std::string::npos) ++taken_plain;
      }
      if (::testing::Test::HasFailure()) return;
    }
  }
  // The fast path must answer for a good share (a reader that always declined
  // would pass the comparisons), with and without escapes. The dotted id of
  // the last configuration turns it off: at most three quarters can be taken.
  EXPECT_GT(taken, lines / 4) << taken << " of " << lines;
  EXPECT_LT(taken, lines * 3 / 4) << taken << " of " << lines;
  EXPECT_GT(taken_plain, lines / 20);
  EXPECT_GT(taken - taken_plain, lines / 20);
}

// The earlier code of `judge refusal`, `judge pii` and `judge run`: the
// verdict built as an nlohmann object, the line as {"line", "id"} updated with
// it, dumped. The direct writer must give the same bytes.
json OldVerdictJson(std::string_view name, std::string_view version, const judge::Verdict& v,
                    std::string_view text) {
  json ev = json::array();
  for (const auto& e : v.evidence) {
    size_t b = std::min(e.begin, text.size()), en = std::min(std::max(e.end, b), text.size());
    ev.push_back({{"begin", e.begin},
                  {"end", e.end},
                  {"category", e.category},
                  {"rule", e.rule},
                  {"text", std::string(text.substr(b, std::min<size_t>(en - b, 300)))}});
  }
  json cats = json::array();
  for (const auto& c : v.categories)
    cats.push_back({{"category", c.category}, {"score", c.score}, {"flagged", c.flagged}});
  return {{"judge", std::string(name)}, {"version", std::string(version)},
          {"label", v.label},           {"score", v.score},
          {"categories", cats},         {"evidence", ev}};
}

std::string OldLine(const json& res, uint64_t line, std::string_view id) {
  json o = {{"line", line}};
  if (!id.empty()) o["id"] = std::string(id);
  o.update(res);
  return DumpJson(o);
}

double RandomDouble(Rng* r) {
  switch (r->Below(5)) {
    case 0: {
      uint64_t bits = (r->Next() << 32) ^ r->Next();
      double d;
      std::memcpy(&d, &bits, sizeof d);
      return d;
    }
    case 1: return static_cast<double>(r->Next()) / 4294967296.0 / 2;
    case 2: return 1 / (1 + std::exp(-static_cast<double>(r->Below(4000)) / 50 + 40));
    case 3: {
      static const double kEdges[] = {0.0,
                                      -0.0,
                                      1.0,
                                      0.5,
                                      1e-5,
                                      1e16,
                                      1e21,
                                      std::numeric_limits<double>::infinity(),
                                      std::numeric_limits<double>::quiet_NaN()};
      return kEdges[r->Below(sizeof kEdges / sizeof kEdges[0])];
    }
    default: return static_cast<double>(r->Below(1000)) / 1000;
  }
}

std::string RandomText(Rng* r, size_t max_pieces) {
  static const char* const kPieces[] = {"I cannot ",
                                        "help",
                                        " with that.",
                                        "\n",
                                        "\r\n",
                                        "\t",
                                        "\"",
                                        "\\",
                                        "/",
                                        "\x01",
                                        "\x7f",
                                        "\xc3\xa9",
                                        "\xe2\x80\x99",
                                        "\xe7\x82\xb8\xe5\xbc\xb9",
                                        "\xf0\x9f\x92\xa3",
                                        "\xff",
                                        "\xc0\xaf",
                                        "\xed\xa0\x80",
                                        "NUL",
                                        "<!-- x -->"};
  std::string s;
  for (size_t n = r->Below(max_pieces); n > 0; --n) {
    const size_t k = r->Below(sizeof kPieces / sizeof kPieces[0]);
    if (k == 18) {
      s.push_back('\0');
    } else if (k >= 15 && k <= 17 && !r->OneIn(4)) {
      s += "x";  // invalid bytes one time in four they are drawn
    } else {
      s += kPieces[k];
    }
  }
  return s;
}

judge::Verdict RandomVerdict(Rng* r, std::string_view text) {
  static const char* const kLabels[] = {"full_refusal", "partial_refusal", "compliance", "flagged",
                                        "clean"};
  judge::Verdict v;
  v.label = r->OneIn(10) ? RandomText(r, 4) : kLabels[r->Below(5)];
  v.score = RandomDouble(r);
  for (size_t n = r->Below(4); n > 0; --n)
    v.categories.push_back(
        {r->OneIn(10) ? RandomText(r, 3) : "refusal", RandomDouble(r), r->OneIn(2)});
  for (size_t n = r->Below(6); n > 0; --n) {
    judge::Evidence e;
    e.begin = r->Below(text.size() + 10);
    e.end = r->OneIn(5) ? r->Below(text.size() + 10) : e.begin + r->Below(400);
    if (r->OneIn(50)) e.end = std::numeric_limits<size_t>::max();
    e.category = r->OneIn(10) ? RandomText(r, 3) : "moral";
    e.rule = r->OneIn(10) ? RandomText(r, 3) : "moral.en.37.4";
    v.evidence.push_back(std::move(e));
  }
  return v;
}

TEST(AppendVerdictJson, WritesWhatTheNlohmannObjectsDumped) {
  Rng r(7);
  size_t with_evidence = 0;
  for (int i = 0; i < 8000; ++i) {
    const std::string text = RandomText(&r, 200);
    const judge::Verdict v = RandomVerdict(&r, text);
    const std::string name = r.OneIn(10) ? RandomText(&r, 3) : "refusal";
    const std::string version = r.OneIn(10) ? RandomText(&r, 3) : "refusal-model/5+48869792";
    const std::string id = r.OneIn(3) ? "" : RandomText(&r, 5);
    const uint64_t line = r.OneIn(10) ? (r.Next() << 32) ^ r.Next() : r.Below(100000);
    const LineHead head{line, id};
    std::string out = "prefix";
    AppendVerdictJson(name, version, v, text, &head, &out);
    const json old = OldVerdictJson(name, version, v, text);
    ASSERT_EQ(out, "prefix" + OldLine(old, line, id)) << testing::PrintToString(text);
    std::string item;
    AppendVerdictJson(name, version, v, text, nullptr, &item);
    ASSERT_EQ(item, DumpJson(old));
    if (!v.evidence.empty()) ++with_evidence;
  }
  EXPECT_GT(with_evidence, 4000u);
}

TEST(AppendResultJson, MergesTheHeadAsTheEarlierCodeDid) {
  const json res = {{"label", "hate"}, {"probability", 0.25}, {"probabilities", {{"hate", 0.25}}}};
  std::string out;
  AppendResultJson(res, LineHead{3, "a\"b"}, &out);
  EXPECT_EQ(out, OldLine(res, 3, "a\"b"));
  out.clear();
  AppendResultJson(res, LineHead{4, ""}, &out);
  EXPECT_EQ(out, R"({"label":"hate","line":4,"probabilities":{"hate":0.25},"probability":0.25})");
}

// A judge for the whole-file tests: evidence and scores from the text's bytes;
// a text with "FAIL" is an error.
judge::Verdict FakeVerdict(const judge::JudgeInput& in) {
  judge::Verdict v;
  uint64_t h = 1469598103934665603ull;
  for (char c : in.text) h = (h ^ static_cast<unsigned char>(c)) * 1099511628211ull;
  for (char c : in.prompt) h = (h ^ static_cast<unsigned char>(c)) * 1099511628211ull;
  v.label = h % 3 == 0 ? "full_refusal" : "compliance";
  v.score = static_cast<double>(h % 100000) / 99991.0;
  v.categories.push_back({"refusal", v.score, h % 3 == 0});
  for (size_t b = 0; b + 1 < in.text.size() && v.evidence.size() < 3; b += 1 + h % 7)
    v.evidence.push_back({b, b + 2 + h % 500, "refusal", "r." + std::to_string(b)});
  return v;
}

struct FileRun {
  Status status;
  std::string output;  // "<none>" when no file was written
};

FileRun Judge(const std::string& input, const std::string& output, bool lenient, bool fast,
              const JudgeFields& fields) {
  JudgeFileOptions io;
  io.input = input;
  io.output = output;
  io.lenient = lenient;
  io.fast = fast;
  io.fields = fields;
  FileRun run;
  run.status = JudgeFile(
      io, [&](const judge::JudgeInput& in, const LineHead& head, std::string* out) -> Status {
        if (in.text.find("FAIL") != std::string_view::npos)
          return InvalidArgumentError("the judge failed on this text");
        const judge::Verdict v = FakeVerdict(in);
        if (fast) {
          AppendVerdictJson("fake", "1", v, in.text, &head, out);
        } else {
          *out += OldLine(OldVerdictJson("fake", "1", v, in.text), head.line, head.id);
        }
        return OkStatus();
      });
  std::ifstream f(output, std::ios::binary);
  if (!f) {
    run.output = "<none>";
  } else {
    std::stringstream ss;
    ss << f.rdbuf();
    run.output = ss.str();
  }
  std::remove(output.c_str());
  return run;
}

// Whole files, fast paths (reader and writer) against general ones: the same
// bytes out, the same error, for lenient and strict runs.
TEST(JudgeFile, FastPathsWriteTheSameFileAsTheGeneralOnes) {
  test_support::TempDir dir("sg-judge-io");
  Rng r(99);
  std::string good, hostile;
  for (int i = 0; i < 1500; ++i) {
    std::string line = RandomLine(&r);
    line.erase(std::remove(line.begin(), line.end(), '\n'), line.end());
    hostile += line + (r.OneIn(5) ? "\r\n" : "\n");
    if (r.OneIn(30)) hostile += r.OneIn(2) ? "\n" : " \t\r\n";
    json o = {{"text", RandomText(&r, 30)}, {"prompt", "q" + std::to_string(i)}};
    if (!r.OneIn(3)) o["id"] = "id-" + std::to_string(i);
    good += DumpJson(o) + "\n";
  }
  {
    // Every line of the good file is one the fast reader takes (so the
    // comparisons below compare it with the general path).
    FastRecordReader fast(JudgeFields{"text", "prompt", "id"});
    std::istringstream lines(good);
    size_t n = 0;
    for (std::string l; std::getline(lines, l); ++n) {
      std::string_view t, p, id;
      ASSERT_TRUE(fast.Read(l, &t, &p, &id)) << l;
    }
    EXPECT_EQ(n, 1500u);
  }
  const std::string good_path = dir.Write("good.jsonl", good);
  const std::string hostile_path = dir.Write("hostile.jsonl", hostile);
  const std::string out = dir.Path("out.jsonl");
  for (const JudgeFields& f : {JudgeFields{"text", "prompt", "id"}, JudgeFields{"text", "", "id"},
                               JudgeFields{"prompt", "text", "x"}}) {
    for (const std::string& in : {good_path, hostile_path}) {
      for (bool lenient : {false, true}) {
        FileRun a = Judge(in, out, lenient, true, f);
        FileRun b = Judge(in, out, lenient, false, f);
        EXPECT_EQ(a.status.ToString(), b.status.ToString()) << in << " lenient " << lenient;
        EXPECT_EQ(a.output, b.output) << in << " lenient " << lenient;
        if (in == good_path) {
          EXPECT_TRUE(a.status.ok()) << a.status.ToString();
        } else if (lenient) {
          EXPECT_NE(a.output.find("\"error\""), std::string::npos);  // bad lines were reported
        } else {
          EXPECT_FALSE(a.status.ok());
          EXPECT_EQ(a.output, "<none>");  // nothing half-written
        }
      }
    }
  }
}

}  // namespace
}  // namespace safegate::cli
