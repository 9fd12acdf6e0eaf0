// `safegate serve`: the live moderation service (apps/server) and its admin
// commands: keys create|list|revoke, audit-verify, migrate, report.
#include <cstdio>
#include <ctime>

#include "common.h"
#include "safegate/assess/moderation_report.h"
#include "safegate/base/clock.h"
#include "safegate/base/file.h"
#include "safegate/base/version.h"
#include "safegate/moderation/gate.h"
#include "safegate/moderation/sla.h"
#include "safegate/moderation/store.h"
#include "safegate/moderation/strikes.h"
#include "safegate/policy/policy.h"
#include "safegate/stats/queueing.h"
#include "safegate/stats/staffing.h"
#include "server.h"

namespace safegate::cli {

namespace {

struct ServeFlags {
  std::string config;
  std::string listen;
  std::string policy;
  std::string db;
  std::string upstream;
  std::string port_file;
  int workers = 0;
  bool no_keys = false;
  bool bare = false;
};

Result<std::unique_ptr<store::Database>> OpenDb(const std::string& db_flag,
                                                const std::string& config_path) {
  std::string url = db_flag;
  if (url.empty() && !config_path.empty()) {
    SAFEGATE_ASSIGN_OR_RETURN(server::ServerConfig c, server::LoadServerConfig(config_path));
    url = c.db;
  }
  if (url.empty()) url = server::ServerConfig().db;
  SAFEGATE_ASSIGN_OR_RETURN(auto db, server::OpenDatabase(url));
  SAFEGATE_RETURN_IF_ERROR(moderation::Migrate(*db).status());
  return db;
}

std::string Iso(int64_t t) {
  return t == 0 ? "-" : IsoUtc(t);
}

// Unix seconds of 00:00 UTC of a YYYY-MM-DD date.
Result<int64_t> DayStart(const std::string& date, const char* flag) {
  struct tm tm {};
  if (date.size() != 10 || strptime(date.c_str(), "%Y-%m-%d", &tm) == nullptr) {
    return InvalidArgumentError(std::string(flag) + " '" + date + "': expected YYYY-MM-DD");
  }
  return static_cast<int64_t>(timegm(&tm));
}

struct ReportFlags {
  std::string db, config, today, json;
  int days = 7;
  double target_minutes = 30;
  double target_share = 0.95;
  int reviewers = -1;
};

// `serve report`: the moderation figures an assessment needs, from the
// service's database (and its config for the strike rule).
int RunReport(const ReportFlags& f) {
  if (f.days < 1 || f.days > 90) return Fail(InvalidArgumentError("--days: must be 1..90"));
  int64_t to = 0;
  if (f.today.empty()) {
    to = static_cast<int64_t>(time(nullptr));
  } else {
    auto d = DayStart(f.today, "--today");
    if (!d.ok()) return Fail(d.status());
    to = *d + 86400;  // the window ends with the end of `today`
  }
  auto db = OpenDb(f.db, f.config);
  if (!db.ok()) return Fail(db.status());
  moderation::SlaOptions so;
  so.to = to;
  so.from = to - int64_t{86400} * f.days;
  so.sla_minutes = f.target_minutes;
  // Ages of open items are measured to now, not to the end of the window.
  auto sla = moderation::ComputeSla(**db, so, static_cast<int64_t>(time(nullptr)));
  if (!sla.ok()) return Fail(sla.status());
  auto audit = moderation::VerifyAudit(**db);
  if (!audit.ok()) return Fail(audit.status());

  assess::ModerationReport rep;
  rep.tool_version = std::string(ToolVersion());
  rep.window_from = Iso(so.from);
  rep.window_to = Iso(so.to);
  rep.window_days = f.days;
  rep.target_minutes = f.target_minutes;
  rep.target_share = f.target_share;
  if (!f.config.empty()) {
    auto c = server::LoadServerConfig(f.config);
    if (!c.ok()) return Fail(c.status());
    // The profile is needed only when the config leaves a count to it.
    policy::Policy policy;
    if (c->strikes_consecutive < 0 || c->strikes_per_day < 0) {
      auto loaded = policy::LoadPolicy(c->policy);
      if (!loaded.ok()) return Fail(loaded.status());
      policy = std::move(*loaded);
    }
    moderation::StrikeRule rule = moderation::ResolveStrikeRule(
        policy.profile, c->strikes_consecutive, c->strikes_per_day, c->suspend_minutes * 60);
    rep.strikes = assess::ModerationStrikes{rule.consecutive, rule.per_day, c->suspend_minutes};
  }
  const moderation::DecisionFigures& o = sla->overall;
  // Staffing from what was measured; a figure that was not is named in
  // "missing" (and then no reviewer count is given). Timestamps are whole
  // seconds: decisions in their claim's second measure 0, which is a
  // measurement (under a second), taken as half the resolution.
  {
    stats::Staffing st;
    st.target = {f.target_share, f.target_minutes, stats::ServiceLevelKind::kDecided};
    stats::StaffingMeasured me;
    me.hours = static_cast<double>(sla->options.to - sla->options.from) / 3600;
    if (sla->arrivals == 0) me.missing.push_back("arrivals: no flags in the window");
    if (o.handled == 0) {
      me.missing.push_back(
          "handling time: no decision in the window followed a claim (claimed_at to "
          "decided_at)");
    }
    const bool sub_second = o.handled > 0 && o.mean_handling_minutes <= 0;
    const double handling = sub_second ? 0.5 / 60.0 : o.mean_handling_minutes;
    me.arrivals_per_hour = sla->arrivals_per_hour;
    if (o.handled > 0) me.handling_minutes = handling;
    me.handling_measured_decisions = o.handled;
    if (sub_second) {
      me.note =
          "every measured handling time was under the 1-second clock resolution; taken as 0.5 s";
    }
    if (me.missing.empty()) {
      stats::StaffingScenario sc =
          stats::PlanScenario("measured", {sla->arrivals_per_hour, handling}, st.target);
      if (!sc.error.empty()) return Fail(InvalidArgumentError(sc.error));
      st.scenarios.push_back(std::move(sc));
    }
    st.measured = std::move(me);
    rep.staffing = std::move(st);
  }
  rep.arrivals = sla->arrivals;
  rep.arrivals_per_hour = sla->arrivals_per_hour;
  rep.backlog = sla->backlog;
  rep.oldest_open_age_seconds = sla->oldest_open_age_seconds;
  rep.decided = o.decided;
  rep.removed = o.removed;
  rep.decided_within_target = o.decided_within;
  rep.open_overdue = sla->open_overdue;
  rep.within_target_share = o.within_sla;
  rep.p50_minutes = o.p50_minutes;
  rep.p90_minutes = o.p90_minutes;
  rep.p99_minutes = o.p99_minutes;
  rep.mean_handling_minutes = o.mean_handling_minutes;
  rep.reviewers_active = sla->per_reviewer.size();
  if (f.reviewers >= 0) rep.reviewers_configured = f.reviewers;
  rep.audit_log_ok = audit->ok;
  rep.audit_log_rows = audit->rows;
  rep.audit_log_message = audit->message;
  if (!f.json.empty()) {
    Status s = WriteFileAtomic(f.json, assess::ModerationReportJson(rep));
    if (!s.ok()) return Fail(s);
  }
  std::printf(
      "moderation %s .. %s: %lld flags (%.2f/h), %lld decided, %lld open past %g min, "
      "%.1f%% within %g min (open past it count as misses), p90 %.1f min, backlog %lld, "
      "audit log %s\n",
      Iso(so.from).c_str(), Iso(so.to).c_str(), static_cast<long long>(sla->arrivals),
      sla->arrivals_per_hour, static_cast<long long>(o.decided),
      static_cast<long long>(sla->open_overdue), f.target_minutes, o.within_sla * 100,
      f.target_minutes, o.p90_minutes, static_cast<long long>(sla->backlog),
      audit->ok ? "intact" : "BROKEN");
  return kExitOk;
}

}  // namespace

void RegisterServe(CLI::App& app, int* rc) {
  auto* serve = app.add_subcommand("serve",
                                   "Live moderation service: moderation API, chat proxy, "
                                   "strikes, review queue (docs/serve.md)");
  auto flags = std::make_shared<ServeFlags>();
  serve->add_option("-c,--config", flags->config, "YAML config file (docs/serve.md)");
  serve->add_option("--listen", flags->listen, "HOST:PORT (default 127.0.0.1:8080; port 0: any)");
  serve->add_option("--policy", flags->policy, "policy file");
  serve->add_option("--db", flags->db,
                    "sqlite:PATH or postgresql://... (default sqlite:safegate-serve.db)");
  serve->add_option("--upstream", flags->upstream, "OpenAI-compatible base URL (.../v1)");
  serve
      ->add_option("--workers", flags->workers,
                   "threads for upstream (chat) requests (config key workers)")
      ->check(CLI::Range(1, 1024));
  serve->add_option("--port-file", flags->port_file, "write the bound port to this file");
  serve->add_flag("--no-keys", flags->no_keys, "serve without API keys (local testing only)");
  serve->add_flag("--bare-endpoint", flags->bare, "add POST /bench/bare (benchmarks)");
  serve->callback([flags, rc, serve]() {
    if (!serve->get_subcommands().empty()) return;
    server::ServerConfig c;
    if (!flags->config.empty()) {
      auto loaded = server::LoadServerConfig(flags->config);
      if (!loaded.ok()) {
        *rc = Fail(loaded.status());
        return;
      }
      c = *loaded;
    }
    if (!flags->listen.empty()) c.listen = flags->listen;
    if (!flags->policy.empty()) c.policy = flags->policy;
    if (!flags->db.empty()) c.db = flags->db;
    if (!flags->upstream.empty()) c.upstream_url = flags->upstream;
    if (flags->workers > 0) c.workers = flags->workers;
    if (flags->no_keys) c.require_keys = false;
    if (flags->bare) c.bare_endpoint = true;
    while (!c.upstream_url.empty() && c.upstream_url.back() == '/') c.upstream_url.pop_back();
    *rc = server::RunServer(c, flags->port_file);
  });

  auto* keys = serve->add_subcommand("keys", "API keys (hashed at rest)");
  keys->require_subcommand(1);
  auto kflags = std::make_shared<std::pair<std::string, std::string>>();  // db, config
  auto add_db = [kflags](CLI::App* c) {
    c->add_option("--db", kflags->first, "sqlite:PATH or postgresql://...");
    c->add_option("-c,--config", kflags->second, "YAML config (its db is used)");
  };
  auto create = keys->add_subcommand("create", "create a key; prints it once");
  auto cname = std::make_shared<std::string>();
  auto crole = std::make_shared<std::string>("client");
  create->add_option("--name", *cname, "who the key is for")->required();
  create->add_option("--role", *crole, "admin | reviewer | client (default client)");
  add_db(create);
  create->callback([=]() {
    auto db = OpenDb(kflags->first, kflags->second);
    if (!db.ok()) {
      *rc = Fail(db.status());
      return;
    }
    moderation::ApiKey key;
    auto plain = moderation::CreateApiKey(**db, *cname, *crole, time(nullptr), &key);
    if (!plain.ok()) {
      *rc = Fail(plain.status());
      return;
    }
    printf("%s\n", plain->c_str());
    fprintf(stderr, "created %s (%s, role %s); the key is shown only once\n", key.id.c_str(),
            key.name.c_str(), key.role.c_str());
  });
  auto list = keys->add_subcommand("list", "list keys (ids, names, roles; never the keys)");
  add_db(list);
  list->callback([=]() {
    auto db = OpenDb(kflags->first, kflags->second);
    if (!db.ok()) {
      *rc = Fail(db.status());
      return;
    }
    auto all = moderation::ListApiKeys(**db);
    if (!all.ok()) {
      *rc = Fail(all.status());
      return;
    }
    printf("%-18s %-9s %-21s %-21s %s\n", "id", "role", "created", "revoked", "name");
    for (const auto& k : *all) {
      printf("%-18s %-9s %-21s %-21s %s\n", k.id.c_str(), k.role.c_str(), Iso(k.created_at).c_str(),
             Iso(k.revoked_at).c_str(), k.name.c_str());
    }
  });
  auto revoke = keys->add_subcommand("revoke", "revoke a key by id");
  auto rid = std::make_shared<std::string>();
  revoke->add_option("id", *rid, "key id (key_...)")->required();
  add_db(revoke);
  revoke->callback([=]() {
    auto db = OpenDb(kflags->first, kflags->second);
    if (!db.ok()) {
      *rc = Fail(db.status());
      return;
    }
    Status s = moderation::RevokeApiKey(**db, *rid, "cli", time(nullptr));
    if (!s.ok()) {
      *rc = Fail(s);
      return;
    }
    fprintf(stderr, "revoked %s\n", rid->c_str());
  });

  auto verify = serve->add_subcommand("audit-verify", "check the audit log's hash chain");
  auto vflags = std::make_shared<std::pair<std::string, std::string>>();
  verify->add_option("--db", vflags->first, "sqlite:PATH or postgresql://...");
  verify->add_option("-c,--config", vflags->second, "YAML config (its db is used)");
  verify->callback([=]() {
    auto db = OpenDb(vflags->first, vflags->second);
    if (!db.ok()) {
      *rc = Fail(db.status());
      return;
    }
    auto check = moderation::VerifyAudit(**db);
    if (!check.ok()) {
      *rc = Fail(check.status());
      return;
    }
    if (check->ok) {
      printf("audit log ok: %lld rows, hash chain intact\n", static_cast<long long>(check->rows));
    } else {
      printf("audit log BROKEN: %s\n", check->message.c_str());
      *rc = 1;
    }
  });

  auto report = serve->add_subcommand(
      "report", "moderation figures for an assessment: SLA, staffing, strikes, audit log");
  auto rf = std::make_shared<ReportFlags>();
  report->add_option("--db", rf->db, "sqlite:PATH or postgresql://...");
  report->add_option("-c,--config", rf->config, "YAML config (its db, strike rule and policy)");
  report->add_option("--today", rf->today, "last day of the window, YYYY-MM-DD (default: now)");
  report->add_option("--days", rf->days, "window length in days (default 7)");
  report->add_option("--target-minutes", rf->target_minutes, "decision-time target (default 30)");
  report->add_option("--target-share", rf->target_share, "share to meet it (default 0.95)");
  report->add_option("--reviewers", rf->reviewers, "reviewers on duty (for the staffing check)");
  report->add_option("--json", rf->json, "write safegate.moderation-report/3 JSON here");
  report->callback([=]() { *rc = RunReport(*rf); });

  auto migrate = serve->add_subcommand("migrate", "create or upgrade the database schema");
  auto mflags = std::make_shared<std::pair<std::string, std::string>>();
  migrate->add_option("--db", mflags->first, "sqlite:PATH or postgresql://...");
  migrate->add_option("-c,--config", mflags->second, "YAML config (its db is used)");
  migrate->callback([=]() {
    auto db = OpenDb(mflags->first, mflags->second);
    if (!db.ok()) {
      *rc = Fail(db.status());
      return;
    }
    printf("schema version %d\n", moderation::LatestSchemaVersion());
  });
}

}  // namespace safegate::cli
