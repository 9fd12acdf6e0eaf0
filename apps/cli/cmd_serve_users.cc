// `safegate serve users` (reviewer accounts of the web page) and `safegate
// serve labels` (corpus label sets reviewed in the browser): docs/review-ui.md.
// Registered by RegisterServeUsers (main.cc, after RegisterServe).
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <iostream>
#include <memory>

#include "common.h"
#include "safegate/base/file.h"
#include "safegate/review/accounts.h"
#include "safegate/review/labels.h"
#if __has_include("server.h") && __has_include("web.h")
#include "safegate/moderation/store.h"
#include "server.h"
#include "web.h"
#define SAFEGATE_HAVE_WEB 1
#endif

namespace safegate::cli {

#ifdef SAFEGATE_HAVE_WEB
namespace {

struct DbFlags {
  std::string db, config;
  void AddTo(CLI::App* c) {
    c->add_option("--db", db, "sqlite:PATH or postgresql://... (default sqlite:safegate-serve.db)");
    c->add_option("-c,--config", config, "YAML config of safegate serve (its db is used)");
  }
  Result<std::unique_ptr<store::Database>> Open() const {
    std::string url = db;
    if (url.empty() && !config.empty()) {
      SAFEGATE_ASSIGN_OR_RETURN(server::ServerConfig c, server::LoadServerConfig(config));
      url = c.db;
    }
    if (url.empty()) url = server::ServerConfig().db;
    SAFEGATE_ASSIGN_OR_RETURN(auto d, server::OpenDatabase(url));
    SAFEGATE_RETURN_IF_ERROR(moderation::Migrate(*d).status());
    return d;
  }
};

// The password from --password-env VAR, else the first line of stdin.
Result<std::string> ReadPassword(const std::string& env) {
  if (!env.empty()) {
    const char* v = getenv(env.c_str());
    if (!v) return InvalidArgumentError("--password-env: $" + env + " is not set");
    return std::string(v);
  }
  std::string line;
  if (!std::getline(std::cin, line)) return InvalidArgumentError("no password on stdin");
  if (!line.empty() && line.back() == '\r') line.pop_back();
  return line;
}

CLI::App* ServeGroupOf(CLI::App& app) {
  auto found = app.get_subcommands([](CLI::App* a) { return a->get_name() == "serve"; });
  if (!found.empty()) return found.front();
  return app.add_subcommand("serve", "Live moderation service");
}

void AddUsers(CLI::App* serve, int* rc) {
  auto* users = serve->add_subcommand("users", "Reviewer accounts of the web page (/ui/)");
  users->require_subcommand(1);
  struct Opts {
    DbFlags db;
    std::string name, role = "reviewer", password_env;
  };
  {
    auto o = std::make_shared<Opts>();
    auto* c = users->add_subcommand("add", "Create an account (password from stdin or an env var)");
    c->add_option("name", o->name, "username")->required();
    c->add_option("--role", o->role, "admin | reviewer | viewer (default reviewer)")
        ->check(CLI::IsMember({"admin", "reviewer", "viewer"}));
    c->add_option("--password-env", o->password_env, "read the password from this variable");
    o->db.AddTo(c);
    c->callback([o, rc] {
      auto db = o->db.Open();
      if (!db.ok()) return void(*rc = Fail(db.status()));
      auto pw = ReadPassword(o->password_env);
      if (!pw.ok()) return void(*rc = Fail(pw.status()));
      Status s =
          review::CreateAccount(**db, o->name, *pw, *review::ParseRole(o->role), time(nullptr));
      if (!s.ok()) return void(*rc = Fail(s));
      fprintf(stderr, "created %s (role %s)\n", o->name.c_str(), o->role.c_str());
      *rc = kExitOk;
    });
  }
  {
    auto o = std::make_shared<Opts>();
    auto* c = users->add_subcommand("list", "List accounts");
    o->db.AddTo(c);
    c->callback([o, rc] {
      auto db = o->db.Open();
      if (!db.ok()) return void(*rc = Fail(db.status()));
      auto all = review::ListAccounts(**db);
      if (!all.ok()) return void(*rc = Fail(all.status()));
      printf("%-24s %-9s %s\n", "username", "role", "state");
      for (const auto& a : *all) {
        printf("%-24s %-9s %s\n", a.username.c_str(), review::RoleName(a.role),
               a.disabled ? "disabled" : "active");
      }
      *rc = kExitOk;
    });
  }
  {
    auto o = std::make_shared<Opts>();
    auto* c = users->add_subcommand("passwd", "Set a password (ends the account's sessions)");
    c->add_option("name", o->name, "username")->required();
    c->add_option("--password-env", o->password_env, "read the password from this variable");
    o->db.AddTo(c);
    c->callback([o, rc] {
      auto db = o->db.Open();
      if (!db.ok()) return void(*rc = Fail(db.status()));
      auto pw = ReadPassword(o->password_env);
      if (!pw.ok()) return void(*rc = Fail(pw.status()));
      Status s = review::SetPassword(**db, o->name, *pw);
      *rc = s.ok() ? kExitOk : Fail(s);
    });
  }
  {
    auto o = std::make_shared<Opts>();
    auto* c = users->add_subcommand("role", "Change an account's role");
    c->add_option("name", o->name, "username")->required();
    c->add_option("role", o->role, "admin | reviewer | viewer")
        ->required()
        ->check(CLI::IsMember({"admin", "reviewer", "viewer"}));
    o->db.AddTo(c);
    c->callback([o, rc] {
      auto db = o->db.Open();
      if (!db.ok()) return void(*rc = Fail(db.status()));
      Status s = review::SetRole(**db, o->name, *review::ParseRole(o->role));
      *rc = s.ok() ? kExitOk : Fail(s);
    });
  }
  for (bool disable : {true, false}) {
    auto o = std::make_shared<Opts>();
    auto* c = users->add_subcommand(
        disable ? "disable" : "enable",
        disable ? "Disable an account (ends its sessions)" : "Enable a disabled account");
    c->add_option("name", o->name, "username")->required();
    o->db.AddTo(c);
    c->callback([o, rc, disable] {
      auto db = o->db.Open();
      if (!db.ok()) return void(*rc = Fail(db.status()));
      Status s = review::SetDisabled(**db, o->name, disable);
      *rc = s.ok() ? kExitOk : Fail(s);
    });
  }
}

void AddLabels(CLI::App* serve, int* rc) {
  auto* labels = serve->add_subcommand(
      "labels", "Corpus label sets reviewed on the web page (from `corpus label export`)");
  labels->require_subcommand(1);
  struct Opts {
    DbFlags db;
    std::string set, file;
  };
  {
    auto o = std::make_shared<Opts>();
    auto* c = labels->add_subcommand("import", "Load a `corpus label export` JSONL as a label set");
    c->add_option("file", o->file, "JSONL from `safegate corpus label export -o X.jsonl`")
        ->required();
    c->add_option("--set", o->set, "label set name")->required();
    o->db.AddTo(c);
    c->callback([o, rc] {
      auto db = o->db.Open();
      if (!db.ok()) return void(*rc = Fail(db.status()));
      auto text = ReadFile(o->file);
      if (!text.ok()) return void(*rc = Fail(text.status()));
      auto n = review::ImportLabelSet(**db, o->set, *text, o->file, time(nullptr));
      if (!n.ok()) return void(*rc = Fail(n.status()));
      printf("%lld items in label set %s\n", static_cast<long long>(*n), o->set.c_str());
      *rc = kExitOk;
    });
  }
  {
    auto o = std::make_shared<Opts>();
    auto* c = labels->add_subcommand(
        "export", "Write a label set with its labels (input for `corpus audit --labels`)");
    c->add_option("--set", o->set, "label set name")->required();
    c->add_option("-o,--output", o->file, "labels JSONL")->required();
    o->db.AddTo(c);
    c->callback([o, rc] {
      auto db = o->db.Open();
      if (!db.ok()) return void(*rc = Fail(db.status()));
      auto text = review::ExportLabelSet(**db, o->set);
      if (!text.ok()) return void(*rc = Fail(text.status()));
      Status s = WriteFileAtomic(o->file, *text);
      *rc = s.ok() ? kExitOk : Fail(s);
    });
  }
  {
    auto o = std::make_shared<Opts>();
    auto* c = labels->add_subcommand("list", "Label sets and their progress");
    o->db.AddTo(c);
    c->callback([o, rc] {
      auto db = o->db.Open();
      if (!db.ok()) return void(*rc = Fail(db.status()));
      auto sets = review::ListLabelSets(**db);
      if (!sets.ok()) return void(*rc = Fail(sets.status()));
      printf("%-24s %8s %9s %12s\n", "set", "items", "labelled", "unallowable");
      for (const auto& s : *sets) {
        printf("%-24s %8lld %9lld %12lld\n", s.name.c_str(), static_cast<long long>(s.items),
               static_cast<long long>(s.labelled), static_cast<long long>(s.unallowable));
      }
      *rc = kExitOk;
    });
  }
}

}  // namespace
#endif  // SAFEGATE_HAVE_WEB

void RegisterServeUsers(CLI::App& app, int* rc) {
#ifdef SAFEGATE_HAVE_WEB
  web::Install();  // the page's routes join `safegate serve`
  CLI::App* serve = ServeGroupOf(app);
  AddUsers(serve, rc);
  AddLabels(serve, rc);
#else
  (void)app;
  (void)rc;
#endif
}

}  // namespace safegate::cli
