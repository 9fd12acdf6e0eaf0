// Keyed hashing for reproducible sampling and content fingerprints.
//
// SipHash-2-4 (Aumasson and Bernstein) with a 128-bit key: a keyed hash whose
// outputs are, for sampling purposes, independent uniform 64-bit values. Pure
// functions; thread-safe.
#pragma once

#include <cstdint>
#include <string_view>

namespace safegate {

struct HashKey {
  uint64_t k0 = 0;
  uint64_t k1 = 0;
};

// SipHash-2-4 of `data` under `key`.
uint64_t SipHash24(const HashKey& key, std::string_view data);

// SipHash-2-4 of one 64-bit little-endian word (fast path for integer identities).
uint64_t SipHash24U64(const HashKey& key, uint64_t word);

// Derives a key from a seed and a label (for example a source name), so that
// different sources get independent keys: key = SipHash(seed, label) twice.
HashKey DeriveKey(uint64_t seed, std::string_view label);

// FNV-1a 64: a fast non-keyed fingerprint for configuration hashes.
uint64_t Fnv1a64(std::string_view data, uint64_t h = 0xcbf29ce484222325ULL);

// A saved file's checksum (the matcher's): FNV-style multiply-xor over 8-byte
// words in host byte order, then the tail bytes; 8 times fewer steps than
// byte-wise FNV-1a. Each step h = (h ^ w) * odd is a bijection of w for a
// fixed h and of h for a fixed w, so a change of any single word always
// changes the result (truncation is for the file's own size field to catch).
uint64_t WordChecksum64(std::string_view data);

}  // namespace safegate
