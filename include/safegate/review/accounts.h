// Reviewer accounts, sessions and CSRF tokens for the reviewer web page
// (docs/review-ui.md). Stored on a store::Database (SQLite or PostgreSQL)
// next to the moderation tables, in tables prefixed review_, which the
// service database's one versioned schema creates (moderation::Migrate,
// migration 2): run it before these functions.
//
// Passwords are hashed with argon2id (libargon2: t=2, m=19 MiB, p=1, 16-byte
// salt, PHC string). Session tokens are 32 random bytes (hex); only their
// SHA-256 is stored, so a database dump does not yield live sessions. Each
// session carries its own CSRF token, which every state-changing request must
// echo in the X-CSRF-Token header.
//
// Roles: admin (accounts, escalated items, everything a reviewer may do),
// reviewer (claim and decide), viewer (read only).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "safegate/base/status.h"
#include "safegate/store/store.h"

namespace safegate::review {

enum class Role { kViewer = 1, kReviewer = 2, kAdmin = 3 };

// "admin" / "reviewer" / "viewer"; nullopt for anything else.
std::optional<Role> ParseRole(std::string_view name);
const char* RoleName(Role role);

// ---- hashing helpers

// argon2id PHC string of `password`; InvalidArgument for an empty password.
Result<std::string> HashPassword(std::string_view password);
// True when `password` matches the PHC string `encoded`.
bool VerifyPassword(std::string_view encoded, std::string_view password);
// Constant-time comparison (for tokens).
bool ConstantTimeEquals(std::string_view a, std::string_view b);

// ---- accounts

struct Account {
  std::string username;
  Role role = Role::kViewer;
  int64_t created_at = 0;
  bool disabled = false;
};

// Usernames: 1-64 characters from [A-Za-z0-9._@-]. Passwords: at least 8
// bytes. kFailedPrecondition when the username exists.
Status CreateAccount(store::Database& db, const std::string& username, std::string_view password,
                     Role role, int64_t now);
// kNotFound for an unknown username.
Status SetPassword(store::Database& db, const std::string& username, std::string_view password);
Status SetRole(store::Database& db, const std::string& username, Role role);
// Disabling also ends the account's sessions.
Status SetDisabled(store::Database& db, const std::string& username, bool disabled);
Result<std::vector<Account>> ListAccounts(store::Database& db);
Result<std::optional<Account>> GetAccount(store::Database& db, const std::string& username);

// The account when `username` exists, is enabled and `password` matches;
// nullopt otherwise (an unknown user costs the same argon2 time).
Result<std::optional<Account>> CheckPassword(store::Database& db, const std::string& username,
                                             std::string_view password);

// ---- sessions

struct Session {
  std::string token;  // plaintext: only in the value CreateSession returns (the cookie)
  std::string csrf;
  Account account;
  int64_t expires_at = 0;
};

// Opens a session for `account` valid until now + ttl_seconds.
Result<Session> CreateSession(store::Database& db, const Account& account, int64_t now,
                              int64_t ttl_seconds);
// The live session for the cookie value `token` (nullopt: unknown, expired or
// the account was disabled). `token` is empty in the result.
Result<std::optional<Session>> LookupSession(store::Database& db, std::string_view token,
                                             int64_t now);
// Ends the session (no error when it does not exist).
Status EndSession(store::Database& db, std::string_view token);
// Deletes expired sessions; returns how many.
Result<int64_t> PurgeSessions(store::Database& db, int64_t now);

}  // namespace safegate::review
