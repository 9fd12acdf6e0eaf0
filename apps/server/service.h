// The Service class of `safegate serve`: the state its routes share and
// its handlers. Private to apps/server (server.h is the public face).
// Where each part lives: service.cc (the route table), serve.cc (state,
// RunServer), auth.cc, moderations.cc, chat.cc, chat_stream.cc,
// conversations.cc, review_api.cc; helpers.cc (the helpers below).
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "codec.h"
#include "http.h"
#include "metrics.h"
#include "safegate/base/clock.h"
#include "safegate/base/json.h"
#include "safegate/moderation/gate.h"
#include "safegate/moderation/moderator.h"
#include "safegate/moderation/store.h"
#include "safegate/net/http.h"
#include "safegate/policy/policy.h"
#include "safegate/store/group_commit.h"
#include "safegate/store/pool.h"
#include "server.h"

namespace safegate::server {

using nlohmann::json;
namespace mod = safegate::moderation;

// helpers.cc
// A Status as the OpenAI-style error response (database errors: 503, logged).
HttpResponse FromStatus(const Status& s);

// Who is calling. Today only API keys ("Authorization: Bearer sg_..." or
// "X-Api-Key"); a session cookie authenticator for the reviewer web page
// fits next to it (same Principal).
struct Principal {
  std::string id;  // key id (the reviewer identity in claims and the audit log)
  std::string name;
  std::string role;  // admin | reviewer | client
};

class Service {
 public:
  // serve.cc
  Service(ServerConfig config, policy::Policy policy, mod::Moderator moderator);
  Status Open();
  Metrics* metrics() { return metrics_.get(); }
  void SetMetrics(std::unique_ptr<Metrics> m) { metrics_ = std::move(m); }
  store::Pool& pool() { return pool_; }
  const ServerConfig& config() const { return config_; }

  // service.cc: the route table.
  std::vector<Route> Routes();

 private:
  // serve.cc
  void CountFlags(const std::string& source, const mod::Assessment& a);
  mod::GateOptions GateOptionsOf(const ServerConfig& c);
  Result<mod::Assessment> Check(std::string_view text, std::string_view prompt = {});

  // Where a route's handler runs (http.h): the io thread (in-memory work),
  // the worker pool (the database), or the upstream pool (it calls the
  // upstream model, so it may wait up to upstream.timeout_seconds).
  enum class Runs { kIoThread, kWorkers, kUpstream };

  // auth.cc
  Route Make(std::string method, std::string pattern, std::string min_role, Runs runs,
             std::function<HttpResponse(HttpRequest&, ResponseStream*, const Principal&)> fn);
  static std::string_view KeyOf(const HttpRequest& req);
  Result<std::optional<Principal>> Authenticate(const HttpRequest& req, bool may_block,
                                                bool* needs_database);

  // moderations.cc
  bool IsClean(const mod::Assessment& a) const;
  void AppendModerationResult(const mod::Assessment& a, std::string* out);
  HttpResponse Moderations(HttpRequest& req);

  // chat.cc
  std::string UserOf(const HttpRequest& req, const ChatRequest& chat);
  static std::string CategoriesJson(const mod::Assessment& a);
  json PolicyCompletion(const std::string& model, const std::string& text, const json& extension);
  static std::string ChunkEvent(const std::string& id, const std::string& model,
                                const std::string& content, const char* finish,
                                const json& extension);
  HttpResponse Chat(HttpRequest& req, ResponseStream* stream);
  HttpResponse Models(const HttpRequest& req, bool one);
  Status StoreOutcome(const std::string& user, mod::Message* msg, const std::string& reason);
  HttpResponse UpstreamError(long status, const std::string& body, const ChatRequest& chat);
  // What a client is told when the upstream could not be reached or read:
  // "upstream model: " and the kind of failure, never the transport's
  // message, which names the upstream's URL (credentials in its userinfo or
  // query, an internal address). The full message goes to the server's log.
  static std::string UpstreamFailure(const Status& s);
  static std::string DeliveredText(const json& body);
  HttpResponse CompleteAnswer(const std::string& raw, const ChatRequest& chat,
                              const std::string& user, const std::string& conv,
                              mod::Message out_msg, const json& strikes);
  static constexpr size_t kMaxModelsBody = 1u << 20;

  // chat_stream.cc
  HttpResponse ChatStream(const net::Request& up, const ChatRequest& chat, ResponseStream* stream,
                          const std::vector<std::pair<std::string, std::string>>& headers,
                          const std::string& user, const std::string& conv, mod::Message out_msg,
                          const json& strikes);

  // conversations.cc
  HttpResponse GetConversation(HttpRequest& req);
  HttpResponse Report(HttpRequest& req, const Principal& who);

  // review_api.cc
  HttpResponse ListItems(HttpRequest& req);
  static Result<int64_t> ItemId(const HttpRequest& req);
  HttpResponse GetItem(HttpRequest& req);
  std::optional<HttpResponse> RefuseEscalated(store::Database& db, int64_t id,
                                              const Principal& who);
  HttpResponse ClaimItem(HttpRequest& req, const Principal& who);
  HttpResponse ClaimNext(HttpRequest& req, const Principal& who);
  HttpResponse ReleaseItem(HttpRequest& req, const Principal& who);
  HttpResponse DecideItem(HttpRequest& req, const Principal& who);
  HttpResponse GetUserRoute(HttpRequest& req);
  HttpResponse LiftUser(HttpRequest& req, const Principal& who);
  HttpResponse Audit(HttpRequest& req);
  HttpResponse AuditVerify();

  ServerConfig config_;
  policy::Policy policy_;
  mod::Gate gate_;
  const mod::Moderator& moderator_;
  mod::StrikeRule rule_;
  std::map<std::string, std::vector<std::string>> mapping_;
  std::vector<std::string> openai_names_;   // OpenAI's names, then other mapped names
  std::vector<std::string> openai_keys_;    // each of openai_names_ quoted, with ':'
  std::vector<std::string> category_keys_;  // each Moderator category id quoted, with ':'
  std::string applied_categories_;          // "ID":["text"], for each Moderator category
  std::string applied_openai_;              // "name":["text"] for each OpenAI name, comma-separated
  std::unordered_map<std::string, std::vector<size_t>> openai_of_;  // category -> names
  std::vector<std::vector<size_t>> openai_of_index_;  // moderator category index -> names
  std::string clean_result_;  // AppendModerationResult of a clean Assessment
  std::string model_json_;    // model_name_ as a JSON string
  std::string model_name_;
  store::Pool pool_;
  std::unique_ptr<store::GroupCommitter> writer_;  // the chat path's writes
  std::unique_ptr<Metrics> metrics_;
  std::mutex keys_mu_;
  std::unordered_map<std::string, std::pair<Principal, int64_t>> key_cache_;
};

}  // namespace safegate::server
