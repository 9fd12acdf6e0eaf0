// The moderation service's data on a store::Database (SQLite or PostgreSQL):
// API keys, users and strikes, conversations, the review queue and the
// hash-chained audit log. Every function takes the connection to use (one
// thread at a time per connection) and runs its own transaction; each state
// change and its audit entry commit together.
//
// Times are unix seconds (int64), except where a name says _ms.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "safegate/base/status.h"
#include "safegate/moderation/strikes.h"
#include "safegate/store/store.h"

namespace safegate::moderation {

// ---- schema

// Applies the versioned migrations that `db` lacks (table schema_migrations)
// and returns the schema version. Safe to call from several instances at once.
Result<int> Migrate(store::Database& db);
int LatestSchemaVersion();

// ---- API keys (hashed at rest: only SHA-256 of the key is stored)

struct ApiKey {
  std::string id;    // "key_" + 12 hex; also the first part of the key
  std::string name;  // who it is for
  std::string role;  // "admin", "reviewer" or "client"
  int64_t created_at = 0;
  int64_t revoked_at = 0;  // 0: active
};
bool IsValidRole(std::string_view role);
// Creates a key and returns its plaintext ("sg_<id>_<secret>"), shown once.
Result<std::string> CreateApiKey(store::Database& db, const std::string& name,
                                 const std::string& role, int64_t now, ApiKey* out);
Result<std::vector<ApiKey>> ListApiKeys(store::Database& db);
// Revokes key `id`; kNotFound when there is no active key with that id.
Status RevokeApiKey(store::Database& db, const std::string& id, const std::string& actor,
                    int64_t now);
// The active key whose hash matches `plaintext`, or nullopt.
Result<std::optional<ApiKey>> LookupApiKey(store::Database& db, std::string_view plaintext);

// ---- users and strikes

struct UserRecord {
  std::string user;
  StrikeState state;
};
Result<UserRecord> GetUser(store::Database& db, const std::string& user);
// Records one input of `user`; returns the state after it and sets
// *suspended_now when this input caused a suspension (audited).
Result<UserRecord> RecordInput(store::Database& db, const std::string& user, bool flagged,
                               int64_t now, const StrikeRule& rule, bool* suspended_now);
// Lifts a suspension (audited); kNotFound for an unknown user.
Status LiftSuspension(store::Database& db, const std::string& user, const std::string& actor,
                      const std::string& reason, int64_t now);

// ---- conversations

// A new conversation or message id: `prefix` ("conv_", "msg_"), 13 hex
// digits of the Unix time in microseconds that never repeats or goes back within
// the process, then 20 random hex digits (80 bits, as unguessable as ids were
// before). Ids made one after another sort in the order they were made, so
// the primary-key and (conversation, seq) indexes grow at their right edge:
// a group commit of many requests writes a few index pages instead of one
// page per new row (on SQLite about 60% fewer WAL frames per commit).
Result<std::string> NewRecordId(std::string_view prefix);

struct Message {
  std::string id;  // NewRecordId("msg_"), set by AppendMessage when empty
  std::string conversation_id;
  int64_t seq = 0;         // position in the conversation, set by AppendMessage
  std::string role;        // "user", "assistant"
  std::string content;     // what was delivered
  std::string status;      // "ok", "blocked", "replaced", "cut", "removed"
  std::string original;    // what the model wrote when it was blocked/replaced/cut
  std::string categories;  // JSON array of flagged category ids
  int64_t created_at = 0;
};
struct Conversation {
  std::string id;
  std::string user;
  int64_t created_at = 0;
  int64_t expires_at = 0;  // 0: kept forever
  std::vector<Message> messages;
};
// Creates the conversation when `id` does not exist yet (expires_at = now +
// retention_seconds, 0 = forever). An existing id owned by another user is
// kFailedPrecondition.
Status EnsureConversation(store::Database& db, const std::string& id, const std::string& user,
                          int64_t now, int64_t retention_seconds);
// Appends messages (ids and seq assigned) in one transaction; when
// `enqueue_flagged`, each message whose status is not "ok" also enters the
// review queue as a "flag" item (with `reason`), in the same transaction.
Status AppendMessages(store::Database& db, std::vector<Message>* messages, const std::string& user,
                      bool enqueue_flagged, const std::string& reason);
// nullopt when unknown or expired.
Result<std::optional<Conversation>> GetConversation(store::Database& db, const std::string& id,
                                                    int64_t now);
Result<std::optional<Message>> GetMessage(store::Database& db, const std::string& id);
// Deletes expired conversations and their messages; returns how many.
Result<int64_t> PurgeExpired(store::Database& db, int64_t now);

// ---- review queue

// One row of review_queue, as every reader returns it (the queue API below
// and the reviewer's view, queue_view.h).
struct QueueItem {
  int64_t id = 0;
  std::string kind;    // "flag" (automatic) or "report" (user complaint)
  std::string status;  // "open", "claimed", "decided"
  // What is under review: "input" (a flagged user message), "output" (a
  // flagged model answer) or "report". Set by the reviewer's view
  // (QueryQueue), which joins the message; "" from the functions below.
  std::string source;
  int64_t level = 0;  // 0; +1 per escalation
  std::string message_id;
  std::string conversation_id;
  std::string user;
  std::string categories;  // JSON array
  std::string reason;      // the flag's summary or the user's complaint
  std::string excerpt;     // the text under review
  int64_t created_at = 0;
  std::string claimed_by;
  int64_t claimed_at = 0;
  int64_t claim_expires = 0;
  std::string decision;  // "allow", "remove", "escalate" (the last one)
  std::string decision_reason;
  std::string decided_by;
  int64_t decided_at = 0;
};
// Adds an item (audited); returns its id.
Result<int64_t> Enqueue(store::Database& db, QueueItem item, const std::string& actor);

struct QueueFilter {
  std::string status;  // "" any, "open" (includes expired claims), "claimed", "decided"
  std::string kind;
  std::string category;  // items whose categories contain this id
  std::string user;
  std::string claimed_by;
  int64_t min_level = 0;
  int64_t max_level = -1;  // -1: any level
  int64_t after = 0;       // keyset cursor: items with id > after
  int64_t limit = 50;      // 1..500
};
// Who may claim and decide an item: escalated items (level >= 1) are for
// admins only; the reviewer page and the /v1/review API apply this one rule.
inline bool MayTakeLevel(std::string_view role, int64_t level) {
  return level <= 0 || role == "admin";
}

struct QueuePage {
  std::vector<QueueItem> items;
  int64_t next_after = 0;  // 0: no more
};
Result<QueuePage> ListQueue(store::Database& db, const QueueFilter& filter, int64_t now);
Result<std::optional<QueueItem>> GetQueueItem(store::Database& db, int64_t id);

// Claims item `id` for `reviewer` until now + ttl with one conditional
// UPDATE: returns false when it is decided or held by someone else (a claim
// that expired can be taken over; the holder may renew).
Result<bool> Claim(store::Database& db, int64_t id, const std::string& reviewer, int64_t now,
                   int64_t ttl);
// Claims the oldest open item matching `filter` (PostgreSQL: SELECT ... FOR
// UPDATE SKIP LOCKED, so concurrent instances never wait on each other).
Result<std::optional<QueueItem>> ClaimNext(store::Database& db, const QueueFilter& filter,
                                           const std::string& reviewer, int64_t now, int64_t ttl);
// Releases a claim held by `reviewer`; false when not held by them.
Result<bool> Release(store::Database& db, int64_t id, const std::string& reviewer, int64_t now);

enum class DecideResult { kDone, kNotFound, kNotClaimed };
// Decides an item the reviewer holds. "remove" marks the message removed
// (no longer served); "escalate" reopens the item one level up. Audited;
// *seconds_to_decision receives now - created_at.
Result<DecideResult> Decide(store::Database& db, int64_t id, const std::string& reviewer,
                            const std::string& decision, const std::string& reason, int64_t now,
                            int64_t* seconds_to_decision);
// Items not decided (open or claimed).
Result<int64_t> QueueDepth(store::Database& db);

// ---- audit log: append-only, each row's hash covers the previous row's hash

struct AuditEntry {
  int64_t seq = 0;
  int64_t ts = 0;
  std::string actor;
  std::string action;
  std::string subject;
  std::string detail;  // JSON
  std::string prev_hash;
  std::string hash;
};
// Appends inside the caller's transaction (the head row serialises writers).
Status AppendAudit(store::Database& db, const std::string& actor, const std::string& action,
                   const std::string& subject, const std::string& detail, int64_t now);
// The hash of an entry from its fields and the previous hash.
std::string AuditHash(const AuditEntry& e);
Result<std::vector<AuditEntry>> ListAudit(store::Database& db, int64_t after, int64_t limit);

struct AuditCheck {
  bool ok = true;
  int64_t rows = 0;
  int64_t first_bad_seq = 0;  // 0 when ok
  std::string message;
};
// Recomputes the chain: a changed, deleted or inserted row breaks it.
Result<AuditCheck> VerifyAudit(store::Database& db);

}  // namespace safegate::moderation
