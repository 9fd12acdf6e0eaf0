// libFuzzer target for the refusal model loader (RefusalModel::Parse) and the
// model layer's features: any bytes must give a model or an error, never a
// crash. The input is parsed as a model file, used to mutate a valid model
// (XOR at positions, then truncation), and judged as an answer by a judge
// with a valid model. Seeds: fuzz/corpus/refusal_model/ (a small valid model
// from `safegate judge refusal-train --hash-bits 10`).
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <memory>
#include <string>
#include <string_view>

#include "safegate/judge/refusal.h"

using safegate::judge::Judge;
using safegate::judge::NewRefusalJudge;
using safegate::judge::RefusalModel;
using safegate::judge::RefusalOptions;
using safegate::judge::RefusalTrainOptions;

namespace {

struct Fixture {
  std::string bytes;
  std::unique_ptr<Judge> judge;
};

const Fixture& F() {
  static const Fixture f = [] {
    RefusalTrainOptions o;
    o.hash_bits = 10;
    o.epochs = 2;
    auto m = RefusalModel::Train(
        {{"I'm sorry, but I can't help with that.", "full_refusal", ""},
         {"Sure, here is a recipe.", "compliance", ""},
         {"I can't do that. However, here are some tips.", "partial_refusal", ""}},
        o);
    if (!m.ok()) std::abort();
    RefusalOptions ro;
    ro.model = *m;
    auto j = NewRefusalJudge(ro);
    if (!j.ok()) std::abort();
    return Fixture{(*m)->Serialize(), std::move(*j)};
  }();
  return f;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size > (1u << 16)) return 0;
  const Fixture& f = F();
  std::string_view in(reinterpret_cast<const char*>(data), size);
  auto m = RefusalModel::Parse(in, "fuzz");
  if (m.ok()) (void)(*m)->Predict({0, 1, 0xFFFFFFFFu}, 1);
  std::string model = f.bytes;
  for (size_t i = 0; i + 2 < size && i < 64; i += 3) {
    size_t pos = (static_cast<size_t>(data[i]) << 8 | data[i + 1]) % model.size();
    model[pos] ^= static_cast<char>(data[i + 2]);
  }
  if (size > 0 && data[0] & 1) model.resize(model.size() * data[size - 1] / 256);
  auto m2 = RefusalModel::Parse(model, "fuzz-mutated");
  if (m2.ok()) (void)(*m2)->Predict({3, 4}, 2);
  (void)f.judge->Run({in, "", ""});
  (void)f.judge->Run({in, in, ""});  // the input as the prompt too
  return 0;
}
