// Keywords measured on ordinary text. See bank/ordinary.h.
#include "safegate/bank/ordinary.h"

#include <algorithm>
#include <cctype>
#include <map>

#include "safegate/policy/policy.h"
#include "safegate/scan/matcher.h"

namespace safegate::bank {
namespace internal {
extern const std::string_view kOrdinaryEn;
extern const std::string_view kOrdinaryRu;
extern const std::string_view kOrdinaryZh;
}  // namespace internal

namespace {

std::string PrimaryTag(std::string_view lang) {
  std::string out(lang.substr(0, lang.find_first_of("-_")));
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

}  // namespace

const std::vector<std::string>& OrdinaryLanguages() {
  static const std::vector<std::string> langs = {"en", "ru", "zh"};
  return langs;
}

std::vector<std::string_view> OrdinaryParagraphs(std::string_view lang) {
  const std::string tag = PrimaryTag(lang);
  std::string_view all = tag == "en"   ? internal::kOrdinaryEn
                         : tag == "ru" ? internal::kOrdinaryRu
                         : tag == "zh" ? internal::kOrdinaryZh
                                       : std::string_view();
  std::vector<std::string_view> out;
  while (!all.empty()) {
    size_t nl = all.find('\n');
    std::string_view line = all.substr(0, nl);
    if (!line.empty()) out.push_back(line);
    all = nl == std::string_view::npos ? std::string_view() : all.substr(nl + 1);
  }
  return out;
}

Result<std::vector<OrdinaryHit>> OrdinaryTextHits(const policy::Bank& bank,
                                                  const text::NormalizeOptions& normalize,
                                                  double min_share) {
  std::vector<scan::Pattern> patterns;
  for (size_t i = 0; i < bank.items.size(); ++i) {
    scan::Pattern p = policy::KeywordPattern(bank.items[i]);
    p.id = std::to_string(i);  // item ids may repeat in a bad bank; indexes do not
    patterns.push_back(std::move(p));
  }
  SAFEGATE_ASSIGN_OR_RETURN(auto matcher, scan::Matcher::Compile(std::move(patterns), normalize));
  scan::Scratch scratch(*matcher);
  std::vector<scan::Hit> hits;
  // item -> language -> (paragraphs hit, first example)
  std::vector<std::map<std::string, std::pair<size_t, std::string>>> found(bank.items.size());
  std::map<std::string, size_t> sizes;
  for (const std::string& lang : OrdinaryLanguages()) {
    const std::vector<std::string_view> paragraphs = OrdinaryParagraphs(lang);
    sizes[lang] = paragraphs.size();
    std::vector<size_t> seen(bank.items.size(), SIZE_MAX);  // last paragraph counted
    for (size_t k = 0; k < paragraphs.size(); ++k) {
      SAFEGATE_RETURN_IF_ERROR(matcher->Scan(paragraphs[k], &scratch, &hits));
      for (const scan::Hit& h : hits) {
        size_t i = std::stoul(matcher->patterns()[h.pattern].id);
        if (seen[i] == k) continue;
        seen[i] = k;
        auto& [n, example] = found[i][lang];
        if (n++ == 0) example = std::string(paragraphs[k].substr(h.begin, h.end - h.begin));
      }
    }
  }
  std::vector<OrdinaryHit> out;
  for (size_t i = 0; i < bank.items.size(); ++i) {
    const policy::BankItem& item = bank.items[i];
    const std::string own = PrimaryTag(item.lang);
    OrdinaryHit best;
    for (const auto& [lang, entry] : found[i]) {
      if (sizes.count(own) && lang != own) continue;  // measured on its own language only
      double share = static_cast<double>(entry.first) / static_cast<double>(sizes[lang]);
      if (best.hit == 0 || share > best.share) {
        best = {item.id, item.text, lang, sizes[lang], entry.first, share, entry.second};
      }
    }
    if (best.hit > 0 && best.share >= min_share) out.push_back(std::move(best));
  }
  std::sort(out.begin(), out.end(), [](const OrdinaryHit& a, const OrdinaryHit& b) {
    return a.share != b.share ? a.share > b.share : a.id < b.id;
  });
  return out;
}

}  // namespace safegate::bank
