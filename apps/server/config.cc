#include <yaml-cpp/yaml.h>

#include "safegate/base/file.h"
#include "safegate/policy/yaml_util.h"
#include "safegate/store/postgres.h"
#include "safegate/store/sqlite.h"
#include "server.h"

namespace safegate::server {

const std::vector<std::string>& OpenAiModerationCategories() {
  static const std::vector<std::string> names = {"harassment",
                                                 "harassment/threatening",
                                                 "hate",
                                                 "hate/threatening",
                                                 "illicit",
                                                 "illicit/violent",
                                                 "self-harm",
                                                 "self-harm/instructions",
                                                 "self-harm/intent",
                                                 "sexual",
                                                 "sexual/minors",
                                                 "violence",
                                                 "violence/graphic"};
  return names;
}

std::map<std::string, std::vector<std::string>> DefaultOpenAiMapping() {
  return {// baseline: the MLCommons hazard categories.
          {"S1", {"violence"}},
          {"S2", {"illicit"}},
          {"S3", {"sexual"}},
          {"S4", {"sexual/minors"}},
          {"S5", {"harassment"}},
          {"S9", {"illicit/violent"}},
          {"S10", {"hate"}},
          {"S11", {"self-harm"}},
          {"S12", {"sexual"}},
          // tc260-2024 and gbt45654-2025 (the same ids): only the risks that plainly are one of
          // OpenAI's categories. The rest of A.1, A.3, A.4 and A.5 map to nothing (docs/http-api.md
          // says why).
          {"A.1-4", {"violence"}},            // terrorism or extremism
          {"A.1-5", {"hate"}},                // ethnic hatred or discrimination
          {"A.1-6", {"violence", "sexual"}},  // violence, obscenity or pornography
          {"A.2", {"hate"}},                  // discriminatory content, and each of its risks
          {"A.2-1", {"hate"}},
          {"A.2-2", {"hate"}},
          {"A.2-3", {"hate"}},
          {"A.2-4", {"hate"}},
          {"A.2-5", {"hate"}},
          {"A.2-6", {"hate"}},
          {"A.2-7", {"hate"}},
          {"A.2-8", {"hate"}},
          {"A.2-9", {"hate"}}};
}

Result<std::unique_ptr<store::Database>> OpenDatabase(const std::string& url, bool sync_to_disk,
                                                      double timeout_seconds) {
  if (store::IsPostgresUrl(url)) {
    store::PostgresOptions pg;
    int ms = static_cast<int>(timeout_seconds * 1000);
    pg.statement_timeout_ms = ms;     // no statement holds a worker longer
    pg.reply_timeout_ms = ms + 1000;  // nor a server that stopped answering
    pg.connect_timeout_seconds = static_cast<int>(timeout_seconds + 0.999);
    return store::OpenPostgres(url, pg);
  }
  std::string path = url.starts_with("sqlite:") ? url.substr(7) : url;
  if (path.empty()) return InvalidArgumentError("--db: empty SQLite path");
  store::SqliteOptions options;
  options.synchronous_full = sync_to_disk;
  return store::OpenSqlite(path, options);
}

// Bounds that keep every product with 60 or 86400, and now + it, far from
// overflow: a century of days or minutes.
constexpr int64_t kMaxDays = 36500;
constexpr int64_t kMaxMinutes = kMaxDays * 24 * 60;
constexpr int64_t kMaxStrikes = 1000000;
constexpr const char* kDaysRange = "must be between 0 and 36500 (a century)";
constexpr const char* kMinutesRange = "must be between 0 and 52560000 (a century)";
constexpr const char* kStrikesRange = "must be between 0 and 1000000";

Result<ServerConfig> LoadServerConfig(const std::string& path) {
  ServerConfig c;
  SAFEGATE_ASSIGN_OR_RETURN(std::string text, ReadFile(path));
  SAFEGATE_ASSIGN_OR_RETURN(YAML::Node root, policy::internal::ParseYaml(text, path));
  if (!root.IsMap()) return InvalidArgumentError(AtLocation(path, 0, "", "must be a YAML map"));
  std::string current;
  try {
    for (auto it = root.begin(); it != root.end(); ++it) {
      current = it->first.as<std::string>();
      const YAML::Node v = it->second;  // a copy: it->second lives in a temporary proxy
      int line = it->first.Mark().line + 1;
      auto bad = [&](const std::string& msg) {
        return InvalidArgumentError(AtLocation(path, line, current, msg));
      };
      if (current == "schema") {
        if (v.as<std::string>() != "safegate.serve/1") return bad("must be safegate.serve/1");
      } else if (current == "listen")
        c.listen = v.as<std::string>();
      else if (current == "policy")
        c.policy = v.as<std::string>();
      else if (current == "db")
        c.db = v.as<std::string>();
      else if (current == "upstream") {
        for (auto u = v.begin(); u != v.end(); ++u) {
          std::string k = u->first.as<std::string>();
          current = "upstream." + k;
          if (k == "url")
            c.upstream_url = u->second.as<std::string>();
          else if (k == "api_key_env")
            c.upstream_api_key_env = u->second.as<std::string>();
          else if (k == "timeout_seconds")
            c.upstream_timeout_seconds = u->second.as<double>();
          else if (k == "max_answer_bytes") {
            c.upstream_max_answer_bytes = u->second.as<size_t>();
            if (c.upstream_max_answer_bytes < 1024 || c.upstream_max_answer_bytes > (1u << 30))
              return bad("must be 1024 to 1073741824");
          } else
            return bad("unknown key");
        }
      } else if (current == "output_action") {
        c.output_action = v.as<std::string>();
        if (c.output_action != "block" && c.output_action != "replace") {
          return bad("must be block or replace");
        }
      } else if (current == "replacement")
        c.replacement = v.as<std::string>();
      else if (current == "stream_check_bytes") {
        c.stream_check_bytes = v.as<int64_t>();
        if (c.stream_check_bytes < 0 || c.stream_check_bytes > (1 << 20))
          return bad("must be between 0 and 1048576");
      } else if (current == "stream_window_bytes") {
        c.stream_window_bytes = v.as<int64_t>();
        if (c.stream_window_bytes < 256 || c.stream_window_bytes > (1 << 20))
          return bad("must be between 256 and 1048576");
      } else if (current == "database_timeout_seconds") {
        c.database_timeout_seconds = v.as<double>();
        if (!(c.database_timeout_seconds >= 0.1) || c.database_timeout_seconds > 3600)
          return bad("must be between 0.1 and 3600");
      } else if (current == "require_user")
        c.require_user = v.as<bool>();
      else if (current == "durability") {
        std::string d = v.as<std::string>();
        if (d != "disk" && d != "process") return bad("must be disk or process");
        c.durable_to_disk = d == "disk";
      } else if (current == "http") {
        for (auto u = v.begin(); u != v.end(); ++u) {
          std::string k = u->first.as<std::string>();
          current = "http." + k;
          double d = u->second.as<double>();
          if (!(d > 0) || d > 86400) return bad("must be more than 0 and at most 86400");
          if (k == "header_timeout_seconds")
            c.header_timeout_seconds = d;
          else if (k == "body_timeout_seconds")
            c.body_timeout_seconds = d;
          else if (k == "idle_timeout_seconds")
            c.idle_timeout_seconds = d;
          else if (k == "write_timeout_seconds")
            c.write_timeout_seconds = d;
          else if (k == "max_connections") {
            if (d < 1 || d > 1000000 || d != static_cast<int64_t>(d))
              return bad("must be a whole number between 1 and 1000000");
            c.max_connections = static_cast<int64_t>(d);
          } else
            return bad("unknown key");
        }
      } else if (current == "retention_days") {
        c.retention_days = v.as<int64_t>();
        if (c.retention_days < 0 || c.retention_days > kMaxDays) return bad(kDaysRange);
      } else if (current == "strikes") {
        for (auto u = v.begin(); u != v.end(); ++u) {
          std::string k = u->first.as<std::string>();
          current = "strikes." + k;
          if (k == "consecutive") {
            c.strikes_consecutive = u->second.as<int64_t>();
            if (c.strikes_consecutive < 0 || c.strikes_consecutive > kMaxStrikes)
              return bad(kStrikesRange);
          } else if (k == "per_day") {
            c.strikes_per_day = u->second.as<int64_t>();
            if (c.strikes_per_day < 0 || c.strikes_per_day > kMaxStrikes) return bad(kStrikesRange);
          } else if (k == "suspend_minutes") {
            c.suspend_minutes = u->second.as<int64_t>();
            if (c.suspend_minutes < 0 || c.suspend_minutes > kMaxMinutes) return bad(kMinutesRange);
          } else if (k == "user_header")
            c.user_header = u->second.as<std::string>();
          else
            return bad("unknown key");
        }
      } else if (current == "messages") {
        for (auto u = v.begin(); u != v.end(); ++u) {
          std::string k = u->first.as<std::string>();
          current = "messages." + k;
          std::string s = u->second.as<std::string>();
          if (k == "input_blocked")
            c.msg_input_blocked = s;
          else if (k == "output_blocked")
            c.msg_output_blocked = s;
          else if (k == "stream_cut")
            c.msg_stream_cut = s;
          else if (k == "removed")
            c.msg_removed = s;
          else
            return bad("unknown key");
        }
      } else if (current == "max_body_bytes")
        c.max_body_bytes = v.as<size_t>();
      else if (current == "workers") {
        c.workers = v.as<int>();
        if (c.workers < 1 || c.workers > 1024) return bad("must be between 1 and 1024");
      } else if (current == "database_workers") {
        c.database_workers = v.as<int>();
        if (c.database_workers < 1 || c.database_workers > 1024)
          return bad("must be between 1 and 1024");
      } else if (current == "claim_minutes") {
        c.claim_minutes = v.as<int64_t>();
        if (c.claim_minutes < 0 || c.claim_minutes > kMaxMinutes) return bad(kMinutesRange);
      } else if (current == "require_keys")
        c.require_keys = v.as<bool>();
      else if (current == "public_metrics")
        c.public_metrics = v.as<bool>();
      else if (current == "bare_endpoint")
        c.bare_endpoint = v.as<bool>();
      else if (current == "fail_open")
        c.fail_open = v.as<bool>();
      else if (current == "shutdown_grace_seconds")
        c.shutdown_grace_seconds = v.as<double>();
      else if (current == "cache_dir")
        c.cache_dir = v.as<std::string>();
      else if (current == "openai_categories") {
        c.openai_categories_set = true;
        for (auto u = v.begin(); u != v.end(); ++u) {
          std::string k = u->first.as<std::string>();
          if (u->second.IsSequence()) {
            c.openai_categories[k] = u->second.as<std::vector<std::string>>();
          } else {
            c.openai_categories[k] = {u->second.as<std::string>()};
          }
        }
      } else {
        return bad("unknown key");
      }
    }
  } catch (const YAML::Exception& e) {
    return InvalidArgumentError(AtLocation(path, e.mark.line + 1, current, e.msg));
  }
  // Relative policy paths are relative to the config file.
  if (!c.policy.empty() && c.policy.front() != '/') {
    size_t slash = path.rfind('/');
    if (slash != std::string::npos) c.policy = path.substr(0, slash + 1) + c.policy;
  }
  if (c.upstream_url.empty() == false && c.upstream_url.back() == '/') c.upstream_url.pop_back();
  return c;
}

}  // namespace safegate::server
