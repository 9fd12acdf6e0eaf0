// The review API: the queue (/v1/review/...), users (/v1/users/...) and the
// audit log (/v1/audit...).

#include "safegate/moderation/store.h"
#include "service.h"

namespace safegate::server {

namespace {

json ItemJson(const mod::QueueItem& q, int64_t now) {
  json cats = json::parse(q.categories, nullptr, false);
  if (cats.is_discarded()) cats = json::array();
  std::string status = q.status;
  if (status == "claimed" && q.claim_expires <= now) status = "open";
  return {{"id", q.id},
          {"kind", q.kind},
          {"status", status},
          {"level", q.level},
          {"message_id", q.message_id},
          {"conversation_id", q.conversation_id},
          {"user", q.user},
          {"categories", cats},
          {"reason", q.reason},
          {"excerpt", q.excerpt},
          {"created_at", IsoUtc(q.created_at)},
          {"claimed_by", status == "claimed" ? json(q.claimed_by) : json(nullptr)},
          {"claim_expires", status == "claimed" ? json(IsoUtc(q.claim_expires)) : json(nullptr)},
          {"decision", q.decision.empty() ? json(nullptr) : json(q.decision)},
          {"decision_reason", q.decision_reason},
          {"decided_by", q.decided_by.empty() ? json(nullptr) : json(q.decided_by)},
          {"decided_at", q.decided_at ? json(IsoUtc(q.decided_at)) : json(nullptr)}};
}

}  // namespace

HttpResponse Service::ListItems(HttpRequest& req) {
  mod::QueueFilter f;
  f.status = req.QueryParam("status");
  f.kind = req.QueryParam("kind");
  f.category = req.QueryParam("category");
  f.user = req.QueryParam("user");
  f.claimed_by = req.QueryParam("claimed_by");
  std::string after = req.QueryParam("after"), limit = req.QueryParam("limit"),
              level = req.QueryParam("min_level");
  if (!f.status.empty() && f.status != "open" && f.status != "claimed" && f.status != "decided") {
    return ErrorResponse(400, "status: must be open, claimed or decided", "invalid_request_error");
  }
  char* end = nullptr;
  if (!after.empty()) {
    f.after = strtoll(after.c_str(), &end, 10);
    if (*end) return ErrorResponse(400, "after: not a number", "invalid_request_error");
  }
  if (!limit.empty()) {
    f.limit = strtoll(limit.c_str(), &end, 10);
    if (*end || f.limit < 1 || f.limit > 500) {
      return ErrorResponse(400, "limit: must be 1..500", "invalid_request_error");
    }
  }
  if (!level.empty()) f.min_level = strtoll(level.c_str(), &end, 10);
  auto db = pool_.Get();
  int64_t now = UnixSeconds();
  auto page = mod::ListQueue(*db, f, now);
  if (!page.ok()) return FromStatus(page.status());
  json items = json::array();
  for (const auto& q : page->items) items.push_back(ItemJson(q, now));
  return Json(200, {{"object", "list"},
                    {"data", items},
                    {"next_after", page->next_after ? json(page->next_after) : json(nullptr)},
                    {"has_more", page->next_after != 0}});
}

Result<int64_t> Service::ItemId(const HttpRequest& req) {
  std::string s(req.Param("id"));
  char* end = nullptr;
  int64_t id = strtoll(s.c_str(), &end, 10);
  if (s.empty() || *end || id <= 0)
    return InvalidArgumentError("item id '" + s + "': not a number");
  return id;
}

HttpResponse Service::GetItem(HttpRequest& req) {
  auto id = ItemId(req);
  if (!id.ok()) return FromStatus(id.status());
  auto db = pool_.Get();
  auto q = mod::GetQueueItem(*db, *id);
  if (!q.ok()) return FromStatus(q.status());
  if (!*q) return ErrorResponse(404, "no review item " + std::to_string(*id), "not_found");
  return Json(200, ItemJson(**q, UnixSeconds()));
}

// The escalation rule of the review page (moderation::MayTakeLevel): an
// error response when `who` may not take item `id`, else nothing.
std::optional<HttpResponse> Service::RefuseEscalated(store::Database& db, int64_t id,
                                                     const Principal& who) {
  auto item = mod::GetQueueItem(db, id);
  if (!item.ok()) return FromStatus(item.status());
  if (*item && !mod::MayTakeLevel(who.role, (*item)->level)) {
    return ErrorResponse(
        403, "review item " + std::to_string(id) + " is escalated: escalated items are for admins",
        "permission_denied");
  }
  return std::nullopt;
}

HttpResponse Service::ClaimItem(HttpRequest& req, const Principal& who) {
  auto id = ItemId(req);
  if (!id.ok()) return FromStatus(id.status());
  auto db = pool_.Get();
  int64_t now = UnixSeconds();
  if (auto refused = RefuseEscalated(*db, *id, who)) return *refused;
  auto ok = mod::Claim(*db, *id, who.id, now, config_.claim_minutes * 60);
  if (!ok.ok()) return FromStatus(ok.status());
  auto q = mod::GetQueueItem(*db, *id);
  if (!q.ok()) return FromStatus(q.status());
  if (!*q) return ErrorResponse(404, "no review item " + std::to_string(*id), "not_found");
  if (!*ok) {
    return ErrorResponse(409,
                         "review item " + std::to_string(*id) + " is " + (*q)->status +
                             ((*q)->status == "claimed" ? " by " + (*q)->claimed_by : ""),
                         "conflict", "not_claimable");
  }
  return Json(200, ItemJson(**q, now));
}

HttpResponse Service::ClaimNext(HttpRequest& req, const Principal& who) {
  mod::QueueFilter f;
  f.kind = req.QueryParam("kind");
  f.category = req.QueryParam("category");
  std::string level = req.QueryParam("min_level");
  if (!level.empty()) f.min_level = strtoll(level.c_str(), nullptr, 10);
  if (!mod::MayTakeLevel(who.role, 1)) f.max_level = 0;  // escalated items go to admins
  auto db = pool_.Get();
  int64_t now = UnixSeconds();
  auto q = mod::ClaimNext(*db, f, who.id, now, config_.claim_minutes * 60);
  if (!q.ok()) return FromStatus(q.status());
  if (!*q) return Json(200, {{"object", "review_item"}, {"item", nullptr}});
  return Json(200, {{"object", "review_item"}, {"item", ItemJson(**q, now)}});
}

HttpResponse Service::ReleaseItem(HttpRequest& req, const Principal& who) {
  auto id = ItemId(req);
  if (!id.ok()) return FromStatus(id.status());
  auto db = pool_.Get();
  auto ok = mod::Release(*db, *id, who.id, UnixSeconds());
  if (!ok.ok()) return FromStatus(ok.status());
  if (!*ok)
    return ErrorResponse(409, "you do not hold review item " + std::to_string(*id), "conflict");
  return Json(200, {{"id", *id}, {"status", "open"}});
}

HttpResponse Service::DecideItem(HttpRequest& req, const Principal& who) {
  auto id = ItemId(req);
  if (!id.ok()) return FromStatus(id.status());
  auto d = DecodeDecisionRequest(req.body);
  if (!d.ok()) return FromStatus(d.status());
  auto db = pool_.Get();
  int64_t now = UnixSeconds(), secs = 0;
  if (auto refused = RefuseEscalated(*db, *id, who)) return *refused;
  auto r = mod::Decide(*db, *id, who.id, d->decision, d->reason, now, &secs);
  if (!r.ok()) return FromStatus(r.status());
  if (*r == mod::DecideResult::kNotFound) {
    return ErrorResponse(404, "no review item " + std::to_string(*id), "not_found");
  }
  if (*r == mod::DecideResult::kNotClaimed) {
    return ErrorResponse(409, "claim review item " + std::to_string(*id) + " before deciding it",
                         "conflict", "not_claimed");
  }
  if (d->decision != "escalate") metrics_->ObserveDecision(static_cast<double>(secs));
  auto q = mod::GetQueueItem(*db, *id);
  if (!q.ok() || !*q) return Json(200, {{"id", *id}});
  return Json(200, ItemJson(**q, now));
}

HttpResponse Service::GetUserRoute(HttpRequest& req) {
  auto db = pool_.Get();
  auto u = mod::GetUser(*db, std::string(req.Param("id")));
  if (!u.ok()) return FromStatus(u.status());
  int64_t now = UnixSeconds();
  bool suspended = u->state.suspended_until > now;
  return Json(
      200, {{"user", u->user},
            {"suspended", suspended},
            {"suspended_until", suspended ? json(IsoUtc(u->state.suspended_until)) : json(nullptr)},
            {"reason", u->state.reason},
            {"consecutive", u->state.consecutive},
            {"today", u->state.day == mod::UtcDay(now) ? u->state.day_count : 0}});
}

HttpResponse Service::LiftUser(HttpRequest& req, const Principal& who) {
  std::string reason;
  if (!req.body.empty()) {
    auto j = ParseJsonObject(req.body);
    if (!j.ok()) return FromStatus(j.status());
    if (j->contains("reason") && (*j)["reason"].is_string()) reason = (*j)["reason"];
  }
  auto db = pool_.Get();
  Status s = mod::LiftSuspension(*db, std::string(req.Param("id")), who.id, reason, UnixSeconds());
  if (!s.ok()) return FromStatus(s);
  return Json(200, {{"user", std::string(req.Param("id"))}, {"suspended", false}});
}

HttpResponse Service::Audit(HttpRequest& req) {
  int64_t after = strtoll(req.QueryParam("after").c_str(), nullptr, 10);
  std::string l = req.QueryParam("limit");
  int64_t limit = l.empty() ? 100 : std::clamp<int64_t>(strtoll(l.c_str(), nullptr, 10), 1, 1000);
  auto db = pool_.Get();
  auto rows = mod::ListAudit(*db, after, limit);
  if (!rows.ok()) return FromStatus(rows.status());
  json data = json::array();
  for (const auto& e : *rows) {
    json detail = json::parse(e.detail, nullptr, false);
    data.push_back({{"seq", e.seq},
                    {"ts", IsoUtc(e.ts)},
                    {"actor", e.actor},
                    {"action", e.action},
                    {"subject", e.subject},
                    {"detail", detail.is_discarded() ? json(e.detail) : detail},
                    {"prev_hash", e.prev_hash},
                    {"hash", e.hash}});
  }
  return Json(200, {{"object", "list"},
                    {"data", data},
                    {"next_after", rows->empty() ? json(nullptr) : json(rows->back().seq)}});
}

HttpResponse Service::AuditVerify() {
  auto db = pool_.Get();
  auto c = mod::VerifyAudit(*db);
  if (!c.ok()) return FromStatus(c.status());
  return Json(200, {{"ok", c->ok},
                    {"rows", c->rows},
                    {"first_bad_seq", c->first_bad_seq},
                    {"message", c->message}});
}

}  // namespace safegate::server
