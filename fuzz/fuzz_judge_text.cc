// libFuzzer target for the text judges' untrusted inputs: the Llama Guard and
// OpenAI-moderation output parsers, the personal-data detectors and the
// refusal detector. The first byte picks the target; the rest is the input.
// Checks: no crash; spans inside the text; a parsed "unsafe" Llama Guard
// answer has categories.
// safegate::judge is linked in by src/judge/CMakeLists.txt (deferred call).
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string_view>

#include "safegate/judge/llm.h"
#include "safegate/judge/pii.h"
#include "safegate/judge/refusal.h"

namespace sj = safegate::judge;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0 || size > (1u << 16)) return 0;
  std::string_view in(reinterpret_cast<const char*>(data) + 1, size - 1);
  switch (data[0] % 4) {
    case 0: {
      auto a = sj::ParseLlamaGuardOutput(in);
      if (a.ok() && a->unsafe && a->categories.empty()) std::abort();
      break;
    }
    case 1: (void)sj::ParseModerationResponse(in, 0.5); break;
    case 2:
      for (const auto& m : sj::FindPii(in))
        if (m.begin >= m.end || m.end > in.size()) std::abort();
      break;
    case 3: {
      static auto judge = sj::NewRefusalJudge();
      if (!judge.ok()) std::abort();
      auto v = (*judge)->Run({in, "", ""});
      if (!v.ok()) std::abort();
      for (const auto& e : v->evidence)
        if (e.begin > e.end || e.end > in.size()) std::abort();
      break;
    }
  }
  return 0;
}
