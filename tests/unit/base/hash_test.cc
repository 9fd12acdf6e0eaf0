#include "safegate/base/hash.h"

#include <gtest/gtest.h>

#include <string>

namespace safegate {
namespace {

// Reference vectors from the SipHash paper (Appendix A / vectors.h): key
// 00 01 .. 0f, message 00 01 .. (len-1).
TEST(SipHash, ReferenceVectors) {
  HashKey key{0x0706050403020100ULL, 0x0f0e0d0c0b0a0908ULL};
  std::string msg;
  EXPECT_EQ(SipHash24(key, msg), 0x726fdb47dd0e0e31ULL);
  for (int i = 0; i < 15; ++i) msg.push_back(static_cast<char>(i));
  EXPECT_EQ(SipHash24(key, msg), 0xa129ca6149be45e5ULL);
  msg.resize(8);
  EXPECT_EQ(SipHash24(key, msg), 0x93f5f5799a932462ULL);
}

TEST(SipHash, U64MatchesByteForm) {
  HashKey key = DeriveKey(42, "src");
  uint64_t w = 0x1122334455667788ULL;
  std::string bytes(reinterpret_cast<const char*>(&w), 8);
  EXPECT_EQ(SipHash24U64(key, w), SipHash24(key, bytes));
}

TEST(DeriveKey, DependsOnSeedAndLabel) {
  HashKey a = DeriveKey(1, "x"), b = DeriveKey(2, "x"), c = DeriveKey(1, "y");
  EXPECT_NE(a.k0, b.k0);
  EXPECT_NE(a.k0, c.k0);
  HashKey a2 = DeriveKey(1, "x");
  EXPECT_EQ(a.k0, a2.k0);
  EXPECT_EQ(a.k1, a2.k1);
}

}  // namespace
}  // namespace safegate
