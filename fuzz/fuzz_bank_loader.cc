// Fuzzes the bank loader (policy/bank.h LoadBank for every kind, and
// LoadKeywordBank on top of it; CSV, JSONL, YAML) and the profile and policy
// parsers. Nothing may crash, leak or throw.
//
// The first byte picks the bank format, lenient mode and the bank kind; the
// rest is the file content (capped at 64 KiB).
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <string>
#include <string_view>
#include <vector>

#include "safegate/policy/bank.h"
#include "safegate/policy/policy.h"
#include "safegate/policy/profile.h"

namespace {

const safegate::policy::Taxonomy& SmallTaxonomy() {
  static const safegate::policy::Taxonomy* taxonomy = [] {
    auto* t = new safegate::policy::Taxonomy;
    (void)t->Add({"A", "Alpha", "", "", {}});
    (void)t->Add({"A-1", "Alpha one", "A", "", {}});
    (void)t->Add({"B", "Beta", "", "", {}});
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
    const auto kind = static_cast<safegate::policy::BankKind>((data[0] / 6) % 4);
    if (kind == safegate::policy::BankKind::kKeywords) {
      auto patterns = safegate::policy::LoadKeywordBank(path, SmallTaxonomy(), options, &warnings);
      (void)patterns;
    } else {
      if ((data[0] / 24) % 2 == 1) options.topics = {"cooking", "A"};
      auto bank = safegate::policy::LoadBank(path, kind, SmallTaxonomy(), options, &warnings);
      if (bank.ok()) {
        for (const auto& item : bank->items) {
          (void)safegate::policy::IsValidLanguageTag(item.lang);
        }
      }
    }
    std::remove(path.c_str());
  }
  (void)safegate::policy::ParseProfile(body, "fuzz.yaml");
  (void)safegate::policy::ParsePolicy(body, "/tmp/sg_fuzz_no_such_dir/policy.yaml");
  return 0;
}
