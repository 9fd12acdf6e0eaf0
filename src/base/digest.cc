#include "safegate/base/digest.h"

#include <openssl/evp.h>
#include <openssl/rand.h>

#include <climits>

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

std::string Sha256Hex(std::string_view data) {
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  EVP_Digest(data.data(), data.size(), md, &len, EVP_sha256(), nullptr);
  return HexEncode(md, len);
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
