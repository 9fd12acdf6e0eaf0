// A streamed chat answer: relayed event by event, checked incrementally by
// the gate, cut when it turns bad, then stored.

#include <algorithm>
#include <cstdio>
#include <set>

#include "safegate/moderation/store.h"
#include "safegate/net/http.h"
#include "service.h"

namespace safegate::server {

HttpResponse Service::ChatStream(const net::Request& up, const ChatRequest& chat,
                                 ResponseStream* stream,
                                 const std::vector<std::pair<std::string, std::string>>& headers,
                                 const std::string& user, const std::string& conv,
                                 mod::Message out_msg, const json& strikes) {
  enum { kUnknown, kSse, kOther } mode = kUnknown;
  std::string head, other_body, last_id = "chatcmpl-sg", last_model = chat.model;
  // The id and model of the events sent (checked): the cut event carries
  // these, never those of a held event whose tokens no check has passed.
  std::string sent_id = last_id, sent_model = last_model;
  openai::SseReader sse;
  mod::StreamGuard guard(gate_, chat.last_user_text);
  std::vector<std::string> held;  // checked-pending events, serialised
  bool cut = false, client_gone = false, too_large = false, upstream_error_event = false;
  bool bad_event = false;  // an event that is not a JSON object (not UTF-8, too deep, ...)
  // How the upstream said its answer was whole: "[DONE]", or a choice's
  // finish_reason. A stream that ends with neither was cut short (a crashed
  // or restarted model server closes the connection cleanly too).
  bool saw_done = false, saw_finish = false;
  mod::StreamGuard::Verdict cut_verdict;
  // The tokens the gate does not read as text (ids, the model, keys, a
  // finish_reason: openai::DropUnreadKeys) go to a channel of their own,
  // each new one once, so they are checked before their event is sent.
  const std::string kTokens = "tokens";
  std::set<std::string> tokens_seen;
  std::vector<std::string> tokens;
  // Sends the held events: everything in them has been checked.
  auto flush = [&]() -> bool {
    if (!stream->begun()) stream->Begin(200, "text/event-stream", headers);
    for (const auto& e : held) {
      if (!stream->Write(e)) {
        client_gone = true;
        held.clear();
        return false;
      }
    }
    held.clear();
    guard.MarkSent();
    sent_id = last_id;
    sent_model = last_model;
    return true;
  };
  auto on_event = [&](std::string_view data) -> bool {
    if (data == "[DONE]") {  // safegate sends its own at the end
      saw_done = true;
      return true;
    }
    if (data.find_first_not_of(" \t\r\n") == std::string_view::npos) return true;  // empty
    json j = ParseUntrustedJson(data);
    if (!j.is_object()) {
      // Not an OpenAI chunk (invalid JSON, not UTF-8, nested too deep): never
      // relayed, and the answer ends as a broken stream, not as a clean one
      // that silently lost a part.
      bad_event = true;
      return false;
    }
    // Only what the gate reads is relayed; an upstream "error" event (its
    // message unchecked) ends the answer as an upstream failure.
    if (j.contains("error")) upstream_error_event = true;
    tokens.clear();
    openai::DropUnreadKeys(&j, &tokens);
    for (auto& t : tokens) {
      if (tokens_seen.insert(t).second) guard.Feed(kTokens, t + "\n");
    }
    if (!j.contains("choices")) return !upstream_error_event;
    // An id or model that was not a token was removed: the last good one (at
    // first safegate's id and the model the client asked for) stands in.
    if (j.contains("id") && j["id"].is_string()) last_id = j["id"];
    if (j.contains("model") && j["model"].is_string()) last_model = j["model"];
    j["id"] = last_id;
    j["model"] = last_model;
    for (const auto& c : j["choices"]) {
      if (c.is_object() && c.contains("finish_reason") && !c["finish_reason"].is_null())
        saw_finish = true;
    }
    for (auto& [channel, delta] : openai::StreamDeltas(&j)) guard.Feed(channel, delta);
    held.push_back("data: " + DumpJson(j) + "\n\n");
    if (!guard.Due()) return true;
    auto v = guard.Check();
    if (v.cut) {
      cut = true;
      cut_verdict = std::move(v);
      return false;
    }
    return flush();
  };
  auto on_data = [&](std::string_view chunk) -> bool {
    if (mode == kUnknown) {
      head.append(chunk);
      size_t first = head.find_first_not_of(" \t\r\n");
      if (first == std::string::npos) return head.size() < 4096;
      if (head.size() - first < 8 && head.find('\n', first) == std::string::npos) return true;
      mode = openai::LooksLikeEventStream(head) ? kSse : kOther;
      chunk = head;
    }
    if (mode == kOther) {
      if (other_body.size() + chunk.size() > config_.upstream_max_answer_bytes) {
        too_large = true;
        return false;
      }
      other_body.append(chunk);
      return true;
    }
    bool go = sse.Feed(chunk, on_event);
    if (sse.too_long()) {
      cut = true;
      cut_verdict = {};
      cut_verdict.cut = true;
      cut_verdict.judge_failed = true;
    }
    return go && !cut && !client_gone;
  };
  auto result = net::FetchStream(up, on_data);
  if (mode == kOther || mode == kUnknown) {
    // Not an event stream: never relayed raw. A 200 JSON completion is
    // checked and answered as a whole; anything else is an upstream error.
    if (!result.ok() && !too_large) {
      return ErrorResponse(502, UpstreamFailure(result.status()), "upstream_error");
    }
    long status = result.ok() ? result->response.status : 502;
    if (too_large) {
      return ErrorResponse(502, "upstream model: answer too large", "upstream_error");
    }
    if (status != 200) return UpstreamError(status, other_body, chat);
    HttpResponse r = CompleteAnswer(other_body, chat, user, conv, std::move(out_msg), strikes);
    if (r.status == 200) r.headers = headers;
    return r;
  }
  // The upstream failed after it began to answer (a timeout, a broken or
  // over-long body, an end without "[DONE]" or a finish_reason): what came is
  // checked and relayed, and the client is told that the answer is
  // incomplete instead of getting a clean end.
  const bool ended_early =
      result.ok() && !upstream_error_event && !bad_event && !saw_done && !saw_finish && !too_large;
  const bool upstream_failed =
      (!result.ok() || upstream_error_event || bad_event || ended_early) && !cut && !client_gone;
  if (bad_event) metrics_->CountEvent("upstream_bad_event");
  if (!cut && !client_gone) {
    if (!result.ok() && !stream->begun() && held.empty()) {
      return ErrorResponse(502, UpstreamFailure(result.status()), "upstream_error");
    }
    auto v = guard.Finish();
    if (v.cut) {
      cut = true;
      cut_verdict = std::move(v);
    } else {
      flush();
    }
  }
  if (!stream->begun()) stream->Begin(200, "text/event-stream", headers);
  out_msg.created_at = UnixSeconds();
  // What the client received, per channel (the content of choice 0 first).
  std::string delivered, full;
  for (const auto& [channel, text] : guard.channels()) {
    if (channel == kTokens) {  // not text of the answer: kept for a reviewer when it is the cut
      if (cut && cut_verdict.channel == kTokens)
        full += std::string(full.empty() ? "" : "\n") + "[upstream tokens] " + text;
      continue;
    }
    size_t n = std::min(guard.Sent(channel), text.size());
    std::string label = channel == "0.content" ? "" : "[" + channel + "] ";
    if (n) delivered += (delivered.empty() ? "" : "\n") + label + text.substr(0, n);
    if (!text.empty()) full += (full.empty() ? "" : "\n") + label + text;
  }
  out_msg.content = delivered;
  json ext = {{"conversation_id", conv}, {"message_id", out_msg.id}, {"strikes", strikes}};
  if (cut) {
    if (cut_verdict.channel == kTokens) {
      // The flagged token may be the id or the model (even one sent, when the
      // final whole pass finds it): safegate's own stand in.
      metrics_->CountEvent("upstream_tokens_flagged");
      sent_id = "chatcmpl-sg";
      sent_model = chat.model;
    }
    CountFlags("output", cut_verdict.assessment);
    metrics_->CountEvent("stream_cut");
    out_msg.status = "cut";
    out_msg.original = full;
    out_msg.categories = CategoriesJson(cut_verdict.assessment);
    out_msg.content = delivered + config_.msg_stream_cut;
    ext["action"] = cut_verdict.judge_failed ? "stream_cut_judge_error" : "stream_cut";
    ext["categories"] = cut_verdict.assessment.FlaggedCategories();
    if (!client_gone) {
      stream->Write(ChunkEvent(sent_id, sent_model, config_.msg_stream_cut, "content_filter", ext));
    }
  } else if (!client_gone) {
    ext["action"] = "none";
    ext["categories"] = json::array();
    stream->Write(": safegate " + DumpJson(ext) + "\n\n");
  }
  // The outcome is stored before the stream ends: a cut reaches the review
  // queue, or the client is told that it was not recorded.
  Status s = StoreOutcome(user, &out_msg, cut ? "stream cut" : "");
  if (!s.ok()) {
    fprintf(stderr, "safegate serve: storing conversation %s: %s\n", conv.c_str(),
            s.ToString().c_str());
    if (!client_gone) {
      stream->Write("data: " +
                    DumpJson(json{{"error",
                                   {{"message", "the answer could not be recorded: " + s.message()},
                                    {"type", "server_error"}}}}) +
                    "\n\n");
    }
  }
  if (upstream_failed && !client_gone) {
    metrics_->CountEvent("upstream_error");
    stream->Write(
        "data: " +
        DumpJson(json{
            {"error",
             {{"message", (bad_event     ? std::string("upstream model: it sent an event "
                                                           "that is not a JSON object")
                           : ended_early ? std::string("upstream model: its stream ended without "
                                                       "[DONE] or a finish_reason")
                           : result.ok() ? std::string("upstream model: it sent an error")
                                         : UpstreamFailure(result.status())) +
                              " (the answer is incomplete)"},
              {"type", "upstream_error"}}}}) +
        "\n\n");
  }
  if (!client_gone) stream->Write("data: [DONE]\n\n");
  return {};
}

}  // namespace safegate::server
