// POST /v1/chat/completions (the proxy to the upstream: input check, a whole
// answer checked and stored) and GET /v1/models. Streamed answers: chat_stream.cc.

#include <cstdio>
#include <cstdlib>

#include "safegate/base/digest.h"
#include "safegate/moderation/store.h"
#include "safegate/net/http.h"
#include "safegate/text/utf8.h"
#include "service.h"

namespace safegate::server {

std::string Service::UserOf(const HttpRequest& req, const ChatRequest& chat) {
  if (!chat.user.empty()) return chat.user;
  return std::string(req.Header(config_.user_header));
}

std::string Service::CategoriesJson(const mod::Assessment& a) {
  return DumpJson(json(a.FlaggedCategories()));
}

// The chat.completion body that carries a policy message instead of an answer.
json Service::PolicyCompletion(const std::string& model, const std::string& text,
                               const json& extension) {
  return {{"id", "chatcmpl-sg-" + std::to_string(UnixSeconds())},
          {"object", "chat.completion"},
          {"created", UnixSeconds()},
          {"model", model},
          {"choices",
           {{{"index", 0},
             {"message", {{"role", "assistant"}, {"content", text}}},
             {"finish_reason", "content_filter"}}}},
          {"usage", {{"prompt_tokens", 0}, {"completion_tokens", 0}, {"total_tokens", 0}}},
          {"safegate", extension}};
}

std::string Service::ChunkEvent(const std::string& id, const std::string& model,
                                const std::string& content, const char* finish,
                                const json& extension) {
  json j = {{"id", id},
            {"object", "chat.completion.chunk"},
            {"created", UnixSeconds()},
            {"model", model},
            {"choices",
             {{{"index", 0},
               {"delta", {{"role", "assistant"}, {"content", content}}},
               {"finish_reason", finish ? json(finish) : json(nullptr)}}}}};
  if (!extension.is_null()) j["safegate"] = extension;
  return "data: " + DumpJson(j) + "\n\n";
}

HttpResponse Service::Chat(HttpRequest& req, ResponseStream* stream) {
  auto chat_r = DecodeChatRequest(req.body);
  if (!chat_r.ok()) return FromStatus(chat_r.status());
  ChatRequest& chat = *chat_r;
  int64_t now = UnixSeconds();
  std::string user = UserOf(req, chat);
  if (config_.require_user && user.empty()) {
    return ErrorResponse(400,
                         "user: required (the body's \"user\" or the " + config_.user_header +
                             " header): strikes are counted per user",
                         "invalid_request_error");
  }
  std::string conv = chat.conversation_id;
  if (conv.empty()) conv = std::string(req.Header("x-safegate-conversation"));
  if (conv.size() > 200)
    return ErrorResponse(400, "conversation_id: too long", "invalid_request_error");
  // It is echoed in a response header: a CR or LF would let the client write
  // headers and a body of its own (response splitting).
  for (unsigned char c : conv) {
    if (c < 0x20 || c == 0x7f)
      return ErrorResponse(400, "conversation_id: control characters are not allowed",
                           "invalid_request_error");
  }
  mod::InputVerdict in = gate_.CheckInput(chat.texts);
  if (in.judge_failed) {
    return ErrorResponse(503, "a judge failed: the request was not checked, so not sent",
                         "judge_error");
  }
  mod::Assessment* a = &in.assessment;
  if (conv.empty()) {
    auto id = mod::NewRecordId("conv_");
    if (!id.ok()) return FromStatus(id.status());
    conv = std::move(*id);
  }
  mod::Message in_msg;
  in_msg.conversation_id = conv;
  in_msg.role = "user";
  in_msg.content = chat.last_user_text;
  in_msg.status = in.flagged ? "blocked" : "ok";
  in_msg.categories = CategoriesJson(*a);
  in_msg.created_at = now;
  // Flagged elsewhere than in the latest user turn (system prompt, an
  // earlier turn, a tool description): the reviewer sees what and where.
  if (in.flagged && !in.latest_user_flagged) {
    in_msg.original = "[" + in.flagged_where + "] " + in.flagged_text;
  }
  std::vector<mod::Message> msgs = {in_msg};
  // One write, group-committed with other requests' (store::GroupCommitter):
  // the suspension check, the strike, the conversation and the input. It is
  // durable before anything is forwarded.
  bool suspended = false, suspended_now = false;
  mod::UserRecord record;
  const int64_t retention = config_.retention_days * 86400;
  const bool strikes_on = !user.empty() && (rule_.consecutive > 0 || rule_.per_day > 0);
  Status s = writer_->Run([&](store::Database& db) -> Status {
    suspended = suspended_now = false;
    if (!user.empty()) {
      SAFEGATE_ASSIGN_OR_RETURN(record, mod::GetUser(db, user));
      if (record.state.suspended_until > now) {
        suspended = true;
        return OkStatus();
      }
    }
    if (strikes_on) {
      SAFEGATE_ASSIGN_OR_RETURN(
          record, mod::RecordInput(db, user, in.latest_user_flagged, now, rule_, &suspended_now));
    }
    SAFEGATE_RETURN_IF_ERROR(mod::EnsureConversation(db, conv, user, now, retention));
    return mod::AppendMessages(db, &msgs, user, true,
                               !in.flagged ? ""
                               : in.latest_user_flagged
                                   ? "input flagged"
                                   : "input flagged (" + in.flagged_where + ")");
  });
  if (!s.ok()) {
    metrics_->CountEvent("store_error");
    return FromStatus(s);
  }
  if (suspended) {
    return ErrorResponse(403,
                         "user '" + user + "' is suspended until " +
                             IsoUtc(record.state.suspended_until) + ": " + record.state.reason +
                             ". Contact the service operator to appeal.",
                         "user_suspended", "user_suspended");
  }
  if (in.flagged) CountFlags("input", *a);
  json strikes = nullptr;
  if (strikes_on) {
    strikes = {{"consecutive", record.state.consecutive},
               {"today", record.state.day_count},
               {"suspended_until", record.state.suspended_until > now
                                       ? json(IsoUtc(record.state.suspended_until))
                                       : json(nullptr)}};
    if (suspended_now) metrics_->CountEvent("suspension");
  }
  std::vector<std::pair<std::string, std::string>> headers = {{"X-Safegate-Conversation-Id", conv}};

  if (in.flagged) {
    metrics_->CountEvent("input_blocked");
    std::string text = config_.msg_input_blocked;
    if (suspended_now) {
      text +=
          " Your account is suspended for " + std::to_string(config_.suspend_minutes) + " minutes.";
    }
    json ext = {{"action", "input_blocked"}, {"categories", a->FlaggedCategories()},
                {"conversation_id", conv},   {"message_id", msgs[0].id},
                {"strikes", strikes},        {"suspended", suspended_now}};
    if (chat.stream && stream) {
      stream->Begin(200, "text/event-stream", headers);
      stream->Write(ChunkEvent("chatcmpl-sg", chat.model, text, "content_filter", ext));
      stream->Write("data: [DONE]\n\n");
      return {};
    }
    HttpResponse r = Json(200, PolicyCompletion(chat.model, text, ext));
    r.headers = headers;
    return r;
  }
  if (config_.upstream_url.empty()) {
    return ErrorResponse(501, "no upstream model configured (upstream.url)", "server_error");
  }
  net::Request up;
  up.url = config_.upstream_url + "/chat/completions";
  up.headers = {{"Content-Type", "application/json"}};
  if (!config_.upstream_api_key_env.empty()) {
    const char* k = getenv(config_.upstream_api_key_env.c_str());
    if (k) net::AddBearer(&up.headers, k);
  }
  up.body = DumpJson(chat.body);
  up.timeout_seconds = config_.upstream_timeout_seconds;
  // Each byte of an answer costs several in the gateway (JSON tree, the
  // texts, their normalised forms, the re-serialised answer): a 60 MB answer
  // took 530 MB. The cap bounds that per request.
  up.max_body_bytes = config_.upstream_max_answer_bytes;
  mod::Message out_msg;
  out_msg.conversation_id = conv;
  out_msg.role = "assistant";
  out_msg.status = "ok";
  out_msg.categories = "[]";
  auto out_id = mod::NewRecordId("msg_");
  if (!out_id.ok()) return FromStatus(out_id.status());
  out_msg.id = std::move(*out_id);

  if (!chat.stream || !stream) {
    auto resp = net::Fetch(up);
    if (!resp.ok()) {
      return ErrorResponse(502, UpstreamFailure(resp.status()), "upstream_error");
    }
    if (resp->status != 200) return UpstreamError(resp->status, resp->body, chat);
    HttpResponse r = CompleteAnswer(resp->body, chat, user, conv, std::move(out_msg), strikes);
    if (r.status == 200) r.headers = headers;
    return r;
  }
  return ChatStream(up, chat, stream, headers, user, conv, std::move(out_msg), strikes);
}

// GET /v1/models and /v1/models/{id}: the upstream's answer relayed
// (status and JSON body). The gate does not read it, so only its tokens are
// relayed (openai::DropNonTokens: ids, owners, numbers; no sentence), and
// the gate checks them; a body
// over 1 MiB or one that is not JSON is a 502.
HttpResponse Service::Models(const HttpRequest& req, bool one) {
  if (config_.upstream_url.empty()) {
    return ErrorResponse(501, "no upstream model configured (upstream.url)", "server_error");
  }
  net::Request up;
  up.method = "GET";
  up.url = config_.upstream_url + "/models";
  if (one) {
    // The id as the client encoded it (the last path segment), made safe.
    std::string_view path = req.path;
    while (!path.empty() && path.back() == '/') path.remove_suffix(1);
    up.url += "/" + EncodePathSegment(path.substr(path.rfind('/') + 1));
  }
  up.headers = {{"Accept", "application/json"}};
  if (!config_.upstream_api_key_env.empty()) {
    const char* k = getenv(config_.upstream_api_key_env.c_str());
    if (k) net::AddBearer(&up.headers, k);
  }
  up.timeout_seconds = config_.upstream_timeout_seconds;
  up.max_body_bytes = kMaxModelsBody;
  auto resp = net::Fetch(up);
  if (!resp.ok()) {
    return ErrorResponse(502, UpstreamFailure(resp.status()), "upstream_error");
  }
  json body = ParseUntrustedJson(resp->body);
  if (!body.is_object()) {
    return ErrorResponse(502,
                         "upstream model answered " + req.path + " with HTTP " +
                             std::to_string(resp->status) + " and a body that is not a JSON object",
                         "upstream_error");
  }
  if (resp->status < 200 || resp->status > 599 || (resp->status >= 300 && resp->status < 400)) {
    return ErrorResponse(
        502, "upstream model answered " + req.path + " with HTTP " + std::to_string(resp->status),
        "upstream_error");
  }
  // Its tokens are checked as one text; when the gate flags it, each key and
  // string is checked alone and the flagged ones are removed (with their
  // values). A judge failure is a 503, as for an answer.
  std::vector<std::string> tokens;
  openai::DropNonTokens(&body, &tokens);
  std::string text;
  for (const auto& t : tokens) text += (text.empty() ? "" : "\n") + t;
  auto a = gate_.Check(text);
  bool judge_failed = !a.ok();
  if (a.ok() && a->flagged) {
    metrics_->CountEvent("upstream_tokens_flagged");
    openai::DropStrings(&body, [&](const std::string& s, bool) {
      auto one = gate_.Check(s);
      judge_failed = judge_failed || !one.ok();
      return !one.ok() || one->flagged;
    });
  }
  if (judge_failed) {
    return ErrorResponse(503, "a judge failed: the model list was not checked, so not sent",
                         "judge_error");
  }
  return Json(static_cast<int>(resp->status), body);
}

// Stores an answer's outcome through the group committer; a failure is
// counted in /metrics.
Status Service::StoreOutcome(const std::string& user, mod::Message* msg,
                             const std::string& reason) {
  std::vector<mod::Message> out = {*msg};
  Status s = writer_->Run(
      [&](store::Database& db) { return mod::AppendMessages(db, &out, user, true, reason); });
  if (!s.ok()) {
    metrics_->CountEvent("store_error");
    return s;
  }
  *msg = out[0];
  return OkStatus();
}

std::string Service::UpstreamFailure(const Status& s) {
  fprintf(stderr, "safegate serve: upstream model: %s\n", s.ToString().c_str());
  switch (s.code()) {
    case StatusCode::kDeadlineExceeded: return "upstream model: timed out";
    case StatusCode::kDataLoss: return "upstream model: answer too large";
    case StatusCode::kInvalidArgument: return "upstream model: the request could not be sent";
    default: break;
  }
  return "upstream model: no answer (connection failed or the reply was not valid HTTP)";
}

// An upstream error is not relayed verbatim: the client gets the status and
// the upstream's error message only when the gate passes it.
HttpResponse Service::UpstreamError(long status, const std::string& body, const ChatRequest& chat) {
  std::string message = "upstream model answered HTTP " + std::to_string(status);
  json j = ParseUntrustedJson(body);
  if (j.is_object() && j.contains("error") && j["error"].is_object() &&
      j["error"].contains("message") && j["error"]["message"].is_string()) {
    std::string m = j["error"]["message"];
    if (m.size() > 1000) m.resize(1000);
    auto a = Check(m, chat.last_user_text);
    if (a.ok() && !a->flagged) message += ": " + m;
  }
  return ErrorResponse(status >= 400 && status < 600 ? static_cast<int>(status) : 502, message,
                       "upstream_error");
}

// The text a client received of a checked completion: each choice's
// message content (choices after the first prefixed with their index).
std::string Service::DeliveredText(const json& body) {
  std::string out;
  if (!body.contains("choices") || !body["choices"].is_array()) return out;
  size_t i = 0;
  for (const auto& c : body["choices"]) {
    std::string t;
    if (c.is_object() && c.contains("message") && c["message"].is_object() &&
        c["message"].contains("content")) {
      t = openai::ContentText(c["message"]["content"]);
    }
    if (i++ > 0) out += "\n[choice " + std::to_string(i - 1) + "] ";
    out += t;
  }
  return out;
}

// A whole (non-streamed) completion: every choice and text field checked,
// flagged choices blocked or masked, the exchange stored.
HttpResponse Service::CompleteAnswer(const std::string& raw, const ChatRequest& chat,
                                     const std::string& user, const std::string& conv,
                                     mod::Message out_msg, const json& strikes) {
  json body = ParseUntrustedJson(raw);
  // Only what the gate reads is relayed; the tokens it does not read as text
  // (ids, the model, a finish_reason, keys) are checked with the answer.
  std::vector<std::string> tokens;
  openai::DropUnreadKeys(&body, &tokens);
  auto choices = GateChoices(body);
  if (!choices.ok()) {
    // JSON is UTF-8: say so rather than "without choices" when that is why
    // the body did not parse.
    if (size_t bad = text::FirstInvalid(raw); body.is_discarded() && bad != std::string::npos) {
      return ErrorResponse(
          502,
          "upstream model's answer is not valid UTF-8 (byte offset " + std::to_string(bad) + ")",
          "upstream_error");
    }
    return ErrorResponse(502, "upstream model answered without choices", "upstream_error");
  }
  // An id or model the upstream sent that was not a token was removed: the
  // client still gets both (the model it asked for).
  if (!body.contains("id") || !body["id"].is_string())
    body["id"] = "chatcmpl-sg-" + std::to_string(UnixSeconds());
  if (!body.contains("model") || !body["model"].is_string()) body["model"] = chat.model;
  choices->push_back(TokensChoice(tokens));
  mod::OutputVerdict ov = gate_.CheckOutput(*choices, chat.last_user_text);
  for (const auto& c : ov.choices) {
    if (c.judge_failed) {
      return ErrorResponse(503, "a judge failed: the answer was not checked, so not sent",
                           "judge_error");
    }
  }
  mod::OutputVerdict::Choice flagged_tokens = std::move(ov.choices.back());
  ov.choices.pop_back();
  if (flagged_tokens.flagged) {
    metrics_->CountEvent("upstream_tokens_flagged");
    BlockForTokens(flagged_tokens, gate_.options().blocked_message, chat.model, &ov, &body);
  } else {
    ov.flagged = false;
    for (const auto& c : ov.choices) ov.flagged = ov.flagged || c.flagged;
  }
  std::string action = "none";
  if (ov.flagged) {
    mod::Assessment all;
    for (const auto& c : ov.choices) {
      if (!c.flagged) continue;
      CountFlags("output", c.assessment);
      if (!out_msg.original.empty()) out_msg.original += "\n";
      if (ov.choices.size() > 1) out_msg.original += "[choice " + std::to_string(c.index) + "] ";
      out_msg.original += c.original;
    }
    if (flagged_tokens.flagged)
      out_msg.original += "\n[upstream tokens] " + flagged_tokens.original;
    out_msg.categories = DumpJson(json(ov.FlaggedCategories()));
    bool replaced = config_.output_action == "replace";
    for (const auto& c : ov.choices) replaced = replaced && (!c.flagged || !c.blocked);
    out_msg.status = replaced ? "replaced" : "blocked";
    action = replaced ? "output_replaced" : "output_blocked";
    metrics_->CountEvent(action);
  }
  ApplyOutputVerdict(ov, &body);
  out_msg.content = DeliveredText(body);
  out_msg.created_at = UnixSeconds();
  // The outcome is stored (group commit) before the answer is sent.
  Status s = StoreOutcome(user, &out_msg, "answer flagged");
  if (!s.ok()) return FromStatus(s);
  body["safegate"] = {{"action", action},
                      {"categories", ov.FlaggedCategories()},
                      {"conversation_id", conv},
                      {"message_id", out_msg.id},
                      {"strikes", strikes}};
  return Json(200, body);
}

}  // namespace safegate::server
