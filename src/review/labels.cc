#include "safegate/review/labels.h"

#include <nlohmann/json.hpp>

#include "safegate/base/json.h"
#include "safegate/base/status.h"

namespace safegate::review {
namespace {

using Json = nlohmann::json;

bool ValidSetName(const std::string& n) {
  if (n.empty() || n.size() > 64) return false;
  for (char c : n) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '.' || c == '_' || c == '-';
    if (!ok) return false;
  }
  return true;
}

std::string Where(const std::string& origin, int64_t line, const std::string& field) {
  return origin + ":" + std::to_string(line) + (field.empty() ? "" : ": field '" + field + "'");
}

std::string NormalLabel(std::string v) {
  for (char& c : v) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (v == "unallowable" || v == "bad" || v == "yes" || v == "1") return "unallowable";
  if (v == "allowable" || v == "ok" || v == "no" || v == "0") return "allowable";
  if (v.empty()) return "";
  return "?";
}

}  // namespace

Result<int64_t> ImportLabelSet(store::Database& db, const std::string& name,
                               const std::string& jsonl, const std::string& origin, int64_t now) {
  if (!ValidSetName(name)) {
    return InvalidArgumentError("label set '" + name + "': 1-64 characters from A-Z a-z 0-9 . _ -");
  }
  struct Parsed {
    std::string id, record, label, category, reviewer, note;
  };
  std::vector<Parsed> items;
  size_t pos = 0;
  int64_t line = 0;
  while (pos < jsonl.size()) {
    size_t nl = jsonl.find('\n', pos);
    if (nl == std::string::npos) nl = jsonl.size();
    std::string_view l(jsonl.data() + pos, nl - pos);
    pos = nl + 1;
    ++line;
    if (l.find_first_not_of(" \t\r") == std::string_view::npos) continue;
    Json j = Json::parse(l, nullptr, false);
    if (j.is_discarded() || !j.is_object()) {
      return InvalidArgumentError(Where(origin, line, "") + ": not a JSON object");
    }
    if (j.contains("schema")) continue;
    if (!j.contains("sample_id") || !j["sample_id"].is_string() ||
        j["sample_id"].get<std::string>().empty()) {
      return InvalidArgumentError(Where(origin, line, "sample_id") + ": missing");
    }
    if (!j.contains("text") || !j["text"].is_string()) {
      return InvalidArgumentError(Where(origin, line, "text") + ": missing");
    }
    Parsed p;
    p.id = j["sample_id"];
    auto str = [&](const char* k) {
      return j.contains(k) && j[k].is_string() ? j[k].get<std::string>() : std::string();
    };
    p.label = NormalLabel(str("label"));
    if (p.label == "?") {
      return InvalidArgumentError(Where(origin, line, "label") +
                                  ": must be allowable or unallowable");
    }
    p.category = str("category");
    p.reviewer = str("reviewer");
    p.note = str("note");
    for (const char* k : {"label", "category", "reviewer", "note"}) j.erase(k);
    p.record = DumpJson(j);
    items.push_back(std::move(p));
  }
  if (items.empty()) return InvalidArgumentError(origin + ": no items");
  SAFEGATE_RETURN_IF_ERROR(store::InTransaction(db, [&]() -> Status {
    int64_t ord = 0;
    for (const auto& p : items) {
      SAFEGATE_ASSIGN_OR_RETURN(
          auto have, db.Query("SELECT label FROM review_label_items WHERE set_name = $1 AND "
                              "sample_id = $2",
                              {name, p.id}));
      if (have.empty()) {
        SAFEGATE_RETURN_IF_ERROR(
            db.Exec("INSERT INTO review_label_items (set_name, sample_id, ord, record, label, "
                    "category, reviewer, note, labelled_at) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9)",
                    {name, p.id, ord, p.record, p.label, p.category, p.reviewer, p.note,
                     p.label.empty() ? int64_t{0} : now})
                .status());
      } else if (have[0].Text(0).empty() && !p.label.empty()) {
        SAFEGATE_RETURN_IF_ERROR(
            db.Exec("UPDATE review_label_items SET label = $3, category = $4, reviewer = $5, "
                    "note = $6, labelled_at = $7 WHERE set_name = $1 AND sample_id = $2",
                    {name, p.id, p.label, p.category, p.reviewer, p.note, now})
                .status());
      }
      ++ord;
    }
    return OkStatus();
  }));
  return static_cast<int64_t>(items.size());
}

Result<std::vector<LabelSetInfo>> ListLabelSets(store::Database& db) {
  SAFEGATE_ASSIGN_OR_RETURN(
      auto rows,
      db.Query("SELECT set_name, COUNT(*), SUM(CASE WHEN label <> '' THEN 1 ELSE 0 END), "
               "SUM(CASE WHEN label = 'unallowable' THEN 1 ELSE 0 END) FROM review_label_items "
               "GROUP BY set_name ORDER BY set_name"));
  std::vector<LabelSetInfo> out;
  for (const auto& r : rows) out.push_back({r.Text(0), r.Int(1), r.Int(2), r.Int(3)});
  return out;
}

Result<std::vector<LabelItem>> ListLabelItems(store::Database& db, const std::string& name,
                                              int64_t after_ord, int64_t limit,
                                              bool unlabelled_only) {
  if (limit < 1) limit = 1;
  if (limit > 500) limit = 500;
  std::string sql =
      "SELECT sample_id, ord, record, label, category, reviewer, note, labelled_at FROM "
      "review_label_items WHERE set_name = $1 AND ord > $2";
  if (unlabelled_only) sql += " AND label = ''";
  sql += " ORDER BY ord LIMIT " + std::to_string(limit);
  SAFEGATE_ASSIGN_OR_RETURN(auto rows, db.Query(sql, {name, after_ord}));
  std::vector<LabelItem> out;
  for (const auto& r : rows) {
    out.push_back(
        {r.Text(0), r.Int(1), r.Text(2), r.Text(3), r.Text(4), r.Text(5), r.Text(6), r.Int(7)});
  }
  return out;
}

Status SetLabel(store::Database& db, const std::string& name, const std::string& sample_id,
                const std::string& label, const std::string& category, const std::string& reviewer,
                const std::string& note, int64_t now) {
  std::string l = NormalLabel(label);
  if (l == "?") return InvalidArgumentError("label: must be allowable or unallowable (or empty)");
  if (category.size() > 200 || note.size() > 4000) {
    return InvalidArgumentError("category or note: too long");
  }
  SAFEGATE_ASSIGN_OR_RETURN(
      int64_t n,
      db.Exec("UPDATE review_label_items SET label = $3, category = $4, reviewer = $5, note = $6, "
              "labelled_at = $7 WHERE set_name = $1 AND sample_id = $2",
              {name, sample_id, l, l.empty() ? std::string() : category,
               l.empty() ? std::string() : reviewer, note, l.empty() ? int64_t{0} : now}));
  if (n == 0) return NotFoundError("no item '" + sample_id + "' in label set '" + name + "'");
  return OkStatus();
}

Result<std::string> ExportLabelSet(store::Database& db, const std::string& name) {
  SAFEGATE_ASSIGN_OR_RETURN(
      auto rows, db.Query("SELECT record, label, category, reviewer, note FROM review_label_items "
                          "WHERE set_name = $1 ORDER BY ord",
                          {name}));
  if (rows.empty()) return NotFoundError("no label set '" + name + "'");
  std::string out;
  for (const auto& r : rows) {
    Json j = Json::parse(r.Text(0), nullptr, false);
    if (j.is_discarded() || !j.is_object()) j = Json::object();
    j["label"] = r.Text(1);
    j["category"] = r.Text(2);
    j["reviewer"] = r.Text(3);
    j["note"] = r.Text(4);
    out += DumpJson(j) + "\n";
  }
  return out;
}

}  // namespace safegate::review
