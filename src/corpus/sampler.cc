// Sampling keys: keyed hashes of document identities (see sampler.h).
#include "safegate/corpus/sampler.h"

#include <cmath>
#include <cstdint>
#include <string>

namespace safegate::corpus {

HashKey FileKey(uint64_t seed, std::string_view source, std::string_view rel_path) {
  // Source names and paths never contain NUL, so "source\0path" is unambiguous.
  std::string label;
  label.reserve(source.size() + 1 + rel_path.size());
  label.append(source);
  label.push_back('\0');
  label.append(rel_path);
  return DeriveKey(seed, label);
}

uint64_t OffsetKey(uint64_t seed, std::string_view source, std::string_view rel_path,
                   uint64_t offset) {
  return OffsetKeyFast(FileKey(seed, source, rel_path), offset);
}

uint64_t IdKey(uint64_t seed, std::string_view source, std::string_view id) {
  return SipHash24(DeriveKey(seed, source), id);
}

uint64_t FractionThreshold(double f) {
  if (!(f > 0)) return 0;  // also NaN
  if (f >= 1) return UINT64_MAX;
  long double t = std::ldexp(static_cast<long double>(f), 64);
  if (t >= 18446744073709551615.0L) return UINT64_MAX;
  return static_cast<uint64_t>(t);
}

}  // namespace safegate::corpus
