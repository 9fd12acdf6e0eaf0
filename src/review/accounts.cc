#include "safegate/review/accounts.h"

#include <argon2.h>
#include <openssl/rand.h>

#include <cstring>

#include "safegate/base/digest.h"

namespace safegate::review {
namespace {

constexpr uint32_t kTimeCost = 2;
constexpr uint32_t kMemoryKiB = 19 * 1024;
constexpr uint32_t kParallelism = 1;
constexpr size_t kSaltBytes = 16;
constexpr size_t kHashBytes = 32;

bool ValidUsername(const std::string& u) {
  if (u.empty() || u.size() > 64) return false;
  for (char c : u) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '.' || c == '_' || c == '@' || c == '-';
    if (!ok) return false;
  }
  return true;
}

Status CheckPasswordRules(std::string_view password) {
  if (password.size() < 8) return InvalidArgumentError("password: at least 8 characters");
  if (password.size() > 1024) return InvalidArgumentError("password: at most 1024 characters");
  return OkStatus();
}

Account AccountFromRow(const store::Row& r) {
  Account a;
  a.username = r.Text(0);
  a.role = ParseRole(r.Text(1)).value_or(Role::kViewer);
  a.created_at = r.Int(2);
  a.disabled = r.Int(3) != 0;
  return a;
}

// A fixed hash for unknown users, so a login attempt costs the same either way.
const std::string& DummyHash() {
  static const std::string h = [] {
    auto r = HashPassword("safegate-dummy-password");
    return r.ok() ? *r : std::string();
  }();
  return h;
}

}  // namespace

std::optional<Role> ParseRole(std::string_view name) {
  if (name == "admin") return Role::kAdmin;
  if (name == "reviewer") return Role::kReviewer;
  if (name == "viewer") return Role::kViewer;
  return std::nullopt;
}

const char* RoleName(Role role) {
  switch (role) {
    case Role::kAdmin: return "admin";
    case Role::kReviewer: return "reviewer";
    case Role::kViewer: return "viewer";
  }
  return "viewer";
}

Result<std::string> HashPassword(std::string_view password) {
  if (password.empty()) return InvalidArgumentError("password: empty");
  unsigned char salt[kSaltBytes];
  if (RAND_bytes(salt, sizeof(salt)) != 1) return InternalError("no random bytes from the OS");
  size_t len =
      argon2_encodedlen(kTimeCost, kMemoryKiB, kParallelism, kSaltBytes, kHashBytes, Argon2_id);
  std::string encoded(len, '\0');
  int rc =
      argon2id_hash_encoded(kTimeCost, kMemoryKiB, kParallelism, password.data(), password.size(),
                            salt, sizeof(salt), kHashBytes, encoded.data(), encoded.size());
  if (rc != ARGON2_OK) return InternalError(std::string("argon2id: ") + argon2_error_message(rc));
  encoded.resize(strlen(encoded.c_str()));
  return encoded;
}

bool VerifyPassword(std::string_view encoded, std::string_view password) {
  if (encoded.empty()) return false;
  std::string e(encoded);
  return argon2id_verify(e.c_str(), password.data(), password.size()) == ARGON2_OK;
}

bool ConstantTimeEquals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  unsigned char d = 0;
  for (size_t i = 0; i < a.size(); ++i) d |= static_cast<unsigned char>(a[i] ^ b[i]);
  return d == 0;
}

Status CreateAccount(store::Database& db, const std::string& username, std::string_view password,
                     Role role, int64_t now) {
  if (!ValidUsername(username)) {
    return InvalidArgumentError("username '" + username +
                                "': 1-64 characters from A-Z a-z 0-9 . _ @ -");
  }
  SAFEGATE_RETURN_IF_ERROR(CheckPasswordRules(password));
  SAFEGATE_ASSIGN_OR_RETURN(std::string hash, HashPassword(password));
  SAFEGATE_ASSIGN_OR_RETURN(auto existing, GetAccount(db, username));
  if (existing) return FailedPreconditionError("account '" + username + "' already exists");
  return db
      .Exec(
          "INSERT INTO review_accounts (username, role, password_hash, created_at) "
          "VALUES ($1, $2, $3, $4)",
          {username, std::string(RoleName(role)), hash, now})
      .status();
}

Status SetPassword(store::Database& db, const std::string& username, std::string_view password) {
  SAFEGATE_RETURN_IF_ERROR(CheckPasswordRules(password));
  SAFEGATE_ASSIGN_OR_RETURN(std::string hash, HashPassword(password));
  SAFEGATE_ASSIGN_OR_RETURN(
      int64_t n, db.Exec("UPDATE review_accounts SET password_hash = $1 WHERE username = $2",
                         {hash, username}));
  if (n == 0) return NotFoundError("no account '" + username + "'");
  // A new password ends the old sessions.
  return db.Exec("DELETE FROM review_sessions WHERE username = $1", {username}).status();
}

Status SetRole(store::Database& db, const std::string& username, Role role) {
  SAFEGATE_ASSIGN_OR_RETURN(int64_t n,
                            db.Exec("UPDATE review_accounts SET role = $1 WHERE username = $2",
                                    {std::string(RoleName(role)), username}));
  if (n == 0) return NotFoundError("no account '" + username + "'");
  return OkStatus();
}

Status SetDisabled(store::Database& db, const std::string& username, bool disabled) {
  SAFEGATE_ASSIGN_OR_RETURN(int64_t n,
                            db.Exec("UPDATE review_accounts SET disabled = $1 WHERE username = $2",
                                    {int64_t{disabled ? 1 : 0}, username}));
  if (n == 0) return NotFoundError("no account '" + username + "'");
  if (disabled) {
    return db.Exec("DELETE FROM review_sessions WHERE username = $1", {username}).status();
  }
  return OkStatus();
}

Result<std::vector<Account>> ListAccounts(store::Database& db) {
  SAFEGATE_ASSIGN_OR_RETURN(auto rows, db.Query("SELECT username, role, created_at, disabled FROM "
                                                "review_accounts ORDER BY username"));
  std::vector<Account> out;
  for (const auto& r : rows) out.push_back(AccountFromRow(r));
  return out;
}

Result<std::optional<Account>> GetAccount(store::Database& db, const std::string& username) {
  SAFEGATE_ASSIGN_OR_RETURN(auto rows, db.Query("SELECT username, role, created_at, disabled FROM "
                                                "review_accounts WHERE username = $1",
                                                {username}));
  if (rows.empty()) return std::optional<Account>();
  return std::optional<Account>(AccountFromRow(rows[0]));
}

Result<std::optional<Account>> CheckPassword(store::Database& db, const std::string& username,
                                             std::string_view password) {
  SAFEGATE_ASSIGN_OR_RETURN(auto rows,
                            db.Query("SELECT username, role, created_at, disabled, password_hash "
                                     "FROM review_accounts WHERE username = $1",
                                     {username}));
  if (rows.empty()) {
    (void)VerifyPassword(DummyHash(), password);
    return std::optional<Account>();
  }
  Account a = AccountFromRow(rows[0]);
  bool ok = VerifyPassword(rows[0].Text(4), password);
  if (!ok || a.disabled) return std::optional<Account>();
  return std::optional<Account>(a);
}

Result<Session> CreateSession(store::Database& db, const Account& account, int64_t now,
                              int64_t ttl_seconds) {
  Session s;
  SAFEGATE_ASSIGN_OR_RETURN(s.token, RandomHex(32));
  SAFEGATE_ASSIGN_OR_RETURN(s.csrf, RandomHex(32));
  s.account = account;
  s.expires_at = now + ttl_seconds;
  SAFEGATE_RETURN_IF_ERROR(
      db.Exec("INSERT INTO review_sessions (token_hash, username, csrf, created_at, expires_at) "
              "VALUES ($1, $2, $3, $4, $5)",
              {Sha256Hex(s.token), account.username, s.csrf, now, s.expires_at})
          .status());
  return s;
}

Result<std::optional<Session>> LookupSession(store::Database& db, std::string_view token,
                                             int64_t now) {
  if (token.size() != 64) return std::optional<Session>();
  SAFEGATE_ASSIGN_OR_RETURN(
      auto rows,
      db.Query("SELECT a.username, a.role, a.created_at, a.disabled, s.csrf, s.expires_at "
               "FROM review_sessions s JOIN review_accounts a ON a.username = s.username "
               "WHERE s.token_hash = $1 AND s.expires_at > $2 AND a.disabled = 0",
               {Sha256Hex(token), now}));
  if (rows.empty()) return std::optional<Session>();
  Session s;
  s.account = AccountFromRow(rows[0]);
  s.csrf = rows[0].Text(4);
  s.expires_at = rows[0].Int(5);
  return std::optional<Session>(std::move(s));
}

Status EndSession(store::Database& db, std::string_view token) {
  return db.Exec("DELETE FROM review_sessions WHERE token_hash = $1", {Sha256Hex(token)}).status();
}

Result<int64_t> PurgeSessions(store::Database& db, int64_t now) {
  return db.Exec("DELETE FROM review_sessions WHERE expires_at <= $1", {now});
}

}  // namespace safegate::review
