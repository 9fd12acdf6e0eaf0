// `safegate serve`: the live moderation service (apps/server) and its admin
// commands: keys create|list|revoke, audit-verify, migrate.
#include <cstdio>
#include <ctime>

#include "common.h"
#include "safegate/moderation/store.h"
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
  if (t == 0) return "-";
  time_t tt = static_cast<time_t>(t);
  struct tm tm;
  gmtime_r(&tt, &tm);
  char buf[32];
  strftime(buf, sizeof(buf), "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
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
  serve->add_option("--workers", flags->workers, "worker threads for database/upstream work");
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
