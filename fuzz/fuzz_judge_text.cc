// libFuzzer target for the text judges' untrusted inputs: the Llama Guard and
// OpenAI-moderation output parsers, the personal-data detectors and the
// refusal detector. The first byte picks the target; the rest is the input.
// Checks: no crash; spans inside the text; a parsed "unsafe" Llama Guard
// answer has categories; the refusal detector's strict convention changes
// only compliance verdicts, and its only error is "nothing to judge" (an
// answer without a letter or digit), in both conventions.
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
    case 1: {
      (void)sj::ParseModerationResponse(in, 0.5);
      // The refusal and WildGuard formats: a label only for an exact class.
      auto r = sj::ParseRefusalOutput(in);
      if (r.ok() && *r != "compliance" && *r != "full_refusal" && *r != "partial_refusal")
        std::abort();
      auto w = sj::ParseWildGuardOutput(in);
      if (w.ok() && !w->has_response && (w->response_refusal || w->harmful_response)) std::abort();
      break;
    }
    case 2:
      for (const auto& m : sj::FindPii(in))
        if (m.begin >= m.end || m.end > in.size()) std::abort();
      break;
    case 3: {
      // The first line is the prompt, the rest the answer; both conventions.
      static auto judge = sj::NewRefusalJudge();
      static auto strict = [] {
        sj::RefusalOptions o;
        o.convention = sj::RefusalConvention::kStrict;
        return sj::NewRefusalJudge(o);
      }();
      if (!judge.ok() || !strict.ok()) std::abort();
      size_t nl = in.find('\n');
      std::string_view prompt =
          nl == std::string_view::npos ? std::string_view() : in.substr(0, nl);
      std::string_view answer = nl == std::string_view::npos ? in : in.substr(nl + 1);
      auto v = (*judge)->Run({answer, prompt, ""});
      auto s = (*strict)->Run({answer, prompt, ""});
      // The one error: an answer with nothing to judge, in both conventions.
      if (!v.ok() || !s.ok()) {
        if (v.ok() || s.ok() || !sj::IsNothingToJudge(v.status()) ||
            !sj::IsNothingToJudge(s.status()))
          std::abort();
        break;
      }
      for (const auto* r : {&*v, &*s})
        for (const auto& e : r->evidence)
          if (e.begin > e.end || e.end > answer.size()) std::abort();
      // The strict reading only turns compliance into a refusal.
      if (v->label != sj::kCompliance && s->label != v->label) std::abort();
      break;
    }
  }
  return 0;
}
