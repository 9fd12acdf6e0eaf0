#include "safegate/base/status.h"

#include <gtest/gtest.h>

namespace safegate {
namespace {

Result<int> Half(int x) {
  if (x % 2) return InvalidArgumentError(AtLocation("f.csv", 3, "n", "odd"));
  return x / 2;
}

Status UseHalf(int x, int* out) {
  SAFEGATE_ASSIGN_OR_RETURN(*out, Half(x));
  return OkStatus();
}

TEST(Status, OkAndError) {
  EXPECT_TRUE(OkStatus().ok());
  Status s = NotFoundError("x");
  EXPECT_FALSE(s.ok());
  EXPECT_EQ(s.code(), StatusCode::kNotFound);
  EXPECT_EQ(s.ToString(), "not found: x");
  EXPECT_EQ(s.WithPrefix("loading").message(), "loading: x");
}

TEST(Status, AtLocationFormat) {
  EXPECT_EQ(AtLocation("a.jsonl", 7, "text", "missing"), "a.jsonl:7: field 'text': missing");
  EXPECT_EQ(AtLocation("a.yaml", 0, "", "bad"), "a.yaml: bad");
}

TEST(Result, PropagatesErrors) {
  int v = 0;
  EXPECT_TRUE(UseHalf(8, &v).ok());
  EXPECT_EQ(v, 4);
  Status s = UseHalf(3, &v);
  EXPECT_EQ(s.code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(s.message(), "f.csv:3: field 'n': odd");
}

}  // namespace
}  // namespace safegate
