// Moderation data on store::Database: one SQL text for both engines where
// possible, Dialect() where they differ (keys, SKIP LOCKED, advisory locks).
#include "safegate/moderation/store.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>

#include "queue_row.h"
#include "safegate/base/digest.h"

namespace safegate::moderation {
namespace {

using store::Database;
using store::Dialect;
using store::Row;
using store::Value;

struct Migration {
  int version;
  const char* sqlite;
  const char* postgres;  // nullptr: same as sqlite
};

// Append only: never edit a released migration, add a new one.
const Migration kMigrations[] = {
    {1,
     R"(CREATE TABLE api_keys (id TEXT PRIMARY KEY, hash TEXT NOT NULL UNIQUE, name TEXT NOT NULL,
          role TEXT NOT NULL, created_at BIGINT NOT NULL, revoked_at BIGINT NOT NULL DEFAULT 0);
        CREATE TABLE users (user_id TEXT PRIMARY KEY, consecutive BIGINT NOT NULL DEFAULT 0,
          day TEXT NOT NULL DEFAULT '', day_count BIGINT NOT NULL DEFAULT 0,
          suspended_until BIGINT NOT NULL DEFAULT 0, reason TEXT NOT NULL DEFAULT '',
          updated_at BIGINT NOT NULL DEFAULT 0);
        CREATE TABLE conversations (id TEXT PRIMARY KEY, user_id TEXT NOT NULL,
          created_at BIGINT NOT NULL, expires_at BIGINT NOT NULL DEFAULT 0,
          next_seq BIGINT NOT NULL DEFAULT 0);
        CREATE INDEX conversations_expires ON conversations (expires_at);
        CREATE TABLE messages (id TEXT PRIMARY KEY, conversation_id TEXT NOT NULL,
          seq BIGINT NOT NULL, role TEXT NOT NULL, content TEXT NOT NULL, status TEXT NOT NULL,
          original TEXT NOT NULL DEFAULT '', categories TEXT NOT NULL DEFAULT '[]',
          created_at BIGINT NOT NULL);
        CREATE INDEX messages_conversation ON messages (conversation_id, seq);
        CREATE TABLE review_queue (id INTEGER PRIMARY KEY AUTOINCREMENT, kind TEXT NOT NULL,
          status TEXT NOT NULL, level BIGINT NOT NULL DEFAULT 0, message_id TEXT NOT NULL DEFAULT '',
          conversation_id TEXT NOT NULL DEFAULT '', user_id TEXT NOT NULL DEFAULT '',
          categories TEXT NOT NULL DEFAULT '[]', reason TEXT NOT NULL DEFAULT '',
          excerpt TEXT NOT NULL DEFAULT '', created_at BIGINT NOT NULL,
          claimed_by TEXT NOT NULL DEFAULT '', claimed_at BIGINT NOT NULL DEFAULT 0,
          claim_expires BIGINT NOT NULL DEFAULT 0, decision TEXT NOT NULL DEFAULT '',
          decision_reason TEXT NOT NULL DEFAULT '', decided_by TEXT NOT NULL DEFAULT '',
          decided_at BIGINT NOT NULL DEFAULT 0);
        CREATE INDEX review_queue_status ON review_queue (status, id);
        CREATE TABLE audit_head (id INTEGER PRIMARY KEY, seq BIGINT NOT NULL, hash TEXT NOT NULL);
        INSERT INTO audit_head (id, seq, hash) VALUES (1, 0, '');
        CREATE TABLE audit_log (seq BIGINT PRIMARY KEY, ts BIGINT NOT NULL, actor TEXT NOT NULL,
          action TEXT NOT NULL, subject TEXT NOT NULL, detail TEXT NOT NULL,
          prev_hash TEXT NOT NULL, hash TEXT NOT NULL);
        CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
          BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
        CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
          BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;)",
     R"(CREATE TABLE api_keys (id TEXT PRIMARY KEY, hash TEXT NOT NULL UNIQUE, name TEXT NOT NULL,
          role TEXT NOT NULL, created_at BIGINT NOT NULL, revoked_at BIGINT NOT NULL DEFAULT 0);
        CREATE TABLE users (user_id TEXT PRIMARY KEY, consecutive BIGINT NOT NULL DEFAULT 0,
          day TEXT NOT NULL DEFAULT '', day_count BIGINT NOT NULL DEFAULT 0,
          suspended_until BIGINT NOT NULL DEFAULT 0, reason TEXT NOT NULL DEFAULT '',
          updated_at BIGINT NOT NULL DEFAULT 0);
        CREATE TABLE conversations (id TEXT PRIMARY KEY, user_id TEXT NOT NULL,
          created_at BIGINT NOT NULL, expires_at BIGINT NOT NULL DEFAULT 0,
          next_seq BIGINT NOT NULL DEFAULT 0);
        CREATE INDEX conversations_expires ON conversations (expires_at);
        CREATE TABLE messages (id TEXT PRIMARY KEY, conversation_id TEXT NOT NULL,
          seq BIGINT NOT NULL, role TEXT NOT NULL, content TEXT NOT NULL, status TEXT NOT NULL,
          original TEXT NOT NULL DEFAULT '', categories TEXT NOT NULL DEFAULT '[]',
          created_at BIGINT NOT NULL);
        CREATE INDEX messages_conversation ON messages (conversation_id, seq);
        CREATE TABLE review_queue (id BIGSERIAL PRIMARY KEY, kind TEXT NOT NULL,
          status TEXT NOT NULL, level BIGINT NOT NULL DEFAULT 0, message_id TEXT NOT NULL DEFAULT '',
          conversation_id TEXT NOT NULL DEFAULT '', user_id TEXT NOT NULL DEFAULT '',
          categories TEXT NOT NULL DEFAULT '[]', reason TEXT NOT NULL DEFAULT '',
          excerpt TEXT NOT NULL DEFAULT '', created_at BIGINT NOT NULL,
          claimed_by TEXT NOT NULL DEFAULT '', claimed_at BIGINT NOT NULL DEFAULT 0,
          claim_expires BIGINT NOT NULL DEFAULT 0, decision TEXT NOT NULL DEFAULT '',
          decision_reason TEXT NOT NULL DEFAULT '', decided_by TEXT NOT NULL DEFAULT '',
          decided_at BIGINT NOT NULL DEFAULT 0);
        CREATE INDEX review_queue_status ON review_queue (status, id);
        CREATE TABLE audit_head (id INTEGER PRIMARY KEY, seq BIGINT NOT NULL, hash TEXT NOT NULL);
        INSERT INTO audit_head (id, seq, hash) VALUES (1, 0, '');
        CREATE TABLE audit_log (seq BIGINT PRIMARY KEY, ts BIGINT NOT NULL, actor TEXT NOT NULL,
          action TEXT NOT NULL, subject TEXT NOT NULL, detail TEXT NOT NULL,
          prev_hash TEXT NOT NULL, hash TEXT NOT NULL);
        CREATE FUNCTION safegate_audit_append_only() RETURNS trigger AS $$
          BEGIN RAISE EXCEPTION 'audit_log is append-only'; END; $$ LANGUAGE plpgsql;
        CREATE TRIGGER audit_log_no_change BEFORE UPDATE OR DELETE ON audit_log
          FOR EACH ROW EXECUTE FUNCTION safegate_audit_append_only();)"},
    // The reviewer tables (review/accounts.h, review/labels.h) and the
    // indexes of the dashboard's time scans, which before version 2 were
    // created outside the migrations ("IF NOT EXISTS": a database of that
    // time already has them).
    {2,
     R"(CREATE INDEX IF NOT EXISTS review_queue_created ON review_queue (created_at);
        CREATE INDEX IF NOT EXISTS review_queue_decided ON review_queue (decided_at);
        CREATE TABLE IF NOT EXISTS review_accounts (username TEXT PRIMARY KEY,
          role TEXT NOT NULL, password_hash TEXT NOT NULL, created_at BIGINT NOT NULL,
          disabled BIGINT NOT NULL DEFAULT 0);
        CREATE TABLE IF NOT EXISTS review_sessions (token_hash TEXT PRIMARY KEY,
          username TEXT NOT NULL, csrf TEXT NOT NULL, created_at BIGINT NOT NULL,
          expires_at BIGINT NOT NULL);
        CREATE INDEX IF NOT EXISTS review_sessions_expires ON review_sessions (expires_at);
        CREATE TABLE IF NOT EXISTS review_label_items (set_name TEXT NOT NULL,
          sample_id TEXT NOT NULL, ord BIGINT NOT NULL, record TEXT NOT NULL,
          label TEXT NOT NULL DEFAULT '', category TEXT NOT NULL DEFAULT '',
          reviewer TEXT NOT NULL DEFAULT '', note TEXT NOT NULL DEFAULT '',
          labelled_at BIGINT NOT NULL DEFAULT 0, PRIMARY KEY (set_name, sample_id));
        CREATE INDEX IF NOT EXISTS review_label_items_ord ON review_label_items (set_name, ord);)",
     nullptr},
};

}  // namespace

namespace internal {

std::string QueueColumns(const std::string& prefix) {
  std::string out;
  for (const char* c :
       {"id", "kind", "status", "level", "message_id", "conversation_id", "user_id", "categories",
        "reason", "excerpt", "created_at", "claimed_by", "claimed_at", "claim_expires", "decision",
        "decision_reason", "decided_by", "decided_at"}) {
    if (!out.empty()) out += ", ";
    out += prefix + c;
  }
  return out;
}

QueueItem ItemFromRow(const Row& r) {
  QueueItem q;
  q.id = r.Int(0);
  q.kind = r.Text(1);
  q.status = r.Text(2);
  q.level = r.Int(3);
  q.message_id = r.Text(4);
  q.conversation_id = r.Text(5);
  q.user = r.Text(6);
  q.categories = r.Text(7);
  q.reason = r.Text(8);
  q.excerpt = r.Text(9);
  q.created_at = r.Int(10);
  q.claimed_by = r.Text(11);
  q.claimed_at = r.Int(12);
  q.claim_expires = r.Int(13);
  q.decision = r.Text(14);
  q.decision_reason = r.Text(15);
  q.decided_by = r.Text(16);
  q.decided_at = r.Int(17);
  return q;
}

}  // namespace internal

namespace {

using internal::ItemFromRow;
using internal::QueueColumns;

std::string JsonEscape(std::string_view s) {
  std::string out;
  for (unsigned char c : s) {
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      default:
        if (c < 0x20) {
          char buf[8];
          snprintf(buf, sizeof(buf), "\\u%04x", c);
          out += buf;
        } else {
          out += static_cast<char>(c);
        }
    }
  }
  return out;
}

// A small JSON object of string fields for audit details.
std::string Detail(std::initializer_list<std::pair<const char*, std::string>> fields) {
  std::string out = "{";
  bool first = true;
  for (const auto& [k, v] : fields) {
    if (!first) out += ",";
    first = false;
    out += "\"" + std::string(k) + "\":\"" + JsonEscape(v) + "\"";
  }
  return out + "}";
}

Result<Message> MessageFromRow(const Row& r) {
  Message m;
  m.id = r.Text(0);
  m.conversation_id = r.Text(1);
  m.seq = r.Int(2);
  m.role = r.Text(3);
  m.content = r.Text(4);
  m.status = r.Text(5);
  m.original = r.Text(6);
  m.categories = r.Text(7);
  m.created_at = r.Int(8);
  return m;
}

const char kMessageColumns[] =
    "id, conversation_id, seq, role, content, status, original, categories, created_at";

Result<int64_t> InsertQueueItem(Database& db, const QueueItem& item) {
  SAFEGATE_ASSIGN_OR_RETURN(
      auto rows,
      db.Query("INSERT INTO review_queue (kind, status, level, message_id, conversation_id, "
               "user_id, categories, reason, excerpt, created_at) VALUES "
               "($1, 'open', 0, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
               {item.kind, item.message_id, item.conversation_id, item.user,
                item.categories.empty() ? std::string("[]") : item.categories, item.reason,
                item.excerpt, item.created_at}));
  if (rows.empty()) return InternalError("insert into review_queue returned no id");
  return rows[0].Int(0);
}

}  // namespace

// ---------------------------------------------------------------- schema

int LatestSchemaVersion() {
  return kMigrations[std::size(kMigrations) - 1].version;
}

Result<int> Migrate(Database& db) {
  SAFEGATE_RETURN_IF_ERROR(
      db.ExecScript("CREATE TABLE IF NOT EXISTS schema_migrations (version BIGINT PRIMARY KEY, "
                    "applied_at BIGINT NOT NULL)"));
  int current = 0;
  Status s = store::InTransaction(db, [&]() -> Status {
    if (db.dialect() == Dialect::kPostgres) {
      // Several instances starting at once: one migrates, the others wait.
      SAFEGATE_RETURN_IF_ERROR(db.Query("SELECT pg_advisory_xact_lock(7245019)").status());
    }
    SAFEGATE_ASSIGN_OR_RETURN(auto rows,
                              db.Query("SELECT COALESCE(MAX(version), 0) FROM schema_migrations"));
    current = rows.empty() ? 0 : static_cast<int>(rows[0].Int(0));
    for (const Migration& m : kMigrations) {
      if (m.version <= current) continue;
      const char* sql = db.dialect() == Dialect::kPostgres && m.postgres ? m.postgres : m.sqlite;
      SAFEGATE_RETURN_IF_ERROR(
          db.ExecScript(sql).WithPrefix("migration " + std::to_string(m.version)));
      SAFEGATE_RETURN_IF_ERROR(
          db.Exec("INSERT INTO schema_migrations (version, applied_at) VALUES ($1, $2)",
                  {int64_t{m.version}, static_cast<int64_t>(time(nullptr))})
              .status());
      current = m.version;
    }
    return OkStatus();
  });
  if (!s.ok()) return s;
  if (current > LatestSchemaVersion()) {
    return FailedPreconditionError("database schema version " + std::to_string(current) +
                                   " is newer than this safegate (" +
                                   std::to_string(LatestSchemaVersion()) + ")");
  }
  return current;
}

// ---------------------------------------------------------------- API keys

bool IsValidRole(std::string_view role) {
  return role == "admin" || role == "reviewer" || role == "client";
}

Result<std::string> CreateApiKey(Database& db, const std::string& name, const std::string& role,
                                 int64_t now, ApiKey* out) {
  if (!IsValidRole(role)) {
    return InvalidArgumentError("role '" + role + "': must be admin, reviewer or client");
  }
  if (name.empty()) return InvalidArgumentError("a key needs a name");
  SAFEGATE_ASSIGN_OR_RETURN(std::string id_hex, RandomHex(6));
  SAFEGATE_ASSIGN_OR_RETURN(std::string secret, RandomHex(24));
  ApiKey key{"key_" + id_hex, name, role, now, 0};
  std::string plaintext = "sg_" + id_hex + "_" + secret;
  SAFEGATE_RETURN_IF_ERROR(store::InTransaction(db, [&]() -> Status {
    SAFEGATE_RETURN_IF_ERROR(
        db.Exec("INSERT INTO api_keys (id, hash, name, role, created_at) VALUES ($1,$2,$3,$4,$5)",
                {key.id, Sha256Hex(plaintext), name, role, now})
            .status());
    return AppendAudit(db, "cli", "key.create", key.id, Detail({{"name", name}, {"role", role}}),
                       now);
  }));
  if (out) *out = key;
  return plaintext;
}

Result<std::vector<ApiKey>> ListApiKeys(Database& db) {
  SAFEGATE_ASSIGN_OR_RETURN(
      auto rows, db.Query("SELECT id, name, role, created_at, revoked_at FROM api_keys ORDER BY "
                          "created_at, id"));
  std::vector<ApiKey> out;
  for (const Row& r : rows) out.push_back({r.Text(0), r.Text(1), r.Text(2), r.Int(3), r.Int(4)});
  return out;
}

Status RevokeApiKey(Database& db, const std::string& id, const std::string& actor, int64_t now) {
  return store::InTransaction(db, [&]() -> Status {
    SAFEGATE_ASSIGN_OR_RETURN(
        int64_t n,
        db.Exec("UPDATE api_keys SET revoked_at = $2 WHERE id = $1 AND revoked_at = 0", {id, now}));
    if (n == 0) return NotFoundError("no active API key '" + id + "'");
    return AppendAudit(db, actor, "key.revoke", id, "{}", now);
  });
}

Result<std::optional<ApiKey>> LookupApiKey(Database& db, std::string_view plaintext) {
  SAFEGATE_ASSIGN_OR_RETURN(
      auto rows, db.Query("SELECT id, name, role, created_at, revoked_at FROM api_keys WHERE "
                          "hash = $1 AND revoked_at = 0",
                          {Sha256Hex(plaintext)}));
  if (rows.empty()) return std::optional<ApiKey>();
  const Row& r = rows[0];
  return std::optional<ApiKey>(ApiKey{r.Text(0), r.Text(1), r.Text(2), r.Int(3), r.Int(4)});
}

// ---------------------------------------------------------------- users

namespace {
Result<std::optional<UserRecord>> ReadUser(Database& db, const std::string& user) {
  SAFEGATE_ASSIGN_OR_RETURN(
      auto rows, db.Query("SELECT consecutive, day, day_count, suspended_until, reason FROM users "
                          "WHERE user_id = $1",
                          {user}));
  if (rows.empty()) return std::optional<UserRecord>();
  UserRecord u{user,
               {rows[0].Int(0), rows[0].Text(1), rows[0].Int(2), rows[0].Int(3), rows[0].Text(4)}};
  return std::optional<UserRecord>(u);
}
}  // namespace

Result<UserRecord> GetUser(Database& db, const std::string& user) {
  SAFEGATE_ASSIGN_OR_RETURN(auto u, ReadUser(db, user));
  if (!u) return UserRecord{user, {}};
  return *u;
}

Result<UserRecord> RecordInput(Database& db, const std::string& user, bool flagged, int64_t now,
                               const StrikeRule& rule, bool* suspended_now) {
  UserRecord out{user, {}};
  bool started = false;
  Status s = store::InTransaction(db, [&]() -> Status {
    // Lock the row first (the upsert takes the write lock on both engines);
    // it returns the row as it is then, so no second read.
    SAFEGATE_ASSIGN_OR_RETURN(
        auto rows,
        db.Query("INSERT INTO users (user_id, updated_at) VALUES ($1, $2) ON CONFLICT (user_id) "
                 "DO UPDATE SET updated_at = $2 RETURNING consecutive, day, day_count, "
                 "suspended_until, reason",
                 {user, now}));
    if (!rows.empty()) {
      out.state = {rows[0].Int(0), rows[0].Text(1), rows[0].Int(2), rows[0].Int(3),
                   rows[0].Text(4)};
    }
    started = ApplyStrike(rule, flagged, now, &out.state);
    SAFEGATE_RETURN_IF_ERROR(
        db.Exec("UPDATE users SET consecutive=$2, day=$3, day_count=$4, suspended_until=$5, "
                "reason=$6 WHERE user_id=$1",
                {user, out.state.consecutive, out.state.day, out.state.day_count,
                 out.state.suspended_until, out.state.reason})
            .status());
    if (started) {
      SAFEGATE_RETURN_IF_ERROR(
          AppendAudit(db, "system", "user.suspend", user,
                      Detail({{"until", std::to_string(out.state.suspended_until)},
                              {"reason", out.state.reason}}),
                      now));
    }
    return OkStatus();
  });
  if (!s.ok()) return s;
  if (suspended_now) *suspended_now = started;
  return out;
}

Status LiftSuspension(Database& db, const std::string& user, const std::string& actor,
                      const std::string& reason, int64_t now) {
  return store::InTransaction(db, [&]() -> Status {
    SAFEGATE_ASSIGN_OR_RETURN(
        int64_t n, db.Exec("UPDATE users SET suspended_until = 0, consecutive = 0, day_count = 0, "
                           "updated_at = $2 WHERE user_id = $1",
                           {user, now}));
    if (n == 0) return NotFoundError("unknown user '" + user + "'");
    return AppendAudit(db, actor, "user.lift", user, Detail({{"reason", reason}}), now);
  });
}

// ---------------------------------------------------------------- conversations

Result<std::string> NewRecordId(std::string_view prefix) {
  static std::atomic<int64_t> last{0};
  int64_t now = std::chrono::duration_cast<std::chrono::microseconds>(
                    std::chrono::system_clock::now().time_since_epoch())
                    .count();
  int64_t prev = last.load(std::memory_order_relaxed);
  int64_t t;
  do {
    t = std::max(now, prev + 1);
  } while (!last.compare_exchange_weak(prev, t, std::memory_order_relaxed));
  char stamp[24];
  snprintf(stamp, sizeof stamp, "%013llx", static_cast<unsigned long long>(t));
  SAFEGATE_ASSIGN_OR_RETURN(std::string hex, RandomHex(10));
  std::string id;
  id.reserve(prefix.size() + 33);
  id.append(prefix).append(stamp).append(hex);
  return id;
}

Status EnsureConversation(Database& db, const std::string& id, const std::string& user, int64_t now,
                          int64_t retention_seconds) {
  int64_t expires = retention_seconds > 0 ? now + retention_seconds : 0;
  SAFEGATE_ASSIGN_OR_RETURN(
      int64_t inserted,
      db.Exec("INSERT INTO conversations (id, user_id, created_at, expires_at) VALUES "
              "($1,$2,$3,$4) ON CONFLICT (id) DO NOTHING",
              {id, user, now, expires}));
  if (inserted == 1) return OkStatus();  // a new conversation: it is this user's
  SAFEGATE_ASSIGN_OR_RETURN(auto rows,
                            db.Query("SELECT user_id FROM conversations WHERE id = $1", {id}));
  if (rows.empty()) return InternalError("conversation " + id + " vanished");
  if (rows[0].Text(0) != user) {
    return FailedPreconditionError("conversation '" + id + "' belongs to another user");
  }
  return OkStatus();
}

Status AppendMessages(Database& db, std::vector<Message>* messages, const std::string& user,
                      bool enqueue_flagged, const std::string& reason) {
  if (messages->empty()) return OkStatus();
  for (Message& m : *messages) {
    if (m.id.empty()) {
      SAFEGATE_ASSIGN_OR_RETURN(m.id, NewRecordId("msg_"));
    }
  }
  return store::InTransaction(db, [&]() -> Status {
    const std::string& conv = messages->front().conversation_id;
    SAFEGATE_ASSIGN_OR_RETURN(
        auto rows, db.Query("UPDATE conversations SET next_seq = next_seq + $2 WHERE id = $1 "
                            "RETURNING next_seq",
                            {conv, static_cast<int64_t>(messages->size())}));
    if (rows.empty()) return NotFoundError("unknown conversation '" + conv + "'");
    int64_t seq = rows[0].Int(0) - static_cast<int64_t>(messages->size());
    for (Message& m : *messages) {
      m.seq = seq++;
      SAFEGATE_RETURN_IF_ERROR(
          db.Exec("INSERT INTO messages (id, conversation_id, seq, role, content, status, "
                  "original, categories, created_at) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9)",
                  {m.id, m.conversation_id, m.seq, m.role, m.content, m.status, m.original,
                   m.categories.empty() ? std::string("[]") : m.categories, m.created_at})
              .status());
      if (enqueue_flagged && m.status != "ok") {
        QueueItem q;
        q.kind = "flag";
        q.message_id = m.id;
        q.conversation_id = m.conversation_id;
        q.user = user;
        q.categories = m.categories;
        q.reason = reason.empty() ? m.role + " " + m.status : reason;
        q.excerpt = m.original.empty() ? m.content : m.original;
        q.created_at = m.created_at;
        SAFEGATE_ASSIGN_OR_RETURN(int64_t qid, InsertQueueItem(db, q));
        SAFEGATE_RETURN_IF_ERROR(AppendAudit(db, "system", "queue.add", std::to_string(qid),
                                             Detail({{"kind", "flag"},
                                                     {"message", m.id},
                                                     {"status", m.status},
                                                     {"categories", q.categories}}),
                                             m.created_at));
      }
    }
    return OkStatus();
  });
}

Result<std::optional<Conversation>> GetConversation(Database& db, const std::string& id,
                                                    int64_t now) {
  SAFEGATE_ASSIGN_OR_RETURN(
      auto rows,
      db.Query("SELECT user_id, created_at, expires_at FROM conversations WHERE id = $1", {id}));
  if (rows.empty()) return std::optional<Conversation>();
  Conversation c{id, rows[0].Text(0), rows[0].Int(1), rows[0].Int(2), {}};
  if (c.expires_at != 0 && c.expires_at <= now) return std::optional<Conversation>();
  SAFEGATE_ASSIGN_OR_RETURN(auto mrows, db.Query(std::string("SELECT ") + kMessageColumns +
                                                     " FROM messages WHERE conversation_id = $1 "
                                                     "ORDER BY seq",
                                                 {id}));
  for (const Row& r : mrows) {
    SAFEGATE_ASSIGN_OR_RETURN(Message m, MessageFromRow(r));
    c.messages.push_back(std::move(m));
  }
  return std::optional<Conversation>(std::move(c));
}

Result<std::optional<Message>> GetMessage(Database& db, const std::string& id) {
  SAFEGATE_ASSIGN_OR_RETURN(
      auto rows,
      db.Query(std::string("SELECT ") + kMessageColumns + " FROM messages WHERE id = $1", {id}));
  if (rows.empty()) return std::optional<Message>();
  SAFEGATE_ASSIGN_OR_RETURN(Message m, MessageFromRow(rows[0]));
  return std::optional<Message>(std::move(m));
}

Result<int64_t> PurgeExpired(Database& db, int64_t now) {
  int64_t n = 0;
  SAFEGATE_RETURN_IF_ERROR(store::InTransaction(db, [&]() -> Status {
    SAFEGATE_RETURN_IF_ERROR(
        db.Exec("DELETE FROM messages WHERE conversation_id IN (SELECT id FROM conversations "
                "WHERE expires_at <> 0 AND expires_at <= $1)",
                {now})
            .status());
    SAFEGATE_ASSIGN_OR_RETURN(
        n, db.Exec("DELETE FROM conversations WHERE expires_at <> 0 AND expires_at <= $1", {now}));
    return OkStatus();
  }));
  return n;
}

// ---------------------------------------------------------------- queue

Result<int64_t> Enqueue(Database& db, QueueItem item, const std::string& actor) {
  int64_t id = 0;
  SAFEGATE_RETURN_IF_ERROR(store::InTransaction(db, [&]() -> Status {
    SAFEGATE_ASSIGN_OR_RETURN(id, InsertQueueItem(db, item));
    return AppendAudit(
        db, actor, "queue.add", std::to_string(id),
        Detail({{"kind", item.kind}, {"message", item.message_id}, {"reason", item.reason}}),
        item.created_at);
  }));
  return id;
}

namespace {
// WHERE clause + params for a filter; `now` decides whether a claim expired.
std::string FilterSql(const QueueFilter& f, int64_t now, std::vector<Value>* params) {
  std::string where = "WHERE id > $1";
  params->push_back(f.after);
  auto add = [&](const std::string& cond, Value v) {
    params->push_back(std::move(v));
    std::string n = "$" + std::to_string(params->size());
    std::string c = cond;
    for (size_t p; (p = c.find('?')) != std::string::npos;) c.replace(p, 1, n);
    where += " AND " + c;
  };
  if (f.status == "open") {
    add("(status = 'open' OR (status = 'claimed' AND claim_expires <= ?))", now);
  } else if (f.status == "claimed") {
    add("status = 'claimed' AND claim_expires > ?", now);
  } else if (!f.status.empty()) {
    add("status = ?", f.status);
  }
  if (!f.kind.empty()) add("kind = ?", f.kind);
  if (!f.user.empty()) add("user_id = ?", f.user);
  if (!f.claimed_by.empty()) add("claimed_by = ?", f.claimed_by);
  if (f.min_level > 0) add("level >= ?", f.min_level);
  if (f.max_level >= 0) add("level <= ?", f.max_level);
  if (!f.category.empty()) {
    // The id is matched literally: % and _ in it are not wildcards.
    std::string lit;
    for (char c : f.category) {
      if (c == '\\' || c == '%' || c == '_') lit += '\\';
      lit += c;
    }
    add("categories LIKE ? ESCAPE '\\'", "%\"" + lit + "\"%");
  }
  return where;
}
}  // namespace

Result<QueuePage> ListQueue(Database& db, const QueueFilter& filter, int64_t now) {
  int64_t limit = std::clamp<int64_t>(filter.limit, 1, 500);
  std::vector<Value> params;
  std::string sql = "SELECT " + QueueColumns("") + " FROM review_queue " +
                    FilterSql(filter, now, &params) + " ORDER BY id LIMIT " +
                    std::to_string(limit + 1);
  SAFEGATE_ASSIGN_OR_RETURN(auto rows, db.Query(sql, params));
  QueuePage page;
  for (size_t i = 0; i < rows.size() && static_cast<int64_t>(i) < limit; ++i) {
    page.items.push_back(ItemFromRow(rows[i]));
  }
  if (static_cast<int64_t>(rows.size()) > limit) page.next_after = page.items.back().id;
  return page;
}

Result<std::optional<QueueItem>> GetQueueItem(Database& db, int64_t id) {
  SAFEGATE_ASSIGN_OR_RETURN(
      auto rows, db.Query("SELECT " + QueueColumns("") + " FROM review_queue WHERE id = $1", {id}));
  if (rows.empty()) return std::optional<QueueItem>();
  return std::optional<QueueItem>(ItemFromRow(rows[0]));
}

namespace {
// The conditional UPDATE that makes a claim exclusive.
Result<bool> ClaimLocked(Database& db, int64_t id, const std::string& reviewer, int64_t now,
                         int64_t ttl) {
  SAFEGATE_ASSIGN_OR_RETURN(
      int64_t n,
      db.Exec("UPDATE review_queue SET status = 'claimed', claimed_by = $2, claimed_at = $3, "
              "claim_expires = $4 WHERE id = $1 AND (status = 'open' OR (status = 'claimed' AND "
              "(claim_expires <= $3 OR claimed_by = $2)))",
              {id, reviewer, now, now + ttl}));
  if (n == 0) return false;
  SAFEGATE_RETURN_IF_ERROR(AppendAudit(db, reviewer, "queue.claim", std::to_string(id),
                                       Detail({{"until", std::to_string(now + ttl)}}), now));
  return true;
}
}  // namespace

Result<bool> Claim(Database& db, int64_t id, const std::string& reviewer, int64_t now,
                   int64_t ttl) {
  bool ok = false;
  SAFEGATE_RETURN_IF_ERROR(store::InTransaction(db, [&]() -> Status {
    SAFEGATE_ASSIGN_OR_RETURN(ok, ClaimLocked(db, id, reviewer, now, ttl));
    return OkStatus();
  }));
  return ok;
}

Result<std::optional<QueueItem>> ClaimNext(Database& db, const QueueFilter& filter,
                                           const std::string& reviewer, int64_t now, int64_t ttl) {
  QueueFilter f = filter;
  f.status = "open";
  f.after = 0;
  std::optional<QueueItem> out;
  SAFEGATE_RETURN_IF_ERROR(store::InTransaction(db, [&]() -> Status {
    for (int attempt = 0; attempt < 8 && !out; ++attempt) {
      std::vector<Value> params;
      std::string sql =
          "SELECT id FROM review_queue " + FilterSql(f, now, &params) + " ORDER BY id LIMIT 1";
      if (db.dialect() == Dialect::kPostgres) sql += " FOR UPDATE SKIP LOCKED";
      SAFEGATE_ASSIGN_OR_RETURN(auto rows, db.Query(sql, params));
      if (rows.empty()) break;
      SAFEGATE_ASSIGN_OR_RETURN(bool ok, ClaimLocked(db, rows[0].Int(0), reviewer, now, ttl));
      if (ok) {
        SAFEGATE_ASSIGN_OR_RETURN(out, GetQueueItem(db, rows[0].Int(0)));
      }
      f.after = rows[0].Int(0);
    }
    return OkStatus();
  }));
  return out;
}

Result<bool> Release(Database& db, int64_t id, const std::string& reviewer, int64_t now) {
  bool ok = false;
  SAFEGATE_RETURN_IF_ERROR(store::InTransaction(db, [&]() -> Status {
    SAFEGATE_ASSIGN_OR_RETURN(int64_t n,
                              db.Exec("UPDATE review_queue SET status = 'open', claimed_by = '', "
                                      "claim_expires = 0 WHERE id = $1 AND status = 'claimed' AND "
                                      "claimed_by = $2",
                                      {id, reviewer}));
    ok = n > 0;
    if (ok) {
      SAFEGATE_RETURN_IF_ERROR(
          AppendAudit(db, reviewer, "queue.release", std::to_string(id), "{}", now));
    }
    return OkStatus();
  }));
  return ok;
}

Result<DecideResult> Decide(Database& db, int64_t id, const std::string& reviewer,
                            const std::string& decision, const std::string& reason, int64_t now,
                            int64_t* seconds_to_decision) {
  if (decision != "allow" && decision != "remove" && decision != "escalate") {
    return InvalidArgumentError("field 'decision': must be allow, remove or escalate");
  }
  DecideResult result = DecideResult::kDone;
  SAFEGATE_RETURN_IF_ERROR(store::InTransaction(db, [&]() -> Status {
    SAFEGATE_ASSIGN_OR_RETURN(auto item, GetQueueItem(db, id));
    if (!item) {
      result = DecideResult::kNotFound;
      return OkStatus();
    }
    int64_t n = 0;
    if (decision == "escalate") {
      SAFEGATE_ASSIGN_OR_RETURN(
          n, db.Exec("UPDATE review_queue SET status = 'open', level = level + 1, claimed_by = "
                     "'', claim_expires = 0, decision = $3, decision_reason = $4, decided_by = "
                     "$2, decided_at = $5 WHERE id = $1 AND status = 'claimed' AND claimed_by = "
                     "$2 AND claim_expires > $5",
                     {id, reviewer, decision, reason, now}));
    } else {
      SAFEGATE_ASSIGN_OR_RETURN(
          n, db.Exec("UPDATE review_queue SET status = 'decided', decision = $3, "
                     "decision_reason = $4, decided_by = $2, decided_at = $5 WHERE id = $1 AND "
                     "status = 'claimed' AND claimed_by = $2 AND claim_expires > $5",
                     {id, reviewer, decision, reason, now}));
    }
    if (n == 0) {
      result = DecideResult::kNotClaimed;
      return OkStatus();
    }
    if (decision == "remove" && !item->message_id.empty()) {
      SAFEGATE_RETURN_IF_ERROR(
          db.Exec("UPDATE messages SET status = 'removed' WHERE id = $1", {item->message_id})
              .status());
    }
    if (seconds_to_decision) *seconds_to_decision = now - item->created_at;
    return AppendAudit(
        db, reviewer, "queue.decide", std::to_string(id),
        Detail({{"decision", decision}, {"reason", reason}, {"message", item->message_id}}), now);
  }));
  return result;
}

Result<int64_t> QueueDepth(Database& db) {
  SAFEGATE_ASSIGN_OR_RETURN(
      auto rows, db.Query("SELECT COUNT(*) FROM review_queue WHERE status <> 'decided'"));
  return rows.empty() ? int64_t{0} : rows[0].Int(0);
}

// ---------------------------------------------------------------- audit

std::string AuditHash(const AuditEntry& e) {
  // Length-prefixed fields: no two different entries serialise alike.
  std::string buf;
  auto put = [&](std::string_view s) {
    buf += std::to_string(s.size());
    buf += ':';
    buf += s;
  };
  put(std::to_string(e.seq));
  put(std::to_string(e.ts));
  put(e.actor);
  put(e.action);
  put(e.subject);
  put(e.detail);
  put(e.prev_hash);
  return Sha256Hex(buf);
}

Status AppendAudit(Database& db, const std::string& actor, const std::string& action,
                   const std::string& subject, const std::string& detail, int64_t now) {
  // The UPDATE locks the head row until the caller's transaction ends.
  SAFEGATE_ASSIGN_OR_RETURN(
      auto rows, db.Query("UPDATE audit_head SET seq = seq + 1 WHERE id = 1 RETURNING seq, hash"));
  if (rows.empty()) return InternalError("audit_head row missing");
  AuditEntry e;
  e.seq = rows[0].Int(0);
  e.ts = now;
  e.actor = actor;
  e.action = action;
  e.subject = subject;
  e.detail = detail;
  e.prev_hash = rows[0].Text(1);
  e.hash = AuditHash(e);
  SAFEGATE_RETURN_IF_ERROR(
      db.Exec("INSERT INTO audit_log (seq, ts, actor, action, subject, detail, prev_hash, hash) "
              "VALUES ($1,$2,$3,$4,$5,$6,$7,$8)",
              {e.seq, e.ts, e.actor, e.action, e.subject, e.detail, e.prev_hash, e.hash})
          .status());
  return db.Exec("UPDATE audit_head SET hash = $1 WHERE id = 1", {e.hash}).status();
}

Result<std::vector<AuditEntry>> ListAudit(Database& db, int64_t after, int64_t limit) {
  SAFEGATE_ASSIGN_OR_RETURN(
      auto rows, db.Query("SELECT seq, ts, actor, action, subject, detail, prev_hash, hash FROM "
                          "audit_log WHERE seq > $1 ORDER BY seq LIMIT $2",
                          {after, std::clamp<int64_t>(limit, 1, 100000)}));
  std::vector<AuditEntry> out;
  for (const Row& r : rows) {
    out.push_back(
        {r.Int(0), r.Int(1), r.Text(2), r.Text(3), r.Text(4), r.Text(5), r.Text(6), r.Text(7)});
  }
  return out;
}

Result<AuditCheck> VerifyAudit(Database& db) {
  AuditCheck check;
  std::string prev;
  int64_t expect = 1;
  for (int64_t after = 0;;) {
    SAFEGATE_ASSIGN_OR_RETURN(auto page, ListAudit(db, after, 5000));
    if (page.empty()) break;
    for (const AuditEntry& e : page) {
      ++check.rows;
      std::string why;
      if (e.seq != expect) {
        why =
            "sequence gap: expected " + std::to_string(expect) + ", found " + std::to_string(e.seq);
      } else if (e.prev_hash != prev) {
        why = "prev_hash does not match the previous row's hash";
      } else if (AuditHash(e) != e.hash) {
        why = "hash does not match the row's contents (edited)";
      }
      if (!why.empty()) {
        check.ok = false;
        check.first_bad_seq = e.seq;
        check.message = "audit row " + std::to_string(e.seq) + ": " + why;
        return check;
      }
      prev = e.hash;
      ++expect;
      after = e.seq;
    }
  }
  SAFEGATE_ASSIGN_OR_RETURN(auto head, db.Query("SELECT seq, hash FROM audit_head WHERE id = 1"));
  if (!head.empty() && (head[0].Int(0) != expect - 1 || head[0].Text(1) != prev)) {
    check.ok = false;
    check.first_bad_seq = expect;
    check.message = "audit log ends at row " + std::to_string(expect - 1) +
                    " but the head records row " + std::to_string(head[0].Int(0)) +
                    " (rows deleted at the end)";
  }
  return check;
}

}  // namespace safegate::moderation
