// Writing bank items as JSONL or CSV (the formats LoadBank reads back).
#pragma once

#include <string>
#include <vector>

#include "safegate/base/status.h"
#include "safegate/policy/bank.h"

namespace safegate::bank {

// One JSON object per item: id, category (or topic for should-answer banks),
// lang, text, and tags, source, added, keyword_id, template_id, type when
// set; keywords always carry whole_word, and inflect when it differs from
// whole_word (the loader's default).
std::string ItemsToJsonl(const std::vector<const policy::BankItem*>& items, policy::BankKind kind);

// CSV with a header: id,category,lang,text,tags,source,added,keyword_id,template_id
// (plus type,whole_word,inflect for keywords; "topic" instead of "category" for
// should-answer banks). RFC 4180 quoting.
std::string ItemsToCsv(const std::vector<const policy::BankItem*>& items, policy::BankKind kind);

// Writes the items atomically; the format follows the extension (.csv, else JSONL).
Status WriteItems(const std::string& path, const std::vector<const policy::BankItem*>& items,
                  policy::BankKind kind);

}  // namespace safegate::bank
