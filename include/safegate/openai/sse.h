// An incremental reader of a text/event-stream body, the framing of streamed
// OpenAI-compatible answers. One reader for every part that reads streams:
// the chat proxy (apps/server/chat_stream.cc) and the answer parser of
// openai/chat.h (eval targets, LLM judges).
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace safegate::openai {

// The WHATWG rules that matter here: lines end with LF, CRLF or CR; "data:"
// lines of one event are joined with LF; "event:", "id:", "retry:" and comment
// lines are read and dropped; a blank line ends an event. Feed() may be called
// with any cut of the bytes; each complete event's data goes to the callback
// (false stops). A line longer than `max_line` bytes is an error (the stream
// is then cut). Finish() ends the body: a last event not followed by a blank
// line is delivered then (a body that simply stops after "data: ...\n").
class SseReader {
 public:
  explicit SseReader(size_t max_line = 8u << 20) : max_line_(max_line) {}
  // Returns false when the callback asked to stop or a line was too long.
  template <typename F>
  bool Feed(std::string_view bytes, F&& on_event);
  // The end of the body: an unterminated last line is read, and a pending
  // event is delivered. Returns false when the callback asked to stop.
  template <typename F>
  bool Finish(F&& on_event);
  bool too_long() const { return too_long_; }

 private:
  void Line(std::string_view line, bool* event_done);
  template <typename F>
  bool Deliver(F&& on_event);
  size_t max_line_;
  std::string line_;
  std::string data_;
  bool have_data_ = false;
  bool last_cr_ = false;
  bool too_long_ = false;
};

// True when the first non-blank line of `head` looks like an event stream
// (a "data:", "event:", "id:" or "retry:" field, or a ":" comment).
bool LooksLikeEventStream(std::string_view head);

template <typename F>
bool SseReader::Deliver(F&& on_event) {
  if (!have_data_) return true;
  std::string data = std::move(data_);
  data_.clear();
  have_data_ = false;
  return on_event(std::string_view(data));
}

template <typename F>
bool SseReader::Feed(std::string_view bytes, F&& on_event) {
  for (char c : bytes) {
    if (last_cr_ && c == '\n') {  // the LF of a CRLF
      last_cr_ = false;
      continue;
    }
    last_cr_ = c == '\r';
    if (c != '\n' && c != '\r') {
      if (line_.size() >= max_line_) {
        too_long_ = true;
        return false;
      }
      line_ += c;
      continue;
    }
    bool event_done = false;
    Line(line_, &event_done);
    line_.clear();
    if (event_done && !Deliver(on_event)) return false;
  }
  return true;
}

template <typename F>
bool SseReader::Finish(F&& on_event) {
  if (!line_.empty()) {
    bool event_done = false;
    Line(line_, &event_done);
    line_.clear();
  }
  return Deliver(on_event);
}

}  // namespace safegate::openai
