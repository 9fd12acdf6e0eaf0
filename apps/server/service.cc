// The route table of `safegate serve`: every route, its role and where it
// runs: the io thread, the worker pool (the database) or the upstream pool
// (the routes that call the upstream model; the handlers live in the files
// service.h names). Only kUpstream routes wait on the upstream, so a stalled
// upstream never holds the review API, /readyz or /metrics.

#include "service.h"

#include <cstdio>

namespace safegate::server {

std::vector<Route> Service::Routes() {
  std::vector<Route> r;
  using P = const Principal&;
  constexpr Runs kIo = Runs::kIoThread, kDb = Runs::kWorkers, kUp = Runs::kUpstream;
  r.push_back(Make("GET", "/healthz", "", kIo, [this](HttpRequest&, ResponseStream*, P) {
    return Json(200, {{"status", "ok"}, {"policy", policy_.id}, {"version", policy_.version}});
  }));
  // Readiness: the database answers (liveness is /healthz, which never
  // touches it).
  r.push_back(Make("GET", "/readyz", "", kDb, [this](HttpRequest&, ResponseStream*, P) {
    auto db = pool_.Get();
    auto rows = (*db).Query("SELECT 1");
    if (!rows.ok()) {
      fprintf(stderr, "safegate serve: readyz: %s\n", rows.status().ToString().c_str());
      return Json(503, {{"status", "unavailable"}, {"database", "unavailable"}});
    }
    return Json(200, {{"status", "ready"}, {"database", "ok"}});
  }));
  r.push_back(Make("GET", "/metrics", config_.public_metrics ? "" : "admin", kDb,
                   [this](HttpRequest&, ResponseStream*, P) {
                     int64_t depth = -1;
                     {
                       auto db = pool_.Get();
                       auto d = mod::QueueDepth(*db);
                       if (d.ok()) depth = *d;
                     }
                     HttpResponse res;
                     res.content_type = "text/plain; version=0.0.4";
                     res.body = metrics_->Render(depth);
                     return res;
                   }));
  if (config_.bare_endpoint) {
    r.push_back(Make("POST", "/bench/bare", "", kIo, [](HttpRequest&, ResponseStream*, P) {
      HttpResponse res;
      res.body = R"({"id":"bare","results":[{"flagged":false}]})";
      return res;
    }));
  }
  r.push_back(Make("POST", "/v1/moderations", "client", kIo,
                   [this](HttpRequest& q, ResponseStream*, P) { return Moderations(q); }));
  r.push_back(Make("POST", "/v1/chat/completions", "client", kUp,
                   [this](HttpRequest& q, ResponseStream* s, P) { return Chat(q, s); }));
  r.push_back(Make("GET", "/v1/models", "client", kUp,
                   [this](HttpRequest& q, ResponseStream*, P) { return Models(q, false); }));
  r.push_back(Make("GET", "/v1/models/{id}", "client", kUp,
                   [this](HttpRequest& q, ResponseStream*, P) { return Models(q, true); }));
  r.push_back(Make("GET", "/v1/conversations/{id}", "client", kDb,
                   [this](HttpRequest& q, ResponseStream*, P) { return GetConversation(q); }));
  r.push_back(Make("POST", "/v1/reports", "client", kDb,
                   [this](HttpRequest& q, ResponseStream*, P p) { return Report(q, p); }));
  r.push_back(Make("GET", "/v1/review/items", "reviewer", kDb,
                   [this](HttpRequest& q, ResponseStream*, P) { return ListItems(q); }));
  r.push_back(Make("GET", "/v1/review/items/{id}", "reviewer", kDb,
                   [this](HttpRequest& q, ResponseStream*, P) { return GetItem(q); }));
  r.push_back(Make("POST", "/v1/review/items/{id}/claim", "reviewer", kDb,
                   [this](HttpRequest& q, ResponseStream*, P p) { return ClaimItem(q, p); }));
  r.push_back(Make("POST", "/v1/review/items/{id}/release", "reviewer", kDb,
                   [this](HttpRequest& q, ResponseStream*, P p) { return ReleaseItem(q, p); }));
  r.push_back(Make("POST", "/v1/review/items/{id}/decision", "reviewer", kDb,
                   [this](HttpRequest& q, ResponseStream*, P p) { return DecideItem(q, p); }));
  r.push_back(Make("POST", "/v1/review/claim", "reviewer", kDb,
                   [this](HttpRequest& q, ResponseStream*, P p) { return ClaimNext(q, p); }));
  r.push_back(Make("GET", "/v1/users/{id}", "admin", kDb,
                   [this](HttpRequest& q, ResponseStream*, P) { return GetUserRoute(q); }));
  r.push_back(Make("POST", "/v1/users/{id}/lift", "admin", kDb,
                   [this](HttpRequest& q, ResponseStream*, P p) { return LiftUser(q, p); }));
  r.push_back(Make("GET", "/v1/audit", "admin", kDb,
                   [this](HttpRequest& q, ResponseStream*, P) { return Audit(q); }));
  r.push_back(Make("GET", "/v1/audit/verify", "admin", kDb,
                   [this](HttpRequest&, ResponseStream*, P) { return AuditVerify(); }));
  return r;
}

}  // namespace safegate::server
