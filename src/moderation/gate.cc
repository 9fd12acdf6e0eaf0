#include "safegate/moderation/gate.h"

#include <algorithm>

#include "safegate/text/html.h"

namespace safegate::moderation {

namespace {

// Adds `from` to `into`: per category the higher score, flagged if either
// flagged; evidence appended with its offsets moved by `shift`.
void MergeInto(Assessment* into, const Assessment& from, size_t shift = 0) {
  for (const auto& c : from.categories) {
    auto it = std::find_if(into->categories.begin(), into->categories.end(),
                           [&](const judge::CategoryScore& s) { return s.category == c.category; });
    if (it == into->categories.end()) {
      into->categories.push_back(c);
    } else {
      it->score = std::max(it->score, c.score);
      it->flagged = it->flagged || c.flagged;
    }
  }
  for (auto e : from.evidence) {
    e.begin += shift;
    e.end += shift;
    into->evidence.push_back(std::move(e));
  }
  into->flagged = into->flagged || from.flagged;
}

bool IsUtf8Continuation(unsigned char c) {
  return (c & 0xC0) == 0x80;
}

bool IsAsciiBreak(unsigned char c) {
  return c == ' ' || c == '\n' || c == '\r' || c == '\t' || c == '.' || c == ',' || c == ';' ||
         c == '!' || c == '?';
}

}  // namespace

StrikeRule ResolveStrikeRule(const policy::Profile& profile, int64_t consecutive_override,
                             int64_t per_day_override, int64_t suspend_seconds) {
  StrikeRule rule = StrikeRuleFromProfile(profile, suspend_seconds);
  if (consecutive_override >= 0) rule.consecutive = consecutive_override;
  if (per_day_override >= 0) rule.per_day = per_day_override;
  return rule;
}

std::vector<std::string> OutputVerdict::FlaggedCategories() const {
  std::vector<std::string> out;
  for (const auto& c : choices) {
    for (const auto& id : c.assessment.FlaggedCategories()) {
      if (std::find(out.begin(), out.end(), id) == out.end()) out.push_back(id);
    }
  }
  return out;
}

Gate::Gate(Moderator moderator, GateOptions options)
    : moderator_(std::move(moderator)), options_(std::move(options)) {
  if (options_.stream_window_bytes < 0) options_.stream_window_bytes = 0;
  if (options_.stream_check_bytes < 0) options_.stream_check_bytes = 0;
}

Result<Assessment> Gate::Check(std::string_view text, std::string_view prompt) const {
  auto a = moderator_.Check(text, prompt);
  std::string decoded;
  std::vector<size_t> begin, end;
  // The rendered text (references decoded, tags, comments and Markdown
  // markers removed), only for a clean text that has such markup.
  if (a.ok() && !a->flagged && text::MayHaveMarkup(text) &&
      text::RenderMarkup(text, &decoded, &begin, &end)) {
    auto d = moderator_.Check(decoded, prompt);
    if (!d.ok() || d->flagged) {
      a = std::move(d);
      if (a.ok()) {
        for (auto& e : a->evidence) {
          size_t b = std::min<size_t>(e.begin, begin.size() - 1);
          size_t en = std::min<size_t>(e.end, end.size());
          e.begin = begin[b];
          e.end = en > 0 ? std::max(end[en - 1], e.begin) : e.begin;
        }
      }
    }
  }
  if (!a.ok() && options_.on_judge_error) options_.on_judge_error();
  if (!a.ok() && options_.fail_open) return Assessment{};
  return a;
}

InputVerdict Gate::CheckInput(const std::vector<InputText>& texts) const {
  InputVerdict v;
  std::string_view prompt;
  for (const auto& t : texts)
    if (t.latest_user) prompt = t.text;
  for (const auto& t : texts) {
    if (t.text.empty()) continue;
    auto a = Check(t.text, t.latest_user ? std::string_view() : prompt);
    bool flagged = !a.ok() || a->flagged;
    if (!a.ok()) v.judge_failed = true;
    if (a.ok()) MergeInto(&v.assessment, *a);
    if (!flagged) continue;
    if (!v.flagged) {
      v.flagged_where = t.where;
      v.flagged_text = t.text;
    }
    v.flagged = true;
    if (t.latest_user) v.latest_user_flagged = true;
  }
  if (v.flagged) v.assessment.flagged = true;
  return v;
}

std::string Gate::Mask(std::string_view text, std::vector<judge::Evidence> ev) const {
  std::sort(ev.begin(), ev.end(), [](const auto& a, const auto& b) { return a.begin < b.begin; });
  std::string out;
  size_t pos = 0;
  for (const auto& e : ev) {
    if (e.end <= pos || e.begin >= text.size()) continue;
    size_t b = std::max<size_t>(e.begin, pos), en = std::min<size_t>(e.end, text.size());
    out.append(text.substr(pos, b - pos));
    out += options_.replacement;
    pos = en;
  }
  out.append(text.substr(std::min(pos, text.size())));
  return out;
}

Result<std::optional<std::string>> Gate::MaskUntilClean(std::string_view text,
                                                        std::vector<judge::Evidence> evidence,
                                                        std::string_view prompt) const {
  std::string masked = Mask(text, std::move(evidence));
  for (int round = 0; round < kMaskRounds; ++round) {
    SAFEGATE_ASSIGN_OR_RETURN(Assessment again, Check(masked, prompt));
    if (!again.flagged) return std::optional<std::string>(std::move(masked));
    std::string next = Mask(masked, std::move(again.evidence));
    if (next == masked) break;  // flagged with nothing (more) to mask
    masked = std::move(next);
  }
  return std::optional<std::string>();
}

OutputVerdict Gate::CheckOutput(const std::vector<OutputChoice>& choices,
                                std::string_view prompt) const {
  OutputVerdict v;
  for (const auto& choice : choices) {
    OutputVerdict::Choice c;
    c.index = choice.index;
    std::vector<Assessment> per_field(choice.fields.size());
    for (size_t i = 0; i < choice.fields.size(); ++i) {
      const auto& f = choice.fields[i];
      if (!c.original.empty()) c.original += "\n";
      c.original += f.text;
      if (f.text.empty()) continue;
      auto a = Check(f.text, prompt);
      if (!a.ok()) {
        c.judge_failed = true;
        c.flagged = true;
        continue;
      }
      if (a->flagged) c.flagged = true;
      MergeInto(&c.assessment, *a);
      per_field[i] = std::move(*a);
    }
    if (c.flagged) {
      c.assessment.flagged = true;
      // A failed judge gives no spans to mask: the choice is blocked.
      c.blocked = options_.output_action != "replace" || c.judge_failed;
      for (size_t i = 0; i < choice.fields.size() && !c.blocked; ++i) {
        const auto& f = choice.fields[i];
        if (!per_field[i].flagged) {
          c.delivered.push_back({f.name, f.text});
          continue;
        }
        auto masked = MaskUntilClean(f.text, std::move(per_field[i].evidence), prompt);
        if (!masked.ok()) c.judge_failed = true;
        if (!masked.ok() || !masked->has_value()) {
          c.blocked = true;
          break;
        }
        c.delivered.push_back({f.name, std::move(**masked)});
      }
      if (c.blocked) c.delivered = {{"content", options_.blocked_message}};
      v.flagged = true;
    }
    v.choices.push_back(std::move(c));
  }
  return v;
}

StreamGuard::StreamGuard(const Gate& gate, std::string prompt)
    : gate_(gate), prompt_(std::move(prompt)) {}

void StreamGuard::Feed(const std::string& channel, std::string_view delta) {
  if (delta.empty()) return;
  channels_[channel].append(delta);
  unchecked_ += static_cast<int64_t>(delta.size());
  unchecked_channels_.insert(channel);
  unsent_channels_.insert(channel);
}

void StreamGuard::MarkSent() {
  channel_visits_ += unsent_channels_.size();
  for (const auto& channel : unsent_channels_) sent_[channel] = channels_[channel].size();
  unsent_channels_.clear();
}

size_t StreamGuard::Sent(const std::string& channel) const {
  auto it = sent_.find(channel);
  return it == sent_.end() ? 0 : it->second;
}

bool StreamGuard::Due() const {
  return unchecked_ > 0 && unchecked_ >= gate_.options().stream_check_bytes;
}

const std::string& StreamGuard::Text(const std::string& channel) const {
  static const std::string empty;
  auto it = channels_.find(channel);
  return it == channels_.end() ? empty : it->second;
}

StreamGuard::Verdict StreamGuard::CheckRange(const std::string& channel, size_t begin) {
  Verdict v;
  const std::string& text = channels_[channel];
  // Start on a character boundary, and where possible just after a break
  // (space or ASCII punctuation) so the window does not begin inside a word
  // (which could look like a word boundary to a whole-word keyword). The
  // search for a break goes back at most 256 more bytes.
  size_t limit = begin > 256 ? begin - 256 : 0;
  size_t b = begin;
  while (b > limit && !IsAsciiBreak(static_cast<unsigned char>(text[b - 1]))) --b;
  if (b > 0 && !IsAsciiBreak(static_cast<unsigned char>(text[b - 1]))) {
    b = begin;
    while (b > 0 && b < text.size() && IsUtf8Continuation(static_cast<unsigned char>(text[b]))) --b;
  }
  std::string_view window(text.data() + b, text.size() - b);
  bytes_checked_ += window.size();
  auto a = gate_.Check(window, prompt_);
  if (!a.ok()) {
    v.cut = true;
    v.judge_failed = true;
    v.channel = channel;
    return v;
  }
  if (a->flagged) {
    v.cut = true;
    v.channel = channel;
    MergeInto(&v.assessment, *a, b);
  }
  return v;
}

StreamGuard::Verdict StreamGuard::Check() {
  Verdict v;
  const size_t window = static_cast<size_t>(gate_.options().stream_window_bytes);
  for (const auto& channel : unchecked_channels_) {
    ++channel_visits_;
    const std::string& text = channels_[channel];
    size_t& done = checked_[channel];
    if (done >= text.size()) continue;
    size_t begin = done > window ? done - window : 0;
    v = CheckRange(channel, begin);
    done = text.size();
    if (v.cut) break;
  }
  unchecked_channels_.clear();
  unchecked_ = 0;
  return v;
}

StreamGuard::Verdict StreamGuard::Finish() {
  Verdict v = Check();
  if (v.cut) return v;
  const size_t window = static_cast<size_t>(gate_.options().stream_window_bytes);
  for (auto& [channel, text] : channels_) {
    // A channel no longer than the window was already checked whole.
    if (text.size() <= window) continue;
    v = CheckRange(channel, 0);
    if (v.cut) break;
  }
  return v;
}

}  // namespace safegate::moderation
