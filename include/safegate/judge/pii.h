// Personal-data detectors: e-mail addresses, phone numbers, payment cards,
// IBANs, Chinese resident identity numbers, US social security numbers,
// Russian insurance numbers (SNILS) and personal taxpayer numbers (INN),
// each reported with its span. Checksums are verified where the format has
// one, so "4111 1111 1111 1111" is a card and "4111 1111 1111 1112" is not.
//
// Detectors (names as used in the policy's `judges:` section):
//   email   local@domain.tld (RFC 5322 dot-atom subset; TLD of >= 2 letters)
//   phone   E.164 ("+" then 8-15 digits, separators allowed), Chinese mobile
//           (11 digits 1[3-9]..., optional +86/0086 prefix), North American
//           numbers written as (NNN) NNN-NNNN or NNN-NNN-NNNN / NNN.NNN.NNNN
//   card    13-19 digits (groups separated by single spaces or dashes),
//           known issuer prefix, Luhn check
//   iban    country code + 2 check digits + 11-30 letters/digits (groups of
//           4 separated by spaces allowed), length per country where known,
//           ISO 13616 mod-97 check
//   cn_id   18-character Chinese resident identity number: region, a valid
//           birth date, sequence, ISO 7064 MOD 11-2 check character
//   us_ssn  NNN-NN-NNNN with the SSA rules (area not 000, 666 or 9xx, group
//           not 00, serial not 0000)
//   ru_snils  NNN-NNN-NNN NN (or a dash before the last pair), a number above
//           001-001-998 whose last two digits are its check number (sum of
//           the first nine digits weighted 9..1; mod 101, 100 and 101 -> 00)
//   ru_inn  a 12-digit personal taxpayer number with its two check digits,
//           only right after the label "ИНН" or "INN" (optionally ":", "№")
// A match must not be glued to letters or digits on either side.
// The text is read as a person reads it: full-width and other compatibility
// forms (NFKC: "４１１１", "𝟒", a no-break space) and invisible characters
// (zero-width space, soft hyphen) are normalised first (text::Normalizer with
// strip_invisible, nfkc and fullwidth only), and spans point at the input's
// own bytes.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "safegate/base/status.h"
#include "safegate/judge/judge.h"

namespace safegate::judge {

struct PiiMatch {
  size_t begin = 0;  // byte span in the text
  size_t end = 0;
  std::string_view detector;  // a name of PiiDetectorNames()
};

// All detector names, in a fixed order.
const std::vector<std::string_view>& PiiDetectorNames();

// Finds the matches of the named detectors (empty list = all), sorted by
// begin. Matches of different detectors do not overlap: e-mail addresses are
// found first, then at each start the detectors are tried in the order iban,
// cn_id, card, us_ssn, ru_snils, ru_inn, phone and the first that matches wins. Any
// bytes are accepted.
std::vector<PiiMatch> FindPii(std::string_view text,
                              const std::vector<std::string>& detectors = {});

// Checksum helpers (exposed for tests). Separators (space, '-') are skipped.
bool LuhnValid(std::string_view number);
bool IbanValid(std::string_view iban);
bool CnResidentIdValid(std::string_view id);  // 17 digits + check digit or X
bool RuSnilsValid(std::string_view snils);    // 11 digits
bool RuInnValid(std::string_view inn);        // 12 digits (a person's INN)

struct PiiOptions {
  std::vector<std::string> detectors;  // empty = all
  std::string category = "pii";        // the category reported when anything matches
};

// The judge: label "flagged" when any detector matches, else "clean";
// categories = {options.category, 1, flagged}; evidence = one entry per match
// (category = options.category, rule = detector name). Fails on an unknown
// detector name.
Result<std::unique_ptr<Judge>> NewPiiJudge(const PiiOptions& options = {});

}  // namespace safegate::judge
