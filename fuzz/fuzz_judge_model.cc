// libFuzzer target for the classifier model loader (TextClassifier::Parse):
// any bytes must give a model or an error, never a crash. Seeds: a valid tiny
// model is built in-process on the first call and mutated (bit flips, cuts).
// safegate::judge is linked in by src/judge/CMakeLists.txt (deferred call).
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "safegate/judge/classifier.h"

using safegate::judge::ClassifierTrainOptions;
using safegate::judge::TextClassifier;

namespace {

const std::string& ValidModel() {
  static const std::string bytes = [] {
    ClassifierTrainOptions o;
    o.hash_bits = 10;
    o.epochs = 1;
    auto m = TextClassifier::Train({"bad words", "good words"}, {"1", "0"}, o);
    if (!m.ok()) std::abort();
    return (*m)->Serialize();
  }();
  return bytes;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size > (1u << 16)) return 0;
  std::string_view in(reinterpret_cast<const char*>(data), size);
  auto m = TextClassifier::Parse(in, "fuzz");
  if (m.ok()) (void)(*m)->Predict(in);
  // Mutate the valid model with the input: XOR at positions, then truncate.
  std::string model = ValidModel();
  for (size_t i = 0; i + 2 < size && i < 64; i += 3) {
    size_t pos = (static_cast<size_t>(data[i]) << 8 | data[i + 1]) % model.size();
    model[pos] ^= static_cast<char>(data[i + 2]);
  }
  if (size > 0 && data[0] & 1) model.resize(model.size() * data[size - 1] / 256);
  auto m2 = TextClassifier::Parse(model, "fuzz-mutated");
  if (m2.ok()) (void)(*m2)->Predict("text");
  return 0;
}
