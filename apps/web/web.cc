// Handlers of the reviewer web page (docs/review-ui.md).
#include "web.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "assets.h"
#include "safegate/base/clock.h"
#include "safegate/base/i18n.h"
#include "safegate/base/json.h"
#include "safegate/moderation/moderator.h"
#include "safegate/moderation/queue_view.h"
#include "safegate/moderation/sla.h"
#include "safegate/moderation/store.h"
#include "safegate/policy/policy.h"
#include "safegate/review/accounts.h"
#include "safegate/review/labels.h"
#include "safegate/review/login_throttle.h"
#include "safegate/stats/queueing.h"
#include "safegate/stats/staffing.h"
#include "safegate/store/pool.h"

namespace safegate::web {
namespace {

using nlohmann::json;
using server::HttpRequest;
using server::HttpResponse;
using server::ResponseStream;
using server::Route;
namespace mod = safegate::moderation;

constexpr char kCookie[] = "sg_session";

double NowSeconds() {
  return std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
}

// The page's JSON answers (server::Json), never cached: they carry the
// reviewer's session data.
HttpResponse Json(int status, const json& j) {
  return server::Json(status, j, {{"Cache-Control", "no-store"}});
}

HttpResponse Error(int status, const std::string& message) {
  return Json(status, {{"error", {{"message", message}, {"status", status}}}});
}

// The server's mapping (server::PublicErrorOf): a database error is 503 and
// its message (SQL, paths) goes to the log, never to the page.
HttpResponse FromStatus(const Status& s) {
  server::PublicError e = server::PublicErrorOf(s);
  if (e.log) fprintf(stderr, "safegate web: %s\n", s.ToString().c_str());
  return Error(e.status, e.message);
}

int64_t ToInt(const std::string& s, int64_t fallback) {
  if (s.empty()) return fallback;
  char* end = nullptr;
  long long v = strtoll(s.c_str(), &end, 10);
  return *end ? fallback : static_cast<int64_t>(v);
}

double ToDouble(const std::string& s, double fallback) {
  if (s.empty()) return fallback;
  char* end = nullptr;
  double v = strtod(s.c_str(), &end);
  return *end ? fallback : v;
}

json ParseCategories(const std::string& text) {
  json c = ParseUntrustedJson(text);
  return c.is_array() ? c : json::array();
}

// The value of cookie `name` in a Cookie header, or "".
std::string CookieValue(std::string_view header, std::string_view name) {
  while (!header.empty()) {
    size_t semi = header.find(';');
    std::string_view part = header.substr(0, semi);
    while (!part.empty() && part.front() == ' ') part.remove_prefix(1);
    size_t eq = part.find('=');
    if (eq != std::string_view::npos && part.substr(0, eq) == name) {
      return std::string(part.substr(eq + 1));
    }
    if (semi == std::string_view::npos) break;
    header.remove_prefix(semi + 1);
  }
  return "";
}

class Web {
 public:
  Web(server::ServerConfig config, WebOptions options)
      : config_(std::move(config)), options_(options) {}

  Status Open() {
    SAFEGATE_RETURN_IF_ERROR(pool_.Open([&] { return server::OpenDatabase(config_.db); },
                                        std::max(1, options_.db_connections)));
    auto db = pool_.Get();
    SAFEGATE_RETURN_IF_ERROR(mod::Migrate(*db).status());
    if (!config_.policy.empty()) {
      auto pol = policy::LoadPolicy(config_.policy);
      if (pol.ok()) {
        auto judges = mod::MakeModerationJudges(
            *pol, config_.cache_dir.empty() ? policy::DefaultMatcherCacheDir() : config_.cache_dir);
        if (judges.ok()) {
          // Highlighting needs spans only: the keyword judge (no model calls).
          std::vector<std::shared_ptr<const judge::Judge>> keyword;
          for (auto& j : *judges) {
            if (j->name() == "keyword") keyword.push_back(j);
          }
          moderator_ = std::make_unique<mod::Moderator>(std::move(keyword), pol->taxonomy);
        }
      }
    }
    return OkStatus();
  }

  std::vector<Route> Routes();

 private:
  struct Who {
    review::Session session;
    std::string name() const { return session.account.username; }
    review::Role role() const { return session.account.role; }
  };
  using Fn = std::function<HttpResponse(HttpRequest&, const Who&)>;

  // A route that needs a session with at least `min_role`; state-changing
  // methods also need the session's CSRF token in X-CSRF-Token.
  Route Api(std::string method, std::string pattern, review::Role min_role, Fn fn) {
    Route r;
    r.method = method;
    r.pattern = std::move(pattern);
    r.name = r.pattern;
    r.offload = true;
    r.handler = [this, method, min_role, fn = std::move(fn)](HttpRequest& req,
                                                             ResponseStream*) -> HttpResponse {
      std::optional<review::Session> s;
      {
        auto db = pool_.Get();
        auto found =
            review::LookupSession(*db, CookieValue(req.Header("cookie"), kCookie), UnixSeconds());
        if (!found.ok()) return FromStatus(found.status());
        s = std::move(*found);
      }
      if (!s) return Error(401, "not logged in (or the session expired)");
      if (method != "GET" && !review::ConstantTimeEquals(req.Header("x-csrf-token"), s->csrf)) {
        return Error(403, "missing or wrong CSRF token (X-CSRF-Token)");
      }
      if (static_cast<int>(s->account.role) < static_cast<int>(min_role)) {
        return Error(403, std::string("role ") + review::RoleName(s->account.role) +
                              " may not do this (needs " + review::RoleName(min_role) + ")");
      }
      Who who{std::move(*s)};
      return fn(req, who);
    };
    return r;
  }

  std::string CookieHeader(const std::string& value, int64_t max_age) const {
    std::string c = std::string(kCookie) + "=" + value + "; Path=/; HttpOnly; SameSite=Strict";
    if (options_.secure_cookie) c += "; Secure";
    c += "; Max-Age=" + std::to_string(max_age);
    return c;
  }

  HttpResponse Asset(std::string_view name) {
    for (int i = 0; i < kAssetCount; ++i) {
      if (kAssets[i].name == name) {
        HttpResponse r;
        r.content_type = std::string(kAssets[i].content_type);
        r.body = std::string(kAssets[i].body);
        r.headers.push_back({"Cache-Control", "no-cache"});
        r.headers.push_back({"X-Content-Type-Options", "nosniff"});
        r.headers.push_back({"Referrer-Policy", "no-referrer"});
        r.headers.push_back({"Content-Security-Policy",
                             "default-src 'self'; img-src 'self' data:; style-src 'self'; "
                             "script-src 'self'; connect-src 'self'; frame-ancestors 'none'"});
        return r;
      }
    }
    return Error(404, "no file '" + std::string(name) + "'");
  }

  // Appends a login event to the audit log (its own transaction).
  void AuditLogin(store::Database& db, const std::string& action, const std::string& user,
                  const std::string& address) {
    std::string subject = user.size() > 200 ? user.substr(0, 200) : user;
    Status s = store::InTransaction(db, [&] {
      return mod::AppendAudit(db, "anonymous", action, subject,
                              DumpJson(json{{"address", address}}), UnixSeconds());
    });
    if (!s.ok())
      fprintf(stderr, "safegate serve: audit %s: %s\n", action.c_str(), s.ToString().c_str());
  }

  HttpResponse Login(HttpRequest& req) {
    // Login CSRF: the page sends JSON from its own origin. A cross-site form
    // can send only form or text/plain bodies, with another Origin or "null".
    std::string_view type = req.Header("content-type");
    if (type.substr(0, 16) != "application/json") {
      return Error(415, "login expects Content-Type: application/json");
    }
    std::string_view origin = req.Header("origin");
    std::string_view host = req.Header("host");
    if (origin == "null") return Error(403, "cross-origin login refused");
    if (!origin.empty()) {
      size_t p = origin.find("://");
      if (p == std::string_view::npos || origin.substr(p + 3) != host) {
        return Error(403, "cross-origin login refused");
      }
    }
    json b = ParseUntrustedJson(req.body);
    if (!b.is_object() || !b.contains("username") || !b["username"].is_string() ||
        !b.contains("password") || !b["password"].is_string()) {
      return Error(400, "expected {\"username\": ..., \"password\": ...}");
    }
    const std::string user = b["username"].get<std::string>();
    const double now = NowSeconds();
    // Guessing is slowed per account and per address; a wait refuses the
    // attempt before the password is looked at.
    if (double wait = throttle_.Wait(user, req.remote, now); wait > 0) {
      HttpResponse r = Error(429, "too many failed logins: try again in " +
                                      std::to_string(static_cast<int64_t>(std::ceil(wait))) + " s");
      r.headers.push_back({"Retry-After", std::to_string(static_cast<int64_t>(std::ceil(wait)))});
      return r;
    }
    // Password hashing has its own few slots: a login flood gets 503s, the
    // workers stay free for the API.
    if (!throttle_.Enter()) {
      HttpResponse r = Error(503, "too many logins at once: try again");
      r.headers.push_back({"Retry-After", "1"});
      return r;
    }
    auto db = pool_.Get();
    auto acc = review::CheckPassword(*db, user, b["password"].get<std::string>());
    throttle_.Leave();
    if (!acc.ok()) return FromStatus(acc.status());
    if (!*acc) {
      throttle_.Failure(user, req.remote, now);
      AuditLogin(*db, "login.fail", user, req.remote);
      return Error(401, "wrong username or password");
    }
    throttle_.Success(user, req.remote);
    AuditLogin(*db, "login.ok", user, req.remote);
    auto s = review::CreateSession(*db, **acc, UnixSeconds(), options_.session_seconds);
    if (!s.ok()) return FromStatus(s.status());
    (void)review::PurgeSessions(*db, UnixSeconds());
    HttpResponse r = Json(200, {{"user", s->account.username},
                                {"role", review::RoleName(s->account.role)},
                                {"csrf", s->csrf}});
    r.headers.push_back({"Set-Cookie", CookieHeader(s->token, options_.session_seconds)});
    return r;
  }

  HttpResponse Logout(HttpRequest& req) {
    auto db = pool_.Get();
    Status st = review::EndSession(*db, CookieValue(req.Header("cookie"), kCookie));
    if (!st.ok()) return FromStatus(st);
    HttpResponse r = Json(200, {{"ok", true}});
    r.headers.push_back({"Set-Cookie", CookieHeader("", 0)});
    return r;
  }

  mod::QueueQuery QueryFrom(const HttpRequest& req, const Who& who) {
    mod::QueueQuery q;
    q.status = req.QueryParam("status");
    q.source = req.QueryParam("source");
    q.category = req.QueryParam("category");
    // Clamped to a century so that the product with 60 (and now - age) cannot overflow.
    constexpr int64_t kMaxAgeMinutes = int64_t{100} * 366 * 24 * 60;
    q.min_age_seconds =
        std::clamp<int64_t>(ToInt(req.QueryParam("min_age_minutes"), 0), 0, kMaxAgeMinutes) * 60;
    q.after = ToInt(req.QueryParam("after"), 0);
    q.limit = ToInt(req.QueryParam("limit"), 50);
    std::string level = req.QueryParam("level");  // "", "base" (0), "escalated" (>= 1)
    if (level == "base") q.max_level = 0;
    if (level == "escalated") q.min_level = 1;
    return q;
  }

  json RowJson(const mod::QueueItem& r) {
    return {{"id", r.id},
            {"kind", r.kind},
            {"source", r.source},
            {"status", r.status},
            {"level", r.level},
            {"message_id", r.message_id},
            {"conversation_id", r.conversation_id},
            {"user", r.user},
            {"categories", ParseCategories(r.categories)},
            {"reason", r.reason},
            {"excerpt", r.excerpt.substr(0, 400)},
            {"created_at", r.created_at},
            {"claimed_by", r.claimed_by},
            {"claim_expires", r.claim_expires},
            {"decision", r.decision},
            {"decision_reason", r.decision_reason},
            {"decided_by", r.decided_by},
            {"decided_at", r.decided_at}};
  }

  HttpResponse Queue(HttpRequest& req, const Who& who) {
    auto db = pool_.Get();
    auto page = mod::QueryQueue(*db, QueryFrom(req, who), UnixSeconds());
    if (!page.ok()) return FromStatus(page.status());
    json rows = json::array();
    for (const auto& r : page->rows) rows.push_back(RowJson(r));
    return Json(200, {{"items", rows},
                      {"next_after", page->next_after ? json(page->next_after) : json(nullptr)},
                      {"now", UnixSeconds()}});
  }

  // Text split into plain and flagged segments (the policy's keyword judge).
  json Segments(const std::string& text) {
    json out = json::array();
    std::vector<judge::Evidence> ev;
    if (moderator_) {
      auto a = moderator_->Check(text);
      if (a.ok()) ev = a->evidence;
    }
    std::sort(ev.begin(), ev.end(),
              [](const judge::Evidence& a, const judge::Evidence& b) { return a.begin < b.begin; });
    size_t pos = 0;
    for (const auto& e : ev) {
      if (e.end > text.size() || e.begin >= e.end || e.begin < pos) continue;
      if (e.begin > pos) out.push_back({{"text", text.substr(pos, e.begin - pos)}});
      out.push_back({{"text", text.substr(e.begin, e.end - e.begin)},
                     {"flag", e.category},
                     {"rule", e.rule}});
      pos = e.end;
    }
    if (pos < text.size()) out.push_back({{"text", text.substr(pos)}});
    return out;
  }

  HttpResponse Item(HttpRequest& req, const Who& who) {
    int64_t id = ToInt(std::string(req.Param("id")), 0);
    auto db = pool_.Get();
    int64_t now = UnixSeconds();
    mod::QueueQuery q;
    q.after = id - 1;
    q.limit = 1;
    auto page = mod::QueryQueue(*db, q, now);
    if (!page.ok()) return FromStatus(page.status());
    if (page->rows.empty() || page->rows[0].id != id) {
      return Error(404, "no review item " + std::to_string(id));
    }
    const mod::QueueItem& row = page->rows[0];
    json item = RowJson(row);
    item["excerpt"] = row.excerpt;
    item["segments"] = Segments(row.excerpt);
    json messages = json::array();
    if (!row.conversation_id.empty()) {
      auto conv = mod::GetConversation(*db, row.conversation_id, now);
      if (!conv.ok()) return FromStatus(conv.status());
      if (*conv) {
        for (const auto& m : (*conv)->messages) {
          std::string text = m.original.empty() ? m.content : m.original;
          json jm = {{"id", m.id},
                     {"role", m.role},
                     {"status", m.status},
                     {"categories", ParseCategories(m.categories)},
                     {"delivered", m.status == "removed" ? config_.msg_removed : m.content},
                     {"under_review", m.id == row.message_id},
                     {"created_at", m.created_at}};
          jm["segments"] = m.status == "ok" && m.id != row.message_id
                               ? json::array({{{"text", text}}})
                               : Segments(text);
          messages.push_back(std::move(jm));
        }
      }
    }
    return Json(200, {{"item", item}, {"messages", messages}, {"now", now}});
  }

  bool MayTake(const Who& who, int64_t level) const {
    return mod::MayTakeLevel(who.role() == review::Role::kAdmin ? "admin" : "reviewer", level);
  }

  HttpResponse ClaimNext(HttpRequest& req, const Who& who) {
    mod::QueueQuery q = QueryFrom(req, who);
    if (who.role() != review::Role::kAdmin) {
      q.min_level = 0;
      q.max_level = 0;  // escalated items go to admins
    }
    auto db = pool_.Get();
    int64_t now = UnixSeconds();
    std::vector<int64_t> skip;
    for (int attempt = 0; attempt < 5; ++attempt) {
      auto next = mod::NextOpenItem(*db, q, now, skip);
      if (!next.ok()) return FromStatus(next.status());
      if (*next == 0) return Json(200, {{"item", nullptr}});
      auto ok = mod::Claim(*db, *next, who.name(), now, config_.claim_minutes * 60);
      if (!ok.ok()) return FromStatus(ok.status());
      if (*ok) return Json(200, {{"item", {{"id", *next}}}});
      skip.push_back(*next);  // taken by someone else meanwhile
    }
    return Error(409, "the queue is busy; try again");
  }

  HttpResponse ClaimItem(HttpRequest& req, const Who& who) {
    int64_t id = ToInt(std::string(req.Param("id")), 0);
    auto db = pool_.Get();
    auto item = mod::GetQueueItem(*db, id);
    if (!item.ok()) return FromStatus(item.status());
    if (!*item) return Error(404, "no review item " + std::to_string(id));
    if (!MayTake(who, (*item)->level)) return Error(403, "escalated items are for admins");
    auto ok = mod::Claim(*db, id, who.name(), UnixSeconds(), config_.claim_minutes * 60);
    if (!ok.ok()) return FromStatus(ok.status());
    if (!*ok) return Error(409, "item " + std::to_string(id) + " is taken or decided");
    return Json(200, {{"id", id}, {"status", "claimed"}});
  }

  HttpResponse Release(HttpRequest& req, const Who& who) {
    int64_t id = ToInt(std::string(req.Param("id")), 0);
    auto db = pool_.Get();
    auto ok = mod::Release(*db, id, who.name(), UnixSeconds());
    if (!ok.ok()) return FromStatus(ok.status());
    if (!*ok) return Error(409, "you do not hold item " + std::to_string(id));
    return Json(200, {{"id", id}, {"status", "open"}});
  }

  HttpResponse Decide(HttpRequest& req, const Who& who) {
    int64_t id = ToInt(std::string(req.Param("id")), 0);
    json b = ParseUntrustedJson(req.body);
    if (!b.is_object() || !b.contains("decision") || !b["decision"].is_string()) {
      return Error(400, "expected {\"decision\": \"allow\"|\"remove\"|\"escalate\", \"reason\"}");
    }
    std::string decision = b["decision"];
    std::string reason = b.contains("reason") && b["reason"].is_string() ? b["reason"] : "";
    if (reason.size() > 2000) return Error(400, "reason: at most 2000 bytes");
    auto db = pool_.Get();
    int64_t secs = 0;
    auto r = mod::Decide(*db, id, who.name(), decision, reason, UnixSeconds(), &secs);
    if (!r.ok()) return FromStatus(r.status());
    if (*r == mod::DecideResult::kNotFound)
      return Error(404, "no review item " + std::to_string(id));
    if (*r == mod::DecideResult::kNotClaimed) {
      return Error(409, "claim item " + std::to_string(id) + " before deciding it");
    }
    return Json(200, {{"id", id}, {"decision", decision}, {"seconds_to_decision", secs}});
  }

  Result<mod::SlaReport> Sla(const HttpRequest& req) {
    int64_t hours = std::clamp<int64_t>(ToInt(req.QueryParam("hours"), 24), 1, 24 * 90);
    mod::SlaOptions o;
    int64_t now = UnixSeconds();
    o.to = now + 1;
    o.from = o.to - hours * 3600;
    o.sla_minutes = ToDouble(req.QueryParam("sla_minutes"), 30);
    auto db = pool_.Get();
    return mod::ComputeSla(*db, o, now);
  }

  static json FiguresJson(const mod::DecisionFigures& f) {
    return {{"decided", f.decided},
            {"removed", f.removed},
            {"p50_minutes", f.p50_minutes},
            {"p90_minutes", f.p90_minutes},
            {"p99_minutes", f.p99_minutes},
            {"within_sla", f.within_sla},
            {"mean_handling_minutes", f.mean_handling_minutes}};
  }

  HttpResponse Dashboard(HttpRequest& req, const Who&) {
    auto rep = Sla(req);
    if (!rep.ok()) return FromStatus(rep.status());
    json reviewers = json::array();
    for (const auto& r : rep->per_reviewer) {
      json f = FiguresJson(r.figures);
      f["reviewer"] = r.reviewer;
      reviewers.push_back(f);
    }
    json hours = json::array();
    for (const auto& h : rep->hours) {
      hours.push_back({{"start", h.start}, {"arrivals", h.arrivals}, {"decided", h.decided}});
    }
    return Json(200, {{"schema", "safegate.review.sla/1"},
                      {"from", rep->options.from},
                      {"to", rep->options.to},
                      {"sla_minutes", rep->options.sla_minutes},
                      {"arrivals", rep->arrivals},
                      {"arrivals_per_hour", rep->arrivals_per_hour},
                      {"backlog", rep->backlog},
                      {"oldest_open_age_seconds", rep->oldest_open_age_seconds},
                      {"overall", FiguresJson(rep->overall)},
                      {"reviewers", reviewers},
                      {"hours", hours}});
  }

  // Staffing: measured figures (or overrides) through the Erlang C model,
  // with what-if multipliers.
  HttpResponse Staffing(HttpRequest& req, const Who&) {
    auto rep = Sla(req);
    if (!rep.ok()) return FromStatus(rep.status());
    double measured_rate = rep->arrivals_per_hour;
    double measured_aht = rep->overall.mean_handling_minutes;
    double rate = ToDouble(req.QueryParam("arrivals_per_hour"), measured_rate);
    double aht = ToDouble(req.QueryParam("handling_minutes"), measured_aht);
    double traffic = ToDouble(req.QueryParam("traffic_factor"), 1);
    double aht_factor = ToDouble(req.QueryParam("handling_factor"), 1);
    double share = ToDouble(req.QueryParam("target_share"), 0.95);
    double minutes = ToDouble(req.QueryParam("target_minutes"), rep->options.sla_minutes);
    std::string kind_s = req.QueryParam("kind");
    if (!(share > 0 && share < 1) || !(minutes > 0) || !(traffic > 0) || !(aht_factor > 0)) {
      return Error(400, "target_share in (0,1); target_minutes, factors > 0");
    }
    stats::Staffing st;  // safegate.staffing/2, as `serve staffing --json` writes it
    st.target = {share, minutes,
                 kind_s == "picked_up" ? stats::ServiceLevelKind::kPickedUp
                                       : stats::ServiceLevelKind::kDecided};
    stats::StaffingMeasured me;
    me.hours = static_cast<double>(rep->options.to - rep->options.from) / 3600;
    me.arrivals_per_hour = measured_rate;
    if (rep->overall.handled > 0) me.handling_minutes = measured_aht;
    me.handling_measured_decisions = rep->overall.handled;
    st.measured = std::move(me);
    auto scenario = [&](const char* name, double r, double a) {
      if (!(r > 0) || !(a > 0)) {
        stats::StaffingScenario s;
        s.name = name;
        s.arrivals_per_hour = r;
        s.handling_minutes = a;
        s.note = "no arrivals or no handling time measured";
        s.note_key = "web.s.no_measure";  // the page's message for it (i18n/messages.json)
        return s;
      }
      // The service level of a few team sizes around the answer (for the chart).
      return stats::PlanScenario(name, {r, a}, st.target, 3);
    };
    st.scenarios.push_back(scenario("current", rate, aht));
    st.scenarios.push_back(scenario("what-if", rate * traffic, aht * aht_factor));
    return Json(200, json(stats::StaffingToJson(st)));
  }

  HttpResponse LabelSets(HttpRequest&, const Who&) {
    auto db = pool_.Get();
    auto sets = review::ListLabelSets(*db);
    if (!sets.ok()) return FromStatus(sets.status());
    json out = json::array();
    for (const auto& s : *sets) {
      out.push_back({{"name", s.name},
                     {"items", s.items},
                     {"labelled", s.labelled},
                     {"unallowable", s.unallowable}});
    }
    return Json(200, {{"sets", out}});
  }

  HttpResponse LabelItems(HttpRequest& req, const Who&) {
    auto db = pool_.Get();
    auto items = review::ListLabelItems(
        *db, std::string(req.Param("set")), ToInt(req.QueryParam("after"), -1),
        ToInt(req.QueryParam("limit"), 50), req.QueryParam("unlabelled") == "1");
    if (!items.ok()) return FromStatus(items.status());
    json out = json::array();
    for (const auto& it : *items) {
      json rec = ParseUntrustedJson(it.record);
      std::string text = rec.is_object() && rec.contains("text") && rec["text"].is_string()
                             ? rec["text"].get<std::string>()
                             : "";
      out.push_back({{"sample_id", it.sample_id},
                     {"ord", it.ord},
                     {"record", rec.is_discarded() ? json(nullptr) : rec},
                     {"segments", Segments(text)},
                     {"label", it.label},
                     {"category", it.category},
                     {"reviewer", it.reviewer},
                     {"note", it.note}});
    }
    return Json(200, {{"items", out}});
  }

  HttpResponse SetLabel(HttpRequest& req, const Who& who) {
    json b = ParseUntrustedJson(req.body);
    if (!b.is_object() || !b.contains("sample_id") || !b["sample_id"].is_string()) {
      return Error(400, "expected {\"sample_id\", \"label\", \"category\", \"note\"}");
    }
    auto str = [&](const char* k) {
      return b.contains(k) && b[k].is_string() ? b[k].get<std::string>() : std::string();
    };
    auto db = pool_.Get();
    Status s = review::SetLabel(*db, std::string(req.Param("set")), str("sample_id"), str("label"),
                                str("category"), who.name(), str("note"), UnixSeconds());
    if (!s.ok()) return FromStatus(s);
    return Json(200, {{"ok", true}});
  }

  HttpResponse ImportLabels(HttpRequest& req, const Who&) {
    auto db = pool_.Get();
    std::string set(req.Param("set"));
    auto n = review::ImportLabelSet(*db, set, req.body, "upload:" + set, UnixSeconds());
    if (!n.ok()) return FromStatus(n.status());
    return Json(200, {{"set", set}, {"items", *n}});
  }

  HttpResponse ExportLabels(HttpRequest& req, const Who&) {
    auto db = pool_.Get();
    std::string set(req.Param("set"));
    auto text = review::ExportLabelSet(*db, set);
    if (!text.ok()) return FromStatus(text.status());
    HttpResponse r;
    r.content_type = "application/x-ndjson";
    r.body = std::move(*text);
    r.headers.push_back(
        {"Content-Disposition", "attachment; filename=\"" + set + ".labels.jsonl\""});
    r.headers.push_back({"Cache-Control", "no-store"});
    return r;
  }

  HttpResponse Accounts(HttpRequest&, const Who&) {
    auto db = pool_.Get();
    auto list = review::ListAccounts(*db);
    if (!list.ok()) return FromStatus(list.status());
    json out = json::array();
    for (const auto& a : *list) {
      out.push_back({{"username", a.username},
                     {"role", review::RoleName(a.role)},
                     {"created_at", a.created_at},
                     {"disabled", a.disabled}});
    }
    return Json(200, {{"accounts", out}});
  }

  HttpResponse CreateAccount(HttpRequest& req, const Who&) {
    json b = ParseUntrustedJson(req.body);
    if (!b.is_object() || !b.contains("username") || !b["username"].is_string() ||
        !b.contains("password") || !b["password"].is_string() || !b.contains("role") ||
        !b["role"].is_string()) {
      return Error(400, "expected {\"username\", \"password\", \"role\"}");
    }
    auto role = review::ParseRole(b["role"].get<std::string>());
    if (!role) return Error(400, "role: admin, reviewer or viewer");
    auto db = pool_.Get();
    Status s = review::CreateAccount(*db, b["username"], b["password"].get<std::string>(), *role,
                                     UnixSeconds());
    if (!s.ok()) return FromStatus(s);
    return Json(201, {{"username", b["username"]}, {"role", b["role"]}});
  }

  server::ServerConfig config_;
  WebOptions options_;
  store::Pool pool_;  // the page's own connections, separate from the service's
  review::LoginThrottle throttle_;
  std::unique_ptr<mod::Moderator> moderator_;
};

std::vector<Route> Web::Routes() {
  using review::Role;
  std::vector<Route> r;
  auto page = [this](std::string pattern, std::string file) {
    Route x;
    x.method = "GET";
    x.pattern = pattern;
    x.name = pattern;
    x.offload = false;
    x.handler = [this, file](HttpRequest& req, ResponseStream*) {
      return Asset(file.empty() ? std::string(req.Param("file")) : file);
    };
    return x;
  };
  r.push_back(page("/ui", "index.html"));
  r.push_back(page("/ui/", "index.html"));
  r.push_back(page("/ui/{file}", ""));
  // The page's messages (safegate/base/i18n.h) in the language asked for
  // (?lang=, the reader's explicit choice), else the browser's
  // Accept-Language, else English. Public: the sign-in form needs it.
  Route messages;
  messages.method = "GET";
  messages.pattern = messages.name = "/ui/api/i18n";
  messages.offload = false;
  messages.handler = [](HttpRequest& req, ResponseStream*) {
    std::optional<i18n::Lang> lang = i18n::ParseLang(req.QueryParam("lang"));
    if (!lang) lang = i18n::FromAcceptLanguage(req.Header("accept-language"));
    json languages = json::array();
    for (i18n::Lang l : i18n::AllLangs()) languages.push_back(std::string(i18n::LangCode(l)));
    HttpResponse r =
        Json(200, {{"lang", std::string(i18n::LangCode(*lang))},
                   {"tag", std::string(i18n::LangTag(*lang))},
                   {"languages", languages},
                   {"messages", json::parse(i18n::CatalogJson(*lang), nullptr, false)}});
    r.headers.push_back({"Vary", "Accept-Language"});
    return r;
  };
  r.push_back(messages);
  Route login;
  login.method = "POST";
  login.pattern = login.name = "/ui/api/login";
  login.handler = [this](HttpRequest& req, ResponseStream*) { return Login(req); };
  r.push_back(login);
  auto bind = [this](HttpResponse (Web::*m)(HttpRequest&, const Who&)) {
    return [this, m](HttpRequest& q, const Who& w) { return (this->*m)(q, w); };
  };
  r.push_back(Api("POST", "/ui/api/logout", Role::kViewer,
                  [this](HttpRequest& q, const Who&) { return Logout(q); }));
  r.push_back(Api("GET", "/ui/api/me", Role::kViewer, [](HttpRequest&, const Who& w) {
    return Json(200, {{"user", w.name()},
                      {"role", review::RoleName(w.role())},
                      {"csrf", w.session.csrf},
                      {"expires_at", w.session.expires_at}});
  }));
  r.push_back(Api("GET", "/ui/api/queue", Role::kViewer, bind(&Web::Queue)));
  r.push_back(Api("GET", "/ui/api/items/{id}", Role::kViewer, bind(&Web::Item)));
  r.push_back(Api("POST", "/ui/api/claim-next", Role::kReviewer, bind(&Web::ClaimNext)));
  r.push_back(Api("POST", "/ui/api/items/{id}/claim", Role::kReviewer, bind(&Web::ClaimItem)));
  r.push_back(Api("POST", "/ui/api/items/{id}/release", Role::kReviewer, bind(&Web::Release)));
  r.push_back(Api("POST", "/ui/api/items/{id}/decision", Role::kReviewer, bind(&Web::Decide)));
  r.push_back(Api("GET", "/ui/api/dashboard", Role::kViewer, bind(&Web::Dashboard)));
  r.push_back(Api("GET", "/ui/api/staffing", Role::kViewer, bind(&Web::Staffing)));
  r.push_back(Api("GET", "/ui/api/labels", Role::kViewer, bind(&Web::LabelSets)));
  r.push_back(Api("GET", "/ui/api/labels/{set}", Role::kViewer, bind(&Web::LabelItems)));
  r.push_back(Api("POST", "/ui/api/labels/{set}/label", Role::kReviewer, bind(&Web::SetLabel)));
  r.push_back(Api("POST", "/ui/api/labels/{set}/import", Role::kAdmin, bind(&Web::ImportLabels)));
  r.push_back(Api("GET", "/ui/api/labels/{set}/export", Role::kViewer, bind(&Web::ExportLabels)));
  r.push_back(Api("GET", "/ui/api/accounts", Role::kAdmin, bind(&Web::Accounts)));
  r.push_back(Api("POST", "/ui/api/accounts", Role::kAdmin, bind(&Web::CreateAccount)));
  return r;
}

}  // namespace

Result<std::vector<server::Route>> MakeRoutes(const server::ServerConfig& config,
                                              const WebOptions& options) {
  // The handlers live as long as the routes (shared by their closures).
  auto web = std::make_shared<Web>(config, options);
  SAFEGATE_RETURN_IF_ERROR(web->Open());
  std::vector<Route> routes = web->Routes();
  for (auto& r : routes) {
    r.handler = [web, h = std::move(r.handler)](HttpRequest& q, ResponseStream* s) {
      return h(q, s);
    };
  }
  return routes;
}

void Install() {
  server::AddRouteProvider([](const server::ServerConfig& config) {
    WebOptions o;
    const char* insecure = getenv("SAFEGATE_WEB_INSECURE_COOKIE");
    if (insecure && std::string(insecure) == "1") o.secure_cookie = false;
    return MakeRoutes(config, o);
  });
}

}  // namespace safegate::web
