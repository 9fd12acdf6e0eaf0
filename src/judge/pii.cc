// Personal-data detectors: one left-to-right pass; at each possible start the
// enabled detectors are tried in a fixed order and the first that parses a
// well-formed, checksum-valid value wins. The pass reads the text as a
// person does: width and compatibility forms folded, invisible characters
// dropped (text::Normalizer), and the spans mapped back to the input.
#include "safegate/judge/pii.h"

#include <algorithm>
#include <cstring>
#include <optional>

#include "safegate/text/normalize.h"

namespace safegate::judge {
namespace {

enum Det { kEmail, kIban, kCnId, kCard, kUsSsn, kRuSnils, kRuInn, kPhone, kNumDet };

// In the order they are tried (Det).
const std::vector<std::string_view>& Names() {
  static const std::vector<std::string_view> n = {"email",  "iban",     "cn_id",  "card",
                                                  "us_ssn", "ru_snils", "ru_inn", "phone"};
  return n;
}

bool IsDigit(char c) {
  return c >= '0' && c <= '9';
}
bool IsUpper(char c) {
  return c >= 'A' && c <= 'Z';
}
bool IsAlpha(char c) {
  return (c >= 'a' && c <= 'z') || IsUpper(c);
}
bool IsAlnum(char c) {
  return IsDigit(c) || IsAlpha(c);
}

// True when the byte at `i` (if any) is an ASCII letter or digit.
bool GluedAt(std::string_view t, size_t i) {
  return i < t.size() && IsAlnum(t[i]);
}

bool IsLocalChar(char c) {
  return IsAlnum(c) || c == '.' || c == '_' || c == '%' || c == '+' || c == '-';
}

// Email anchored at the '@' at `at`. Returns [begin, end).
std::optional<std::pair<size_t, size_t>> EmailAt(std::string_view t, size_t at) {
  size_t b = at;
  while (b > 0 && IsLocalChar(t[b - 1])) --b;
  while (b < at && (t[b] == '.' || t[b] == '-' || t[b] == '+')) ++b;  // trim leading punctuation
  if (b == at || t[at - 1] == '.') return std::nullopt;
  size_t e = at + 1, last_dot = 0;
  size_t label_start = e;
  while (e < t.size()) {
    char c = t[e];
    if (IsAlnum(c) || c == '-') {
      ++e;
    } else if (c == '.' && e > label_start && e + 1 < t.size() && IsAlnum(t[e + 1])) {
      last_dot = e;
      ++e;
      label_start = e;
    } else {
      break;
    }
  }
  if (last_dot == 0) return std::nullopt;
  size_t tld = e - (last_dot + 1);
  if (tld < 2) return std::nullopt;
  for (size_t k = last_dot + 1; k < e; ++k)
    if (!IsAlpha(t[k])) return std::nullopt;
  return std::make_pair(b, e);
}

// Reads digits from `i` allowing single separators from `seps` between digits.
// Returns the end and fills `digits`; `group_ends` gets the index (in digits)
// after each group and the byte end of the group.
struct DigitRun {
  std::string digits;
  std::vector<std::pair<size_t, size_t>> groups;  // (digit count so far, byte end)
  std::vector<char> seps_used;
};

DigitRun ReadDigits(std::string_view t, size_t i, const char* seps, size_t max_digits) {
  DigitRun r;
  size_t p = i;
  while (p < t.size() && r.digits.size() < max_digits) {
    if (IsDigit(t[p])) {
      r.digits.push_back(t[p]);
      ++p;
      continue;
    }
    if (!r.digits.empty() && std::strchr(seps, t[p]) && t[p] != 0 && p + 1 < t.size() &&
        IsDigit(t[p + 1])) {
      r.groups.push_back({r.digits.size(), p});
      r.seps_used.push_back(t[p]);
      ++p;
      continue;
    }
    break;
  }
  r.groups.push_back({r.digits.size(), p});
  return r;
}

std::optional<size_t> CardAt(std::string_view t, size_t i) {
  if (!IsDigit(t[i]) || t[i] < '2' || t[i] > '6') return std::nullopt;
  DigitRun r = ReadDigits(t, i, " -", 23);
  // All separators must be the same character.
  for (char s : r.seps_used)
    if (s != r.seps_used[0]) return std::nullopt;
  for (size_t g = r.groups.size(); g-- > 0;) {
    size_t n = r.groups[g].first, end = r.groups[g].second;
    if (n < 13 || n > 19) continue;
    if (GluedAt(t, end)) continue;
    if (r.seps_used.empty() && end != i + n) continue;
    if (!r.seps_used.empty() && g == 0) continue;  // separated numbers end at a group end
    if (LuhnValid(r.digits.substr(0, n))) return end;
  }
  return std::nullopt;
}

bool ValidDate(int y, int m, int d) {
  if (y < 1900 || y > 2099 || m < 1 || m > 12 || d < 1) return false;
  static const int kDays[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (d > kDays[m - 1]) return false;
  bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
  return !(m == 2 && d == 29 && !leap);
}

std::optional<size_t> CnIdAt(std::string_view t, size_t i) {
  if (i + 18 > t.size()) return std::nullopt;
  for (size_t k = 0; k < 17; ++k)
    if (!IsDigit(t[i + k])) return std::nullopt;
  char last = t[i + 17];
  if (!IsDigit(last) && last != 'X' && last != 'x') return std::nullopt;
  if (GluedAt(t, i + 18)) return std::nullopt;
  if (!CnResidentIdValid(t.substr(i, 18))) return std::nullopt;
  return i + 18;
}

std::optional<size_t> SsnAt(std::string_view t, size_t i) {
  if (i + 11 > t.size()) return std::nullopt;
  std::string_view s = t.substr(i, 11);
  for (size_t k = 0; k < 11; ++k) {
    bool dash = k == 3 || k == 6;
    if (dash ? s[k] != '-' : !IsDigit(s[k])) return std::nullopt;
  }
  if (GluedAt(t, i + 11) || (i + 11 < t.size() && t[i + 11] == '-')) return std::nullopt;
  std::string_view area = s.substr(0, 3), group = s.substr(4, 2), serial = s.substr(7, 4);
  if (area == "000" || area == "666" || area[0] == '9') return std::nullopt;
  if (group == "00" || serial == "0000") return std::nullopt;
  return i + 11;
}

// NNN-NNN-NNN NN (or NNN-NNN-NNN-NN) with a valid check number.
std::optional<size_t> SnilsAt(std::string_view t, size_t i) {
  if (i + 14 > t.size()) return std::nullopt;
  std::string_view s = t.substr(i, 14);
  for (size_t k = 0; k < 14; ++k) {
    bool sep = k == 3 || k == 7 || k == 11;
    if (sep ? !(s[k] == '-' || (k == 11 && s[k] == ' ')) : !IsDigit(s[k])) return std::nullopt;
  }
  if (GluedAt(t, i + 14) || (i + 14 < t.size() && t[i + 14] == '-')) return std::nullopt;
  if (!RuSnilsValid(s)) return std::nullopt;
  return i + 14;
}

// Twelve digits with valid check digits, right after the word "ИНН" or "INN"
// (and ":", "№" (read as "No"), "#" or spaces): a bare 12-digit number passes the two check
// digits by chance one time in a hundred, so the label is required.
std::optional<size_t> InnAt(std::string_view t, size_t i) {
  if (i + 12 > t.size() || GluedAt(t, i + 12)) return std::nullopt;
  for (size_t k = i; k < i + 12; ++k)
    if (!IsDigit(t[k])) return std::nullopt;
  if (!RuInnValid(t.substr(i, 12))) return std::nullopt;
  size_t b = i;
  while (b > 0 && i - b < 8 &&
         (t[b - 1] == ' ' || t[b - 1] == ':' || t[b - 1] == '#' || t[b - 1] == '\t'))
    --b;
  // "№", which the detectors see as NFKC's "No" (optionally "No.").
  if (b > 0 && t[b - 1] == '.') --b;
  if (b >= 2 && (t[b - 2] == 'N' || t[b - 2] == 'n') && t[b - 1] == 'o') {
    b -= 2;
    while (b > 0 && t[b - 1] == ' ') --b;
  }
  for (std::string_view label : {"ИНН", "инн"})
    if (b >= label.size() && t.substr(b - label.size(), label.size()) == label) return i + 12;
  if (b >= 3) {
    std::string_view w = t.substr(b - 3, 3);
    bool inn = (w[0] == 'I' || w[0] == 'i') && (w[1] == 'N' || w[1] == 'n') &&
               (w[2] == 'N' || w[2] == 'n');
    if (inn && !(b > 3 && IsAlnum(t[b - 4]))) return i + 12;
  }
  return std::nullopt;
}

bool CnMobile(std::string_view d) {
  return d.size() == 11 && d[0] == '1' && d[1] >= '3' && d[1] <= '9';
}

std::optional<size_t> PhoneAt(std::string_view t, size_t i) {
  char c = t[i];
  if (c == '+') {
    if (i + 1 >= t.size() || !IsDigit(t[i + 1]) || t[i + 1] == '0') return std::nullopt;
    DigitRun r = ReadDigits(t, i + 1, " -.", 15);
    size_t n = r.digits.size(), end = r.groups.back().second;
    if (n < 8 || n > 15 || GluedAt(t, end)) return std::nullopt;
    if (r.digits.rfind("86", 0) == 0 && n != 13) return std::nullopt;  // +86 then a mobile
    if (r.digits.rfind("86", 0) == 0 && !CnMobile(std::string_view(r.digits).substr(2)))
      return std::nullopt;
    return end;
  }
  if (c == '(') {  // (NNN) NNN-NNNN
    if (i + 14 > t.size()) return std::nullopt;
    std::string_view s = t.substr(i, 14);
    const char* shape = "(ddd) ddd-dddd";
    for (size_t k = 0; k < 14; ++k) {
      if (shape[k] == 'd' ? !IsDigit(s[k]) : s[k] != shape[k]) return std::nullopt;
    }
    if (s[1] < '2' || GluedAt(t, i + 14)) return std::nullopt;
    return i + 14;
  }
  if (!IsDigit(c)) return std::nullopt;
  // 0086 / 86 prefixed or bare Chinese mobile, optionally 3-4-4 separated.
  DigitRun r = ReadDigits(t, i, " -", 15);
  for (auto [n, end] : r.groups) {
    if (GluedAt(t, end) ||
        (end < t.size() && t[end] == '-' && end + 1 < t.size() && IsDigit(t[end + 1])))
      continue;
    std::string_view d(r.digits.data(), n);
    if (d.rfind("0086", 0) == 0) d.remove_prefix(4);
    if (CnMobile(d)) return end;
  }
  // North American NNN-NNN-NNNN or NNN.NNN.NNNN.
  if (i + 12 <= t.size()) {
    std::string_view s = t.substr(i, 12);
    char sep = s[3];
    if ((sep == '-' || sep == '.') && s[7] == sep && s[0] >= '2') {
      bool ok = true;
      for (size_t k = 0; k < 12 && ok; ++k)
        if (k != 3 && k != 7) ok = IsDigit(s[k]);
      if (ok && !GluedAt(t, i + 12) && !(i + 12 < t.size() && t[i + 12] == sep)) return i + 12;
    }
  }
  return std::nullopt;
}

int IbanLength(std::string_view cc) {
  static const std::pair<const char*, int> kLen[] = {
      {"AD", 24}, {"AE", 23}, {"AT", 20}, {"BE", 16}, {"BG", 22}, {"CH", 21}, {"CY", 28},
      {"CZ", 24}, {"DE", 22}, {"DK", 18}, {"EE", 20}, {"ES", 24}, {"FI", 18}, {"FR", 27},
      {"GB", 22}, {"GR", 27}, {"HR", 21}, {"HU", 28}, {"IE", 22}, {"IS", 26}, {"IT", 27},
      {"LI", 21}, {"LT", 20}, {"LU", 20}, {"LV", 21}, {"MC", 27}, {"MT", 31}, {"NL", 18},
      {"NO", 15}, {"PL", 28}, {"PT", 25}, {"RO", 24}, {"SA", 24}, {"SE", 24}, {"SI", 19},
      {"SK", 24}, {"SM", 27}, {"TR", 26}, {"UA", 29}};
  for (auto& [c, n] : kLen)
    if (cc == c) return n;
  return 0;
}

std::optional<size_t> IbanAt(std::string_view t, size_t i) {
  if (i + 4 > t.size() || !IsUpper(t[i]) || !IsUpper(t[i + 1]) || !IsDigit(t[i + 2]) ||
      !IsDigit(t[i + 3]))
    return std::nullopt;
  int want = IbanLength(t.substr(i, 2));
  std::string compact;
  size_t p = i, last_good = 0;
  std::string good;
  while (p < t.size() && compact.size() < 34) {
    char c = t[p];
    if (IsDigit(c) || IsUpper(c)) {
      compact.push_back(c);
      ++p;
      if ((want ? static_cast<int>(compact.size()) == want : compact.size() >= 15) &&
          !GluedAt(t, p) && IbanValid(compact)) {
        last_good = p;
        good = compact;
        if (want) break;
      }
    } else if (c == ' ' && p + 1 < t.size() && IsAlnum(t[p + 1]) && compact.size() % 4 == 0) {
      ++p;
    } else {
      break;
    }
  }
  if (last_good == 0) return std::nullopt;
  return last_good;
}

}  // namespace

const std::vector<std::string_view>& PiiDetectorNames() {
  static const std::vector<std::string_view> n = {"email", "phone",  "card",     "iban",
                                                  "cn_id", "us_ssn", "ru_snils", "ru_inn"};
  return n;
}

bool LuhnValid(std::string_view number) {
  int sum = 0, n = 0;
  for (size_t k = number.size(); k-- > 0;) {
    char c = number[k];
    if (c == ' ' || c == '-') continue;
    if (!IsDigit(c)) return false;
    int d = c - '0';
    if (n % 2 == 1) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
    ++n;
  }
  return n >= 2 && sum % 10 == 0;
}

bool IbanValid(std::string_view iban) {
  std::string s;
  for (char c : iban) {
    if (c == ' ') continue;
    if (!IsDigit(c) && !IsAlpha(c)) return false;
    s.push_back(c >= 'a' && c <= 'z' ? static_cast<char>(c - 32) : c);
  }
  if (s.size() < 15 || s.size() > 34 || !IsUpper(s[0]) || !IsUpper(s[1]) || !IsDigit(s[2]) ||
      !IsDigit(s[3]))
    return false;
  int want = IbanLength(s.substr(0, 2));
  if (want && static_cast<int>(s.size()) != want) return false;
  std::string r = s.substr(4) + s.substr(0, 4);
  int mod = 0;
  for (char c : r) {
    int v = IsDigit(c) ? c - '0' : c - 'A' + 10;
    mod = v >= 10 ? (mod * 100 + v) % 97 : (mod * 10 + v) % 97;
  }
  return mod == 1;
}

bool CnResidentIdValid(std::string_view id) {
  if (id.size() != 18) return false;
  static const int kW[] = {7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2};
  static const char kCheck[] = "10X98765432";
  int sum = 0;
  for (size_t k = 0; k < 17; ++k) {
    if (!IsDigit(id[k])) return false;
    sum += (id[k] - '0') * kW[k];
  }
  char last = id[17] == 'x' ? 'X' : id[17];
  if (last != kCheck[sum % 11]) return false;
  if (id[0] < '1' || id[0] > '9') return false;
  auto num = [&](size_t b, size_t n) {
    int v = 0;
    for (size_t k = b; k < b + n; ++k) v = v * 10 + (id[k] - '0');
    return v;
  };
  return ValidDate(num(6, 4), num(10, 2), num(12, 2));
}

bool RuSnilsValid(std::string_view snils) {
  std::string d;
  for (char c : snils) {
    if (c == ' ' || c == '-') continue;
    if (!IsDigit(c)) return false;
    d.push_back(c);
  }
  if (d.size() != 11) return false;
  // The check number is defined for numbers above 001-001-998 only.
  if (d.compare(0, 9, "001001998") <= 0) return false;
  int sum = 0;
  for (size_t k = 0; k < 9; ++k) sum += (d[k] - '0') * static_cast<int>(9 - k);
  int check = sum < 100 ? sum : (sum % 101 == 100 ? 0 : sum % 101);
  return check == (d[9] - '0') * 10 + (d[10] - '0');
}

bool RuInnValid(std::string_view inn) {
  if (inn.size() != 12) return false;
  int d[12];
  for (size_t k = 0; k < 12; ++k) {
    if (!IsDigit(inn[k])) return false;
    d[k] = inn[k] - '0';
  }
  static const int kW1[] = {7, 2, 4, 10, 3, 5, 9, 4, 6, 8};
  static const int kW2[] = {3, 7, 2, 4, 10, 3, 5, 9, 4, 6, 8};
  int s1 = 0, s2 = 0;
  for (int k = 0; k < 10; ++k) s1 += kW1[k] * d[k];
  for (int k = 0; k < 11; ++k) s2 += kW2[k] * d[k];
  return d[10] == s1 % 11 % 10 && d[11] == s2 % 11 % 10;
}

namespace {

// The detectors on already-normalised text.
std::vector<PiiMatch> FindPiiIn(std::string_view t, const std::vector<std::string>& detectors) {
  bool on[kNumDet];
  for (int d = 0; d < kNumDet; ++d) {
    on[d] = detectors.empty() ||
            std::find(detectors.begin(), detectors.end(), Names()[d]) != detectors.end();
  }
  std::vector<PiiMatch> out;
  // E-mails first (anchored on '@'), then everything else left to right,
  // skipping bytes already covered.
  if (on[kEmail]) {
    size_t from = 0;
    for (size_t at = t.find('@'); at != std::string_view::npos; at = t.find('@', at + 1)) {
      if (at < from) continue;
      if (auto m = EmailAt(t, at)) {
        out.push_back({m->first, m->second, Names()[kEmail]});
        from = m->second;
      }
    }
  }
  std::vector<PiiMatch> rest;
  size_t next_email = 0;
  for (size_t i = 0; i < t.size();) {
    while (next_email < out.size() && out[next_email].end <= i) ++next_email;
    if (next_email < out.size() && out[next_email].begin <= i) {
      i = out[next_email].end;
      continue;
    }
    char c = t[i];
    bool start = (IsAlnum(c) || c == '+' || c == '(') && !(i > 0 && IsAlnum(t[i - 1]));
    if (!start || (IsAlpha(c) && !IsUpper(c))) {
      ++i;
      continue;
    }
    std::optional<size_t> end;
    int det = -1;
    for (int d = kIban; d < kNumDet && !end; ++d) {
      if (!on[d]) continue;
      switch (d) {
        case kIban: end = IbanAt(t, i); break;
        case kCnId: end = CnIdAt(t, i); break;
        case kCard: end = CardAt(t, i); break;
        case kUsSsn: end = SsnAt(t, i); break;
        case kRuSnils: end = SnilsAt(t, i); break;
        case kRuInn: end = InnAt(t, i); break;
        case kPhone: end = PhoneAt(t, i); break;
      }
      if (end) det = d;
    }
    if (end && (next_email >= out.size() || *end <= out[next_email].begin)) {
      rest.push_back({i, *end, Names()[det]});
      i = *end;
    } else {
      // Skip the rest of this token so matches start at token boundaries.
      ++i;
      while (i < t.size() && IsAlnum(t[i])) ++i;
    }
  }
  out.insert(out.end(), rest.begin(), rest.end());
  std::sort(out.begin(), out.end(),
            [](const PiiMatch& a, const PiiMatch& b) { return a.begin < b.begin; });
  return out;
}

// Only the steps that change how a number or an address reads: NFKC (which
// also maps no-break spaces to spaces and mathematical digits to digits),
// full-width forms, invisible characters. No case folding, look-alikes or
// digit-for-letter rules: they would invent numbers.
const text::Normalizer& PiiNormalizer() {
  static const text::Normalizer* n = [] {
    text::NormalizeOptions o;
    o.casefold = o.confusables = o.t2s = o.strip_accents = o.strip_separators = o.digit_letters =
        o.word_gaps = false;
    return new text::Normalizer(o);
  }();
  return *n;
}

}  // namespace

std::vector<PiiMatch> FindPii(std::string_view t, const std::vector<std::string>& detectors) {
  text::NormalizedText n;
  PiiNormalizer().Normalize(t, &n);
  std::vector<PiiMatch> out = FindPiiIn(n.text(), detectors);
  if (!n.identity()) {
    for (auto& m : out) {
      text::Span s = n.ToOriginal(m.begin, m.end);
      m.begin = s.begin;
      m.end = s.end;
    }
  }
  return out;
}

namespace {

class PiiJudge final : public Judge {
 public:
  explicit PiiJudge(PiiOptions o) : o_(std::move(o)) {
    version_ = "pii/1";
    for (const auto& d : o_.detectors) version_ += ":" + d;
  }
  std::string_view name() const override { return "pii"; }
  std::string_view version() const override { return version_; }
  Result<Verdict> Run(const JudgeInput& input) const override {
    Verdict v;
    for (const auto& m : FindPii(input.text, o_.detectors))
      v.evidence.push_back({m.begin, m.end, o_.category, std::string(m.detector)});
    bool hit = !v.evidence.empty();
    v.label = hit ? "flagged" : "clean";
    v.score = hit ? 1 : 0;
    if (hit) v.categories.push_back({o_.category, 1.0, true});
    return v;
  }

 private:
  PiiOptions o_;
  std::string version_;
};

}  // namespace

Result<std::unique_ptr<Judge>> NewPiiJudge(const PiiOptions& options) {
  for (const auto& d : options.detectors) {
    if (std::find(Names().begin(), Names().end(), d) == Names().end()) {
      return InvalidArgumentError(
          "unknown personal-data detector '" + d +
          "'; expected one of email, phone, card, iban, cn_id, us_ssn, ru_snils, "
          "ru_inn");
    }
  }
  if (options.category.empty()) return InvalidArgumentError("personal-data category is empty");
  return std::unique_ptr<Judge>(std::make_unique<PiiJudge>(options));
}

}  // namespace safegate::judge
