// Fuzzes the request handling of `safegate serve` without sockets: raw bytes
// through the HTTP parser with the server's limits (apps/server/http.h
// ParseRawRequest), then, by path, through the route decoders and the gate's
// readers of model answers (apps/server/codec.h). Nothing may crash; the SSE
// reader gives the same events whether the bytes come whole or cut in two.
// Inputs over 64 KiB are ignored.
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "safegate/base/json.h"
#include "safegate/openai/chat.h"
#include "safegate/openai/sse.h"
#include "server/codec.h"
#include "server/http.h"

namespace {

std::vector<std::string> Events(std::string_view bytes, size_t cut) {
  safegate::openai::SseReader r(4096);
  std::vector<std::string> out;
  auto on = [&](std::string_view d) {
    out.emplace_back(d);
    return true;
  };
  if (!r.Feed(bytes.substr(0, cut), on)) return {"<stop>"};
  if (!r.Feed(bytes.substr(cut), on)) return {"<stop>"};
  return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size > (64u << 10)) return 0;
  using namespace safegate::server;
  std::string_view bytes(reinterpret_cast<const char*>(data), size);
  HttpOptions options;
  options.max_body_bytes = 32 << 10;
  options.max_header_bytes = 4 << 10;
  auto req = ParseRawRequest(bytes, options);
  if (req.ok()) {
    if (req->path == "/v1/moderations") {
      (void)DecodeModerationRequest(req->body);
    } else if (req->path == "/v1/chat/completions") {
      auto chat = DecodeChatRequest(req->body);
      if (chat.ok()) {
        for (const auto& t : chat->texts)
          if (t.where.empty()) abort();
        (void)safegate::DumpJson(chat->body);
      }
    } else if (req->path == "/v1/reports") {
      (void)DecodeReportRequest(req->body);
    } else if (req->path.starts_with("/v1/review/items/")) {
      (void)DecodeDecisionRequest(req->body);
    } else if (req->path == "/answer") {
      // A model's answer: choices, the verdict written back, stream deltas.
      nlohmann::json j = safegate::ParseUntrustedJson(req->body);
      auto choices = GateChoices(j);
      if (choices.ok()) {
        safegate::moderation::OutputVerdict v;
        for (const auto& c : *choices) {
          safegate::moderation::OutputVerdict::Choice vc;
          vc.index = c.index;
          vc.flagged = true;
          vc.blocked = c.index % 2 == 0;
          vc.delivered = c.fields;
          if (vc.blocked) vc.delivered = {{"content", "x"}};
          v.choices.push_back(vc);
        }
        ApplyOutputVerdict(v, &j);
        (void)safegate::DumpJson(j);
      }
      (void)safegate::openai::StreamDeltas(&j);
    } else if (req->path == "/sse") {
      const auto whole = Events(req->body, req->body.size());
      const auto cut = Events(req->body, req->body.size() / 2);
      if (whole != cut) abort();
    }
  }
  return 0;
}
