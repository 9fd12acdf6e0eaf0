// Fuzzes the keyword bank loader (CSV, JSONL, YAML) and the profile and policy
// parsers. Nothing may crash, leak or throw.
//
// The first byte picks the bank format; the rest is the file content (capped
// at 64 KiB).
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <string>
#include <string_view>
#include <vector>

#include "safegate/policy/policy.h"
#include "safegate/policy/profile.h"

namespace {

const safegate::policy::Taxonomy& SmallTaxonomy() {
  static const safegate::policy::Taxonomy* taxonomy = [] {
    auto* t = new safegate::policy::Taxonomy;
    (void)t->Add({"A", "Alpha", "", ""});
    (void)t->Add({"A-1", "Alpha one", "A", ""});
    (void)t->Add({"B", "Beta", "", ""});
    return t;
  }();
  return *taxonomy;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 1 || size > 64 * 1024) return 0;
  static const char* const kExtensions[] = {".csv", ".jsonl", ".yaml"};
  const char* ext = kExtensions[data[0] % 3];
  const bool lenient = (data[0] / 3) % 2 == 1;
  const std::string_view body(reinterpret_cast<const char*>(data + 1), size - 1);

  const std::string path = "/tmp/sg_fuzz_bank_" + std::to_string(getpid()) + ext;
  if (std::FILE* f = std::fopen(path.c_str(), "wb")) {
    std::fwrite(body.data(), 1, body.size(), f);
    std::fclose(f);
    safegate::policy::BankLoadOptions options;
    options.lenient = lenient;
    std::vector<std::string> warnings;
    auto patterns = safegate::policy::LoadKeywordBank(path, SmallTaxonomy(), options, &warnings);
    (void)patterns;
    std::remove(path.c_str());
  }
  (void)safegate::policy::ParseProfile(body, "fuzz.yaml");
  (void)safegate::policy::ParsePolicy(body, "/tmp/sg_fuzz_no_such_dir/policy.yaml");
  return 0;
}
