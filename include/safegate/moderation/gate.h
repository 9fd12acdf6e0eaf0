// The moderation gate of a chat service: what `safegate serve` decides about
// a chat request before it reaches the model and about every answer before it
// reaches the client. No HTTP here: the server turns the wire format into the
// plain structs below and the Gate's verdicts back into responses.
//
// The rule the gate keeps is "nothing unchecked passes":
//
//   * Input. Every text the model will read is checked: every message of
//     every role (system, developer, user, assistant, tool, function), every
//     text part of a message (the parts joined without a separator, the way
//     the model reads them, so a phrase split across parts is one phrase),
//     the arguments of tool calls the client wrote into assistant turns, and
//     the descriptions of the tools offered. Any flagged text blocks the
//     request. Strikes (ModerationStore's RecordInput) are decided by the
//     latest user turn alone: a client that resends a flagged history is
//     blocked again but is not struck again for it.
//   * Output. Every choice of a completion, and every text field of it that
//     the client receives (content, reasoning_content, refusal, tool-call
//     arguments), is checked on its own; a flagged choice is blocked (its
//     texts replaced by the policy message) or masked (the flagged spans
//     replaced, and the masked text checked again until it is clean; a
//     choice that does not come clean is blocked), the other choices pass.
//   * Streams. A StreamGuard is fed the deltas of each channel (a choice index
//     and a field) and says when what was fed may be delivered. Nothing is
//     delivered before it was checked: with `stream_check_bytes` = N > 0 the
//     server holds events back until N unchecked bytes have arrived (or the
//     stream ends), then checks them. Each check looks only at the new bytes
//     plus a look-behind window of `stream_window_bytes` before them (so a
//     stream costs O(length x window / N) instead of O(length^2)); at the end
//     of the stream every channel is checked once whole, which also catches
//     a keyword spread over more than the window (too late to cut it, but the
//     answer is then recorded as cut and queued for review).
//   * Judges that fail. A judge error blocks (input), withholds (output) or
//     cuts (stream) unless `fail_open` is set.
//
// A Gate is immutable after construction and thread-safe; a StreamGuard
// belongs to one stream (one thread).
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "safegate/base/status.h"
#include "safegate/moderation/moderator.h"
#include "safegate/moderation/strikes.h"
#include "safegate/policy/profile.h"

namespace safegate::moderation {

// The strike rule of a service: the profile's strikes.consecutive and
// strikes.per_day unless the service config overrides them (an override < 0
// means "the profile's"). The one place that combines the two.
StrikeRule ResolveStrikeRule(const policy::Profile& profile, int64_t consecutive_override,
                             int64_t per_day_override, int64_t suspend_seconds);

// One text of a chat request that the model will read.
struct InputText {
  // The message's role, "tools" for tool descriptions, or "request" for any
  // other field of the request (where: its key).
  std::string role;
  std::string where;  // "messages[2].content", "tools[0].function.description", ...
  std::string text;
  // The text of the last message with role "user" (also its text parts
  // joined by line breaks, when that reads differently).
  bool latest_user = false;
};

// The texts of one choice of a completion (or of a stream's channel).
struct OutputField {
  std::string name;  // "content", "reasoning_content", "refusal", "tool_calls[0].arguments"
  std::string text;
};
struct OutputChoice {
  int64_t index = 0;
  std::vector<OutputField> fields;
};

struct GateOptions {
  bool fail_open = false;                 // a judge error lets text through
  std::string output_action = "block";    // "block" or "replace" (mask the flagged spans)
  std::string replacement = "[removed]";  // what "replace" puts in place of a span
  std::string blocked_message;            // what "block" puts in place of a choice's text
  int64_t stream_check_bytes = 0;         // 0: check every event before it is sent
  int64_t stream_window_bytes = 4096;     // look-behind of incremental stream checks
  // Called on every judge failure (before fail_open decides), e.g. to count
  // it; must be thread-safe.
  std::function<void()> on_judge_error;
};

struct InputVerdict {
  bool flagged = false;              // the request must not reach the model
  bool latest_user_flagged = false;  // decides the strike
  bool judge_failed = false;         // flagged because a judge failed (fail closed)
  std::string flagged_where;         // the first flagged text's location
  std::string flagged_text;          // ... and its text (for the review queue)
  Assessment assessment;             // merged over every flagged text
};

struct OutputVerdict {
  struct Choice {
    int64_t index = 0;
    bool flagged = false;
    bool judge_failed = false;
    Assessment assessment;
    std::string original;  // the choice's texts as written (fields joined by "\n")
    // For a flagged choice, what the client receives instead: when `blocked`,
    // the whole message is replaced by {"content": delivered[0].text} (no
    // tool calls, no other field); otherwise each field, spans masked.
    bool blocked = false;
    std::vector<OutputField> delivered;
  };
  std::vector<Choice> choices;  // parallel to the input choices
  bool flagged = false;         // any choice flagged
  // Every flagged category of every choice, in first-seen order.
  std::vector<std::string> FlaggedCategories() const;
};

class Gate {
 public:
  Gate(Moderator moderator, GateOptions options);

  // Checks every text of a request (see the file comment). Never an error: a
  // judge that fails makes the verdict flagged with judge_failed set (unless
  // fail_open), so a caller cannot forget to fail closed.
  InputVerdict CheckInput(const std::vector<InputText>& texts) const;

  // Checks every choice of a complete answer; `prompt` is the latest user
  // turn. A choice whose judges failed is flagged (judge_failed), as above.
  OutputVerdict CheckOutput(const std::vector<OutputChoice>& choices,
                            std::string_view prompt) const;

  // Runs the judges on one text: an error only when a judge failed and
  // fail_open is not set (with fail_open a failed check is clean). A clean
  // text with HTML character references or markup ("b&#111;mb",
  // "pi<b></b>pe", "pi**pe**", which a chat page renders as "bomb", "pipe")
  // is checked once more as rendered (text::RenderMarkup, text/html.h); a
  // hit there is the verdict, its spans mapped back to the text as written
  // (so replace mode masks what was written). Text without & < * _ ~ `
  // is checked once.
  Result<Assessment> Check(std::string_view text, std::string_view prompt = {}) const;

  // Masks the evidence spans of `text` with options().replacement.
  std::string Mask(std::string_view text, std::vector<judge::Evidence> evidence) const;

  // What `replace` delivers of a flagged text: its evidence masked, then the
  // masked text checked again and masked again until it is clean, at most
  // kMaskRounds checks. A judge may name only the first hit of a keyword
  // ("pipe bomb ... pipe bomb": the second stayed readable) or no span at all
  // (a classifier), so a mask is never taken as clean unchecked. Nothing when
  // the text is still flagged after those rounds or nothing is left to mask
  // (the caller blocks the choice); an error when a judge failed.
  static constexpr int kMaskRounds = 8;
  Result<std::optional<std::string>> MaskUntilClean(std::string_view text,
                                                    std::vector<judge::Evidence> evidence,
                                                    std::string_view prompt) const;

  const Moderator& moderator() const { return moderator_; }
  const GateOptions& options() const { return options_; }

 private:
  Moderator moderator_;
  GateOptions options_;
};

// The incremental check of one streamed answer (see the file comment).
//
//   StreamGuard g(gate, prompt);
//   for each event: g.Feed(channel, delta) for each of its deltas, hold the
//     event; if (g.Due()) { auto v = g.Check(); v.cut ? stop : send held }
//   at the end:  auto v = g.Finish(); v.cut ? cut : send held, then [DONE]
class StreamGuard {
 public:
  struct Verdict {
    bool cut = false;           // stop the stream: flagged, or a judge failed
    bool judge_failed = false;  // the cut is a judge failure
    std::string channel;        // the channel that was cut ("0.content", ...)
    Assessment assessment;      // evidence offsets are into that channel's text
  };

  StreamGuard(const Gate& gate, std::string prompt);

  // Adds `delta` to the channel's text (a channel is a choice index and a
  // field, e.g. "1.content" or "0.tool_calls[2].arguments").
  void Feed(const std::string& channel, std::string_view delta);
  // True when what was fed must be checked before anything more is sent.
  bool Due() const;
  // Checks every channel's unchecked bytes (with the look-behind window).
  Verdict Check();
  // The end of the stream: Check() of the remainder, then each channel whole.
  Verdict Finish();

  // The caller has sent everything fed so far (after a Check() that did not
  // cut): Sent() of each channel becomes its length.
  void MarkSent();
  // Bytes of a channel's text that were sent (as of the last MarkSent()).
  size_t Sent(const std::string& channel) const;

  // A channel's whole text so far ("" when unknown).
  const std::string& Text(const std::string& channel) const;
  // Every channel's text, "index.field" -> text.
  const std::map<std::string, std::string>& channels() const { return channels_; }
  // Bytes handed to the judges so far (for tests: linear, not quadratic).
  uint64_t bytes_checked() const { return bytes_checked_; }
  // Channels visited by Check() and MarkSent() so far (for tests: those that
  // changed, not every channel on every event).
  uint64_t channel_visits() const { return channel_visits_; }

 private:
  Verdict CheckRange(const std::string& channel, size_t begin);

  const Gate& gate_;
  std::string prompt_;
  std::map<std::string, std::string> channels_;
  std::map<std::string, size_t> checked_;  // channel -> bytes checked
  std::map<std::string, size_t> sent_;     // channel -> bytes sent (MarkSent)
  // Channels fed since their last check / since the last MarkSent(): a check
  // and a MarkSent() cost what changed, not the number of channels (an
  // upstream can open a new channel with every event: a new key, an index).
  std::set<std::string> unchecked_channels_;
  std::set<std::string> unsent_channels_;
  int64_t unchecked_ = 0;
  uint64_t bytes_checked_ = 0;
  uint64_t channel_visits_ = 0;
};

}  // namespace safegate::moderation
