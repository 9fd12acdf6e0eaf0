// The service's state (construction, database, the gate) and RunServer.

#include <signal.h>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <mutex>
#include <optional>
#include <set>
#include <thread>

#include "safegate/base/file.h"
#include "safegate/moderation/store.h"
#include "safegate/policy/policy.h"
#include "safegate/store/postgres.h"
#include "service.h"

namespace safegate::server {

Service::Service(ServerConfig config, policy::Policy policy, mod::Moderator moderator)
    : config_(std::move(config)),
      policy_(std::move(policy)),
      gate_(std::move(moderator), GateOptionsOf(config_)),
      moderator_(gate_.moderator()) {
  rule_ = mod::ResolveStrikeRule(policy_.profile, config_.strikes_consecutive,
                                 config_.strikes_per_day, config_.suspend_minutes * 60);
  mapping_ = config_.openai_categories_set ? config_.openai_categories : DefaultOpenAiMapping();
  model_name_ = "safegate-" + policy_.id + "@" + policy_.version;
  AppendJsonString(model_name_, &model_json_);
  std::set<std::string> taxonomy_ids;
  for (const auto& c : policy_.taxonomy.categories()) taxonomy_ids.insert(c.id);
  // Every OpenAI name is in every result (false and 0 when nothing maps to
  // it), then any other name the config maps to. A name that is also a
  // policy category id is not written twice: the category's own value stands.
  auto add_name = [&](const std::string& n) -> std::optional<size_t> {
    if (taxonomy_ids.count(n)) return std::nullopt;
    auto it = std::find(openai_names_.begin(), openai_names_.end(), n);
    if (it != openai_names_.end()) return static_cast<size_t>(it - openai_names_.begin());
    openai_names_.push_back(n);
    return openai_names_.size() - 1;
  };
  for (const auto& n : OpenAiModerationCategories()) add_name(n);
  for (const auto& [cat, names] : mapping_) {
    if (!taxonomy_ids.count(cat)) continue;  // a mapping for another taxonomy
    for (const auto& n : names) {
      auto index = add_name(n);
      if (index) openai_of_[cat].push_back(*index);
    }
  }
  for (char& c : config_.user_header) c = static_cast<char>(std::tolower(c));
  // The hot path of /v1/moderations works by category index: the first
  // entries of every Assessment are the Moderator's categories, in order.
  const auto& ids = moderator_.category_ids();
  openai_of_index_.resize(ids.size());
  for (size_t i = 0; i < ids.size(); ++i) {
    auto it = openai_of_.find(ids[i]);
    if (it != openai_of_.end()) openai_of_index_[i] = it->second;
  }
  // What every result writes the same way, made once: the quoted keys and
  // category_applied_input_types ({name: ["text"]} for each key).
  for (const auto& id : ids) {
    std::string key;
    AppendJsonString(id, &key);
    key += ':';
    category_keys_.push_back(key);
    applied_categories_ += key + "[\"text\"],";
  }
  for (const auto& n : openai_names_) {
    std::string key;
    AppendJsonString(n, &key);
    key += ':';
    openai_keys_.push_back(key);
    applied_openai_ += key + "[\"text\"],";
  }
  // Empty only when the taxonomy itself uses every OpenAI name as an id.
  if (!applied_openai_.empty()) applied_openai_.pop_back();
  // The result of a clean text (the common case) is always the same bytes.
  mod::Assessment clean;
  for (const auto& id : ids) clean.categories.push_back({id, 0.0, false});
  AppendModerationResult(clean, &clean_result_);
}

Status Service::Open() {
  SAFEGATE_RETURN_IF_ERROR(pool_.Open(
      [&] {
        return OpenDatabase(config_.db, config_.durable_to_disk, config_.database_timeout_seconds);
      },
      std::min(config_.workers + config_.database_workers, 16) + 2));
  {
    auto db = pool_.Get();
    SAFEGATE_ASSIGN_OR_RETURN(int v, mod::Migrate(*db));
    (void)v;
  }
  writer_ = std::make_unique<store::GroupCommitter>([this] {
    return OpenDatabase(config_.db, config_.durable_to_disk, config_.database_timeout_seconds);
  });
  return writer_->Open();
}

void Service::CountFlags(const std::string& source, const mod::Assessment& a) {
  for (const auto& c : a.FlaggedCategories()) metrics_->CountFlag(source, c);
}

mod::GateOptions Service::GateOptionsOf(const ServerConfig& c) {
  mod::GateOptions o;
  o.fail_open = c.fail_open;
  o.output_action = c.output_action;
  o.replacement = c.replacement;
  o.blocked_message = c.msg_output_blocked;
  o.stream_check_bytes = c.stream_check_bytes;
  o.stream_window_bytes = c.stream_window_bytes;
  // Every judge failure is counted: judge_error_blocked (closed: the text
  // is refused or cut) or judge_error_passed (fail_open).
  o.on_judge_error = [this] {
    if (metrics_)
      metrics_->CountEvent(config_.fail_open ? "judge_error_passed" : "judge_error_blocked");
  };
  return o;
}

// Runs the judges; a judge error fails closed (unless fail_open).
Result<mod::Assessment> Service::Check(std::string_view text, std::string_view prompt) {
  return gate_.Check(text, prompt);
}

namespace {

std::vector<RouteProvider>& RouteProviders() {
  static std::vector<RouteProvider> providers;
  return providers;
}

}  // namespace

void AddRouteProvider(RouteProvider provider) {
  RouteProviders().push_back(std::move(provider));
}

int RunServer(const ServerConfig& config, const std::string& port_file) {
  // Signals are taken by a dedicated thread (sigwait), not a handler;
  // blocked before any thread starts so that every thread inherits the mask.
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
  signal(SIGPIPE, SIG_IGN);
  if (config.policy.empty()) {
    fprintf(stderr, "safegate serve: no policy (--policy or 'policy:' in the config)\n");
    return 2;
  }
  auto pol = policy::LoadPolicy(config.policy);
  if (!pol.ok()) {
    fprintf(stderr, "safegate serve: %s\n", pol.status().ToString().c_str());
    return 2;
  }
  std::string cache =
      config.cache_dir.empty() ? policy::DefaultMatcherCacheDir() : config.cache_dir;
  auto judges = moderation::MakeModerationJudges(*pol, cache);
  if (!judges.ok()) {
    fprintf(stderr, "safegate serve: %s\n", judges.status().ToString().c_str());
    return 2;
  }
  moderation::Moderator moderator(std::move(*judges), pol->taxonomy);
  HttpOptions opt;
  size_t colon = config.listen.rfind(':');
  if (colon == std::string::npos) {
    fprintf(stderr, "safegate serve: --listen '%s': expected HOST:PORT\n", config.listen.c_str());
    return 2;
  }
  opt.host = config.listen.substr(0, colon);
  {
    const std::string port = config.listen.substr(colon + 1);
    char* end = nullptr;
    long v = port.empty() ? -1 : strtol(port.c_str(), &end, 10);
    if (v < 0 || v > 65535 || *end != '\0') {
      fprintf(stderr, "safegate serve: --listen '%s': the port must be 0 to 65535\n",
              config.listen.c_str());
      return 2;
    }
    opt.port = static_cast<uint16_t>(v);
  }
  opt.max_body_bytes = config.max_body_bytes;
  opt.workers = config.database_workers;
  opt.upstream_workers = config.workers;
  opt.shutdown_grace_seconds = config.shutdown_grace_seconds;
  opt.header_timeout_seconds = config.header_timeout_seconds;
  opt.body_timeout_seconds = config.body_timeout_seconds;
  opt.idle_timeout_seconds = config.idle_timeout_seconds;
  opt.write_timeout_seconds = config.write_timeout_seconds;
  opt.max_connections = config.max_connections;

  Service service(config, std::move(*pol), std::move(moderator));
  Status s = service.Open();
  if (!s.ok()) {
    fprintf(stderr, "safegate serve: database %s: %s\n", config.db.c_str(), s.ToString().c_str());
    return 3;
  }
  std::vector<Route> routes = service.Routes();
  for (const auto& provide : RouteProviders()) {
    auto more = provide(config);
    if (!more.ok()) {
      fprintf(stderr, "safegate serve: %s\n", more.status().ToString().c_str());
      return 3;
    }
    routes.insert(routes.end(), more->begin(), more->end());
  }
  std::vector<std::string> names;
  for (const auto& r : routes) names.push_back(r.pattern);
  service.SetMetrics(std::make_unique<Metrics>(names));
  Metrics* metrics = service.metrics();
  HttpServer server(opt, std::move(routes),
                    [metrics](const std::string& route, int status, double secs) {
                      metrics->ObserveRequest(route, status, secs);
                    });
  s = server.Listen();
  if (!s.ok()) {
    fprintf(stderr, "safegate serve: %s\n", s.ToString().c_str());
    return 3;
  }
  std::thread signals([&server, set]() {
    int sig = 0;
    sigwait(&set, &sig);
    fprintf(stderr, "safegate serve: signal %d: finishing requests in flight\n", sig);
    server.Shutdown();
  });
  signals.detach();
  // Retention: purge expired conversations every minute.
  std::mutex purge_mu;
  std::condition_variable purge_cv;
  bool purge_stop = false;
  std::thread purger([&] {
    std::unique_lock<std::mutex> lock(purge_mu);
    while (!purge_cv.wait_for(lock, std::chrono::seconds(60), [&] { return purge_stop; })) {
      auto db = service.pool().Get();
      (void)mod::PurgeExpired(*db, UnixSeconds());
    }
  });
  uint16_t port = server.port();
  if (!port_file.empty()) {
    Status w = WriteFileAtomic(port_file, std::to_string(port) + "\n");
    if (!w.ok()) fprintf(stderr, "safegate serve: %s\n", w.ToString().c_str());
  }
  fprintf(stderr, "safegate serve: listening on http://%s:%u (db %s)\n", opt.host.c_str(), port,
          store::IsPostgresUrl(config.db) ? "postgresql" : config.db.c_str());
  server.Run();
  {
    std::lock_guard<std::mutex> lock(purge_mu);
    purge_stop = true;
    purge_cv.notify_all();
  }
  purger.join();
  fprintf(stderr, "safegate serve: stopped\n");
  return 0;
}

}  // namespace safegate::server
