// Bank item writers. See bank/write.h.
#include "safegate/bank/write.h"

#include <nlohmann/json.hpp>

#include "safegate/base/file.h"
#include "safegate/base/json.h"

namespace safegate::bank {
namespace {

std::string Csv(const std::string& s) {
  if (s.find_first_of(",\"\r\n") == std::string::npos) return s;
  std::string out = "\"";
  for (char c : s) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

std::string Join(const std::vector<std::string>& v) {
  std::string out;
  for (const std::string& s : v) out += (out.empty() ? "" : ",") + s;
  return out;
}

bool EndsWith(const std::string& s, const std::string& suffix) {
  return s.size() >= suffix.size() &&
         s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

}  // namespace

std::string ItemsToJsonl(const std::vector<const policy::BankItem*>& items, policy::BankKind kind) {
  std::string out;
  const char* cat = kind == policy::BankKind::kShouldAnswer ? "topic" : "category";
  for (const policy::BankItem* i : items) {
    nlohmann::ordered_json j;
    j["id"] = i->id;
    j[cat] = i->category;
    if (!i->lang.empty()) j["lang"] = i->lang;
    j["text"] = i->text;
    if (!i->tags.empty()) j["tags"] = i->tags;
    if (!i->source.empty()) j["source"] = i->source;
    if (!i->added.empty()) j["added"] = i->added;
    if (!i->keyword_id.empty()) j["keyword_id"] = i->keyword_id;
    if (!i->template_id.empty()) j["template_id"] = i->template_id;
    if (kind == policy::BankKind::kKeywords) {
      if (i->regex) j["type"] = "regex";
      j["whole_word"] = i->whole_word;
      if (i->inflect != i->whole_word) j["inflect"] = i->inflect;
    }
    out += DumpJson(j) + "\n";
  }
  return out;
}

std::string ItemsToCsv(const std::vector<const policy::BankItem*>& items, policy::BankKind kind) {
  const bool kw = kind == policy::BankKind::kKeywords;
  std::string out = kind == policy::BankKind::kShouldAnswer ? "id,topic" : "id,category";
  out += ",lang,text,tags,source,added,keyword_id,template_id";
  if (kw) out += ",type,whole_word,inflect";
  out += "\n";
  for (const policy::BankItem* i : items) {
    out += Csv(i->id) + "," + Csv(i->category) + "," + Csv(i->lang) + "," + Csv(i->text) + "," +
           Csv(Join(i->tags)) + "," + Csv(i->source) + "," + Csv(i->added) + "," +
           Csv(i->keyword_id) + "," + Csv(i->template_id);
    if (kw)
      out += std::string(",") + (i->regex ? "regex" : "literal") + "," +
             (i->whole_word ? "true" : "false") + "," + (i->inflect ? "true" : "false");
    out += "\n";
  }
  return out;
}

Status WriteItems(const std::string& path, const std::vector<const policy::BankItem*>& items,
                  policy::BankKind kind) {
  const bool csv = EndsWith(path, ".csv") || EndsWith(path, ".CSV");
  return WriteFileAtomic(path, csv ? ItemsToCsv(items, kind) : ItemsToJsonl(items, kind));
}

}  // namespace safegate::bank
