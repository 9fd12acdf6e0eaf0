// Fuzzes the request decoding of `safegate serve` (apps/server/codec.cc):
// every body gives a value or an InvalidArgument error, never a crash, and
// decoded values re-serialise; the moderation decoder's fast path agrees with
// the full parser. Byte 0 picks the decoder. Inputs over 64 KiB
// are ignored.
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "safegate/base/json.h"
#include "server/codec.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 1 || size > (64u << 10)) return 0;
  std::string_view body(reinterpret_cast<const char*>(data) + 1, size - 1);
  using namespace safegate::server;
  switch (data[0] % 4) {
    case 0: {
      auto r = DecodeModerationRequest(body);
      if (r.ok() && r->inputs.empty()) abort();
      // The fast path agrees with the full parser whenever it accepts.
      ModerationRequest fast;
      if (FastDecodeModerationRequest(body, &fast)) {
        auto full = DecodeModerationRequestJson(body);
        if (!full.ok() || full->inputs != fast.inputs || full->model != fast.model) abort();
      }
      break;
    }
    case 1: {
      auto r = DecodeChatRequest(body);
      if (r.ok()) {
        if (r->body.contains("conversation_id")) abort();
        (void)safegate::DumpJson(r->body);
      }
      break;
    }
    case 2: {
      auto r = DecodeReportRequest(body);
      if (r.ok() && r->message_id.empty()) abort();
      break;
    }
    default: {
      auto r = DecodeDecisionRequest(body);
      if (r.ok() && r->decision != "allow" && r->decision != "remove" && r->decision != "escalate")
        abort();
    }
  }
  return 0;
}
