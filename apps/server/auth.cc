// Who is calling: API keys (with a 5 s cache) and the role check that wraps
// every route (Service::Make).

#include <chrono>

#include "safegate/moderation/store.h"
#include "service.h"

namespace safegate::server {

namespace {

int RoleRank(std::string_view role) {
  if (role == "admin") return 3;
  if (role == "reviewer") return 2;
  if (role == "client") return 1;
  return 0;
}

}  // namespace

// Wraps a handler with authentication (min_role "" = public).
Route Service::Make(
    std::string method, std::string pattern, std::string min_role, Runs runs,
    std::function<HttpResponse(HttpRequest&, ResponseStream*, const Principal&)> fn) {
  Route r;
  r.method = std::move(method);
  r.pattern = std::move(pattern);
  const bool offload = runs != Runs::kIoThread;
  r.offload = offload;
  r.upstream = runs == Runs::kUpstream;
  r.handler = [this, min_role, offload, fn = std::move(fn)](HttpRequest& req, ResponseStream* s) {
    Principal p{"anonymous", "anonymous", "admin"};
    if (!min_role.empty() && config_.require_keys) {
      // On the io thread (a route that is not offloaded: s is null) only
      // the key cache is read; a key that must be looked up in the
      // database sends the request to the worker pool, so a slow database
      // never stalls the io thread.
      bool needs_database = false;
      auto found = Authenticate(req, offload || s != nullptr, &needs_database);
      if (needs_database) return RunOnWorker();
      // A database that cannot answer is not a wrong key: clients would
      // rotate keys that are fine.
      if (!found.ok()) return FromStatus(found.status());
      auto& who = *found;
      if (!who) {
        return ErrorResponse(401, "missing or invalid API key (Authorization: Bearer sg_...)",
                             "invalid_api_key", "invalid_api_key");
      }
      if (RoleRank(who->role) < RoleRank(min_role)) {
        return ErrorResponse(403,
                             "this API key (role " + who->role + ") may not use " + req.path +
                                 " (needs " + min_role + ")",
                             "permission_denied");
      }
      p = *who;
    }
    return fn(req, s, p);
  };
  return r;
}

std::string_view Service::KeyOf(const HttpRequest& req) {
  std::string_view key = req.Header("x-api-key");
  std::string_view auth = req.Header("authorization");
  if (key.empty() && auth.size() > 7 &&
      (auth.substr(0, 7) == "Bearer " || auth.substr(0, 7) == "bearer ")) {
    key = auth.substr(7);
  }
  return key;
}

// The caller of an API key: from the 5 s cache, else from the database.
// With `may_block` false (the io thread) a key that is not cached sets
// *needs_database instead of asking the database.
Result<std::optional<Principal>> Service::Authenticate(const HttpRequest& req, bool may_block,
                                                       bool* needs_database) {
  std::string_view key = KeyOf(req);
  if (key.empty() || key.size() > 200) return std::optional<Principal>();
  std::string k(key);
  int64_t now_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                       std::chrono::steady_clock::now().time_since_epoch())
                       .count();
  {
    std::lock_guard<std::mutex> lock(keys_mu_);
    auto it = key_cache_.find(k);
    if (it != key_cache_.end() && now_ms - it->second.second < 5000) {
      return std::optional<Principal>(it->second.first);
    }
  }
  if (!may_block) {
    *needs_database = true;
    return std::optional<Principal>();
  }
  auto db = pool_.Get();
  auto found = mod::LookupApiKey(*db, k);
  if (!found.ok()) return found.status();
  if (!*found) return std::optional<Principal>();
  Principal p{(*found)->id, (*found)->name, (*found)->role};
  std::lock_guard<std::mutex> lock(keys_mu_);
  if (key_cache_.size() > 10000) key_cache_.clear();
  key_cache_[k] = {p, now_ms};
  return std::optional<Principal>(p);
}

}  // namespace safegate::server
