// `safegate serve`: configuration, database opening and the service entry
// point (the route table is service.cc, the Service class service.h, one
// file per concern next to it; docs/serve.md and docs/http-api.md).
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "http.h"
#include "safegate/base/status.h"
#include "safegate/store/store.h"

namespace safegate::server {

// The YAML config file (schema "safegate.serve/1"); every key is optional
// and most have a command-line flag. docs/serve.md lists them.
struct ServerConfig {
  std::string listen = "127.0.0.1:8080";
  std::string policy;  // policy file (required)
  std::string db = "sqlite:safegate-serve.db";
  std::string upstream_url;          // OpenAI-compatible base URL ("" = no proxy)
  std::string upstream_api_key_env;  // env var holding the upstream key
  double upstream_timeout_seconds = 120;
  size_t upstream_max_answer_bytes = 8u << 20;  // a longer upstream answer is a 502
  std::string output_action = "block";          // "block" or "replace"
  std::string replacement = "[removed]";        // for "replace"
  int64_t stream_check_bytes =
      0;  // hold a stream back and check every N new bytes (0: every event)
  int64_t stream_window_bytes = 4096;    // look-behind of each incremental stream check
  bool require_user = false;             // chat requests must name a user (body "user" or header)
  bool durable_to_disk = true;           // "durability: disk" (fsync) or "process" (docs/serve.md)
  double database_timeout_seconds = 10;  // longest wait for one database statement
  int64_t retention_days = 30;           // conversations; 0: keep forever
  int64_t strikes_consecutive = -1;      // -1: the profile's strikes.consecutive
  int64_t strikes_per_day = -1;          // -1: the profile's strikes.per_day
  int64_t suspend_minutes = 24 * 60;
  std::string user_header = "x-safegate-user";  // used when the body has no "user"
  std::string msg_input_blocked =
      "Your message was not sent: it conflicts with this service's content policy.";
  std::string msg_output_blocked = "The answer was withheld: it conflicts with the content policy.";
  std::string msg_stream_cut = "[The rest of this answer was removed: content policy.]";
  std::string msg_removed = "[This answer was removed by a reviewer.]";
  size_t max_body_bytes = 1 << 20;
  // Threads for the routes that call the upstream model (chat, models):
  // each holds its thread while it waits on the upstream (docs/serve.md).
  int workers = 32;
  // Threads for the routes that use the database but never the upstream
  // (review API, conversations, reports, users, audit, /readyz, /metrics).
  int database_workers = 4;
  int64_t claim_minutes = 15;
  bool require_keys = true;    // false: no API keys needed (local testing only)
  bool public_metrics = true;  // /metrics without a key
  bool bare_endpoint = false;  // POST /bench/bare: fixed JSON (HTTP ceiling for benchmarks)
  bool fail_open = false;      // a judge error lets text through (default: 503)
  double shutdown_grace_seconds = 30;
  // HTTP limits (the "http:" section; docs/serve.md).
  double header_timeout_seconds = 10;  // a request's headers must arrive within this
  double body_timeout_seconds = 60;    // ... and its body within this after them
  double idle_timeout_seconds = 60;    // a keep-alive connection with no request is closed
  double write_timeout_seconds = 30;   // a response chunk the client does not take in time ends it
  int64_t max_connections = 512;       // more are accepted and closed at once
  std::string cache_dir;               // matcher cache ("": the default)
  // Policy category id -> OpenAI moderation category names it maps to.
  std::map<std::string, std::vector<std::string>> openai_categories;
  bool openai_categories_set = false;
};

// Loads `path` over the defaults. Errors name the file, line and key.
Result<ServerConfig> LoadServerConfig(const std::string& path);

// How an error Status is shown to an HTTP client (the server's API and the
// reviewer page alike): invalid argument 400, not found 404, failed
// precondition 409, with the status's own message; the database or the disk
// under it (unavailable, deadline exceeded, I/O, resource exhausted) 503 and
// anything else 500, with a fixed message: theirs (SQL, file paths) is for
// the log only, and `log` is true.
struct PublicError {
  int status = 500;
  std::string message;
  const char* type = "server_error";  // OpenAI's error type
  bool log = false;
};
PublicError PublicErrorOf(const Status& s);

// "sqlite:PATH", a plain path (SQLite), or "postgresql://..." / "postgres://...".
// SQLite: `sync_to_disk` commits with synchronous=FULL (a commit survives
// power loss); false uses synchronous=NORMAL in WAL mode (a commit survives
// the process being killed, not the machine losing power). PostgreSQL:
// durability is the server's own setting; a statement runs at most
// `timeout_seconds` (the server's statement_timeout) and its reply is awaited
// at most 1 s longer (the client deadline, for a server that stopped
// answering); a lost connection is reopened within max(2, timeout_seconds).
Result<std::unique_ptr<store::Database>> OpenDatabase(const std::string& url,
                                                      bool sync_to_disk = true,
                                                      double timeout_seconds = 10);

// OpenAI's moderation category names, in the order of its current schema:
// every /v1/moderations result carries each of them (docs/http-api.md).
const std::vector<std::string>& OpenAiModerationCategories();

// Policy category id -> OpenAI names, for both built-in profiles (baseline's
// S1-S13 and tc260-2024's A.*; docs/http-api.md). Entries whose category is
// not in the policy's taxonomy are ignored, so one table serves both.
std::map<std::string, std::vector<std::string>> DefaultOpenAiMapping();

// Extra routes added to the table by RunServer (the reviewer web page,
// apps/web); a provider's error stops startup. Register before RunServer.
using RouteProvider = std::function<Result<std::vector<Route>>(const ServerConfig&)>;
void AddRouteProvider(RouteProvider provider);

// Runs the service until SIGINT/SIGTERM. Writes the bound port to
// `port_file` when not empty (useful with port 0). Returns a process exit code.
int RunServer(const ServerConfig& config, const std::string& port_file);

}  // namespace safegate::server
