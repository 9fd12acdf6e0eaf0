#include "safegate/base/digest.h"

#include <openssl/rand.h>
#include <openssl/sha.h>

#include <climits>
#include <cstdint>
#include <cstdlib>

namespace safegate {

std::string HexEncode(const void* data, size_t n) {
  static const char kHex[] = "0123456789abcdef";
  const auto* p = static_cast<const unsigned char*>(data);
  std::string out;
  out.reserve(n * 2);
  for (size_t i = 0; i < n; ++i) {
    out += kHex[p[i] >> 4];
    out += kHex[p[i] & 15];
  }
  return out;
}

// SHA-256 through libcrypto's direct SHA256_* functions, not EVP: the first
// EVP digest of a process loads openssl.cnf and builds the provider's
// algorithm store (about 2.4 ms of CPU), which every command paid for the
// digests of its start-up (matcher cache keys). Same code, same digests; the
// functions are deprecated in OpenSSL 3 but kept, and TLS (libcurl) still
// initialises OpenSSL in full when it is used.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wdeprecated-declarations"

std::string Sha256Hex(std::string_view data) {
  unsigned char md[SHA256_DIGEST_LENGTH];
  SHA256_CTX ctx;
  SHA256_Init(&ctx);
  SHA256_Update(&ctx, data.data(), data.size());
  SHA256_Final(md, &ctx);
  return HexEncode(md, sizeof md);
}

Sha256::Sha256() : ctx_(new SHA256_CTX) {
  SHA256_Init(static_cast<SHA256_CTX*>(ctx_));
}

Sha256::~Sha256() {
  delete static_cast<SHA256_CTX*>(ctx_);
}

void Sha256::Update(std::string_view data) {
  SHA256_Update(static_cast<SHA256_CTX*>(ctx_), data.data(), data.size());
}

std::string Sha256::Digest() {
  unsigned char md[SHA256_DIGEST_LENGTH];
  SHA256_Final(md, static_cast<SHA256_CTX*>(ctx_));
  return std::string(reinterpret_cast<char*>(md), sizeof md);
}

#pragma GCC diagnostic pop

std::string Base64Encode(std::string_view bytes) {
  static const char kAlphabet[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  out.reserve((bytes.size() + 2) / 3 * 4);
  size_t i = 0;
  auto byte = [&](size_t k) { return static_cast<unsigned char>(bytes[k]); };
  for (; i + 3 <= bytes.size(); i += 3) {
    const uint32_t v = (byte(i) << 16) | (byte(i + 1) << 8) | byte(i + 2);
    out += kAlphabet[v >> 18];
    out += kAlphabet[(v >> 12) & 63];
    out += kAlphabet[(v >> 6) & 63];
    out += kAlphabet[v & 63];
  }
  if (i < bytes.size()) {
    const bool two = i + 1 < bytes.size();
    const uint32_t v = (byte(i) << 16) | (two ? byte(i + 1) << 8 : 0);
    out += kAlphabet[v >> 18];
    out += kAlphabet[(v >> 12) & 63];
    out += two ? kAlphabet[(v >> 6) & 63] : '=';
    out += '=';
  }
  return out;
}

Result<std::string> RandomHex(size_t bytes) {
  if (bytes > INT_MAX) return InvalidArgumentError("RandomHex: too many bytes");
  std::string raw(bytes, '\0');
  if (RAND_bytes(reinterpret_cast<unsigned char*>(raw.data()), static_cast<int>(bytes)) != 1) {
    return InternalError("no random bytes from the OS");
  }
  return HexEncode(raw.data(), raw.size());
}

}  // namespace safegate
