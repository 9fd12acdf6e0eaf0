// SHA-256 and random tokens as lower-case hex: API keys and reviewer session
// tokens are stored as their SHA-256 (moderation/store.h, review/accounts.h),
// ids and secrets are random bytes from the OS, and the audit chain links
// entries by SHA-256; the assessment report hashes its step inputs and its
// inline script for the Content-Security-Policy. One implementation (OpenSSL's libcrypto);
// thread-safe.
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

// SHA-256 of data given in pieces (files read in blocks, length-prefixed
// fields). Digest() ends it: call it once.
class Sha256 {
 public:
  Sha256();
  ~Sha256();
  Sha256(const Sha256&) = delete;
  Sha256& operator=(const Sha256&) = delete;
  void Update(std::string_view data);
  std::string Digest();  // the 32 raw bytes
  std::string HexDigest() {
    std::string d = Digest();
    return HexEncode(d.data(), d.size());
  }

 private:
  void* ctx_;  // SHA256_CTX
};

// Standard base64 with padding (RFC 4648 section 4), no line breaks.
std::string Base64Encode(std::string_view bytes);

// `bytes` random bytes from the OS's cryptographic generator, as lower-case
// hex (2 * bytes characters). Internal error when the generator fails.
Result<std::string> RandomHex(size_t bytes);

}  // namespace safegate
