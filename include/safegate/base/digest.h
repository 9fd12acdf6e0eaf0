// SHA-256 and random tokens as lower-case hex: API keys and reviewer session
// tokens are stored as their SHA-256 (moderation/store.h, review/accounts.h),
// ids and secrets are random bytes from the OS, and the audit chain links
// entries by SHA-256. One implementation (OpenSSL's libcrypto); thread-safe.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "safegate/base/status.h"

namespace safegate {

// `n` bytes at `data` as lower-case hex (2n characters).
std::string HexEncode(const void* data, size_t n);

// Lower-case hex SHA-256 of `data` (64 characters).
std::string Sha256Hex(std::string_view data);

// `bytes` random bytes from the OS's cryptographic generator, as lower-case
// hex (2 * bytes characters). Internal error when the generator fails.
Result<std::string> RandomHex(size_t bytes);

}  // namespace safegate
