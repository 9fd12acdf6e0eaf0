// The reviewer web page of `safegate serve` (docs/review-ui.md): the routes
// under /ui/ — the embedded page, and its JSON API with cookie sessions,
// CSRF tokens and roles (review/accounts.h) on top of the moderation review
// queue (moderation/store.h), SLA figures (moderation/sla.h), staffing (Erlang C,
// stats/queueing.h) and corpus labelling (review/labels.h).
#pragma once

#include <vector>

#include "http.h"
#include "safegate/base/status.h"
#include "server.h"

namespace safegate::web {

// Everything the page needs beyond the server config.
struct WebOptions {
  int64_t session_seconds = 8 * 3600;
  // Cookies carry Secure unless this is false (plain-HTTP deployments behind
  // nothing; browsers accept Secure cookies from http://localhost).
  bool secure_cookie = true;
  int db_connections = 3;
};

// The routes of the page for a server with `config` (opens its own database
// connections, creates the review_* tables, loads the policy's keyword judge
// for span highlighting). Paths: GET /ui/ and /ui/{file}, /ui/api/... .
Result<std::vector<server::Route>> MakeRoutes(const server::ServerConfig& config,
                                              const WebOptions& options = {});

// Registers MakeRoutes with server::AddRouteProvider, so `safegate serve`
// serves the page. Call before server::RunServer.
void Install();

}  // namespace safegate::web
