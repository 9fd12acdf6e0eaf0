// GET /v1/conversations/{id} and POST /v1/reports (a client reports an answer).

#include "safegate/moderation/store.h"
#include "service.h"

namespace safegate::server {

HttpResponse Service::GetConversation(HttpRequest& req) {
  auto db = pool_.Get();
  auto c = mod::GetConversation(*db, std::string(req.Param("id")), UnixSeconds());
  if (!c.ok()) return FromStatus(c.status());
  if (!*c)
    return ErrorResponse(404, "no conversation '" + std::string(req.Param("id")) + "'",
                         "not_found");
  json msgs = json::array();
  for (const auto& m : (*c)->messages) {
    json cats = json::parse(m.categories, nullptr, false);
    if (cats.is_discarded()) cats = json::array();
    std::string content = m.status == "removed" ? config_.msg_removed : m.content;
    msgs.push_back({{"id", m.id},
                    {"role", m.role},
                    {"content", content},
                    {"status", m.status},
                    {"categories", cats},
                    {"created_at", IsoUtc(m.created_at)}});
  }
  return Json(200,
              {{"id", (*c)->id},
               {"object", "conversation"},
               {"user", (*c)->user},
               {"created_at", IsoUtc((*c)->created_at)},
               {"expires_at", (*c)->expires_at ? json(IsoUtc((*c)->expires_at)) : json(nullptr)},
               {"messages", msgs}});
}

HttpResponse Service::Report(HttpRequest& req, const Principal& who) {
  auto r = DecodeReportRequest(req.body);
  if (!r.ok()) return FromStatus(r.status());
  auto db = pool_.Get();
  auto m = mod::GetMessage(*db, r->message_id);
  if (!m.ok()) return FromStatus(m.status());
  if (!*m) return ErrorResponse(404, "no message '" + r->message_id + "'", "not_found");
  mod::QueueItem q;
  q.kind = "report";
  q.message_id = (*m)->id;
  q.conversation_id = (*m)->conversation_id;
  q.user = r->user.empty() ? std::string(req.Header(config_.user_header)) : r->user;
  q.categories = (*m)->categories;
  q.reason = r->reason;
  q.excerpt = (*m)->original.empty() ? (*m)->content : (*m)->original;
  q.created_at = UnixSeconds();
  auto id = mod::Enqueue(*db, q, who.id);
  if (!id.ok()) return FromStatus(id.status());
  metrics_->CountEvent("report");
  return Json(201, {{"id", *id}, {"object", "review_item"}, {"status", "open"}});
}

}  // namespace safegate::server
