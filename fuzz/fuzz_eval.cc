// Fuzzes the eval parsers of untrusted input: model responses (JSON, SSE,
// NDJSON), replay files and project files (whose eval section the eval
// library reads; project/project.h). Nothing may
// crash, leak or throw; the chat-response fast path must agree with the
// general parser.
//
// The first byte picks the parser; the rest is the input (capped at 64 KiB).
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "safegate/eval/target.h"
#include "safegate/openai/chat.h"
#include "safegate/project/project.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 1 || size > (64u << 10)) return 0;
  std::string_view in(reinterpret_cast<const char*>(data) + 1, size - 1);
  switch (data[0] % 3) {
    case 0: {
      // The fast path and the general parser must agree on every input.
      for (auto fields :
           {safegate::openai::AnswerFields::kAll, safegate::openai::AnswerFields::kReply}) {
        auto r = safegate::openai::AnswerText(in, fields);
        auto g = safegate::openai::internal::AnswerTextGeneral(in, fields);
        if (r.ok() != g.ok() || (r.ok() && *r != *g)) __builtin_trap();
      }
      break;
    }
    case 1: {
      auto r = safegate::eval::ParseReplay(in, "replay.jsonl");
      if (r.ok()) {
        safegate::eval::EvalItem item{"a", safegate::eval::BankKind::kShouldRefuse, "c", "", "p"};
        (void)r->Find(item);
      }
      break;
    }
    case 2: {
      auto r = safegate::project::ParseProject(in, "/tmp/safegate.yaml");
      (void)r;
      break;
    }
  }
  return 0;
}
