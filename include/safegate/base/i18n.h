// The pages safegate shows people (report.html, the reviewer page) in the
// reader's language: English, Simplified Chinese or Russian.
//
// Every string of those pages is a message in one catalog, i18n/messages.json
// (compiled into the binary): a key with its text in each language, numbered
// placeholders {0}, {1}, ... for the parts that vary. A test fails when a key
// lacks a language or the languages disagree on the placeholders.
//
// All functions are pure and thread-safe (the catalog is parsed once, on first
// use, behind a function-local static).
#pragma once

#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace safegate::i18n {

enum class Lang { kEn, kZh, kRu };

// Every language, in catalog order.
std::vector<Lang> AllLangs();

// BCP 47 tag of the page: "en", "zh-Hans", "ru" (the <html lang> attribute and
// the catalog's language keys).
std::string_view LangTag(Lang lang);

// Short code: "en", "zh", "ru" (`--lang`, the project file, a profile's
// text_<code> fields).
std::string_view LangCode(Lang lang);

// "en", "zh", "ru", a tag of one of them ("zh-Hans", "zh-CN", "ru-RU",
// "en-GB"), case-insensitive; nullopt otherwise.
std::optional<Lang> ParseLang(std::string_view text);

// The best language of an Accept-Language header ("ru-RU,ru;q=0.9,en;q=0.8"):
// the supported language of highest q (ties: the first listed); `fallback`
// when none is supported.
Lang FromAcceptLanguage(std::string_view header, Lang fallback = Lang::kEn);

// The message `key` in `lang`; "⟦key⟧" when the catalog has no such key (tests
// look for the brackets; the catalog test makes sure every key has every
// language).
std::string Tr(Lang lang, std::string_view key);

// Tr with {0}, {1}, ... replaced by `args` (inserted as given: escape first
// when the result is HTML).
std::string Format(Lang lang, std::string_view key, std::initializer_list<std::string> args);

// True when the catalog has `key` (in every language; the test checks that).
bool Has(std::string_view key);

// Every key of the catalog, sorted.
std::vector<std::string> Keys();

// The catalog's messages of one language as a JSON object {"key": "text"},
// for the reviewer page's script.
std::string CatalogJson(Lang lang);

// Numbers for people. English keeps the plain form ("10000", "0.5");
// Chinese groups thousands with ","; Russian groups with a no-break space and
// writes the decimal comma ("10 000", "0,5"). `decimals` < 0: the shortest
// form with at most two decimals.
std::string FormatNumber(Lang lang, double v, int decimals = -1);

// 0.953 -> "95.3%" (en, zh), "95,3 %" (ru).
std::string FormatPercent(Lang lang, double rate, int decimals = 1);

// An ISO date or UTC timestamp ("2026-11-26", "2026-11-26T10:20:30Z") as the
// locale writes it: unchanged in English, "2026年11月26日 10:20:30 UTC",
// "26.11.2026 10:20:30 UTC". Text that is not such a date is returned as is.
std::string FormatDate(Lang lang, std::string_view iso);

// Checks the catalog: every key has a non-empty text in every language, and
// every language uses the same placeholders. Returns one line per problem
// (empty when the catalog is complete).
std::vector<std::string> CatalogProblems();

}  // namespace safegate::i18n
